import { describe, expect, it } from 'vitest'
import { affinityConfig, affinityDraft, describeAffinityChoice, SESSION_SOURCES } from './affinity'

describe('affinity settings in the route editor', () => {
  it('starts off, with every session source in the backend order', () => {
    expect(affinityDraft(undefined)).toEqual({
      enabled: false,
      sources: [...SESSION_SOURCES],
      hashMessages: false,
    })
    expect(affinityDraft({ config: {} }).enabled).toBe(false)
  })

  it('reads a stored setting, dropping sources it does not know', () => {
    const route = {
      config: {
        affinity: { enabled: true, sources: ['user', 'cookie', 'x-session-id'], hash_messages: true },
      },
    }
    expect(affinityDraft(route)).toEqual({
      enabled: true,
      sources: ['user', 'x-session-id'],
      hashMessages: true,
    })
  })

  it('saves the setting when on and removes it when off', () => {
    expect(affinityConfig({ enabled: true, sources: ['user'], hashMessages: false })).toEqual({
      enabled: true,
      sources: ['user'],
      hash_messages: false,
    })
    expect(affinityConfig({ enabled: false, sources: ['user'], hashMessages: true })).toBeNull()
  })
})

describe('the dry run affinity sentence', () => {
  const name = (id: number) => `p${id}`
  it.each([
    [
      { session_source: null, bound_provider_id: null, choice: null },
      'No session in this request: the strategy chose.',
    ],
    [{ session_source: 'user', bound_provider_id: 2, choice: 'bound' }, 'The session is bound to p2.'],
    [
      { session_source: 'user', bound_provider_id: null, choice: 'hash' },
      "The session has no binding yet: the session's hash chose (the same on every replica).",
    ],
    [
      { session_source: 'x-session-id', bound_provider_id: 3, choice: 'strategy' },
      "The session's provider p3 is unavailable now: the strategy chose.",
    ],
  ])('%j → %s', (affinity, sentence) => {
    expect(describeAffinityChoice(affinity, name)).toBe(sentence)
  })
})
