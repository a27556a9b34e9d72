import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { Agent } from 'undici'
import { afterAll, describe, expect, it, onTestFinished } from 'vitest'
import { closedPortUrl, fakeUpstream, hang, json, reset } from '../../../test/fake-upstream.js'
import { createUpstreamAgent, ForbiddenAddressError } from '../gateway/upstream-agent.js'
import { probe } from './probe.js'

const KEY = 'sk-probe-secret-0123456789'
const agent = createUpstreamAgent({ connectTimeoutMs: 5000 })
afterAll(() => agent.close())

const target = (base_url: string, api_key: string | null = KEY, health_check_path = '/models') => ({
  base_url,
  api_key,
  health_check_path,
})

// Throwaway test certificates: a CA, and a leaf for localhost/127.0.0.1 it signed that expired in 2020.
const TEST_CA = `-----BEGIN CERTIFICATE-----
MIIBdjCCAR2gAwIBAgIUJ6CeXt3hVBylE81CRSydpWMYJQswCgYIKoZIzj0EAwIw
ETEPMA0GA1UEAwwGVGVzdENBMB4XDTI2MTEyNzAxMDQxOFoXDTM2MTEyNDAxMDQx
OFowETEPMA0GA1UEAwwGVGVzdENBMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE
U/2vg8cMr2hrBvE8VkD8bHjKMvrrKaSpURRWBrtChYkzNgv5UiA5PYbkHIpjJay9
DsbfrGwFjKakmDGJ4JE85KNTMFEwHQYDVR0OBBYEFFtFTzvsBUmopoBrGlTX7pjl
sVYsMB8GA1UdIwQYMBaAFFtFTzvsBUmopoBrGlTX7pjlsVYsMA8GA1UdEwEB/wQF
MAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgLpBiuERt2HOLkQyi0IwtO8YHAdwTrTic
fyPejcqJTdwCIC9hSGFRst4PfPHgbduo5FAZUeJCFfqL6VU8z7BpX++p
-----END CERTIFICATE-----`
const EXPIRED_CERT = `-----BEGIN CERTIFICATE-----
MIIBcjCCARigAwIBAgIBATAKBggqhkjOPQQDAjARMQ8wDQYDVQQDDAZUZXN0Q0Ew
HhcNMjAwMTAxMDAwMDAwWhcNMjAwMjAxMDAwMDAwWjAUMRIwEAYDVQQDDAlsb2Nh
bGhvc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAT66Pakzvka+FgCjp5+6A4H
62dNbCSguB2MxJVVtxKmMmI9x6cLRTJUdHBeT26t3z9a14Kt7Su516zm+3/ohvtn
o14wXDAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwHQYDVR0OBBYEFAsxGT6k
TYdiliZ/Ewrqs/yiohx1MB8GA1UdIwQYMBaAFFtFTzvsBUmopoBrGlTX7pjlsVYs
MAoGCCqGSM49BAMCA0gAMEUCIDzV1z3AonqgM4t/+kAYq3CC0YyLLClSFINeYewA
mS2dAiEA3QvRaEp4PqBwxHW5rMLPOr8cO/h1fqWNEdfPEHgdFy0=
-----END CERTIFICATE-----`
const EXPIRED_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg8WPuhUX8ECUpEsCH
OZDu071cA3d6Wkr76ZSkCjiflzChRANCAAT66Pakzvka+FgCjp5+6A4H62dNbCSg
uB2MxJVVtxKmMmI9x6cLRTJUdHBeT26t3z9a14Kt7Su516zm+3/ohvtn
-----END PRIVATE KEY-----`

async function expiredTlsServer(): Promise<string> {
  const server = createHttpsServer({ key: EXPIRED_KEY, cert: EXPIRED_CERT }, (_req, res) => res.end('{}'))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe('probe', () => {
  it('calls a 2xx online, sends the key as a bearer token and probes health_check_path', async () => {
    const fake = await fakeUpstream(json(200, { data: [{ id: 'm' }] }))
    const result = await probe(target(`${fake.url}/v1`), 2000, agent)
    expect(result).toMatchObject({ status: 'online', status_code: 200, detail: null })
    expect(result.latency_ms).toBeGreaterThanOrEqual(0)
    expect(fake.requests[0]).toMatchObject({ method: 'GET', url: '/v1/models' })
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`)
  })

  it('sends no Authorization header for a provider without a key', async () => {
    const fake = await fakeUpstream(json(204, {}))
    const result = await probe(target(fake.url, null, '/health'), 2000, agent)
    expect(result.status).toBe('online')
    expect(fake.requests[0]?.url).toBe('/health')
    expect(fake.requests[0]?.headers.authorization).toBeUndefined()
  })

  it('reads a 200-model list quickly and reuses the connection', async () => {
    const models = Array.from({ length: 200 }, (_, i) => ({
      id: `model-${i}`,
      object: 'model',
      owned_by: 'x',
    }))
    const fake = await fakeUpstream(json(200, { object: 'list', data: models }))
    for (let i = 0; i < 3; i++) expect((await probe(target(fake.url), 2000, agent)).status).toBe('online')
    expect(fake.requests).toHaveLength(3)
  })

  it('calls a 401 degraded with an actionable detail and scrubs an echoed key', async () => {
    const fake = await fakeUpstream(
      json(401, { error: { message: `Incorrect API key provided: ${KEY}`, code: 'invalid_api_key' } }),
    )
    const result = await probe(target(fake.url), 2000, agent)
    expect(result).toMatchObject({ status: 'degraded', status_code: 401 })
    expect(result.detail).toContain('HTTP 401 from upstream')
    expect(result.detail).toContain('check the API key')
    expect(result.detail).not.toContain(KEY)
  })

  it('calls a 5xx degraded', async () => {
    const fake = await fakeUpstream(json(503, { error: { message: 'overloaded' } }))
    const result = await probe(target(fake.url), 2000, agent)
    expect(result).toMatchObject({
      status: 'degraded',
      status_code: 503,
      detail: 'HTTP 503 from upstream: overloaded',
    })
  })

  it('calls a redirect degraded and does not follow it', async () => {
    const fake = await fakeUpstream(json(302, {}, { location: 'http://169.254.169.254/latest' }))
    const result = await probe(target(fake.url), 2000, agent)
    expect(result).toMatchObject({ status: 'degraded', status_code: 302 })
    expect(result.detail).toContain('not followed')
    expect(fake.requests).toHaveLength(1)
  })

  it('calls a hanging upstream a timeout after about the timeout', async () => {
    const fake = await fakeUpstream(hang)
    const started = Date.now()
    const result = await probe(target(fake.url), 200, agent)
    const took = Date.now() - started
    expect(result).toMatchObject({ status: 'timeout', status_code: null, detail: 'no answer within 0.20 s' })
    expect(took).toBeGreaterThanOrEqual(190)
    expect(took).toBeLessThan(200 * 10)
  })

  it('calls a closed port unreachable: connection refused', async () => {
    const url = await closedPortUrl()
    const result = await probe(target(url), 2000, agent)
    expect(result).toMatchObject({ status: 'unreachable', status_code: null })
    expect(result.detail).toMatch(/^connection refused by 127\.0\.0\.1:\d+$/)
  })

  it('calls an unknown host unreachable: DNS lookup failed', async () => {
    const result = await probe(target('http://no-such-host.invalid'), 2000, agent)
    expect(result).toMatchObject({
      status: 'unreachable',
      detail: 'DNS lookup failed for no-such-host.invalid',
    })
  })

  it('calls a reset before any answer an error (the host was reached)', async () => {
    const fake = await fakeUpstream(reset)
    const result = await probe(target(fake.url), 2000, agent)
    expect(result.status).toBe('error')
    expect(result.detail).toContain('closed it without an answer')
  })

  it('calls an untrusted TLS certificate unreachable, and an expired one "TLS certificate expired"', async () => {
    const url = await expiredTlsServer()
    const untrusted = await probe(target(url), 2000, agent)
    expect(untrusted.status).toBe('unreachable')
    expect(untrusted.detail).toMatch(/TLS certificate/)
    const trusting = new Agent({ connect: { ca: TEST_CA } })
    onTestFinished(() => trusting.close())
    const expired = await probe(target(url), 2000, trusting)
    expect(expired).toMatchObject({ status: 'unreachable', detail: 'TLS certificate expired' })
  })

  it('calls a host the DNS guard refuses unreachable, naming why', async () => {
    const guarded = new Agent({
      connect: {
        lookup: (hostname, _options, callback) => callback(new ForbiddenAddressError(hostname), '', 4),
      },
    })
    onTestFinished(() => guarded.close())
    const result = await probe(target('http://metadata.example.test'), 2000, guarded)
    expect(result.status).toBe('unreachable')
    expect(result.detail).toContain('link-local or cloud metadata address')
  })

  it('throws instead of recording when the caller aborts', async () => {
    const fake = await fakeUpstream(hang)
    const controller = new AbortController()
    const pending = probe(target(fake.url), 5000, agent, controller.signal)
    setTimeout(() => controller.abort(), 20)
    await expect(pending).rejects.toThrow('probe aborted')
  })
})
