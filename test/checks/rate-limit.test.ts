import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../demo/rate-limit.ts';
import { CheckFailure, ObservationError } from '../../src/checks/authoring/errors.ts';
import { failedRules, failureMessage } from '../../src/checks/probes/assessment.ts';
import { checkRateLimit, parseRetryAfter } from '../../src/checks/probes/rate-limit.ts';
import { rejection } from '../unit/helpers.ts';

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates; anything else is unknown', () => {
    const now = Date.parse('2026-03-08T06:30:00Z');
    expect(parseRetryAfter('7', now)).toBe(7);
    expect(parseRetryAfter('Sun, 08 Mar 2026 06:30:05 GMT', now)).toBe(5);
    expect(parseRetryAfter('Sun, 08 Mar 2026 06:29:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-3', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe("the demo's limiter", () => {
  const rules = [{ method: 'GET', path: '/probe', limit: 2, windowSeconds: 10 }];

  it('keys by client and route, and reopens after the window', () => {
    let t = 1_000_000;
    const limiter = createRateLimiter(rules, () => t);
    expect([1, 2, 3].map(() => limiter.hit('a', 'GET', '/probe').allowed)).toEqual([true, true, false]);
    // Another client, and the same client on another route, are untouched.
    expect(limiter.hit('b', 'GET', '/probe').allowed).toBe(true);
    expect(Array.from({ length: 50 }, () => limiter.hit('a', 'GET', '/login').allowed).every(Boolean)).toBe(
      true,
    );
    t += 2_500;
    expect(limiter.hit('a', 'HEAD', '/probe')).toEqual({ allowed: false, retryAfterSeconds: 8 });
    t += 7_500;
    expect(limiter.hit('a', 'GET', '/probe').allowed).toBe(true);
  });
});

/** A limited route per behaviour; counts are per URL, so each test uses its own path. */
let server: Server;
let base: string;
const counts = new Map<string, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? '';
    const n = (counts.get(url) ?? 0) + 1;
    counts.set(url, n);
    const over = n > 2;
    if (url.startsWith('/error')) return res.writeHead(500).end();
    if (url.startsWith('/slow')) return void setTimeout(() => res.end('ok'), 40);
    if (!over || url.startsWith('/never')) return res.end('ok');
    const retry: Record<string, string | undefined> = {
      '/good': '3',
      '/date': new Date(Date.now() + 4000).toUTCString(),
      '/none': undefined,
      '/garbage': 'soon',
      '/long': '3600',
    };
    const value = retry[url.replace(/\/\d+$/, '')];
    res.writeHead(429, value === undefined ? {} : { 'retry-after': value }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

const spec = (path: string) => ({ path, limit: 2, windowSeconds: 10 });

describe('checkRateLimit', () => {
  it('passes a 429 at limit + 1 with Retry-After in seconds or as a date', async () => {
    for (const path of ['/good/1', '/date/1']) {
      const a = await checkRateLimit(base, spec(path));
      expect(failureMessage(a), path).toBeUndefined();
      expect(a.measurements.map((m) => [m.name, m.actual])).toEqual([
        ['requests sent', 3],
        ['first 429 at request', 3],
        ['Retry-After seconds', expect.any(Number)],
      ]);
    }
  });

  it('fails a 429 without a usable Retry-After, naming what was seen', async () => {
    const rule = async (path: string) =>
      failedRules(await checkRateLimit(base, spec(path))).map((r) => `${r.rule}: ${r.seen}`);
    expect(await rule('/none/1')).toEqual(['Retry-After seconds: (absent)']);
    expect(await rule('/garbage/1')).toEqual(['Retry-After seconds: "soon"']);
    expect(await rule('/long/1')).toEqual(['Retry-After seconds: 3600']);
  });

  it('stops after twice the limit plus two requests when no 429 comes', async () => {
    const a = await checkRateLimit(base, spec('/never/1'));
    expect(counts.get('/never/1')).toBe(6);
    expect(failureMessage(a)).toMatch(
      /first 429 at request: seen none in 6 requests within .* s \(declared limit 2 per 10 s\); expected <= 3/,
    );
  });

  it('an error status is a failure naming the request; a run slower than the window is inconclusive', async () => {
    const e = await rejection(checkRateLimit(base, spec('/error/1')));
    expect(e).toBeInstanceOf(CheckFailure);
    expect(e.message).toBe(
      `rate-limit probe GET ${base}/error/1: request 1 answered 500; expected 2xx until the limit, then 429`,
    );
    const slow = await rejection(checkRateLimit(base, { path: '/slow/1', limit: 1, windowSeconds: 0.05 }));
    expect(slow).toBeInstanceOf(ObservationError);
    expect(slow.message).toMatch(
      /^inconclusive: 4 requests to .*\/slow\/1 took \d+ ms, longer than the 0.05 s window$/,
    );
  });
});
