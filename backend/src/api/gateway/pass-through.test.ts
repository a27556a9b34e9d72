/**
 * The generic pass-through (issue 13 item 5): GET /v1/models/{id}, the JSON endpoints
 * (moderations, images, audio/speech with its binary answer, rerank) and the multipart
 * audio/transcriptions, through the official `openai` SDK and raw requests, with failover.
 */
import { APIError, toFile } from 'openai'
import { describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, rawPost, serverError, startGateway } from '../../../test/fake-openai.js'
import { fakeUpstream, type Handler, json } from '../../../test/fake-upstream.js'

/** 64 KB of bytes 0..255 repeated: an "mp3" that must arrive unchanged. */
const AUDIO = Buffer.from(Array.from({ length: 65536 }, (_, i) => i % 256))

const everything: Handler = (req, res, recorded) => {
  const url = req.url ?? ''
  const model = (recorded.json as { model?: string } | undefined)?.model
  if (url.endsWith('/audio/speech')) {
    res.writeHead(200, { 'content-type': 'audio/mpeg' })
    res.write(AUDIO.subarray(0, 30000))
    res.end(AUDIO.subarray(30000))
    return
  }
  if (url.endsWith('/moderations')) {
    return json(200, {
      id: 'modr-1',
      model,
      results: [{ flagged: false, categories: {}, category_scores: {} }],
    })(req, res, recorded)
  }
  if (url.endsWith('/images/generations')) {
    return json(200, { created: 1, data: [{ url: 'https://example.test/cat.png' }] })(req, res, recorded)
  }
  if (url.endsWith('/rerank')) {
    return json(200, {
      model,
      results: [
        { index: 1, relevance_score: 0.9 },
        { index: 0, relevance_score: 0.1 },
      ],
    })(req, res, recorded)
  }
  if (url.endsWith('/audio/transcriptions')) {
    const sent = /name="model"\r\n\r\n([^\r]*)\r\n/.exec(recorded.body)?.[1]
    return json(200, { text: `transcribed by ${sent}` })(req, res, recorded)
  }
  return json(404, { error: { message: 'no such endpoint', type: 'invalid_request_error' } })(
    req,
    res,
    recorded,
  )
}

async function gateway() {
  const gw = await startGateway()
  const broken = await fakeUpstream(serverError)
  await gw.addProvider(broken, { models: ['gpt-test', 'whisper-1'] })
  const fake = await fakeUpstream(everything)
  await gw.addProvider(fake, { name: 'the-good-one', models: ['gpt-test', 'whisper-1', 'org/model-x'] })
  return { gw, broken, fake }
}

describe('GET /v1/models/{id}', () => {
  it('answers one entry of /v1/models, ids with slashes included, and 404 otherwise', async () => {
    const { gw } = await gateway()
    const model = await gw.client.models.retrieve('gpt-test')
    expect(model).toMatchObject({ id: 'gpt-test', object: 'model' })
    const slashed = await gw.client.models.retrieve('org/model-x')
    expect(slashed).toMatchObject({ id: 'org/model-x', owned_by: 'the-good-one' })
    const error = await gw.client.models.retrieve('nobody-offers').catch((e) => e)
    expect(error).toBeInstanceOf(APIError)
    expect((error as APIError).status).toBe(404)
  })
})

describe('the JSON pass-through endpoints', () => {
  it('moderations and images go through with failover', async () => {
    const { gw, fake } = await gateway()
    const moderation = await gw.client.moderations.create({ model: 'gpt-test', input: 'hello' })
    expect(moderation.results[0]?.flagged).toBe(false)
    const image = await gw.client.images.generate({ model: 'gpt-test', prompt: 'a cat' })
    expect(image.data?.[0]?.url).toBe('https://example.test/cat.png')
    expect(fake.requests.map((r) => r.url)).toEqual(['/v1/moderations', '/v1/images/generations'])
  })

  it('audio/speech streams the binary answer back unchanged', async () => {
    const { gw } = await gateway()
    const speech = await gw.client.audio.speech.create({ model: 'gpt-test', voice: 'alloy', input: 'hi' })
    expect(speech.headers.get('content-type')).toBe('audio/mpeg')
    expect(Buffer.from(await speech.arrayBuffer()).equals(AUDIO)).toBe(true)
  })

  it('rerank (Cohere/Jina shape) goes through', async () => {
    const { gw, fake } = await gateway()
    const res = await rawPost(gw, '/rerank', { model: 'gpt-test', query: 'q', documents: ['a', 'b'] })
    expect(res.status).toBe(200)
    expect(JSON.parse(res.text).results[0]).toEqual({ index: 1, relevance_score: 0.9 })
    expect(fake.requests[0]?.json).toEqual({ model: 'gpt-test', query: 'q', documents: ['a', 'b'] })
  })
})

describe('multipart /v1/audio/transcriptions', () => {
  it('reads the model field and forwards the body byte for byte', async () => {
    const { gw, fake } = await gateway()
    const file = await toFile(AUDIO, 'speech.mp3', { type: 'audio/mpeg' })
    const result = await gw.client.audio.transcriptions.create({ model: 'whisper-1', file })
    expect(result.text).toBe('transcribed by whisper-1')
    const [sent] = fake.requests
    expect(sent?.url).toBe('/v1/audio/transcriptions')
    expect(String(sent?.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/)
    expect(sent?.body.length).toBeGreaterThan(AUDIO.length)
  })

  it('replaces only the model field when the route picks another model', async () => {
    const { gw, fake } = await gateway()
    const providers = (await gw.admin('GET', '/api/providers')).body as { id: number; name: string }[]
    const good = providers.find((p) => p.name === 'the-good-one')
    await gw.addRoute({
      name: 'speech-to-text',
      mode: 'auto',
      nodes: [{ api_id: good?.id, models: ['whisper-1'], strategy: 'failover' }],
    })
    const boundary = 'xyzBOUNDARY'
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nspeech-to-text\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.mp3"\r\nContent-Type: audio/mpeg\r\n\r\n`,
      ),
      AUDIO,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ])
    const res = await fetch(`${gw.baseURL}/audio/transcriptions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      body,
    })
    expect(await res.json()).toEqual({ text: 'transcribed by whisper-1' })
    expect(fake.requests[0]?.body).toContain('name="model"\r\n\r\nwhisper-1\r\n')
  })

  it('answers 400 when the form has no model field', async () => {
    const { gw } = await gateway()
    const res = await fetch(`${gw.baseURL}/audio/transcriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'multipart/form-data; boundary=b' },
      body: '--b\r\nContent-Disposition: form-data; name="file"\r\n\r\nx\r\n--b--\r\n',
    })
    expect(res.status).toBe(400)
    expect((await res.json()).error.code).toBe('model_required')
  })
})
