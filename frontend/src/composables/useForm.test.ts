import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/client'
import { useForm } from './useForm'

function problem(status: number, errors: Array<{ field: string; message: string }>, detail = 'refused') {
  return new ApiError(status, { title: 'Unprocessable Entity', detail, errors }, 'x')
}

const fieldOf = (path: string) => (['name', 'base_url'] as const).find((f) => f === path.split('/')[0])

describe('useForm', () => {
  it('puts each server error beside its field and keeps the general alert for the rest', () => {
    const form = useForm({ fieldOf })
    form.fail(
      problem(422, [
        { field: 'base_url', message: 'must be http(s)' },
        { field: 'nodes/0', message: 'unknown provider' },
        { field: 'nodes/0', message: 'must be integer' },
      ]),
    )
    expect(form.fieldErrors.value).toEqual({ base_url: 'Must be http(s)' })
    expect(form.error.value).toBe('Refused.')
    // one finding per field: a validator repeats a field (required, then wrong type)
    expect(form.details.value).toEqual(['nodes/0: unknown provider'])
  })

  it('shows no general alert when every error found its field, unless the form asks for a note', () => {
    const quiet = useForm({ fieldOf })
    quiet.fail(problem(422, [{ field: 'name', message: 'too long' }]))
    expect(quiet.error.value).toBeNull()
    const noted = useForm({ fieldOf, placedNote: 'See below.' })
    noted.fail(problem(422, [{ field: 'name', message: 'too long' }]))
    expect(noted.error.value).toBe('See below.')
  })

  it('puts a conflict beside the field it names, in the server words or the fallback', () => {
    const form = useForm({ fieldOf, conflict: { field: 'name', fallback: 'That name is taken.' } })
    form.fail(new ApiError(409, { title: 'Conflict', detail: 'a provider named x exists' }, 'x'))
    expect(form.fieldErrors.value).toEqual({ name: 'A provider named x exists' })
    form.fail(new ApiError(409, { title: 'Conflict' }, 'x'))
    expect(form.fieldErrors.value).toEqual({ name: 'That name is taken.' })
    expect(form.error.value).toBeNull()
  })

  it('is busy while the task runs, answers its result, and undefined when it failed', async () => {
    const form = useForm({ fieldOf })
    let finish: (value: string) => void = () => {}
    const running = form.submit(() => new Promise<string>((resolve) => (finish = resolve)))
    expect(form.busy.value).toBe(true)
    finish('saved')
    await expect(running).resolves.toBe('saved')
    expect(form.busy.value).toBe(false)

    const failed = await form.submit(() => Promise.reject(new ApiError(0, { detail: 'no server' }, 'x')))
    expect(failed).toBeUndefined()
    expect(form.error.value).toBe('No server.')
    expect(form.busy.value).toBe(false)
  })

  it('refuses to send while the browser-side checks find something', () => {
    const form = useForm({ fieldOf })
    expect(form.check({ name: 'Give it a name.' })).toBe(false)
    expect(form.status('name')).toBe('error')
    expect(form.check({})).toBe(true)
    expect(form.status('name')).toBeUndefined()
  })

  it('drops the error of a field once it is fixed, keeps the others, and never adds new ones', () => {
    const form = useForm<'name' | 'base_url'>({ fieldOf })
    form.check({ name: 'Give it a name.', base_url: 'Use http(s).' })
    form.settle({ base_url: 'Use http(s).' }, ['name'])
    expect(form.fieldErrors.value).toEqual({ base_url: 'Use http(s).' })
    // A field that changed but is still wrong takes the new wording; an untouched one keeps its error.
    form.settle({ base_url: 'Enter the base URL.' }, ['base_url'])
    expect(form.fieldErrors.value).toEqual({ base_url: 'Enter the base URL.' })
    form.settle({ name: 'Give it a name.' }, ['name'])
    expect(form.fieldErrors.value.name).toBeUndefined()
  })
})
