import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObservationError } from '../../src/checks/authoring/errors.ts';
import { answerDigest as digestOf } from '../../src/checks/metrics/digest.ts';
import { findPrometheus } from '../../src/checks/metrics/prometheus/binaries.ts';
import { prometheusSource } from '../../src/checks/metrics/prometheus/client.ts';
import { waitForScrape } from '../../src/checks/metrics/prometheus/freshness.ts';
import { type EmbeddedPrometheus, startPrometheus } from '../../src/checks/metrics/prometheus/server.ts';
import { RollgateError } from '../../src/config/errors.ts';
import { createChildSet } from '../../src/engine/children.ts';

// One real Prometheus for the file, started first: its first scrape comes ~5 s after start. It
// scrapes a node:http app that serves a counter under a base path (/app/metrics).
const BIN = findPrometheus({ root: path.resolve(import.meta.dirname, '../..'), env: process.env });
const servers: Server[] = [];
const scratch = mkdtempSync(path.join(os.tmpdir(), 'rollgate-server-test-'));
let prom: EmbeddedPrometheus;
let startedAt: number;

function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

beforeAll(async () => {
  const app = await listen((req, res) => {
    if (req.url !== '/app/metrics') {
      res.statusCode = 404;
      res.end('not here');
      return;
    }
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end('# TYPE demo_requests_total counter\ndemo_requests_total{status="200"} 42\n');
  });
  startedAt = Date.now() / 1000;
  prom = await startPrometheus({
    prometheus: BIN.prometheus,
    scrape: [{ target: 'canary', url: `${app}/app/`, metricsPath: '/metrics' }],
  });
});
afterAll(async () => {
  await prom?.stop();
  rmSync(scratch, { recursive: true, force: true });
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

describe('the embedded Prometheus and its client', () => {
  it('serves on loopback and scrapes the target under its base path, labelled rollgate_target', async () => {
    expect(prom.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const source = prometheusSource({ url: prom.url });
    expect(source.describe).toBe(`prometheus ${prom.url}`);
    const fresh = await waitForScrape(source, 'timestamp(up{rollgate_target="canary"})', startedAt, {
      timeoutMs: 30_000,
    });
    if (!fresh.ok) throw new Error(fresh.error);
    expect(fresh.time).toBeGreaterThanOrEqual(startedAt);
    const a = await source.instant('demo_requests_total{rollgate_target="canary"}', fresh.time);
    if (!a.ok) throw new Error(a.error);
    expect(a.resultType).toBe('vector');
    expect(a.series).toHaveLength(1);
    expect(a.series[0]!.labels).toMatchObject({ status: '200', rollgate_target: 'canary', job: 'canary' });
    expect(a.series[0]!.points).toEqual([[fresh.time, 42]]);
    expect(a.digest).toBe(digestOf(a.raw));
    expect(a.digest).toMatch(/^[0-9a-f]{16}$/);
    const up = await source.instant('up{rollgate_target="canary"}', fresh.time);
    expect(up.ok && up.series[0]!.points[0]![1]).toBe(1);
  });

  it('a range query answers a matrix', async () => {
    const source = prometheusSource({ url: prom.url });
    const now = Date.now() / 1000;
    const a = await source.range('vector(7)', now - 10, now, 1);
    if (!a.ok) throw new Error(a.error);
    expect(a.resultType).toBe('matrix');
    expect(a.series[0]!.points).toHaveLength(11);
    expect(a.series[0]!.points.every(([, v]) => v === 7)).toBe(true);
  });

  it('an empty selection is ok with no series', async () => {
    const a = await prometheusSource({ url: prom.url }).instant('nosuchmetric', Date.now() / 1000);
    expect(a).toMatchObject({ ok: true, resultType: 'vector', series: [] });
  });

  it('0/0 is a NaN point, ±Inf are infinities', async () => {
    const source = prometheusSource({ url: prom.url });
    const nan = await source.instant('0/0', 1_700_000_000);
    expect(nan).toMatchObject({ ok: true, resultType: 'scalar' });
    expect(nan.ok && nan.series).toEqual([{ labels: {}, points: [[1_700_000_000, Number.NaN]] }]);
    const inf = await source.instant(
      'vector(1/0) or label_replace(vector(-1/0), "s", "neg", "", "")',
      1_700_000_000,
    );
    expect(inf.ok && inf.series.map((s) => s.points[0]![1]).sort()).toEqual([
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
    ]);
  });

  it('a parse error is ok:false with its errorType and the raw body', async () => {
    const a = await prometheusSource({ url: prom.url }).instant('sum(', Date.now() / 1000);
    expect(a.ok).toBe(false);
    if (a.ok) return;
    expect(a.error).toMatch(new RegExp(`^prometheus ${prom.url}: bad_data: .*parse error`));
    expect(a.raw).toContain('"errorType":"bad_data"');
    expect(a.digest).toBe(digestOf(a.raw!));
  });

  it('waitForScrape times out with the last answer when no scrape is new enough', async () => {
    const source = prometheusSource({ url: prom.url });
    const future = Date.now() / 1000 + 3600;
    const r = await waitForScrape(source, 'timestamp(up{rollgate_target="canary"})', future, {
      timeoutMs: 300,
      pollMs: 50,
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toContain(`no scrape newer than ${new Date(future * 1000).toISOString()} within 300 ms`);
    expect(r.error).toContain('last answer: newest scrape at');
    const none = await waitForScrape(source, 'nosuchmetric', 0, { timeoutMs: 100, pollMs: 50 });
    expect(none).toMatchObject({ ok: false, error: expect.stringContaining('last answer: 0 series') });
  });

  it('a server that never answers is ok:false after timeoutMs', async () => {
    const silent = await listen(() => {});
    const a = await prometheusSource({ url: silent, timeoutMs: 300 }).instant('up', Date.now() / 1000);
    expect(a).toEqual({ ok: false, error: `prometheus ${silent}: no answer within 300 ms` });
  });

  it('an answer that is not JSON is ok:false with the start of the body', async () => {
    const html = await listen((_req, res) => {
      res.statusCode = 502;
      res.end('<html>bad gateway</html>');
    });
    const a = await prometheusSource({ url: html }).range('up', 0, 10, 1);
    expect(a).toMatchObject({
      ok: false,
      error: `prometheus ${html}: HTTP 502, not JSON: <html>bad gateway</html>`,
    });
  });

  it('an unreadable caFile is ok:false naming the file', async () => {
    const a = await prometheusSource({ url: prom.url, caFile: '/nowhere/ca.pem' }).instant('up', 0);
    expect(a.ok).toBe(false);
    expect(!a.ok && a.error).toContain('cannot read caFile /nowhere/ca.pem');
  });
});

describe('starting and stopping', () => {
  it('in a ChildSet, answers until stopped, then is refused without a throw', async () => {
    const children = createChildSet(`prometheus-test-${process.pid}`);
    const own = await startPrometheus({
      prometheus: BIN.prometheus,
      spawn: (cmd, args, opts) => children.spawn(cmd, args, opts),
    });
    try {
      const source = prometheusSource({ url: own.url, timeoutMs: 5000 });
      expect((await source.instant('vector(1)', Date.now() / 1000)).ok).toBe(true);
      expect(existsSync(own.dataDir)).toBe(true);
      await own.stop();
      expect(existsSync(own.dataDir)).toBe(false); // its throw-away data is gone
      await own.stop(); // idempotent
      const a = await source.instant('vector(1)', Date.now() / 1000);
      expect(a.ok).toBe(false);
      expect(!a.ok && a.error).toContain('connection refused');
    } finally {
      await children.stopAll();
    }
  });

  it('a 2.x binary that exits at once is an error naming what was awaited, with its last output', async () => {
    // A stand-in answering --version as a 2.x, so the start itself is what fails.
    const bin = path.join(scratch, 'exits-at-once');
    writeFileSync(
      bin,
      '#!/bin/sh\n[ "$1" = "--version" ] && { echo "prometheus, version 2.42.0"; exit 0; }\necho "bad flag" >&2; exit 3\n',
    );
    chmodSync(bin, 0o755);
    const error = await startPrometheus({ prometheus: bin }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ObservationError);
    expect((error as ObservationError).code).toBe('ROLLGATE_METRICS_PROVIDER');
    expect((error as Error).message).toMatch(
      /it exited .* waiting for Prometheus \(.*exits-at-once\) to answer http:\/\/127\.0\.0\.1:\d+\/-\/ready/,
    );
    expect((error as Error).message).toContain('bad flag');
  });

  it('a binary that is no Prometheus (/bin/false) is refused before it is started', async () => {
    const error = await startPrometheus({ prometheus: '/bin/false' }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(RollgateError);
    expect((error as RollgateError).code).toBe('ROLLGATE_PROMETHEUS_MISSING');
    expect((error as Error).message).toContain('/bin/false does not answer `--version` as a Prometheus 2.x');
  });
});
