import type { NewRequestRow } from '../src/db/requests.repo.js'

/** A request log record as the writer inserts it: request `r<n>` at `at`, a plain 200 unless overridden. */
export function requestRow(at: string, n: number, overrides: Partial<NewRequestRow> = {}): NewRequestRow {
  return {
    at,
    request_id: `r${n}`,
    key_id: null,
    endpoint: 'chat/completions',
    route: null,
    model: 'm',
    provider_id: 1,
    provider: 'p',
    served_model: 'm',
    stream: 0,
    status: 200,
    error_code: null,
    attempts: '[]',
    latency_ms: 10,
    ttft_ms: null,
    overhead_ms: 1,
    input_tokens: 1,
    output_tokens: 1,
    cached_input_tokens: null,
    reasoning_tokens: null,
    cost: null,
    ...overrides,
  }
}
