import { connect } from 'node:net';
import { probe } from 'rollgate/checks';
import { check, describe, expect, ObservationError } from 'rollgate/vitest';

/** The machine the runbook sizes for: 2048 MB per Fly machine. */
export const MACHINE_MEMORY_BYTES = 2048 * 1024 * 1024;
/** "Memory usage < 85%" of it. */
export const MEMORY_SHARE_TARGET = 0.85;
/** The TCP health check's time-out. */
const TCP_TIMEOUT_MS = 3000;

/** The Prometheus text the app serves at /api/metrics (the runbook's "metrics" endpoint). */
async function metricsText(baseURL: string): Promise<string> {
  const res = await probe(`${baseURL}/api/metrics`, { timeoutMs: 10_000 });
  expect(res.status, `${res.url} status`).toBe(200);
  return res.body;
}

/** The samples of one metric in Prometheus text: labels (as written) and value. */
function samples(text: string, metric: string): { labels: string; value: number }[] {
  const line = new RegExp(`^${metric}(\\{[^}]*\\})?\\s+(\\S+)`);
  return text.split('\n').flatMap((l) => {
    const m = line.exec(l);
    return m ? [{ labels: m[1] ?? '', value: Number(m[2]) }] : [];
  });
}

/**
 * What the runbook's health checks and key metrics ask that no built-in observes: the fallback TCP
 * check, memory against the machine, no 5xx since the app started, and the headers and build
 * settings the security and build sections name.
 */
describe('paintbox probes', () => {
  check(
    'the TCP port accepts a connection within 3 s (fallback health check)',
    async ({ context, require }) => {
      const url = new URL(context.baseURL);
      const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
      const started = performance.now();
      const ms = await new Promise<number>((resolve, reject) => {
        const socket = connect({ host: url.hostname, port, timeout: TCP_TIMEOUT_MS });
        socket.once('connect', () => {
          socket.destroy();
          resolve(Math.round(performance.now() - started));
        });
        socket.once('timeout', () => {
          socket.destroy();
          resolve(TCP_TIMEOUT_MS + 1);
        });
        socket.once('error', (error: NodeJS.ErrnoException) => {
          reject(new ObservationError(`TCP ${url.hostname}:${port}: ${error.code ?? error.message}`));
        });
      });
      require({ name: 'tcp-connect', operator: '<=', expected: TCP_TIMEOUT_MS, unit: 'ms' }, ms);
    },
    { id: 'probes/tcp-connect' },
  );

  check(
    'resident memory under 85% of the machine (2048 MB)',
    async ({ context, require }) => {
      const rss = samples(await metricsText(context.baseURL), 'process_resident_memory_bytes');
      if (rss.length !== 1)
        throw new ObservationError(
          `/api/metrics has ${rss.length} process_resident_memory_bytes samples, not one`,
        );
      const share = Math.round((rss[0]!.value / MACHINE_MEMORY_BYTES) * 10_000) / 10_000;
      require({ name: 'memory-share', operator: '<', expected: MEMORY_SHARE_TARGET, unit: 'ratio' }, share);
    },
    { id: 'probes/memory-share' },
  );

  check(
    'no HTTP 5xx answered since the app started',
    async ({ context, require, attach }) => {
      const requests = samples(await metricsText(context.baseURL), 'http_requests_total');
      if (requests.length === 0) throw new ObservationError('/api/metrics has no http_requests_total series');
      const errors = requests.filter((s) => /status="5\d\d"/.test(s.labels) && s.value > 0);
      attach('5xx series', 'text/plain', {
        body: errors.map((s) => `http_requests_total${s.labels} ${s.value}`).join('\n') || '(none)',
      });
      const total = requests.reduce((n, s) => n + s.value, 0);
      require({ name: 'http-5xx', operator: '==', expected: 0 }, errors.reduce(
        (n, s) => n + s.value,
        0,
      ), Math.max(1, Math.round(total)));
    },
    { id: 'probes/no-server-errors' },
  );

  check(
    'X-XSS-Protection is off or in block mode, never the filter mode attacks abuse',
    async ({ context, require }) => {
      const res = await probe(`${context.baseURL}/login`, { timeoutMs: 10_000 });
      expect(res.status, `${res.url} status`).toBeLessThan(400);
      // Browsers removed the XSS auditor; CSP (security/headers) is what stops scripts now. A bare
      // "1" (filter mode) let attackers blank out parts of a page, so only 0, "1; mode=block" or none pass.
      const value =
        res.headers.get('x-xss-protection')?.trim().replace(/\s+/g, ' ').toLowerCase() ?? '(absent)';
      const safe = ['(absent)', '0', '1; mode=block'].includes(value) ? 'safe' : value;
      require({ name: 'x-xss-protection', operator: '==', expected: 'safe' }, safe);
    },
    { id: 'security/xss-protection' },
  );

  check(
    'no source maps are served with the scripts and stylesheets',
    async ({ context, require, attach }) => {
      const page = await probe(`${context.baseURL}/login`, { timeoutMs: 10_000 });
      expect(page.status, `${page.url} status`).toBe(200);
      const assets = [
        ...[...page.body.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]!),
        ...[...page.body.matchAll(/<link[^>]*\srel="stylesheet"[^>]*\shref="([^"]+)"/g)].map((m) => m[1]!),
      ].map((src) => new URL(src, page.url).href);
      if (assets.length === 0)
        throw new ObservationError(
          `${page.url} references no script or stylesheet: nothing to look for source maps in`,
        );
      const found: string[] = [];
      for (const url of assets) {
        const asset = await probe(url, { timeoutMs: 10_000 });
        expect(asset.status, `${url} status`).toBe(200);
        if (/[#@] sourceMappingURL=/.test(asset.body) || asset.headers.get('sourcemap'))
          found.push(`${url}: names a source map`);
        const map = await probe(`${url}.map`, { timeoutMs: 10_000 });
        if (map.status < 400) found.push(`${url}.map answers ${map.status}`);
      }
      attach('assets', 'text/plain', {
        body: [...assets, '', ...(found.length ? found : ['no source map'])].join('\n'),
      });
      require({ name: 'source-maps', operator: '==', expected: 0 }, found.length, assets.length);
    },
    { id: 'probes/no-source-maps' },
  );
});
