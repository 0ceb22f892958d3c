import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SECURITY_HEADERS } from '../../demo/security.ts';
import { failureMessage } from '../../src/checks/probes/assessment.ts';
import { splitHeader } from '../../src/checks/probes/browser-headers.ts';
import {
  assessHeaders,
  checkSecurityHeaders,
  HSTS_MIN_MAX_AGE,
  parseCsp,
} from '../../src/checks/probes/security-headers.ts';
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

/** CSP without frame-ancestors, so X-Frame-Options alone decides framing. */
const NO_ANCESTORS = { ...GOOD, 'Content-Security-Policy': "default-src 'self'" };
const judge = (name: string, value: string) =>
  rule(
    assessHeaders({ ...NO_ANCESTORS, [name]: value }, { https: true }),
    name === 'Strict-Transport-Security' ? 'Strict-Transport-Security max-age' : name,
  );

describe('repeated headers, judged as browsers judge them', () => {
  it('issue 9 item 11: a duplicated value (nosniff, nosniff) passes; conflicting values fail with a reason that says so', () => {
    // X-Content-Type-Options: Fetch's "determine nosniff" reads the first value only.
    expect(judge('X-Content-Type-Options', 'nosniff, nosniff')).toMatchObject({
      passed: true,
      seen: 'nosniff, nosniff',
    });
    expect(judge('X-Content-Type-Options', 'NoSniff, bogus').passed).toBe(true);
    expect(judge('X-Content-Type-Options', 'bogus, nosniff')).toMatchObject({
      passed: false,
      reason: 'browsers read only the first of 2 values, "bogus"',
    });
    // X-Frame-Options: the same value twice is that value; differing values make browsers DENY.
    expect(judge('X-Frame-Options', 'DENY, DENY')).toMatchObject({ passed: true });
    expect(judge('X-Frame-Options', 'SAMEORIGIN, sameorigin')).toMatchObject({ passed: true });
    expect(judge('X-Frame-Options', 'DENY, SAMEORIGIN')).toMatchObject({
      passed: true,
      reason: 'conflicting values (DENY, SAMEORIGIN): browsers fall back to DENY',
    });
    expect(judge('X-Frame-Options', 'ALLOWALL, ALLOWALL').passed).toBe(false);
    expect(judge('X-Frame-Options', 'ALLOW-FROM https://a.example, bogus').passed).toBe(false);
    // HSTS: RFC 6797 §8.1, only the first header counts.
    expect(judge('Strict-Transport-Security', 'max-age=31536000, max-age=31536000')).toMatchObject({
      passed: true,
      seen: 31536000,
    });
    expect(judge('Strict-Transport-Security', 'max-age=0, max-age=31536000')).toMatchObject({
      passed: false,
      seen: 0,
      reason: 'browsers process only the first of 2 headers, "max-age=0"',
    });
    // Referrer-Policy: the last policy the browser recognises wins.
    expect(judge('Referrer-Policy', 'no-referrer, no-referrer').passed).toBe(true);
    expect(judge('Referrer-Policy', 'strict-origin, unsafe-url')).toMatchObject({
      passed: false,
      reason: 'browsers apply the last recognised of 2 values, "unsafe-url"',
    });
    // CSP: every policy is enforced, so a duplicated strict policy stays strict.
    expect(judge('Content-Security-Policy', "script-src 'self', script-src 'self'").passed).toBe(true);
  });

  it('reads two real header lines as fetch joins them, and names the conflict in the failure', async () => {
    const server = createServer((req, res) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
      if (req.url === '/twice') res.setHeader('X-Content-Type-Options', ['nosniff', 'nosniff']);
      else res.setHeader('X-Content-Type-Options', ['sniff-me', 'nosniff']);
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const twice = await checkSecurityHeaders(`${base}/twice`);
      expect(failureMessage(twice)).toBeUndefined();
      expect(rule(twice.rules, 'X-Content-Type-Options').seen).toBe('nosniff, nosniff');
      const conflict = await checkSecurityHeaders(`${base}/conflict`);
      expect(failureMessage(conflict)).toBe(
        `security headers of ${base}/conflict: 1 rule broken\n` +
          '- X-Content-Type-Options: seen sniff-me, nosniff (browsers read only the first of 2 values, "sniff-me"); expected nosniff',
      );
    } finally {
      server.close();
    }
  });

  it('splits as Fetch does: commas inside quoted strings stay', () => {
    expect(splitHeader('a, "b, c", d')).toEqual(['a', '"b, c"', 'd']);
    expect(splitHeader(undefined)).toBeUndefined();
  });
});
