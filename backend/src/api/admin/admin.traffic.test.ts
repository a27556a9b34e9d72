/** /api/admin/stats keeps gateway traffic apart from the UI's own calls; /api/admin/stats/history. */
import { describe, expect, it } from 'vitest'
import { buildTestApp } from '../../../test/helpers.js'

const ADMIN = 'admin-token-traffic-1'
const admin = { authorization: `Bearer ${ADMIN}` }

describe('gateway and admin traffic in /api/admin/stats', () => {
  it("does not show the sign-in page's 401s as gateway errors", async () => {
    const { app } = await buildTestApp({ BACKEND_ADMIN_TOKEN: ADMIN })
    // what a fresh UI does before signing in: admin reads without the token
    for (let i = 0; i < 4; i++) await app.inject({ method: 'GET', url: '/api/providers' })
    const key = (
      await app.inject({ method: 'POST', url: '/api/keys', headers: admin, payload: { name: 'k' } })
    ).json().key as string
    await app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: `Bearer ${key}` } })

    const stats = (await app.inject({ method: 'GET', url: '/api/admin/stats', headers: admin })).json()
    expect(stats.gateway).toMatchObject({ total_requests: 1, total_errors: 0, error_rate: 0 })
    expect(stats.gateway.status_codes).toEqual({ '200': 1 })
    expect(stats.admin).toMatchObject({ total_requests: 5, total_errors: 4, error_rate: 80 })
    // the seed's totals stay: both together
    expect(stats).toMatchObject({ total_requests: 6, total_errors: 4 })
  })

  it('serves the per-minute history, 60 minutes by default, and refuses more than 24 h', async () => {
    const { app } = await buildTestApp()
    await app.inject({ method: 'GET', url: '/v1/models' })
    await app.inject({ method: 'GET', url: '/api/providers' })
    const res = await app.inject({ method: 'GET', url: '/api/admin/stats/history' })
    expect(res.statusCode).toBe(200)
    const history = res.json()
    expect(history.resolution_seconds).toBe(60)
    expect(history.points).toHaveLength(60)
    const sum = (kind: 'gateway' | 'admin') =>
      history.points.reduce(
        (n: number, p: Record<string, { requests: number }>) => n + (p[kind]?.requests ?? 0),
        0,
      )
    expect(sum('gateway')).toBe(1)
    expect(sum('admin')).toBe(1) // reading the history is not counted
    const day = await app.inject({ method: 'GET', url: '/api/admin/stats/history?minutes=1440' })
    expect(day.json().points).toHaveLength(1440)
    expect(
      (await app.inject({ method: 'GET', url: '/api/admin/stats/history?minutes=1441' })).statusCode,
    ).toBe(422)
  })
})
