import { jsonBody, probe } from 'rollgate/checks';
import { check, describe, expect } from 'rollgate/vitest';
import { z } from 'zod';

/** The parts of `/api/telemetry` these checks read. */
const Telemetry = z.object({
  build: z.object({ version: z.string(), commit: z.string(), builtAt: z.string() }),
  integrations: z.record(
    z.string(),
    z.object({ configured: z.boolean(), status: z.enum(['ok', 'not-configured', 'error']) }),
  ),
});

/** The variables each integration needs: configured means every one is set where the app runs. */
const INTEGRATIONS: Record<string, string[]> = {
  salesforce: ['SALESFORCE_USERNAME', 'SALESFORCE_PASSWORD', 'SALESFORCE_SECURITY_TOKEN'],
  companycam: ['COMPANYCAM_API_KEY'],
};

async function telemetry(baseURL: string) {
  const res = await probe(`${baseURL}/api/telemetry`, { timeoutMs: 10_000 });
  expect(res.status, `${res.url} status`).toBe(200);
  const parsed = Telemetry.safeParse(jsonBody(res));
  expect(parsed.success, `${res.url} is not the telemetry shape: ${parsed.error?.message}`).toBe(true);
  return parsed.data!;
}

/**
 * "Truthful telemetry": what the telemetry widget shows must be what is deployed. The environment
 * label and the shape are the target's `health.telemetry` declaration; these checks compare the
 * rest with the gate's own knowledge: the release under test and the credentials it was given.
 */
describe('telemetry', () => {
  check(
    'build info is the release under test, with a commit and a build time',
    async ({ context, require }) => {
      const { build } = await telemetry(context.baseURL);
      require({ name: 'build-version', operator: '==', expected: context.release }, build.version);
      const commit = /^[0-9a-f]{7,40}$/.test(build.commit) ? 'a commit id' : build.commit;
      require({ name: 'build-commit', operator: '==', expected: 'a commit id' }, commit);
      const built = Date.parse(build.builtAt);
      const when = Number.isNaN(built) ? 'not a time' : built <= Date.now() ? 'in the past' : 'in the future';
      require({ name: 'build-time', operator: '==', expected: 'in the past' }, when);
    },
    { id: 'telemetry/build-info' },
  );

  check(
    'integration status matches the credentials the deployment has',
    async ({ context, require, attach }) => {
      const { integrations } = await telemetry(context.baseURL);
      const seen = Object.entries(INTEGRATIONS).map(([name, vars]) => {
        // Names only: a value is tested for presence and never read into output.
        const has = vars.every((v) => Boolean(process.env[v]?.trim()));
        return { name, has, shown: integrations[name] };
      });
      attach('integrations', 'text/plain', {
        body: seen
          .map(
            (i) =>
              `${i.name}: credentials ${i.has ? 'set' : 'not set'}; telemetry ${JSON.stringify(i.shown)}`,
          )
          .join('\n'),
      });
      for (const { name, has, shown } of seen) {
        const configured = shown === undefined ? 'absent' : shown.configured ? 'yes' : 'no';
        require({ name: `${name}-configured`, operator: '==', expected: has ? 'yes' : 'no' }, configured);
        require({
          name: `${name}-status`,
          operator: '==',
          expected: has ? 'ok' : 'not-configured',
        }, shown?.status ?? 'absent');
      }
    },
    { id: 'telemetry/integrations-accurate' },
  );
});
