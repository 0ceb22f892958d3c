import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonSource } from '../../src/checks/metrics/json-source.ts';
import { runMetricCheck } from '../../src/checks/metrics/run-check.ts';
import { CheckResult } from '../../src/model/check-result.ts';
import { metricCheck } from './answers.ts';

const STATS = JSON.stringify({
  stats: { errors: { rate: 0.002, text: '12.5', word: 'high', flag: true, none: null } },
  items: [{ count: 5 }],
});

let server: Server;
let base: string;
let closedPort: number;
const seen: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers);
    if (req.url === '/stats') return res.writeHead(200, { 'content-type': 'application/json' }).end(STATS);
    if (req.url === '/broken') return res.writeHead(500).end('database is down');
    if (req.url === '/html')
      return res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hi</html>');
    if (req.url === '/slow') return; // never answers: the client's time-out must end it
    res.writeHead(404).end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const spare = createServer();
  await new Promise<void>((r) => spare.listen(0, '127.0.0.1', r));
  closedPort = (spare.address() as AddressInfo).port;
  await new Promise((r) => spare.close(r));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const at = (
  path: string,
  o: { timeoutMs?: number; headers?: Record<string, string>; caFile?: string } = {},
) => jsonSource({ url: `${base}${path}`, ...o });

describe('jsonSource', () => {
  it('reads a dotted path as a number, with the raw body and its digest', async () => {
    const a = await at('/stats').instant('stats.errors.rate', 0);
    expect(a).toMatchObject({ ok: true, resultType: 'json', raw: STATS });
    if (!a.ok) throw new Error(a.error);
    expect(a.digest).toBe(createHash('sha256').update(STATS).digest('hex').slice(0, 16));
    expect(a.series).toHaveLength(1);
    expect(a.series[0]!.points[0]![1]).toBe(0.002);
  });

  it('reads array indices and numeric strings', async () => {
    const src = at('/stats');
    const count = await src.instant('items.0.count', 0);
    const text = await src.instant('stats.errors.text', 0);
    expect(count.ok && count.series[0]!.points[0]![1]).toBe(5);
    expect(text.ok && text.series[0]!.points[0]![1]).toBe(12.5);
  });

  it('answers no series for a missing path, and a NaN point for a value that is not a number', async () => {
    const src = at('/stats');
    const missing = await src.instant('stats.errors.latency', 0);
    expect(missing).toMatchObject({ ok: true, series: [] });
    for (const path of ['stats.errors.word', 'stats.errors.flag', 'stats.errors.none', 'stats.errors']) {
      const a = await src.instant(path, 0);
      expect(a.ok && a.series[0]!.points[0]![1]).toBeNaN();
    }
  });

  it('sends the declared headers', async () => {
    seen.length = 0;
    await at('/stats', { headers: { 'x-api-key': 'k-123' } }).instant('items.0.count', 0);
    expect(seen[0]!['x-api-key']).toBe('k-123');
  });

  it('answers ok: false on an HTTP error, a body that is not JSON, a time-out and a refused connection', async () => {
    const broken = await at('/broken').instant('x', 0);
    expect(broken).toMatchObject({ ok: false, raw: 'database is down' });
    expect(!broken.ok && broken.error).toContain('HTTP 500');
    expect(broken.digest).toMatch(/^[0-9a-f]{16}$/);
    const html = await at('/html').instant('x', 0);
    expect(!html.ok && html.error).toContain('not JSON');
    const slow = await at('/slow', { timeoutMs: 200 }).instant('x', 0);
    expect(!slow.ok && slow.error).toContain('within 200 ms');
    const refused = await jsonSource({ url: `http://127.0.0.1:${closedPort}/stats` }).instant('x', 0);
    expect(!refused.ok && refused.error).toContain('refused');
    const ca = await at('/stats', { caFile: '/nonexistent/ca.pem' }).instant('x', 0);
    expect(!ca.ok && ca.error).toContain('/nonexistent/ca.pem');
  });

  it('has no history', async () => {
    const a = await at('/stats').range('stats.errors.rate', 0, 60, 15);
    expect(!a.ok && a.error).toContain('a json provider has no history');
  });

  it('feeds a metric check: a pass, and no data for a missing path', async () => {
    const run = (query: string) => {
      const now = Date.now() / 1000;
      return runMetricCheck({
        check: metricCheck({ query }),
        source: at('/stats'),
        vars: { release: '1', stage: 'canary', target: 'canary' },
        windows: { canary: { start: now, end: now } },
        stepSeconds: 1,
        blocking: true,
      });
    };
    const pass = CheckResult.parse(await run('stats.errors.rate'));
    expect(pass.status).toBe('passed');
    expect(pass.evidence.find((e) => e.name.endsWith('.svg'))!.body).toContain('canary (n=1)');
    const absent = CheckResult.parse(await run('stats.errors.latency'));
    expect(absent).toMatchObject({ status: 'errored', code: 'ROLLGATE_NO_DATA' });
    expect(absent.message).toContain(
      'no data: the path is absent from the answer; query: stats.errors.latency; answer sha256:',
    );
  });
});
