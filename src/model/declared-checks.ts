import type { z } from 'zod';
import type { Auth, Backups, BuiltinCheckName, SecurityPolicy } from './declarations.ts';

interface TargetLike {
  auth?: Auth;
  version?: unknown;
  health?: Record<string, unknown>;
  security?: SecurityPolicy;
  jwksPath?: string;
  configFiles: string[];
  secrets: string[];
  requiredEnv: string[];
  databaseUrlEnv?: string;
  backups?: Backups;
  tls?: unknown;
  audit?: unknown;
  accessibility?: unknown;
}

/** Why a target cannot run a built-in check (its declaration is missing), or undefined when it can. */
export function missingDeclaration(name: BuiltinCheckName, t: TargetLike): string | undefined {
  const s = t.security;
  switch (name) {
    case 'health':
      return t.health && Object.keys(t.health).length ? undefined : 'declares no health endpoints (health)';
    case 'version':
      return t.version
        ? undefined
        : "declares no version source (version: '/api/version' or { path, json | header | pattern })";
    case 'security-headers':
      return s?.headerPaths ? undefined : 'declares no pages for the header policy (security.headerPaths)';
    case 'cors':
      return s?.corsPath ? undefined : 'declares no CORS path (security.corsPath)';
    case 'rate-limit':
      return s?.rateLimit ? undefined : 'declares no rate-limited route (security.rateLimit)';
    case 'csrf':
      if (!s?.csrfProbe) return 'declares no CSRF probe (security.csrfProbe)';
      return t.auth?.type === 'form'
        ? undefined
        : 'has no form login (auth: { type: "form" }), which the CSRF probe signs in with';
    case 'session-cookie':
      if (!s?.sessionCookie) return 'does not ask for it (security.sessionCookie: true)';
      return t.auth?.type === 'form'
        ? undefined
        : 'has no form login (auth: { type: "form" }) whose cookies could be checked';
    case 'jwks':
      return t.jwksPath ? undefined : 'declares no jwksPath';
    case 'secret-scan':
      return t.configFiles.length ? undefined : 'declares no configFiles to scan';
    case 'runtime-config':
      return t.secrets.length || t.requiredEnv.length || t.databaseUrlEnv
        ? undefined
        : 'declares no secrets, requiredEnv or databaseUrlEnv';
    case 'tls':
      return t.tls ? undefined : 'declares no TLS policy (tls: { minDaysLeft: 14 })';
    case 'dependency-audit':
      return t.audit
        ? undefined
        : 'declares no dependency audit (audit: { budget: { critical: 0, high: 0 } })';
    case 'accessibility':
      return t.accessibility ? undefined : "declares no pages to check (accessibility: { paths: ['/'] })";
  }
}

/** Every built-in check a stage names must find its declaration on the stage's target. */
export function addDeclaredCheckIssues(
  rb: {
    targets: Record<string, TargetLike>;
    stages: Record<string, { target: string; checks: BuiltinCheckName[] }>;
  },
  ctx: z.RefinementCtx,
): void {
  for (const [stageName, stage] of Object.entries(rb.stages)) {
    const target = rb.targets[stage.target];
    if (!target) continue;
    stage.checks.forEach((name, i) => {
      const why = missingDeclaration(name, target);
      if (why) {
        ctx.addIssue({
          code: 'custom',
          path: ['stages', stageName, 'checks', i],
          message: `runs the built-in "${name}", but target "${stage.target}" ${why}`,
        });
      }
    });
  }
}
