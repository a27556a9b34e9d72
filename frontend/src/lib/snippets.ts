/** Ready-to-copy calls of the gateway (after creating a client key, and in the Playground). */

export interface SnippetInput {
  /** The gateway's base URL, e.g. https://switchboard.example.com/v1 */
  baseUrl: string
  key: string
  model: string
}

export type SnippetLanguage = 'curl' | 'python' | 'typescript'

/** A string literal for the language (JSON's rules hold for all three). */
function quoted(text: string): string {
  return JSON.stringify(text)
}

/** A single-quoted shell word: nothing inside is expanded. */
function shellWord(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`
}

export function snippet(language: SnippetLanguage, input: SnippetInput): string {
  const { baseUrl, key, model } = input
  switch (language) {
    case 'curl': {
      const body = JSON.stringify({ model, messages: [{ role: 'user', content: 'Say hello' }] })
      return [
        `curl -s ${shellWord(`${baseUrl}/chat/completions`)} \\`,
        `  -H ${shellWord(`Authorization: Bearer ${key}`)} \\`,
        `  -H 'Content-Type: application/json' \\`,
        `  -d ${shellWord(body)}`,
      ].join('\n')
    }
    case 'python':
      return [
        'from openai import OpenAI',
        '',
        `client = OpenAI(base_url=${quoted(baseUrl)}, api_key=${quoted(key)})`,
        'answer = client.chat.completions.create(',
        `    model=${quoted(model)},`,
        '    messages=[{"role": "user", "content": "Say hello"}],',
        ')',
        'print(answer.choices[0].message.content)',
      ].join('\n')
    case 'typescript':
      return [
        "import OpenAI from 'openai'",
        '',
        `const client = new OpenAI({ baseURL: ${quoted(baseUrl)}, apiKey: ${quoted(key)} })`,
        'const answer = await client.chat.completions.create({',
        `  model: ${quoted(model)},`,
        "  messages: [{ role: 'user', content: 'Say hello' }],",
        '})',
        'console.log(answer.choices[0]?.message.content)',
      ].join('\n')
  }
}

/** The gateway's base URL as this browser reaches the server. */
export function gatewayBaseUrl(origin = window.location.origin): string {
  return `${origin.replace(/\/+$/, '')}/v1`
}
