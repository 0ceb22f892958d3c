import type { TargetSession } from './session.ts';

export { readSession, TargetSession } from './session.ts';
export {
  readStorageState,
  type StorageState,
  storageStateFile,
  storageStateOf,
  writeSessionFiles,
} from './session-files.ts';
export { bodyExcerpt, type SignedIn, SignInError, type SignInOptions, signIn } from './sign-in.ts';

/**
 * Headers a signed-in request carries: the session's own (the auth header, or Cookie after a form
 * login). A copy, so a caller may add its own. Their values are secrets: never print them.
 * @example await fetch(url, { headers: { ...sessionHeaders(readSession(file)), accept: 'application/json' } })
 */
export function sessionHeaders(session: TargetSession | undefined): Record<string, string> {
  if (!session) return {};
  const headers = { ...session.headers };
  const hasCookie = Object.keys(headers).some((h) => h.toLowerCase() === 'cookie');
  if (!hasCookie && session.cookies.length > 0)
    headers.Cookie = session.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  return headers;
}
