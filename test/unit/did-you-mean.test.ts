import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { knownKeys } from '../../src/config/known-keys.ts';
import { validateRunbook } from '../../src/config/load-runbook.ts';
import { Runbook } from '../../src/model/runbook.ts';

function problems(value: unknown): string {
  try {
    validateRunbook('rollgate.runbook.ts', value);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('the runbook validated');
}

describe('a mistyped runbook field names the field it probably meant', () => {
  test('in a target, a stage, and a stage option, each on its own line with the file and path', () => {
    const message = problems({
      name: 'shop',
      targets: { app: { baseURL: 'http://127.0.0.1:3000', versoin: '/version' } },
      stages: {
        ci: { target: 'app', suites: ['a.suite.ts'], playwright: { navigationTimout: 20_000 } },
        canary: { target: 'app', suitez: ['a.suite.ts'], smoke: { specs: ['a.spec.ts'] } },
      },
    });
    expect(message).toContain(
      'rollgate.runbook.ts: targets.app.versoin: unknown field; did you mean `version`?',
    );
    expect(message).toContain(
      'rollgate.runbook.ts: stages.ci.playwright.navigationTimout: unknown field; did you mean `navigationTimeout`?',
    );
    expect(message).toContain(
      'rollgate.runbook.ts: stages.canary.suitez: unknown field; did you mean `suites`?',
    );
  });

  test('a key near nothing gets no guess, but the fields that place accepts', () => {
    const message = problems({
      name: 'shop',
      targets: { app: { baseURL: 'http://127.0.0.1:3000', colour: 'blue' } },
      stages: { ci: { target: 'app', suites: ['a.suite.ts'] } },
    });
    expect(message).toMatch(/targets\.app\.colour: unknown field; the fields here are baseURL, .*version/);
  });

  test('known keys are found through records, arrays, optionals, defaults and unions', () => {
    expect(knownKeys(Runbook, ['stages', 'canary', 'load'])).toContain('compare');
    expect(knownKeys(Runbook, ['stages', 'canary', 'budgets', 0])).toContain('operator');
    const planted = z.strictObject({
      a: z.array(z.union([z.strictObject({ x: z.number() }), z.strictObject({ y: z.number() })])).default([]),
    });
    expect(knownKeys(planted, ['a', 3]).sort()).toEqual(['x', 'y']);
    expect(knownKeys(planted, ['missing'])).toEqual([]);
  });
});

describe('security.headerRules and stage checks: names a user may spell another way', () => {
  const runbook = (security: unknown, checks?: unknown) => ({
    name: 'shop',
    targets: {
      app: { baseURL: 'http://127.0.0.1:3000', security: { headerPaths: ['/'], ...(security as object) } },
    },
    stages: { ci: { target: 'app', suites: ['a.suite.ts'], ...(checks ? { checks } : {}) } },
  });

  test('header names ignore case: any case is read as the rule it names', () => {
    const parsed = validateRunbook(
      'rollgate.runbook.ts',
      runbook({
        headerRules: {
          'referrer-policy': 'advisory',
          'CONTENT-security-Policy': { allow: ["'unsafe-eval'"], reason: 'the editor compiles code' },
        },
      }),
    );
    expect(parsed.targets.app?.security?.headerRules).toEqual({
      'Referrer-Policy': 'advisory',
      'Content-Security-Policy': { allow: ["'unsafe-eval'"], reason: 'the editor compiles code' },
    });
  });

  test("an unknown rule names the rule it probably meant (HTTP's own Referer spelling too), else the rules", () => {
    const message = problems(
      runbook({ headerRules: { 'Referer-Policy': 'advisory', 'X-Colour': 'advisory' } }),
    );
    expect(message).toContain(
      'rollgate.runbook.ts: targets.app.security.headerRules.Referer-Policy: unknown key; did you mean `Referrer-Policy`?',
    );
    expect(message).toContain(
      'targets.app.security.headerRules.X-Colour: unknown key; the keys here are Content-Security-Policy, X-Frame-Options, X-Content-Type-Options, Referrer-Policy, Strict-Transport-Security',
    );
  });

  test('a bad policy says what a policy is; an allow without its reason says the reason is missing', () => {
    const message = problems(
      runbook({
        headerRules: { 'Referrer-Policy': 'advisroy', 'X-Frame-Options': { allow: ['SAMEORIGIN'] } },
      }),
    );
    expect(message).toContain(
      "targets.app.security.headerRules.Referrer-Policy: must be 'required', 'advisory' or { allow: [...], reason: '…' }; did you mean 'advisory'?",
    );
    expect(message).toMatch(/headerRules\.X-Frame-Options\.reason: Invalid input: expected string/);
  });

  test("a built-in check's name spelled with an underscore names the check", () => {
    expect(problems(runbook({}, ['secret_scan']))).toMatch(
      /stages\.ci\.checks\.0: Invalid option: .*; did you mean `secret-scan`\?/,
    );
  });
});
