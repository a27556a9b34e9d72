import { adminApi } from './admin'
import { getToken } from './client'

let tokenRequired: Promise<boolean> | undefined

/** Whether the server wants the admin token on /api, as its open /ping says (asked once). */
function isTokenRequired(): Promise<boolean> {
  tokenRequired ??= adminApi.ping().then(
    (ping) => ping.admin_token_required,
    () => {
      // Unreachable: the pages say so themselves; ask again on the next navigation.
      tokenRequired = undefined
      return false
    },
  )
  return tokenRequired
}

/** True when this tab holds no token and the server needs one: sign in before any /api request. */
export async function mustSignIn(): Promise<boolean> {
  return getToken() === null && (await isTokenRequired())
}

/** True when the server runs in development mode (no admin token): the shell shows a banner. */
export async function isDevelopmentMode(): Promise<boolean> {
  return !(await isTokenRequired())
}
