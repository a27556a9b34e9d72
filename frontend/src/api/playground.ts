import { request } from './client'
import type { PlaygroundModels } from './types'

export const playgroundApi = {
  models: () => request<PlaygroundModels>('/api/playground/models'),
  /** The Playground's calls stream, so they go through pages/playground/chat-call.ts, not `request`. */
  chatUrl: '/api/playground/chat/completions',
}
