import { createApp } from 'vue'
import App from './App.vue'
import { setUnauthorizedHandler } from './api/client'
import { createAppRouter } from './router'

const router = createAppRouter()

setUnauthorizedHandler(() => {
  const current = router.currentRoute.value
  if (current.name === 'sign-in') return
  void router.push({ name: 'sign-in', query: { redirect: current.fullPath } })
})

createApp(App).use(router).mount('#app')
