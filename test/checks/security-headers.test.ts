import { describe, expect, it } from 'vitest';
import { SECURITY_HEADERS } from '../../demo/security.ts';
import { assessHeaders, HSTS_MIN_MAX_AGE, parseCsp } from '../../src/checks/security-headers.ts';
import { failing, rule } from './rules.ts';

const GOOD: Record<string, string> = {
  ...SECURITY_HEADERS,
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
};

describe('assessHeaders', () => {
  it("passes the demo's own headers, on HTTPS with HSTS and on HTTP without it", () => {
    expect(failing(assessHeaders(GOOD, { https: true }))).toEqual([]);
    const http = assessHeaders(SECURITY_HEADERS, { https: false });
    expect(failing(http)).toEqual([]);
    expect(rule(http, 'Strict-Transport-Security max-age').notApplicable).toMatch(
      /HTTPS targets only.*plain HTTP/,
    );
  });

  it('names every header that is missing, with what is expected', () => {
    const rules = assessHeaders({ 'content-type': 'text/html' }, { https: true });
    expect(failing(rules)).toEqual([
      'Strict-Transport-Security max-age',
      'Content-Security-Policy',
      'X-Frame-Options',
      'X-Content-Type-Options',
      'Referrer-Policy',
    ]);
    expect(rule(rules, 'X-Content-Type-Options')).toMatchObject({ seen: '(absent)', expected: 'nosniff' });
  });

  it(`HSTS on HTTPS needs max-age >= ${HSTS_MIN_MAX_AGE}`, () => {
    const hsts = (v: string) =>
      rule(
        assessHeaders({ ...GOOD, 'Strict-Transport-Security': v }, { https: true }),
        'Strict-Transport-Security max-age',
      );
    expect(hsts('max-age=15552000')).toMatchObject({ passed: true, seen: 15552000, operator: '>=' });
    expect(hsts('max-age=86400; includeSubDomains')).toMatchObject({
      passed: false,
      seen: 86400,
      expected: HSTS_MIN_MAX_AGE,
    });
    expect(hsts('max-age="63072000"; preload').passed).toBe(true);
    expect(hsts('includeSubDomains')).toMatchObject({ passed: false, reason: 'no max-age' });
  });

  it("fails a CSP whose script-src allows 'unsafe-inline' or 'unsafe-eval', falling back to default-src", () => {
    const csp = (v: string) =>
      rule(
        assessHeaders({ ...GOOD, 'Content-Security-Policy': v }, { https: true }),
        'Content-Security-Policy',
      );
    expect(csp("default-src 'self'; script-src 'self' 'unsafe-inline'")).toMatchObject({
      passed: false,
      seen: "script sources 'unsafe-inline'",
    });
    expect(csp("default-src 'self' 'unsafe-eval'")).toMatchObject({
      passed: false,
      seen: "script sources 'unsafe-eval'",
    });
    expect(csp("default-src 'self'").passed).toBe(true);
    // script-src overrides default-src, in both directions.
    expect(csp("default-src 'unsafe-inline'; script-src 'self'").passed).toBe(true);
    expect(csp("script-src 'self' https:").passed).toBe(false);
    expect(csp("img-src 'self'")).toMatchObject({ passed: false, seen: 'no script-src or default-src' });
    // Browsers ignore 'unsafe-inline' beside a nonce or a hash.
    expect(csp("script-src 'nonce-abc' 'unsafe-inline'").passed).toBe(true);
    // Two policies: a script must satisfy both, so one strict policy is enough.
    expect(csp("script-src * 'unsafe-inline', script-src 'self'").passed).toBe(true);
  });

  it('accepts CSP frame-ancestors in place of X-Frame-Options, but not ALLOW-FROM alone', () => {
    const { 'X-Frame-Options': _, ...noXfo } = GOOD;
    expect(rule(assessHeaders(noXfo, { https: true }), 'X-Frame-Options')).toMatchObject({
      passed: true,
      seen: "frame-ancestors 'none'",
    });
    const bare = {
      ...noXfo,
      'Content-Security-Policy': "default-src 'self'",
      'X-Frame-Options': 'ALLOW-FROM https://a.example',
    };
    expect(rule(assessHeaders(bare, { https: true }), 'X-Frame-Options')).toMatchObject({
      passed: false,
      seen: 'ALLOW-FROM https://a.example',
    });
    expect(
      rule(assessHeaders({ ...GOOD, 'X-Frame-Options': 'sameorigin' }, { https: true }), 'X-Frame-Options')
        .passed,
    ).toBe(true);
  });

  it('judges Referrer-Policy by its effective (last known) value', () => {
    const rp = (v: string) =>
      rule(assessHeaders({ ...GOOD, 'Referrer-Policy': v }, { https: true }), 'Referrer-Policy').passed;
    for (const safe of [
      'no-referrer',
      'same-origin',
      'strict-origin',
      'strict-origin-when-cross-origin',
      'no-referrer, strict-origin-when-cross-origin',
    ]) {
      expect(rp(safe), safe).toBe(true);
    }
    for (const unsafe of [
      'no-referrer-when-downgrade',
      'unsafe-url',
      'origin',
      'no-referrer, unsafe-url',
      'bogus',
    ]) {
      expect(rp(unsafe), unsafe).toBe(false);
    }
    expect(rp('strict-origin, future-policy')).toBe(true);
  });

  it('reads fetch Headers and plain records alike, case-insensitively', () => {
    const h = new Headers(SECURITY_HEADERS);
    expect(failing(assessHeaders(h, { https: false }))).toEqual([]);
    expect(parseCsp("Script-Src 'self'; script-src 'unsafe-inline'").get('script-src')).toEqual(["'self'"]);
  });
});
