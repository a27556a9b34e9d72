import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

const apiTarget = process.env.VITE_API_PROXY_TARGET || 'http://127.0.0.1:8000'
const proxied = ['/api', '/v1', '/ping', '/docs', '/metrics', '/openapi.json']

export default defineConfig({
  plugins: [vue()],
  server: {
    proxy: Object.fromEntries(proxied.map((path) => [path, { target: apiTarget, changeOrigin: true }])),
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // naive-ui and echarts are large by nature; the UI is an admin tool served locally.
    chunkSizeWarningLimit: 2000,
  },
})
