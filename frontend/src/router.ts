import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { mustSignIn } from './api/session'

export const routes: RouteRecordRaw[] = [
  {
    path: '/',
    name: 'providers',
    component: () => import('./pages/providers/ProviderList.vue'),
    meta: { title: 'Providers' },
  },
  {
    path: '/routes',
    name: 'routes',
    component: () => import('./pages/routes/RouteList.vue'),
    meta: { title: 'Routes' },
  },
  {
    path: '/keys',
    name: 'keys',
    component: () => import('./pages/keys/KeyList.vue'),
    meta: { title: 'Client keys' },
  },
  {
    path: '/observability',
    name: 'observability',
    component: () => import('./pages/observability/Observability.vue'),
    meta: { title: 'Observability' },
  },
  {
    path: '/usage',
    name: 'usage',
    component: () => import('./pages/usage/Usage.vue'),
    meta: { title: 'Usage' },
  },
  {
    path: '/requests',
    name: 'requests',
    component: () => import('./pages/requests/Requests.vue'),
    meta: { title: 'Requests' },
  },
  {
    path: '/playground',
    name: 'playground',
    component: () => import('./pages/playground/Playground.vue'),
    meta: { title: 'Playground' },
  },
  {
    path: '/backup',
    name: 'backup',
    component: () => import('./pages/backup/Backup.vue'),
    meta: { title: 'Backup' },
  },
  {
    path: '/sign-in',
    name: 'sign-in',
    component: () => import('./pages/auth/SignIn.vue'),
    meta: { title: 'Sign in', bare: true },
  },
  { path: '/:pathMatch(.*)*', redirect: '/' },
]

export function createAppRouter() {
  const router = createRouter({ history: createWebHistory(), routes })
  // Without a token where one is needed, straight to sign-in: asking /api first would only earn a 401.
  router.beforeEach(async (to) => {
    if (to.name === 'sign-in' || !(await mustSignIn())) return true
    return { name: 'sign-in', query: { redirect: to.fullPath } }
  })
  router.afterEach((to) => {
    const title = typeof to.meta.title === 'string' ? to.meta.title : ''
    document.title = title ? `${title} · Switchboard` : 'Switchboard'
  })
  return router
}
