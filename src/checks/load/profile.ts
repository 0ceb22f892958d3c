import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { importDefault } from '../../config/import-default.ts';
import { explainUnknownKeys } from '../../config/known-keys.ts';
import { formatIssues } from '../../config/load-runbook.ts';
import { LoadRefusedError } from './hosts.ts';

const envName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name such as SMOKE_PASSWORD');

/** `3000`, `'3s'`, `'1500ms'`, `'2m'` → milliseconds. */
export const Duration = z
  .union([
    z.number().int().nonnegative(),
    z.string().regex(/^\d+(\.\d+)?(ms|s|m)$/, 'write 1500ms, 3s or 2m'),
  ])
  .transform((v) => {
    if (typeof v === 'number') return v;
    const n = Number.parseFloat(v);
    return Math.round(v.endsWith('ms') ? n : v.endsWith('m') ? n * 60_000 : n * 1000);
  });

export const LoadEndpoint = z
  .strictObject({
    /** Name in results, charts and per-endpoint budgets. Default: `GET /path`. */
    name: z.string().min(1).optional(),
    /** @example '/api/simple-health' */
    path: z.string().startsWith('/'),
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
    /** Share of the requests, relative to the other endpoints. @example 3 */
    weight: z.number().int().positive().max(100).default(1),
    headers: z.record(z.string(), z.string()).default({}),
    body: z.string().optional(),
    /** Statuses that are not errors. Default: anything below 500 (a 404 is the app's answer). @example [200] */
    expectStatus: z.array(z.number().int().min(100).max(599)).min(1).optional(),
  })
  .transform((e) => ({ ...e, name: e.name ?? `${e.method} ${e.path}` }));
export type LoadEndpoint = z.output<typeof LoadEndpoint>;

/** The login form's hidden CSRF field: its name, or `false` when the form carries no token. */
const csrfHint =
  "give the hidden field's name (default _csrf), or false when the login form has no CSRF token";
const CsrfField = z.union([z.literal(false), z.string().min(1, csrfHint)], { error: csrfHint });

/**
 * Log in through the golden-path form before the load: GET the page for its CSRF token and
 * pre-session cookie, POST the credentials, keep the session cookie for every request.
 */
export const LoginSpec = z.strictObject({
  path: z.string().startsWith('/').default('/login'),
  /** Names (never values) of the environment variables holding the credentials. */
  usernameEnv: envName,
  passwordEnv: envName,
  fields: z
    .strictObject({
      /**
       * The hidden input holding the CSRF token; a page without it errors the load. `false`: the
       * form has no token, so none is looked for or sent.
       */
      csrf: CsrfField.default('_csrf'),
      username: z.string().min(1).default('username'),
      password: z.string().min(1).default('password'),
    })
    .default({ csrf: '_csrf', username: 'username', password: 'password' }),
});
export type LoginSpec = z.output<typeof LoginSpec>;

/**
 * How the load signs in; give one. `session: 'target'`: every request carries the run's session,
 * the one rollgate signed in with once for the run from the target's `auth` (docs/signing-in.md;
 * one target, not a baseline comparison). `login`: log in through the golden-path form before the
 * load, on each target.
 */
export const LoadAuth = z
  .strictObject({
    session: z.literal('target').optional(),
    login: LoginSpec.optional(),
  })
  .refine((a) => (a.session === undefined) !== (a.login === undefined), {
    message: "give one of session: 'target' (the run's session) or login (a form login)",
  });

export const LoadProfile = z
  .strictObject({
    /** @example 'canary' */
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes'),
    description: z.string().optional(),
    endpoints: z.array(LoadEndpoint).min(1),
    /** Signed-in load: the run's session (`{ session: 'target' }`) or a form login (`{ login }`). */
    auth: LoadAuth.optional(),
    /** Open model: requests per second over all endpoints. Without it: closed model, `connections` virtual users. */
    arrivalRate: z.number().positive().optional(),
    /** Concurrent connections (virtual users); with an arrival rate, the most in flight. Default 10. */
    connections: z.number().int().positive().max(1000).default(10),
    duration: Duration,
    /** Load before measuring, thrown away (JIT, caches, connection pools). */
    warmup: Duration.default(0),
    /** Stages allowed to run this profile. @example ['staging', 'canary'] */
    stages: z.array(z.string().min(1)).min(1),
    /** Hosts other than loopback this profile may hit (the runbook must allow them too). @example ['canary.example.com'] */
    hosts: z.array(z.string().min(1)).default([]),
    /** A request unanswered after this long counts as an error. */
    requestTimeout: Duration.default(10_000),
  })
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.endpoints.forEach((e, i) => {
      if (seen.has(e.name))
        ctx.addIssue({
          code: 'custom',
          path: ['endpoints', i, 'name'],
          message: `duplicate endpoint name "${e.name}"`,
        });
      seen.add(e.name);
    });
    if (p.duration <= 0)
      ctx.addIssue({ code: 'custom', path: ['duration'], message: 'must be longer than 0' });
    if (p.arrivalRate !== undefined && p.arrivalRate < p.connections) {
      // autocannon spreads the rate over connections; a connection with a share below 1/s would run unthrottled.
      ctx.addIssue({
        code: 'custom',
        path: ['connections'],
        message: `must not exceed arrivalRate (${p.arrivalRate})`,
      });
    }
  });
export type LoadProfile = z.output<typeof LoadProfile>;
export type LoadProfileInput = z.input<typeof LoadProfile>;

/** Identity function for typed profile files: `export default defineLoadProfile({...})`. */
export function defineLoadProfile(profile: LoadProfileInput): LoadProfileInput {
  return profile;
}

/**
 * Validates a profile, listing every problem at once with its file and field; an unknown key is
 * named, with the known key it most likely meant (`conections: … did you mean \`connections\`?`).
 */
export function parseLoadProfile(value: unknown, source = 'load profile'): LoadProfile {
  if (value === undefined)
    throw new LoadRefusedError(
      'ROLLGATE_LOAD_PROFILE_INVALID',
      `${source}: has no default export. Write \`export default defineLoadProfile({...})\`.`,
    );
  const parsed = LoadProfile.safeParse(value);
  if (!parsed.success)
    throw new LoadRefusedError(
      'ROLLGATE_LOAD_PROFILE_INVALID',
      formatIssues(source, explainUnknownKeys(LoadProfile, parsed.error.issues)),
    );
  return parsed.data;
}

/** Loads `load/<name>.profile.json` or a TypeScript/JavaScript module's default export. */
export async function loadProfileFile(file: string, cwd = process.cwd()): Promise<LoadProfile> {
  const abs = path.resolve(cwd, file);
  const rel = path.relative(cwd, abs) || abs;
  if (!existsSync(abs))
    throw new LoadRefusedError('ROLLGATE_LOAD_PROFILE_INVALID', `${rel}: load profile not found`);
  let value: unknown;
  try {
    value = abs.endsWith('.json') ? JSON.parse(await readFile(abs, 'utf8')) : await importDefault(abs);
  } catch (error) {
    throw new LoadRefusedError(
      'ROLLGATE_LOAD_PROFILE_INVALID',
      `${rel}: could not be loaded: ${(error as Error).message}`,
    );
  }
  return parseLoadProfile(value, rel);
}
