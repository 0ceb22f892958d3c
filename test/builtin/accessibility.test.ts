import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFaults, FAULT_NAMES, resolveFaults } from '../../demo/faults.ts';
import type { DemoServer } from '../../demo/server.ts';
import demoRunbook from '../../runbooks/demo.runbook.ts';
import { writeSessionFiles } from '../../src/checks/auth/session-files.ts';
import { signIn } from '../../src/checks/auth/sign-in.ts';
import { ObservationError } from '../../src/checks/authoring/errors.ts';
import { checkAccessibility } from '../../src/checks/builtin/accessibility.ts';
import type { CheckResult } from '../../src/model/check-result.ts';
import { Client, startTestDemo, tempDirs } from '../demo/helpers.ts';
import { declare, ROOT, runOne, serve, sessionFile } from './helpers.ts';

/**
 * `a11y/wcag-aa` at check level, in a real Chromium, against two demos started once: a healthy
 * one and one with the a11y fault (a logo without alt text, unlabelled login fields).
 */
const dirs = tempDirs();
let healthy: DemoServer;
let faulty: DemoServer;
const sessions: { healthy?: string; faulty?: string } = {};

const ACCOUNT = { SMOKE_USER: 'demo', SMOKE_PASSWORD: 'demo-password' };
const auth = demoRunbook.targets.demo.auth;
type Policy = Parameters<typeof declare>[0]['accessibility'];

/** A target declaring the demo's form login and the given pages; the stage runs `accessibility` only. */
const a11y = (accessibility: Policy, withAuth = true) =>
  declare({ ...(withAuth ? { auth } : {}), accessibility }, { checks: ['accessibility'] });

async function session(url: string): Promise<string> {
  const parsed = a11y({ paths: ['/'] }).target.auth!;
  const { session } = await signIn(url, parsed, { env: ACCOUNT });
  return writeSessionFiles(dirs.make(), session);
}

/** The parsed axe evidence of a result, by evidence name. */
function axeEvidence(r: CheckResult): Record<string, { violations: { id: string }[]; passes: number }> {
  return Object.fromEntries(r.evidence.map((e) => [e.name, JSON.parse(e.body ?? '{}')]));
}

beforeAll(async () => {
  [healthy, faulty] = await Promise.all([
    startTestDemo(dirs.make()),
    startTestDemo(dirs.make(), { faults: ['a11y'] }),
  ]);
  // An estimate, so /estimates shows its table, not the empty state.
  const client = new Client(healthy.url);
  await client.login();
  const created = await client.post('/estimates', {
    _csrf: await client.csrf('/estimates/new'),
    title: 'Kitchen',
    item_description: ['Tiles', ''],
    item_quantity: ['3', ''],
    item_unit_price: ['12.50', ''],
  });
  expect(created.status).toBe(303);
  [sessions.healthy, sessions.faulty] = await Promise.all([session(healthy.url), session(faulty.url)]);
});

afterAll(async () => {
  await Promise.all([healthy?.close(), faulty?.close()]);
  dirs.cleanup();
});

describe('the a11y fault', () => {
  it('is in the registry, off by default, and combines with the others', () => {
    expect(FAULT_NAMES).toContain('a11y');
    expect(resolveFaults([]).accessibleMarkup).toBe(true);
    expect(resolveFaults(['a11y', 'slow'])).toMatchObject({ accessibleMarkup: false, minDelayMs: 800 });
    expect(describeFaults().find((f) => f.name === 'a11y')?.description).toContain('WCAG 2.1 AA');
  });
});

describe('accessibility on the healthy demo', () => {
  it('/login passes WCAG 2.1 A and AA: no violation, measured on one page, axe results as evidence', async () => {
    const r = await runOne(a11y({ paths: ['/login'] }), { baseURL: healthy.url });
    expect([r.id, r.status, r.message]).toEqual(['a11y/wcag-aa', 'passed', undefined]);
    expect(r.measurements).toMatchObject([
      { name: 'a11y-violations', actual: 0, operator: '==', expected: 0, samples: 1, outcome: 'pass' },
    ]);
    const evidence = axeEvidence(r)['/login axe results']!;
    expect(evidence).toMatchObject({
      path: '/login',
      status: 200,
      axeVersion: expect.stringMatching(/^4\./),
      tags: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'],
      disabledRules: [],
      violations: [],
      blockedHosts: [],
    });
    expect(evidence.passes).toBeGreaterThan(5);
  });

  it('signed in, /estimates (with an estimate in its table) and /estimates/new pass', async () => {
    const r = await runOne(a11y({ paths: ['/estimates', '/estimates/new'], signedIn: true }), {
      baseURL: healthy.url,
      sessionFile: sessions.healthy!,
    });
    expect([r.status, r.message]).toEqual(['passed', undefined]);
    expect(r.measurements[0]).toMatchObject({ actual: 0, samples: 2 });
    expect(Object.keys(axeEvidence(r))).toEqual(['/estimates axe results', '/estimates/new axe results']);
    const body = r.evidence.map((e) => e.body).join('\n');
    // The session is in the browser, never in the evidence.
    expect(body).not.toContain('demo_session');
  });
});

describe('accessibility on the a11y fault', () => {
  it('/login fails, naming per page each rule with its impact, help and elements', async () => {
    const r = await runOne(a11y({ paths: ['/login'] }), { baseURL: faulty.url });
    expect(r.status).toBe('failed');
    expect(r.message).toContain(
      'accessibility (wcag2a, wcag2aa, wcag21a, wcag21aa): 3 violations on 1 of 1 page',
    );
    expect(r.message).toMatch(
      /\/login: 3 violations \((image-alt|label|link-name)(, (image-alt|label|link-name)){2}\)\n/,
    );
    expect(r.message).toContain('- label (critical): Form elements must have labels: #username, #password');
    expect(r.message).toMatch(/- image-alt \(critical\): Images must have alternative text: img/);
    expect(r.message).toMatch(/- link-name \(serious\): Links must have discernible text/);
    expect(r.measurements[0]).toMatchObject({ name: 'a11y-violations', actual: 3, outcome: 'fail' });
    expect(r.measurements[0]!.note).toContain('4 elements on 1 of 1 page');
    const ids = axeEvidence(r)['/login axe results']!.violations.map((v) => v.id);
    expect(ids.sort()).toEqual(['image-alt', 'label', 'link-name']);
  });

  it('signed in, /estimates and /estimates/new fail on the logo link', async () => {
    const r = await runOne(a11y({ paths: ['/estimates', '/estimates/new'], signedIn: true }), {
      baseURL: faulty.url,
      sessionFile: sessions.faulty!,
    });
    expect(r.status).toBe('failed');
    expect(r.message).toContain('4 violations on 2 of 2 pages');
    expect(r.message).toMatch(/\/estimates: 2 violations \([a-z, -]+\)\n- image-alt \(critical\)/);
  });

  it('a disabled rule with its reason does not count, and the message and evidence say so', async () => {
    const disabledRules = [
      { rule: 'image-alt', reason: 'logo redesign, tracked in #12' },
      { rule: 'link-name', reason: 'same logo link' },
    ];
    const login = await runOne(a11y({ paths: ['/login'], disabledRules }), { baseURL: faulty.url });
    expect(login.status).toBe('failed');
    expect(login.message).toContain('1 violation on 1 of 1 page');
    expect(login.message).not.toMatch(/- (image-alt|link-name)/);
    expect(login.message).toContain(
      'not counted (disabledRules): image-alt (logo redesign, tracked in #12); link-name (same logo link)',
    );
    expect(axeEvidence(login)['/login axe results']).toMatchObject({
      disabledRules,
      violations: [{ id: 'label' }],
    });
    // The estimates page breaks only the disabled rules: it passes, the measurement noting them.
    const estimates = await runOne(a11y({ paths: ['/estimates'], signedIn: true, disabledRules }), {
      baseURL: faulty.url,
      sessionFile: sessions.faulty!,
    });
    expect(estimates.status).toBe('passed');
    expect(estimates.measurements[0]!.note).toContain(
      'not counted (disabledRules): image-alt (logo redesign',
    );
  });
});

describe('accessibility that cannot observe is errored', () => {
  it('a page answering 404 is errored, never passed', async () => {
    const r = await runOne(a11y({ paths: ['/login', '/no-such-page'] }), { baseURL: healthy.url });
    expect(r).toMatchObject({
      status: 'errored',
      message: expect.stringContaining('GET /no-such-page answered 404'),
    });
  });

  it('signedIn without a session is errored (ROLLGATE_NOT_SIGNED_IN), with or without auth declared', async () => {
    const withAuth = await runOne(a11y({ paths: ['/estimates'], signedIn: true }), { baseURL: healthy.url });
    expect(withAuth).toMatchObject({
      status: 'errored',
      code: 'ROLLGATE_NOT_SIGNED_IN',
      message: expect.stringContaining('the sign-in failed'),
    });
    const noAuth = await runOne(a11y({ paths: ['/estimates'], signedIn: true }, false), {
      baseURL: healthy.url,
    });
    expect(noAuth).toMatchObject({
      status: 'errored',
      code: 'ROLLGATE_NOT_SIGNED_IN',
      message: expect.stringContaining("declare the target's auth"),
    });
  });

  it('a signed-in page that sends the browser elsewhere (signed out) is errored, not judged', async () => {
    const r = await runOne(a11y({ paths: ['/estimates'] }), { baseURL: healthy.url });
    expect(r).toMatchObject({
      status: 'errored',
      message: expect.stringContaining('GET /estimates ended on /login'),
    });
  });

  it('a Chromium that does not start, or none at all, is errored (ROLLGATE_NO_TOOL)', async () => {
    const broken = await runOne(a11y({ paths: ['/login'] }), {
      baseURL: healthy.url,
      env: { ROLLGATE_CHROMIUM: '/bin/false' },
    });
    expect(broken).toMatchObject({
      status: 'errored',
      code: 'ROLLGATE_NO_TOOL',
      message: expect.stringContaining('Chromium (/bin/false) did not start'),
    });
    const none = await runOne(a11y({ paths: ['/login'] }), {
      baseURL: healthy.url,
      env: { ROLLGATE_CHROMIUM: '/nonexistent/chromium' },
    });
    expect(none).toMatchObject({ status: 'errored', code: 'ROLLGATE_NO_TOOL' });
    expect(none.message).toContain('no Chromium found');
  });

  it('a page that does not load in time, or whose script never yields to axe, is errored (ROLLGATE_TIMEOUT)', async () => {
    const app = await serve((req, res) => {
      if (req.url === '/slow') return; // never answers
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><html lang="en"><head><title>Busy</title></head><body><main><h1>Busy</h1>
        <script>addEventListener('load', () => setTimeout(() => { for (;;) {} }, 0));</script></main></body></html>`);
    });
    const { target } = a11y({ paths: ['/busy'] }, false);
    const attempt = (paths: string[]) =>
      checkAccessibility(
        { ...target, accessibility: { ...target.accessibility!, paths } },
        { baseURL: app.url, release: '1.2.3', env: {}, root: ROOT, requestTimeoutMs: 1_000 },
      ).catch((e: unknown) => e);
    try {
      // Each page in a browser of its own, started at once: both only wait for their time-out.
      const [slow, busy] = await Promise.all([attempt(['/slow']), attempt(['/busy'])]);
      expect(slow).toBeInstanceOf(ObservationError);
      expect(slow).toMatchObject({
        code: 'ROLLGATE_TIMEOUT',
        message: 'GET /slow did not load within 1000 ms',
      });
      // axe's time-out, unless a busy machine took longer than the limit for the navigation
      // itself: either way errored as a time-out (without the bound on axe, this would hang).
      expect(busy).toBeInstanceOf(ObservationError);
      expect(busy).toMatchObject({
        code: 'ROLLGATE_TIMEOUT',
        message: expect.stringMatching(
          /^(axe-core did not finish \/busy within 1000 ms|GET \/busy did not load within 1000 ms)$/,
        ),
      });
    } finally {
      await app.close();
    }
  });

  it('a page that renders nothing is errored (ROLLGATE_NO_DATA), naming the scripts and style sheets the browser refused', async () => {
    const pages: Record<string, string> = {
      // An empty answer: axe only finds the document's missing title and language.
      '/empty': '',
      // A script-built shell whose bundle and styles come from other hosts: refused, so blank.
      '/shell': `<!doctype html><html lang="en"><head><title>Estimates</title>
        <link rel="stylesheet" href="https://static.example.com/app.css">
        <script src="http://203.0.113.9/app.js"></script></head><body><div id="root"></div></body></html>`,
      // The same shell with its bundle from the target itself renders and is judged: the last test
      // of this file ('what the browser sends and loads'), in the browser it starts anyway.
    };
    const app = await serve((req, res) => {
      const body = pages[req.url ?? ''];
      if (body === undefined) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'text/html' }).end(body);
    });
    try {
      const run = (path: string) => runOne(a11y({ paths: [path] }, false), { baseURL: app.url });
      const empty = await run('/empty');
      expect(empty).toMatchObject({ status: 'errored', code: 'ROLLGATE_NO_DATA' });
      expect(empty.message).toBe(
        "GET /empty: the page rendered nothing for axe-core to judge (no rule passed or failed on any element but the document's html, head and body)",
      );
      const shell = await run('/shell');
      expect(shell).toMatchObject({ status: 'errored', code: 'ROLLGATE_NO_DATA' });
      expect(shell.message).toContain('GET /shell: the page rendered nothing for axe-core to judge');
      expect(shell.message).toContain('the browser refused ');
      expect(shell.message).toContain('stylesheet https://static.example.com/app.css');
      expect(shell.message).toContain('script http://203.0.113.9/app.js');
      expect(shell.message).toContain(
        "(only the target's host and loopback load: serve them from the target)",
      );
    } finally {
      await app.close();
    }
  });

  it('an axe rule that does not exist in disabledRules is a configuration error', async () => {
    const r = await runOne(
      a11y({ paths: ['/login'], disabledRules: [{ rule: 'no-such-rule', reason: 'x' }] }),
      {
        baseURL: healthy.url,
      },
    );
    expect(r).toMatchObject({
      status: 'errored',
      code: 'ROLLGATE_CONFIG',
      message:
        'accessibility: axe-core refused the declared tags or disabledRules (unknown rule `no-such-rule` in options.rules)',
    });
  });

  it('tags that check nothing (a typo; a tag whose only rule is experimental) are a configuration error, never a pass', async () => {
    const typo = await runOne(a11y({ paths: ['/login'], tags: ['wcag2a', 'wcag2aa-typo'] }), {
      baseURL: faulty.url,
    });
    expect(typo).toMatchObject({
      status: 'errored',
      code: 'ROLLGATE_CONFIG',
      message: expect.stringMatching(
        /^accessibility.tags: no axe-core 4\.\d+\.\d+ rule carries wcag2aa-typo \(/,
      ),
    });
    const nothing = await runOne(a11y({ paths: ['/login'], tags: ['wcag21a'] }), { baseURL: faulty.url });
    expect(nothing).toMatchObject({
      status: 'errored',
      code: 'ROLLGATE_CONFIG',
      message: expect.stringMatching(
        /^accessibility.tags: wcag21a select no rule axe-core 4\.\d+\.\d+ runs$/,
      ),
    });
  });
});

describe('what the browser sends and loads', () => {
  it("carries the target's http.headers and a token session's header, to the page's own scripts too; hosts other than the target's are refused, the target's own bundle loads", async () => {
    const seen: string[] = [];
    const pages: Record<string, { type: string; body: string }> = {
      '/report': {
        type: 'text/html',
        body: `<!doctype html><html lang="en"><head><title>Report</title>
        <link rel="stylesheet" href="https://cdn.example.com/site.css"></head>
        <body><main><h1>Report</h1><img src="http://images.example.net/chart.png" alt="Sales chart"></main></body></html>`,
      },
      // A script-built shell whose bundle is the target's own: it renders, and is judged (a
      // bundle from another host is refused and leaves it blank: ROLLGATE_NO_DATA above).
      '/own': {
        type: 'text/html',
        body: `<!doctype html><html lang="en"><head><title>Estimates</title></head><body><div id="root"></div>
        <script src="/app.js"></script></body></html>`,
      },
      '/app.js': {
        type: 'text/javascript',
        body: `document.getElementById('root').innerHTML = '<main><h1>Estimates</h1><p>None yet.</p></main>';`,
      },
    };
    const app = await serve((req, res) => {
      seen.push(`${req.url} ${String(req.headers['x-team'])}`);
      if (req.headers.authorization !== 'Bearer a-session-token-123') {
        res.writeHead(401).end();
        return;
      }
      const page = pages[req.url ?? ''];
      if (!page) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': page.type }).end(page.body);
    });
    try {
      const declared = declare(
        {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: rollgate reads ${TEAM} from the environment
          http: { headers: { 'X-Team': '${TEAM}' } },
          accessibility: { paths: ['/report', '/own'], signedIn: true },
        },
        { checks: ['accessibility'] },
      );
      const r = await runOne(declared, {
        baseURL: app.url,
        env: { TEAM: 'blue' },
        sessionFile: sessionFile(dirs.make(), { Authorization: 'Bearer a-session-token-123' }),
      });
      expect([r.status, r.message]).toEqual(['passed', undefined]);
      expect(seen).toEqual(['/report blue', '/own blue', '/app.js blue']);
      const evidence = axeEvidence(r);
      expect(evidence['/report axe results']).toMatchObject({
        blockedHosts: ['cdn.example.com', 'images.example.net'],
      });
      expect(evidence['/own axe results']).toMatchObject({ status: 200, violations: [], blockedHosts: [] });
      expect(r.measurements[0]).toMatchObject({ actual: 0, samples: 2 });
      expect(r.evidence.map((e) => e.body).join('\n')).not.toContain('a-session-token-123');
    } finally {
      await app.close();
    }
  });
});
