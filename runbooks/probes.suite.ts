import { checkJwks, createTargetClient, jsonBody, probe, report } from 'rollgate/checks';
import { check, describe, expect } from 'rollgate/vitest';
import { z } from 'zod';

const SimpleHealth = z.object({ status: z.literal('ok') });
const DeepHealth = z.object({
  status: z.literal('ok'),
  version: z.string(),
  environment: z.string(),
  checks: z.object({ database: z.object({ status: z.literal('ok') }).passthrough() }).passthrough(),
});
const Version = z.object({ version: z.string().min(1) });

/** Budget for a health probe: a health endpoint slower than this is already a symptom. */
const HEALTH_LATENCY = { name: 'latency', operator: '<=', expected: 1000, unit: 'ms' } as const;

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  expect(
    r.success,
    `${what} body does not match its schema: ${r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
  ).toBe(true);
  return r.data as T;
}

/** HTTP probes: health tiers, deployed version, environment label, metrics. */
describe('probes', () => {
  check(
    'simple health answers ok',
    async ({ context, require, attach, notApplicable }) => {
      if (!context.target.health) notApplicable('the target declares no health endpoints');
      const res = await probe(context.baseURL + context.target.health!.simple, { timeoutMs: 5000 });
      attach('response', 'text/plain', { body: `${res.status} ${res.url}\n\n${res.body.slice(0, 2000)}` });
      expect(res.status, `${res.url} status`).toBe(200);
      parse(SimpleHealth, jsonBody(res), res.url);
      require(HEALTH_LATENCY, Math.round(res.durationMs));
    },
    { id: 'probes/health-simple' },
  );

  check(
    'deep health: dependencies reachable',
    async ({ context, require, attach, notApplicable }) => {
      if (!context.target.health) notApplicable('the target declares no health endpoints');
      const res = await probe(context.baseURL + context.target.health!.deep, { timeoutMs: 10_000 });
      attach('response', 'text/plain', { body: `${res.status} ${res.url}\n\n${res.body.slice(0, 2000)}` });
      expect(res.status, `${res.url} status`).toBe(200);
      parse(DeepHealth, jsonBody(res), res.url);
      require({ ...HEALTH_LATENCY, expected: 2000 }, Math.round(res.durationMs));
    },
    { id: 'probes/health-deep' },
  );

  check(
    'deployed version equals the release under test',
    async ({ context, require }) => {
      const res = await probe(context.baseURL + context.target.versionPath, { timeoutMs: 5000 });
      expect(res.status, `${res.url} status`).toBe(200);
      const body = parse(Version, jsonBody(res), res.url);
      require({ name: 'version', operator: '==', expected: context.release }, body.version);
    },
    { id: 'probes/version-matches' },
  );

  check(
    'environment label matches the target',
    async ({ context, require, notApplicable }) => {
      if (!context.target.environment || !context.target.health)
        notApplicable('the target declares no environment label');
      const res = await probe(context.baseURL + context.target.health!.deep, { timeoutMs: 10_000 });
      expect(res.status, `${res.url} status`).toBe(200);
      const body = parse(DeepHealth, jsonBody(res), res.url);
      require({
        name: 'environment',
        operator: '==',
        expected: context.target.environment!,
      }, body.environment);
    },
    { id: 'probes/environment-label' },
  );

  check(
    'metrics are served in Prometheus text format',
    async ({ context, require }) => {
      const res = await probe(`${context.baseURL}/api/metrics`, { timeoutMs: 5000 });
      expect(res.status, `${res.url} status`).toBe(200);
      expect(res.headers.get('content-type') ?? '', 'content type').toMatch(/^text\/plain/);
      const series = res.body.split('\n').filter((l) => l && !l.startsWith('#')).length;
      require({ name: 'metric-series', operator: '>', expected: 0 }, series, series);
    },
    { id: 'probes/metrics' },
  );
});

/** Where the target declares one: its JWKS serves a valid public key set, through the target's own headers and CA. */
describe('identity', () => {
  check(
    'the JWKS endpoint serves a valid public key set',
    async (c) => {
      const { jwksPath, http } = c.context.target;
      if (!jwksPath) c.notApplicable('the target declares no jwksPath');
      const client = createTargetClient(http);
      report(c, await checkJwks(c.context.baseURL + jwksPath, { request: client.request }));
    },
    { id: 'probes/jwks' },
  );
});
