import type { LookupAddress } from 'node:dns'
import { request } from 'undici'
import { describe, expect, it, onTestFinished } from 'vitest'
import { fakeUpstream, json } from '../../../test/fake-upstream.js'
import { createUpstreamAgent, type Resolver } from './upstream-agent.js'

/** A resolver that answers fixed addresses per host name, like a hostile DNS record would. */
function resolverOf(records: Record<string, string[]>): Resolver {
  return (hostname, _options, callback) => {
    const addresses = records[hostname]
    if (!addresses) return callback(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }), [])
    callback(
      null,
      addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 })),
    )
  }
}

describe('the upstream agent', () => {
  it('refuses at connect time a host name that resolves to a metadata or link-local address', async () => {
    const fake = await fakeUpstream(json(200, { ok: true }))
    const port = new URL(fake.url).port
    const agent = createUpstreamAgent({
      connectTimeoutMs: 2000,
      resolve: resolverOf({
        'models.example.test': ['127.0.0.1'],
        'evil.example.test': ['169.254.169.254'],
        'mixed.example.test': ['127.0.0.1', 'fd00:ec2::254'],
        'mapped.example.test': ['::ffff:169.254.169.254'],
        'compatible.example.test': ['::a9fe:a9fe'],
        'nat64.example.test': ['64:ff9b::a9fe:a9fe'],
        'translated.example.test': ['::ffff:0:a9fe:a9fe'],
        'sixtofour.example.test': ['2002:a9fe:a9fe::1'],
      }),
    })
    onTestFinished(() => agent.close())

    const allowed = await request(`http://models.example.test:${port}/v1/models`, { dispatcher: agent })
    expect(allowed.statusCode).toBe(200)
    await allowed.body.dump()

    const hosts = [
      'evil.example.test',
      'mixed.example.test',
      'mapped.example.test',
      'compatible.example.test',
      'nat64.example.test',
      'translated.example.test',
      'sixtofour.example.test',
    ]
    for (const host of hosts) {
      await expect(request(`http://${host}:${port}/v1/models`, { dispatcher: agent }), host).rejects.toThrow(
        /resolves to a link-local or cloud metadata address/,
      )
    }
    expect(fake.requests).toHaveLength(1)
  })

  it('refuses at connect time an address literal that leads to a metadata address (no lookup happens)', async () => {
    const resolved: string[] = []
    const agent = createUpstreamAgent({
      connectTimeoutMs: 500,
      resolve: (hostname, _options, callback) => {
        resolved.push(hostname)
        callback(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }), [])
      },
    })
    onTestFinished(() => agent.close())
    for (const host of ['169.254.169.254', '[::ffff:a9fe:a9fe]', '[::a9fe:a9fe]', '[64:ff9b::a9fe:a9fe]']) {
      await expect(request(`http://${host}/latest/meta-data`, { dispatcher: agent }), host).rejects.toThrow(
        /link-local or cloud metadata address/,
      )
    }
    expect(resolved).toEqual([])
  })
})
