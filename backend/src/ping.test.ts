import { describe, expect, it } from 'vitest'
import { buildTestApp } from '../test/helpers.js'

describe('/ping', () => {
  it('says the admin token is required when one is set, without asking for it', async () => {
    const { app } = await buildTestApp({ BACKEND_ADMIN_TOKEN: 'admin-token-123' })
    const res = await app.inject({ method: 'GET', url: '/ping' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ok', admin_token_required: true })
  })

  it('says no token is needed in development mode', async () => {
    const { app } = await buildTestApp()
    const res = await app.inject({ method: 'GET', url: '/ping' })
    expect(res.json()).toEqual({ status: 'ok', admin_token_required: false })
  })
})
