import { describe, expect, it } from 'vitest';
import { createCheckApi } from '../../src/checks/authoring/check-api.ts';
import { CheckFailure } from '../../src/checks/authoring/errors.ts';
import { emptyRecord } from '../../src/checks/authoring/record.ts';
import { combine, failureMessage, report } from '../../src/checks/probes/assessment.ts';
import { assessHeaders, headerDump } from '../../src/checks/probes/security-headers.ts';
import { assessCookies, isDeletion, parseSetCookie } from '../../src/checks/probes/session-cookie.ts';
import { thrown } from '../unit/helpers.ts';
import { failing, rule } from './rules.ts';

describe('assessCookies', () => {
  const session = 'sid=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600';

  it('passes HttpOnly + SameSite on HTTP, where Secure is not applicable', () => {
    const rules = assessCookies([session], { https: false });
    expect(failing(rules)).toEqual([]);
    expect(rule(rules, 'cookie sid Secure').notApplicable).toMatch(/HTTPS targets only/);
  });

  it('needs Secure on HTTPS, and names each missing attribute per cookie', () => {
    expect(failing(assessCookies([session], { https: true }))).toEqual(['cookie sid Secure']);
    const rules = assessCookies(['token=x; Path=/', 'other=y; SameSite=None; Secure; HttpOnly'], {
      https: true,
    });
    expect(failing(rules)).toEqual([
      'cookie token Secure',
      'cookie token HttpOnly',
      'cookie token SameSite',
      'cookie other SameSite',
    ]);
    expect(rule(rules, 'cookie other SameSite')).toMatchObject({ seen: 'None', expected: 'Lax or Strict' });
  });

  it('ignores cookies being deleted', () => {
    expect(
      assessCookies(['old=; Max-Age=0', 'gone=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT'], { https: true }),
    ).toEqual([]);
    expect(isDeletion(parseSetCookie('a=b; max-age=-1'))).toBe(true);
    expect(parseSetCookie('a=b=c; SameSite=Strict; Secure').attributes).toEqual(
      new Map([
        ['samesite', 'Strict'],
        ['secure', ''],
      ]),
    );
  });
});

describe('reporting an assessment', () => {
  const rules = assessHeaders({}, { https: false });
  const a = combine('security headers', [
    ['/login', { subject: 'x', rules, measurements: [], evidence: [] }],
  ]);

  it('fails with one line per broken rule, naming header, seen and expected', () => {
    const record = emptyRecord();
    const e = thrown(() => report(createCheckApi(record), a));
    expect(e).toBeInstanceOf(CheckFailure);
    expect(e.message).toBe(failureMessage(a));
    expect(e.message.split('\n')).toEqual([
      'security headers: 4 rules broken',
      expect.stringMatching(/^- \/login Content-Security-Policy: seen \(absent\); expected script-src/),
      '- /login X-Frame-Options: seen (absent); expected DENY or SAMEORIGIN, or CSP frame-ancestors',
      '- /login X-Content-Type-Options: seen (absent); expected nosniff',
      expect.stringMatching(
        /^- \/login Referrer-Policy: seen \(absent\); expected one of no-referrer, same-origin/,
      ),
    ]);
    // One measurement per applicable rule; the not-applicable HSTS rule is attached with its reason.
    expect(record.measurements.map((m) => [m.name, m.passed])).toEqual([
      ['/login Content-Security-Policy', false],
      ['/login X-Frame-Options', false],
      ['/login X-Content-Type-Options', false],
      ['/login Referrer-Policy', false],
    ]);
    expect(record.evidence).toEqual([
      {
        name: 'not applicable',
        contentType: 'text/plain',
        body: expect.stringContaining('/login Strict-Transport-Security max-age: HSTS applies'),
      },
    ]);
  });

  it('declares the check not applicable when no rule applies', () => {
    const hstsOnly = rules.filter((r) => r.notApplicable);
    let reason = '';
    const api = {
      ...createCheckApi(emptyRecord()),
      notApplicable: (why: string): never => {
        reason = why;
        throw new Error('skipped');
      },
    };
    expect(() => report(api, { subject: 's', rules: hstsOnly, measurements: [], evidence: [] })).toThrow(
      'skipped',
    );
    expect(reason).toMatch(/HSTS applies to HTTPS targets only/);
  });

  it('withholds cookie values in header evidence', () => {
    const h = new Headers({ 'x-a': '1' });
    h.append('set-cookie', 'sid=topsecretvalue; HttpOnly');
    const dump = headerDump(200, 'http://127.0.0.1/x', h);
    expect(dump).toContain('set-cookie: sid=<withheld>; HttpOnly');
    expect(dump).not.toContain('topsecretvalue');
  });
});
