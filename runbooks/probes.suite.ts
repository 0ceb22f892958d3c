import { jsonBody, probe } from 'rollgate/checks';
import { check, describe, expect } from 'rollgate/vitest';
import { z } from 'zod';

/** What the demo's deep health says about itself; only the environment label is read here. */
const DeepHealth = z.object({ environment: z.string() }).passthrough();

/**
 * HTTP probes specific to the demo. Health, version and the JWKS are built-in checks the runbook
 * declares (target `health`, `version`, `jwksPath`; stage `checks`); what is left here is the
 * demo's own: the environment label its deep health reports, and its Prometheus metrics.
 */
describe('probes', () => {
  check(
    'environment label matches the target',
    async ({ context, require, notApplicable }) => {
      const deep = context.target.health?.deep;
      if (!context.target.environment || !deep) notApplicable('the target declares no environment label');
      const path = typeof deep === 'string' ? deep : deep!.path;
      const res = await probe(context.baseURL + path, { timeoutMs: 10_000 });
      expect(res.status, `${res.url} status`).toBe(200);
      const body = DeepHealth.safeParse(jsonBody(res));
      expect(body.success, `${res.url} body has no environment label`).toBe(true);
      require({ name: 'environment', operator: '==', expected: context.target.environment! }, body.data!
        .environment);
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
