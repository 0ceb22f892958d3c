import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoServer } from '../../demo/server.ts';
import { type Assessment, combine, failedRules, failureMessage } from '../../src/checks/probes/assessment.ts';
import { checkCors } from '../../src/checks/probes/cors.ts';
import { checkCsrf } from '../../src/checks/probes/csrf.ts';
import { checkSessionCookies } from '../../src/checks/probes/form-session.ts';
import { checkRateLimit } from '../../src/checks/probes/rate-limit.ts';
import { checkSecurityHeaders } from '../../src/checks/probes/security-headers.ts';
import { startTestDemo, tempDirs } from '../demo/helpers.ts';

const FAULTS = ['healthy', 'no-security-headers', 'cors-reflect', 'no-rate-limit', 'no-csrf'] as const;
type Fault = (typeof FAULTS)[number];

const login = { path: '/login', username: 'demo', password: 'demo-password' };
const rateLimit = { path: '/api/rate-probe', limit: 5, windowSeconds: 10 };

/** Each probe of the security suite, as the suite calls it. */
const PROBES: Record<string, (base: string) => Promise<Assessment>> = {
  headers: async (base) =>
    combine('security headers', [
      ['/login', await checkSecurityHeaders(`${base}/login`)],
      ['/api/version', await checkSecurityHeaders(`${base}/api/version`)],
    ]),
  'session-cookie': (base) => checkSessionCookies(base, login),
  cors: (base) => checkCors(`${base}/api/version`),
  'rate-limit': (base) => checkRateLimit(base, rateLimit),
  csrf: (base) => checkCsrf(base, { path: '/api/preferences/noop', tokenPage: '/estimates', login }),
};

/** Which probe each fault must fail; every other probe must still pass on it. */
const FAILS: Record<Fault, string | undefined> = {
  healthy: undefined,
  'no-security-headers': 'headers',
  'cors-reflect': 'cors',
  'no-rate-limit': 'rate-limit',
  'no-csrf': 'csrf',
};

const dirs = tempDirs();
const demos = new Map<Fault, DemoServer>();
/** Every probe's assessment on every demo, each probe run once per demo (the rate window is shared). */
const results = new Map<string, Assessment>();

beforeAll(async () => {
  await Promise.all(
    FAULTS.map(async (f) =>
      demos.set(f, await startTestDemo(dirs.make(), { faults: f === 'healthy' ? [] : [f] })),
    ),
  );
  for (const f of FAULTS) {
    for (const [name, run] of Object.entries(PROBES))
      results.set(`${f} ${name}`, await run(demos.get(f)!.url));
  }
});

afterAll(async () => {
  await Promise.all([...demos.values()].map((d) => d.close()));
  dirs.cleanup();
});

describe.each(FAULTS)('demo %s', (fault) => {
  it.each(Object.keys(PROBES))('probe %s', (probe) => {
    const a = results.get(`${fault} ${probe}`)!;
    expect(a.measurements.length, 'measurements recorded').toBeGreaterThan(0);
    if (FAILS[fault] === probe)
      expect(failedRules(a).length, `${probe} should fail on ${fault}`).toBeGreaterThan(0);
    else expect(failureMessage(a), `${probe} should pass on ${fault}`).toBeUndefined();
  });
});

describe('each fault fails with its own reason', () => {
  it('no-security-headers names every missing header on every page', () => {
    const message = failureMessage(results.get('no-security-headers headers')!)!;
    for (const page of ['/login', '/api/version']) {
      for (const header of [
        'Content-Security-Policy',
        'X-Frame-Options',
        'X-Content-Type-Options',
        'Referrer-Policy',
      ]) {
        expect(message).toContain(`- ${page} ${header}: seen (absent); expected`);
      }
    }
    // Plain HTTP: HSTS is not applicable, so it is not reported missing.
    expect(message).not.toContain('Strict-Transport-Security');
  });

  it('cors-reflect: the untrusted origin is allowed with credentials, on GET and preflight', () => {
    const a = results.get('cors-reflect cors')!;
    expect(failedRules(a).map((r) => [r.rule, r.seen])).toEqual([
      [
        'CORS GET with Origin https://evil.example',
        'Access-Control-Allow-Origin: https://evil.example, Access-Control-Allow-Credentials: true',
      ],
      [
        'CORS preflight OPTIONS (POST) with Origin https://evil.example',
        'Access-Control-Allow-Origin: https://evil.example, Access-Control-Allow-Credentials: true',
      ],
    ]);
    expect(results.get('healthy cors')!.rules.map((r) => r.seen)).toEqual([
      'no Access-Control-Allow-Origin',
      'no Access-Control-Allow-Origin',
    ]);
  });

  it('no-rate-limit: no 429 in more than the limit; healthy: 429 at request 6 with Retry-After <= 10 s', () => {
    expect(failureMessage(results.get('no-rate-limit rate-limit')!)).toMatch(
      /- first 429 at request: seen none in 12 requests within [\d.]+ s \(declared limit 5 per 10 s\); expected <= 6/,
    );
    const healthy = results.get('healthy rate-limit')!;
    const m = Object.fromEntries(healthy.measurements.map((x) => [x.name, x.actual]));
    expect(m['requests sent']).toBe(6);
    expect(m['first 429 at request']).toBe(6);
    expect(m['Retry-After seconds']).toBeGreaterThanOrEqual(1);
    expect(m['Retry-After seconds']).toBeLessThanOrEqual(10);
  });

  it('no-csrf: a POST without a token is accepted (200), where healthy refuses it (403)', () => {
    expect(failureMessage(results.get('no-csrf csrf')!)).toBe(
      'CSRF protection of POST ' +
        `${demos.get('no-csrf')!.url}/api/preferences/noop: 1 rule broken\n` +
        '- POST /api/preferences/noop without _csrf: seen 200; expected refused: 400, 403, 422',
    );
    expect(results.get('healthy csrf')!.measurements.map((x) => [x.name, x.actual])).toEqual([
      ['POST /api/preferences/noop without _csrf', 403],
      ['POST /api/preferences/noop with _csrf (control)', 200],
    ]);
  });
});

describe('the rate-limit probe after its window is used up', () => {
  it('passes again (429 at once) and starves no other route of the same client', async () => {
    const { url } = demos.get('healthy')!;
    const again = await checkRateLimit(url, rateLimit);
    expect(failureMessage(again)).toBeUndefined();
    expect(again.measurements.find((m) => m.name === 'first 429 at request')?.actual).toBe(1);
    for (const path of ['/api/version', '/api/simple-health', '/login']) {
      const statuses = await Promise.all(
        Array.from({ length: 10 }, async () => (await fetch(url + path)).status),
      );
      expect(statuses, path).toEqual(Array(10).fill(200));
    }
    expect(failureMessage(await checkSessionCookies(url, login))).toBeUndefined();
  });
});
