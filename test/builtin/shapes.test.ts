import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECURITY_HEADERS } from '../../demo/security.ts';
import type { TargetContext } from '../../src/checks/authoring/target-context.ts';
import type { ResolvedGate } from '../../src/config/options.ts';
import { builtinStep } from '../../src/engine/steps/builtin-step.ts';
import type { StepContext } from '../../src/engine/steps/step.ts';
import { declare, runChecks, runOne, serve, sessionFile } from './helpers.ts';

/** Shapes the demo lacks, each served by a small node:http server on 127.0.0.1. */
let server: Awaited<ReturnType<typeof serve>>;
let base = '';
let flakyCalls = 0;
const dir = mkdtempSync(path.join(tmpdir(), 'rollgate-builtin-'));

const json = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/** The demo's good headers, one of them replaced (or dropped with undefined). */
function headers(over: Record<string, string | undefined> = {}): Record<string, string> {
  const all: Record<string, string | undefined> = {
    ...SECURITY_HEADERS,
    'content-type': 'text/html',
    ...over,
  };
  return Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined));
}

beforeAll(async () => {
  server = await serve((req, res) => {
    switch (req.url) {
      case '/health':
        return json(res, 200, { status: 'ok', checks: { db: { status: 'ok', ms: 3 } }, build: 'v1.2.3' });
      case '/html':
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<h1>Maintenance</h1>');
      case '/text':
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('state: UP');
      case '/created':
        return json(res, 201, {});
      case '/slow':
        setTimeout(() => json(res, 200, { status: 'ok' }), 60);
        return;
      case '/hang':
        return; // never answers
      case '/flaky':
        flakyCalls += 1;
        return json(res, flakyCalls === 1 ? 500 : 200, { status: flakyCalls === 1 ? 'error' : 'ok' });
      case '/private':
        return req.headers.authorization === 'Bearer t0k'
          ? json(res, 200, { status: 'ok' })
          : json(res, 401, { error: 'unauthorized' });
      case '/keyed':
        return req.headers['x-api-key'] === 'k3y' ? json(res, 200, {}) : json(res, 403, {});
      case '/api/version':
        return json(res, 200, { version: '1.2.3' });
      case '/info':
        return json(res, 200, { build: { version: '1.2.3', sha: 'abc' } });
      case '/about':
        res.writeHead(200, { 'x-app-version': '1.2.3', 'content-type': 'text/html' });
        return res.end('<footer>Release v1.2.3 (build 77)</footer>');
      case '/eval':
        res.writeHead(
          200,
          headers({ 'Content-Security-Policy': "default-src 'self'; script-src 'self' 'unsafe-eval'" }),
        );
        return res.end('ok');
      case '/eval-inline':
        res.writeHead(
          200,
          headers({ 'Content-Security-Policy': "script-src 'self' 'unsafe-eval' 'unsafe-inline'" }),
        );
        return res.end('ok');
      case '/no-referrer':
        res.writeHead(200, headers({ 'Referrer-Policy': undefined }));
        return res.end('ok');
      case '/downgrade':
        res.writeHead(200, headers({ 'Referrer-Policy': 'no-referrer-when-downgrade' }));
        return res.end('ok');
      default:
        return json(res, 404, {});
    }
  });
  base = server.url;
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('health: one check per declared endpoint', () => {
  it('holds status, JSON paths (values and patterns), body and status expectations', async () => {
    const d = declare({
      health: {
        deep: {
          path: '/health',
          json: { status: 'ok', 'checks.db.status': 'ok', build: { pattern: '^v\\d' } },
        },
        wrong: {
          path: '/health',
          json: { 'checks.db.status': 'down', 'checks.cache.status': 'ok', build: { pattern: '^\\d' } },
        },
        html: { path: '/html', json: { status: 'ok' } },
        up: { path: '/text', body: 'UP$' },
        down: { path: '/text', body: 'DOWN' },
        created: { path: '/created', status: 201 },
        bare: '/created',
      },
    });
    const r = await runChecks(d, { baseURL: base });
    expect([...r].map(([id, c]) => [id, c.status, c.kind])).toEqual([
      ['probes/health-deep', 'passed', 'builtin'],
      ['probes/health-wrong', 'failed', 'builtin'],
      ['probes/health-html', 'failed', 'builtin'],
      ['probes/health-up', 'passed', 'builtin'],
      ['probes/health-down', 'failed', 'builtin'],
      ['probes/health-created', 'passed', 'builtin'],
      ['probes/health-bare', 'failed', 'builtin'],
    ]);
    const wrong = r.get('probes/health-wrong')!.message!;
    expect(wrong).toContain('json checks.db.status: seen ok; expected down');
    expect(wrong).toContain('json checks.cache.status: seen (absent); expected ok');
    expect(wrong).toContain('json build: seen v1.2.3; expected matches /^\\d/');
    expect(r.get('probes/health-html')!.message).toContain(
      'JSON body: seen not JSON: "<h1>Maintenance</h1>"',
    );
    expect(r.get('probes/health-down')!.message).toContain('body: seen "state: UP"; expected matches /DOWN/');
    // A bare path expects 200.
    expect(r.get('probes/health-bare')!.message).toContain('status: seen 201; expected 200');
    expect(r.get('probes/health-deep')!.evidence.map((e) => e.name)).toEqual(['response']);
  });

  it('a latency over the budget fails with the latency in the message, measured in ms against <=', async () => {
    const over = await runOne(declare({ health: { slow: { path: '/slow', latencyMs: 5 } } }), {
      baseURL: base,
    });
    expect(over.status).toBe('failed');
    expect(over.message).toMatch(/latency: seen (\d+) \(\1 ms, over the 5 ms budget\); expected <= 5/);
    const latency = over.measurements.find((m) => m.name === 'latency')!;
    expect(latency).toMatchObject({ operator: '<=', expected: 5, unit: 'ms', passed: false });
    expect(latency.actual as number).toBeGreaterThanOrEqual(60);
    const within = await runOne(declare({ health: { slow: { path: '/slow', latencyMs: 5000 } } }), {
      baseURL: base,
    });
    expect(within.status).toBe('passed');
  });

  it('signed in: the session headers go with the request; without a session it errors ROLLGATE_NOT_SIGNED_IN', async () => {
    const d = declare({ health: { private: { path: '/private', signedIn: true } } });
    const signed = await runOne(d, {
      baseURL: base,
      sessionFile: sessionFile(dir, { Authorization: 'Bearer t0k' }),
    });
    expect(signed.status, signed.message).toBe('passed');
    const none = await runOne(d, { baseURL: base });
    expect(none).toMatchObject({ status: 'errored', code: 'ROLLGATE_NOT_SIGNED_IN' });
    expect(none.message).toMatch(/asks for the signed-in session .*declare the target's auth/);
    // A target that declares auth but whose sign-in failed: the message points at the sign-in.
    const withAuth = declare({
      health: { private: { path: '/private', signedIn: true } },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the runbook's template, read from the environment
      auth: { type: 'header', header: 'Authorization', value: 'Bearer ${T}' },
    });
    const failed = await runOne(withAuth, { baseURL: base });
    expect(failed).toMatchObject({ status: 'errored', code: 'ROLLGATE_NOT_SIGNED_IN' });
    expect(failed.message).toContain('the sign-in failed (see auth/sign-in)');
    // The same endpoint anonymously: observed and refused.
    const anonymous = await runOne(declare({ health: { private: '/private' } }), { baseURL: base });
    expect(anonymous.status).toBe('failed');
  });

  it("sends the target's http headers from the environment", async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the runbook's template, read from the environment
    const d = declare({ http: { headers: { 'X-Api-Key': '${API_KEY}' } }, health: { keyed: '/keyed' } });
    expect((await runOne(d, { baseURL: base, env: { API_KEY: 'k3y' } })).status).toBe('passed');
    expect(await runOne(d, { baseURL: base, env: {} })).toMatchObject({
      status: 'errored',
      code: 'ROLLGATE_MISSING_ENV',
    });
  });
});

describe('version: JSON path, header or pattern, against the release', () => {
  const cases = [
    ['a bare path (JSON version)', '/api/version'],
    ['a JSON path', { path: '/info', json: 'build.version' }],
    ['a header', { path: '/about', header: 'X-App-Version' }],
    ['a pattern', { path: '/about', pattern: 'Release v(\\d+\\.\\d+\\.\\d+)' }],
  ] as const;
  for (const [what, version] of cases) {
    it(`reads it from ${what}: passes on the release, fails on another`, async () => {
      const d = declare({ version }, { checks: ['version'] });
      const ok = await runOne(d, { baseURL: base, release: '1.2.3' });
      expect(ok.id).toBe('probes/version-matches');
      expect(ok.status, ok.message).toBe('passed');
      expect(ok.measurements[0]).toMatchObject({
        name: 'version',
        actual: '1.2.3',
        expected: '1.2.3',
        passed: true,
      });
      const wrong = await runOne(d, { baseURL: base, release: '2.0.0' });
      expect(wrong.status).toBe('failed');
      expect(wrong.message).toMatch(/version: seen 1\.2\.3 \(read from .+\); expected 2\.0\.0/);
    });
  }

  it('a source that is not there fails, saying where it looked', async () => {
    const d = declare({ version: { path: '/api/version', header: 'X-Version' } }, { checks: ['version'] });
    const r = await runOne(d, { baseURL: base, release: '1.2.3' });
    expect(r.status).toBe('failed');
    expect(r.message).toContain('version: seen (absent) (read from header X-Version: no X-Version header)');
  });
});

describe('security headers under the policy', () => {
  const eval_ = { headerPaths: ['/eval'] };
  const reason = 'the flow editor compiles user functions in the browser';

  it("a CSP needing 'unsafe-eval' passes with it allowed and the reason recorded, and fails when required", async () => {
    const allowed = await runOne(
      declare(
        {
          security: {
            ...eval_,
            headerRules: { 'Content-Security-Policy': { allow: ["'unsafe-eval'"], reason } },
          },
        },
        { checks: ['security-headers'] },
      ),
      { baseURL: base },
    );
    expect(allowed.status, allowed.message).toBe('passed');
    const csp = allowed.measurements.find((m) => m.name === '/eval Content-Security-Policy')!;
    expect(csp).toMatchObject({ passed: true, actual: 'restricts scripts' });
    expect(csp.note).toBe(`allowed by policy: 'unsafe-eval' (${reason})`);

    const required = await runOne(declare({ security: eval_ }, { checks: ['security-headers'] }), {
      baseURL: base,
    });
    expect(required.status).toBe('failed');
    expect(required.message).toContain("/eval Content-Security-Policy: seen script sources 'unsafe-eval'");
  });

  it('an allowance covers the listed sources only: the others still fail', async () => {
    const r = await runOne(
      declare(
        {
          security: {
            headerPaths: ['/eval-inline'],
            headerRules: { 'Content-Security-Policy': { allow: ["'unsafe-eval'"], reason } },
          },
        },
        { checks: ['security-headers'] },
      ),
      { baseURL: base },
    );
    expect(r.status).toBe('failed');
    expect(r.message).toContain("Content-Security-Policy: seen script sources 'unsafe-inline'");
    expect(r.message).not.toContain("seen script sources 'unsafe-eval'");
  });

  it('an advisory rule reports without failing: a note says advisory, the evidence lists it', async () => {
    const d = (rule: 'advisory' | 'required') =>
      declare(
        { security: { headerPaths: ['/no-referrer'], headerRules: { 'Referrer-Policy': rule } } },
        { checks: ['security-headers'] },
      );
    const advisory = await runOne(d('advisory'), { baseURL: base });
    expect(advisory.status, advisory.message).toBe('passed');
    const m = advisory.measurements.find((x) => x.name === '/no-referrer Referrer-Policy')!;
    expect(m.actual).toBe('(absent)');
    expect(m.note).toMatch(/^advisory: expected one of .*; reported, does not fail the check/);
    const listed = advisory.evidence.find((e) => e.name === '/no-referrer advisory');
    expect(listed?.body).toContain('Referrer-Policy: seen (absent); advisory');

    const required = await runOne(d('required'), { baseURL: base });
    expect(required.status).toBe('failed');
    expect(required.message).toContain('/no-referrer Referrer-Policy: seen (absent)');
  });

  it('an allowed header value passes that value only, with the reason', async () => {
    const d = (allow: string) =>
      declare(
        {
          security: {
            headerPaths: ['/downgrade'],
            headerRules: { 'Referrer-Policy': { allow: [allow], reason: 'legacy partner analytics' } },
          },
        },
        { checks: ['security-headers'] },
      );
    const ok = await runOne(d('no-referrer-when-downgrade'), { baseURL: base });
    expect(ok.status, ok.message).toBe('passed');
    expect(ok.measurements.find((m) => m.name === '/downgrade Referrer-Policy')!.note).toContain(
      'legacy partner analytics',
    );
    expect((await runOne(d('unsafe-url'), { baseURL: base })).status).toBe('failed');
  });
});

describe('as the engine runs them', () => {
  it('a check past its time limit errors with ROLLGATE_CHECK_TIMEOUT', async () => {
    const r = await runOne(declare({ health: { hang: '/hang' } }), { baseURL: base, timeoutMs: 300 });
    expect(r).toMatchObject({ status: 'errored', code: 'ROLLGATE_CHECK_TIMEOUT' });
    expect(r.message).toContain('no result within 300 ms');
  });

  it("a pass on the stage's retry is flaky; without retries the failure stands", async () => {
    flakyCalls = 0;
    const retried = await runOne(declare({ health: { flaky: '/flaky' } }, { retries: 1 }), { baseURL: base });
    expect(retried).toMatchObject({ status: 'flaky', retries: 1, message: 'passed only on retry 1' });
    flakyCalls = 0;
    const once = await runOne(declare({ health: { flaky: '/flaky' } }), { baseURL: base });
    expect(once).toMatchObject({ status: 'failed', retries: 0 });
  });

  it("the stage's advisory patterns make a built-in non-blocking", async () => {
    const r = await runOne(declare({ health: { down: '/html' } }, { advisory: ['probes/health-*'] }), {
      baseURL: base,
    });
    expect(r).toMatchObject({ blocking: false });
  });

  it('a mutating built-in on a target that allows no mutations is not applicable, with the reason', async () => {
    const r = await runOne(
      declare(
        { security: { rateLimit: { path: '/flaky', limit: 2, windowSeconds: 1 } } },
        { checks: ['rate-limit'] },
      ),
      { baseURL: base },
    );
    expect(r).toMatchObject({ status: 'skipped', id: 'security/rate-limit' });
    expect(r.notApplicable).toMatch(/allowMutations: false/);
  });

  it('not run (the target never started): every built-in errored with the reason', async () => {
    const d = declare(
      { version: '/api/version', health: { a: '/health', b: '/health' } },
      { checks: ['health', 'version'] },
    );
    const { baseURL: _b, embedded: _e, ...target } = d.target;
    const context = { baseURL: base, release: '1.2.3', target } as TargetContext;
    const ctx = {
      gate: { stage: d.stage } as ResolvedGate,
      env: {},
      root: '.',
      stopping: { signal: new AbortController().signal, reason: undefined },
    } as unknown as StepContext;
    const results = await builtinStep(context, 'embedded target failed to start: exit 1').run(ctx);
    expect(results.map((c) => [c.id, c.status, c.message])).toEqual(
      ['probes/health-a', 'probes/health-b', 'probes/version-matches'].map((id) => [
        id,
        'errored',
        'not run: embedded target failed to start: exit 1',
      ]),
    );
  });
});
