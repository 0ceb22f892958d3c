import { ABSENT, type RuleResult } from './assessment.ts';

export interface SetCookie {
  name: string;
  value: string;
  /** Attributes by lower-case name; flags (Secure, HttpOnly) map to ''. */
  attributes: Map<string, string>;
}

/** Parses one Set-Cookie header value (RFC 6265 §5.2, leniently, as browsers do). */
export function parseSetCookie(header: string): SetCookie {
  const [pair = '', ...attrs] = header.split(';');
  const eq = pair.indexOf('=');
  const name = (eq < 0 ? '' : pair.slice(0, eq)).trim();
  const value = (eq < 0 ? pair : pair.slice(eq + 1)).trim();
  const attributes = new Map<string, string>();
  for (const attr of attrs) {
    const i = attr.indexOf('=');
    const key = (i < 0 ? attr : attr.slice(0, i)).trim().toLowerCase();
    if (key && !attributes.has(key)) attributes.set(key, i < 0 ? '' : attr.slice(i + 1).trim());
  }
  return { name, value, attributes };
}

/** A cookie being deleted (empty, Max-Age ≤ 0 or Expires in the past) is not a session being set. */
export function isDeletion(cookie: SetCookie, now = Date.now()): boolean {
  const maxAge = cookie.attributes.get('max-age');
  if (maxAge !== undefined && /^-?\d+$/.test(maxAge)) return Number(maxAge) <= 0;
  const expires = cookie.attributes.get('expires');
  if (expires !== undefined && Date.parse(expires) <= now) return true;
  return cookie.value === '';
}

/**
 * Assesses the cookies a login sets (the session cookies): `HttpOnly` (no script can read the
 * session), `SameSite` Lax or Strict (not sent on cross-site posts), and `Secure` on HTTPS targets
 * (not applicable over plain HTTP, where a browser would drop a Secure cookie).
 * @example assessCookies(res.headers.getSetCookie(), { https: true })
 */
export function assessCookies(setCookies: readonly string[], options: { https: boolean }): RuleResult[] {
  const cookies = setCookies.map((h) => parseSetCookie(h)).filter((c) => !isDeletion(c));
  return cookies.flatMap((c): RuleResult[] => {
    const flag = (name: string) => (c.attributes.has(name) ? 'set' : ABSENT);
    const sameSite = c.attributes.get('samesite');
    const secure: RuleResult = {
      rule: `cookie ${c.name} Secure`,
      passed: c.attributes.has('secure'),
      seen: flag('secure'),
      expected: 'set',
    };
    return [
      options.https
        ? secure
        : {
            ...secure,
            passed: true,
            notApplicable: 'Secure applies to HTTPS targets only; this target is plain HTTP',
          },
      {
        rule: `cookie ${c.name} HttpOnly`,
        passed: c.attributes.has('httponly'),
        seen: flag('httponly'),
        expected: 'set',
      },
      {
        rule: `cookie ${c.name} SameSite`,
        passed: /^(lax|strict)$/i.test(sameSite ?? ''),
        seen: sameSite === undefined ? ABSENT : sameSite || '(empty)',
        expected: 'Lax or Strict',
      },
    ];
  });
}
