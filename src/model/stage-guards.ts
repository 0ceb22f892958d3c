import { z } from 'zod';
import { templateNames } from './template.ts';

/**
 * What a stage does around its checks: switch the target's maintenance mode on and off again, and
 * watch its availability the whole time. Both are checks of the stage (`maintenance/on`,
 * `maintenance/off`, `availability/zero-downtime`).
 */

const path = z.string().startsWith('/', 'must be a path on the target starting with /');

/**
 * Header names that carry a credential: Authorization, Proxy-Authorization, Cookie, and names with
 * token, secret, password, api key, access key, auth, session or credential in them (X-Api-Key,
 * X-Auth-Token, X-Admin-Secret). A literal value there would be a secret written into the runbook.
 */
export const CREDENTIAL_HEADER =
  /^(proxy-)?authorization$|^cookie$|(^|[-_])(token|secret|password|passwd|api[-_]?key|apikey|access[-_]?key|auth|session|credentials?)([-_]|$)/i;

/** Request headers; a credential header's value must read the environment (`${NAME}`). */
const callHeaders = z.record(z.string(), z.string()).superRefine((headers, ctx) => {
  for (const [name, value] of Object.entries(headers))
    if (CREDENTIAL_HEADER.test(name) && templateNames(value).length === 0)
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: `${name} carries a credential: must read an environment variable, e.g. 'Bearer \${ADMIN_TOKEN}' (a literal value would be a secret written into the runbook, never masked)`,
      });
});

/** One request rollgate makes to the target. */
export const TargetCall = z.strictObject({
  /** @example '/admin/maintenance/enable' */
  path,
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
  /**
   * Request headers; `${NAME}` reads an environment variable (a secret, masked). A credential
   * header (Authorization, Cookie, X-Api-Key…) must read one. @example { Authorization: 'Bearer ${ADMIN_TOKEN}' }
   */
  headers: callHeaders.default({}),
});
export type TargetCall = z.infer<typeof TargetCall>;

/**
 * Maintenance mode for the stage: switched on before the built-in checks and suites, proven on (an
 * anonymous request to `probe.path` answers `probe.status`), switched off after the suites and
 * proven off (the probe answers under 500 and not `probe.status`). It is switched off again
 * whatever happens: a HOLD, an error, the deadline or Ctrl-C.
 */
export const MaintenanceSpec = z.strictObject({
  enable: TargetCall,
  disable: TargetCall,
  /** The anonymous request that shows the mode. */
  probe: z
    .strictObject({ path: path.default('/'), status: z.number().int().min(400).max(599).default(503) })
    .default({ path: '/', status: 503 }),
});
export type MaintenanceSpec = z.infer<typeof MaintenanceSpec>;

/**
 * Availability while the stage runs ("zero downtime"): a probe loop from the moment the target is
 * up until the last check is judged, counting requests that failed (no answer, a time-out, a 5xx or
 * any status but the expected one).
 */
export const AvailabilitySpec = z.strictObject({
  /** @example '/api/simple-health' */
  path: path.default('/'),
  /** The status every probe must get. */
  status: z.number().int().min(100).max(599).default(200),
  /** Time between probes, in ms. */
  intervalMs: z.number().int().min(20).default(250),
  /** A probe not answered within this is failed. */
  timeoutMs: z.number().int().positive().default(2000),
  /** Failed probes allowed: 0 is "zero downtime". */
  maxFailures: z.number().int().min(0).default(0),
  /** Fewer probes than this proves nothing: the check is errored. */
  minProbes: z.number().int().min(1).default(10),
});
export type AvailabilitySpec = z.infer<typeof AvailabilitySpec>;
