import { describe, expect, it } from 'vitest';
import { Runbook } from '../../src/model/runbook.ts';
import { MaintenanceSpec } from '../../src/model/stage-guards.ts';

/**
 * Maintenance calls' credential headers (Authorization, Cookie, X-Api-Key…) must read the
 * environment: a literal value would be a secret in the runbook, never masked.
 */
const call = (headers: Record<string, string>) => ({ path: '/admin/maintenance/enable', headers });
const parse = (enable: Record<string, string>, disable: Record<string, string> = {}) =>
  MaintenanceSpec.safeParse({ enable: call(enable), disable: call(disable) });
const problems = (r: ReturnType<typeof parse>) =>
  r.success ? [] : r.error.issues.map((i) => [i.path.join('.'), i.message]);

const MESSAGE =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the message shows a runbook template
  "carries a credential: must read an environment variable, e.g. 'Bearer ${ADMIN_TOKEN}' (a literal value would be a secret written into the runbook, never masked)";

describe('maintenance call headers', () => {
  it('refuse a literal value in a credential header, naming the header', () => {
    for (const name of [
      'Authorization',
      'authorization',
      'Proxy-Authorization',
      'Cookie',
      'X-Api-Key',
      'Api-Key',
      'X-Auth-Token',
      'X-Admin-Secret',
      'X-Session',
      'X_ACCESS_KEY',
    ]) {
      expect(problems(parse({ [name]: 'Bearer s3cr3t-literal-value' })), name).toEqual([
        [`enable.headers.${name}`, `${name} ${MESSAGE}`],
      ]);
    }
    expect(problems(parse({}, { Cookie: 'admin=1f2e3d' }))).toEqual([
      ['disable.headers.Cookie', `Cookie ${MESSAGE}`],
    ]);
  });

  it('accept a credential header that reads an environment variable, and literal ordinary headers', () => {
    const ok = parse(
      {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a runbook template, read from the environment
        Authorization: 'Bearer ${ADMIN_TOKEN}',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a runbook template, read from the environment
        'X-Api-Key': '${API_KEY}',
        'Content-Type': 'application/json',
        'X-Request-Source': 'rollgate',
        'Idempotency-Key': 'maintenance-on',
      },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a runbook template, read from the environment
      { Cookie: 'admin=${ADMIN_COOKIE}' },
    );
    expect(problems(ok)).toEqual([]);
  });

  it('a lower-case name in braces is not a variable rollgate reads: still a literal', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: looks like a template, is not one
    expect(problems(parse({ Authorization: 'Bearer ${admin_token}' }))).toHaveLength(1);
  });

  it('a runbook with a literal token is refused at its field', () => {
    const r = Runbook.safeParse({
      name: 'literal',
      targets: { app: { baseURL: 'https://app.example.com' } },
      stages: {
        production: {
          target: 'app',
          maintenance: {
            enable: { path: '/admin/maintenance/enable', headers: { Authorization: 'Bearer abc123def456' } },
            disable: { path: '/admin/maintenance/disable' },
          },
        },
      },
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toEqual([
      'stages.production.maintenance.enable.headers.Authorization',
    ]);
  });
});
