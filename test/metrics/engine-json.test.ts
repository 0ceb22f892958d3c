import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { check, readVerdict, rollgate, tempReports } from '../e2e/helpers.ts';

const RUNBOOK = 'test/fixtures/metrics/json.runbook.ts';
const TOKEN = 'stats-token-6f1c0e9a2b';

let server: Server;
let baseURL: string;
/** Headers of every request to /stats, in order. */
const seen: IncomingHttpHeaders[] = [];

/**
 * The app under test: /stats answers its error rate as JSON (and, carelessly, echoes the token it
 * was sent, so the raw answer kept as evidence carries the secret); /api/version its version.
 */
beforeAll(async () => {
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/stats') {
      seen.push(req.headers);
      res.end(JSON.stringify({ errors: { rate: 0.001 }, token: req.headers['x-token'] ?? null }));
    } else if (req.url === '/api/version') res.end(JSON.stringify({ version: '1' }));
    else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Every file under `dir` whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .filter((f) => readFileSync(f).includes(needle));
}

async function gate(stage: string) {
  const reports = tempReports();
  const before = seen.length;
  const r = await rollgate(['gate', stage, '--runbook', RUNBOOK, '--base-url', baseURL, '--release', '1'], {
    ROLLGATE_REPORTS_DIR: reports,
    STATS_TOKEN: TOKEN,
  });
  return { r, reports, requests: seen.slice(before), verdict: () => readVerdict(reports) };
}

/** A json provider in a gate: the target's /stats read once per check, judged by the budget evaluator. */
describe('metric checks on a JSON endpoint', () => {
  test('a value within the rule PROMOTEs; the header from the environment reaches the server and nowhere else', async () => {
    const g = await gate('within');
    expect(g.r.exitCode, g.r.all).toBe(0);
    const v = g.verdict();
    expect(v.verdict).toBe('promote');
    const c = check(v, 'metrics/error-rate');
    expect(c).toMatchObject({ status: 'passed', kind: 'metrics', blocking: true });
    expect(c.measurements[0]).toMatchObject({
      actual: 0.001,
      operator: '<',
      expected: 0.005,
      outcome: 'pass',
    });
    expect(g.requests.length).toBeGreaterThan(0);
    for (const h of g.requests) expect(h['x-token']).toBe(TOKEN);
    // The answer is kept as evidence, masked: the token never lands in a report.
    const answer = c.evidence.find((e) => e.name === 'metrics-error-rate-answer.json');
    expect(answer?.body).toContain('"token": "***"');
    expect(filesContaining(g.reports, TOKEN)).toEqual([]);
    // The search sees the reports: the check itself is found in them.
    expect(filesContaining(g.reports, 'metrics/error-rate').length).toBeGreaterThan(0);
    expect(g.r.all).not.toContain(TOKEN);
  });

  test('a value that breaks the rule HOLDs with the check failed, its value and the path read', async () => {
    const g = await gate('breaks');
    expect(g.r.exitCode, g.r.all).toBe(1);
    const v = g.verdict();
    expect(v.verdict).toBe('hold');
    const c = check(v, 'metrics/error-rate');
    expect(c.status).toBe('failed');
    expect(c.measurements[0]).toMatchObject({
      actual: 0.001,
      expected: 0.0005,
      outcome: 'fail',
      passed: false,
    });
    expect(c.message).toMatch(
      /^error-rate: 0\.001 violates < 0\.0005 \(1 sample\); query: errors\.rate; answer sha256:[0-9a-f]{16}$/,
    );
    expect(g.requests.map((h) => h['x-token'])).toEqual(g.requests.map(() => TOKEN));
    expect(filesContaining(g.reports, TOKEN)).toEqual([]);
  });

  test('a path the answer lacks is no data: errored ROLLGATE_NO_DATA, HOLD, never a pass', async () => {
    const g = await gate('missing');
    expect(g.r.exitCode, g.r.all).toBe(1);
    const v = g.verdict();
    expect(v.verdict).toBe('hold');
    const c = check(v, 'metrics/error-rate');
    expect(c).toMatchObject({ status: 'errored', code: 'ROLLGATE_NO_DATA' });
    expect(c.message).toContain('the path is absent from the answer; query: errors.ratio');
    expect(c.measurements[0]).toMatchObject({ outcome: 'no-data', passed: false });
    expect(v.reasons.join('\n')).toMatch(/metrics\/error-rate errored: no data/);
    expect(filesContaining(g.reports, TOKEN)).toEqual([]);
  });
});
