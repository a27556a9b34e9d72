import { type Ref, ref, shallowRef } from 'vue'
import { ApiError, describeError } from '../api/client'

/** Loading, data and error of one API read, so every page can show all three states. */
export interface Resource<T> {
  data: Ref<T | undefined>
  error: Ref<string | null>
  /** HTTP status of the last failure (0 when the server was unreachable). */
  errorStatus: Ref<number | null>
  loading: Ref<boolean>
  reload: () => Promise<void>
}

export function useResource<T>(load: () => Promise<T>): Resource<T> {
  const data = shallowRef<T | undefined>(undefined) as Ref<T | undefined>
  const error = ref<string | null>(null)
  const errorStatus = ref<number | null>(null)
  const loading = ref(false)

  async function reload(): Promise<void> {
    loading.value = true
    try {
      data.value = await load()
      error.value = null
      errorStatus.value = null
    } catch (err) {
      error.value = describeError(err)
      errorStatus.value = err instanceof ApiError ? err.status : null
    } finally {
      loading.value = false
    }
  }

  return { data, error, errorStatus, loading, reload }
}
