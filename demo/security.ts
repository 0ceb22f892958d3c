import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';

/**
 * The headers a healthy release sends on every response. The CSP allows no inline script or
 * style, which is why the pages use only `/static/app.css` and no inline `<script>` (the slow-lcp
 * fault's hero script is a same-origin file, `/static/late-hero.js`).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/**
 * True only when this very connection is TLS. A client-supplied `X-Forwarded-Proto` is not
 * trusted: the demo runs behind no proxy, and a spoofed header must not switch on HSTS.
 */
export function isHttps(req: IncomingMessage): boolean {
  return Boolean((req.socket as TLSSocket).encrypted);
}

export function applySecurityHeaders(res: ServerResponse, https: boolean): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  // HSTS over plain HTTP is ignored by browsers at best and pins a broken origin at worst.
  if (https) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
}

const MIN_SECRET_LENGTH = 16;

export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function assertSessionSecret(secret: string): void {
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(
      `SESSION_SECRET is too short (${secret.length} characters); use at least ${MIN_SECRET_LENGTH}`,
    );
  }
}

/**
 * CSRF tokens are an HMAC of the session id (or, before login, of a pre-session cookie), so they
 * need no storage, change with every session, and cannot be forged without the server's secret.
 */
export function csrfToken(secret: string, binding: string): string {
  return createHmac('sha256', secret).update(`csrf:${binding}`).digest('base64url');
}

export function verifyCsrfToken(secret: string, binding: string | undefined, token: string | null): boolean {
  if (!binding || !token) return false;
  const expected = Buffer.from(csrfToken(secret, binding));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
