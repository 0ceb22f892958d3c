import { BUILTIN_CHECKS, type BuiltinCheckName } from '../../model/declarations.ts';
import type { TargetDeclaration } from '../authoring/target-context.ts';
import { checkAccessibility } from './accessibility.ts';
import { checkCorsPolicy } from './cors.ts';
import { checkCsrfProbe } from './csrf.ts';
import { checkDependencyAudit } from './dependency-audit.ts';
import { checkHealthEndpoint, healthProbe } from './health.ts';
import { checkDeclaredJwks } from './jwks.ts';
import { checkDeclaredRateLimit } from './rate-limit.ts';
import type { BuiltinFn } from './run.ts';
import { checkRuntimeConfig } from './runtime-config.ts';
import { checkSecretScan } from './secret-scan.ts';
import { checkHeaderPolicy } from './security-headers.ts';
import { checkLoginCookies } from './session-cookie.ts';
import { checkTls } from './tls.ts';
import { checkVersion } from './version.ts';

export type { BuiltinAssessment, BuiltinFn, BuiltinRun } from './run.ts';
export { targetRequester } from './run.ts';

/** One built-in check as a stage runs it: its id and title, and what runs it. */
export interface BuiltinCheck {
  /** The built-in the stage named (`health` expands to one check per endpoint). */
  name: BuiltinCheckName;
  /** @example 'probes/health-deep' */
  id: string;
  title: string;
  /** It changes state on the target (a rate-limit window, a CSRF probe's POST): needs allowMutations. */
  mutates: boolean;
  run: BuiltinFn;
}

const ONE: Record<
  Exclude<BuiltinCheckName, 'health'>,
  { title: string; run: BuiltinFn; mutates?: boolean }
> = {
  version: { title: 'deployed version equals the release under test', run: checkVersion },
  'security-headers': {
    title: 'responses carry the security headers (Mozilla Observatory and OWASP values)',
    run: checkHeaderPolicy,
  },
  cors: { title: 'an untrusted Origin is not allowed with credentials', run: checkCorsPolicy },
  // It uses up the probe route's window: a change to the target, if a harmless one.
  'rate-limit': {
    title: 'requests over the declared limit get 429 with Retry-After',
    run: checkDeclaredRateLimit,
    mutates: true,
  },
  csrf: {
    title: 'a state-changing request without a CSRF token is refused',
    run: checkCsrfProbe,
    mutates: true,
  },
  'session-cookie': {
    title: 'session cookies are HttpOnly, SameSite and Secure on HTTPS',
    run: checkLoginCookies,
  },
  jwks: { title: 'the JWKS endpoint serves a valid public key set', run: checkDeclaredJwks },
  'secret-scan': {
    title: 'no credentials in the config files the deployment ships with',
    run: checkSecretScan,
  },
  'runtime-config': {
    title: 'runtime configuration: required environment and secrets present, database persistent',
    run: checkRuntimeConfig,
  },
  tls: {
    title: 'the TLS certificate verifies, matches the host and has enough days left',
    run: checkTls,
  },
  'dependency-audit': {
    title: 'dependency advisories (npm audit) within the budget per severity',
    run: checkDependencyAudit,
  },
  accessibility: {
    title: 'pages meet WCAG 2.1 AA (axe-core in Chromium)',
    run: checkAccessibility,
  },
};

/**
 * The checks a stage's built-ins (`stage.checks`) expand to, in order, with their ids: `health`
 * gives one `probes/health-<name>` per declared endpoint, every other name one check.
 * @example builtinChecks(['health', 'version'], target).map((c) => c.id) // ['probes/health-simple', 'probes/health-deep', 'probes/version-matches']
 */
export function builtinChecks(
  names: readonly BuiltinCheckName[],
  declaration: TargetDeclaration,
): BuiltinCheck[] {
  return names.flatMap((name): BuiltinCheck[] => {
    if (name === 'health')
      return Object.keys(declaration.health ?? {}).map((endpoint) => {
        const p = healthProbe(declaration, endpoint);
        return {
          name,
          id: `probes/health-${endpoint}`,
          title: `health ${endpoint}: ${p.path} answers ${p.status} as declared within ${p.latencyMs} ms`,
          mutates: false,
          run: (d, r) => checkHealthEndpoint(endpoint, d, r),
        };
      });
    const one = ONE[name];
    const title =
      name === 'runtime-config' && declaration.requireWal ? `${one.title}, SQLite in WAL mode` : one.title;
    return [{ name, id: BUILTIN_CHECKS[name].id, title, mutates: one.mutates ?? false, run: one.run }];
  });
}
