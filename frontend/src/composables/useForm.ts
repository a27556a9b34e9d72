import { type Ref, ref } from 'vue'
import { ApiError, describeError } from '../api/client'

export type FieldErrors<F extends string> = Partial<Record<F, string>>

/** What a form's frame shows: the busy flag and the general alert (components/EditForm.vue). */
export interface FormState {
  busy: Ref<boolean>
  error: Ref<string | null>
  details: Ref<string[]>
}

export interface FormOptions<F extends string> {
  /** The form field a server error's path (`base_url`, `nodes/0/api_id`) belongs to, if any. */
  fieldOf?: (path: string) => F | undefined
  /** A 409 is about this field (a taken name): the server's words, or the fallback, go there. */
  conflict?: { field: F; fallback: string }
  /** The general alert's text when every server error found its field (none by default). */
  placedNote?: string
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/**
 * Submitting a form: the busy flag, the errors of the browser-side checks and of the server beside
 * their fields, and what fits no field in one general alert (`error` with its `details`).
 */
export function useForm<F extends string>(options: FormOptions<F> = {}) {
  const fieldErrors = ref({}) as Ref<FieldErrors<F>>
  const error = ref<string | null>(null)
  const details = ref<string[]>([])
  const busy = ref(false)

  function clear(): void {
    fieldErrors.value = {}
    error.value = null
    details.value = []
  }

  /** Shows the browser-side findings; true when there are none and the form may be sent. */
  function check(findings: FieldErrors<F>): boolean {
    clear()
    fieldErrors.value = findings
    return Object.keys(findings).length === 0
  }

  /**
   * After an edit: a field in error whose value changed loses its error as soon as the browser-side
   * checks pass it (`findings` are those checks on the new values), or takes their new wording.
   * Fields that did not change keep theirs; no error appears on a field the user has not yet sent.
   */
  function settle(findings: FieldErrors<F>, changed: readonly F[]): void {
    const next = { ...fieldErrors.value }
    let touched = false
    for (const field of changed) {
      if (next[field] === undefined || next[field] === findings[field]) continue
      if (findings[field] === undefined) delete next[field]
      else next[field] = findings[field]
      touched = true
    }
    if (!touched) return
    fieldErrors.value = next
    if (Object.keys(next).length === 0 && error.value === (options.placedNote ?? null)) error.value = null
  }

  /** Places what the server (or anything else) said went wrong. */
  function fail(err: unknown): void {
    clear()
    const { conflict, fieldOf } = options
    if (conflict && err instanceof ApiError && err.status === 409) {
      fieldErrors.value = { [conflict.field]: capitalize(err.detail ?? conflict.fallback) } as FieldErrors<F>
      return
    }
    const placed: FieldErrors<F> = {}
    const unplaced: string[] = []
    const seen = new Set<string>()
    for (const e of err instanceof ApiError ? err.errors : []) {
      const field = fieldOf?.(e.field)
      const text = capitalize(e.message)
      if (field !== undefined) {
        const before = placed[field]
        placed[field] = before && before !== text ? `${before} ${text}` : text
      } else if (!seen.has(e.field)) {
        // The validator may report one field twice (required, then wrong type): the first says it.
        seen.add(e.field)
        unplaced.push(e.field ? `${e.field}: ${e.message}` : e.message)
      }
    }
    fieldErrors.value = placed
    details.value = unplaced
    const allPlaced = Object.keys(placed).length > 0 && unplaced.length === 0
    error.value = allPlaced ? (options.placedNote ?? null) : describeError(err)
  }

  /** Runs `task` with the form busy; its failure is shown by `fail` and the answer is undefined. */
  async function submit<T>(task: () => Promise<T>): Promise<T | undefined> {
    clear()
    busy.value = true
    try {
      return await task()
    } catch (err) {
      fail(err)
      return undefined
    } finally {
      busy.value = false
    }
  }

  /** `validation-status` of a field's NFormItem. */
  function status(field: F): 'error' | undefined {
    return fieldErrors.value[field] ? 'error' : undefined
  }

  return { fieldErrors, error, details, busy, check, fail, settle, submit, status, clear }
}
