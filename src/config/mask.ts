/** Credentials inside URLs: scheme://user:password@host or scheme://:password@host. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^:@/\s]*):([^@/\s]+)@/gi;

/**
 * Replaces declared secrets' values and credentials in URLs with `***`.
 * Empty values mask nothing (masking '' would garble every string).
 * @example createMasker(['s3cret'])('postgres://app:s3cret@db/app') // 'postgres://app:***@db/app'
 */
export function createMasker(values: Iterable<string | undefined>): (text: string) => string {
  // Longest first, so a secret that contains another is masked whole.
  const secrets = [
    ...new Set([...values].filter((v): v is string => typeof v === 'string' && v.length > 0)),
  ].sort((a, b) => b.length - a.length);
  return (text: string) => {
    let out = text.replace(URL_CREDENTIALS, (_m, scheme: string, user: string) => `${scheme}${user}:***@`);
    for (const s of secrets) out = out.split(s).join('***');
    return out;
  };
}

/** A masker over the values of the named environment variables. */
export function maskerFromEnv(
  names: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): (text: string) => string {
  return createMasker(names.map((n) => env[n]));
}
