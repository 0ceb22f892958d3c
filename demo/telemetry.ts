/**
 * What `/api/telemetry` reports about the build and the integrations, read once from the
 * environment at start-up (`config.ts`): the build's commit and time, and which integrations are
 * configured. The demo talks to no vendor: an integration is `ok` when its credentials are set and
 * `not-configured` when they are not. Names of variables only; no value is ever reported.
 */
export interface TelemetryInfo {
  /** DEMO_BUILD_COMMIT, else `unknown`. */
  commit: string;
  /** DEMO_BUILT_AT (an ISO 8601 time), else the moment the demo read its configuration. */
  builtAt: string;
  /** SALESFORCE_USERNAME, SALESFORCE_PASSWORD and SALESFORCE_SECURITY_TOKEN all set. */
  salesforce: boolean;
  /** COMPANYCAM_API_KEY set. */
  companycam: boolean;
}

export const SALESFORCE_ENV = ['SALESFORCE_USERNAME', 'SALESFORCE_PASSWORD', 'SALESFORCE_SECURITY_TOKEN'];
export const COMPANYCAM_ENV = ['COMPANYCAM_API_KEY'];

const set = (env: NodeJS.ProcessEnv, names: readonly string[]) => names.every((n) => Boolean(env[n]?.trim()));

/** Reads the telemetry's environment; throws on a DEMO_BUILT_AT that is not a time. */
export function telemetryInfo(env: NodeJS.ProcessEnv, now = new Date()): TelemetryInfo {
  const builtAt = env.DEMO_BUILT_AT?.trim();
  if (builtAt && Number.isNaN(Date.parse(builtAt)))
    throw new Error(`DEMO_BUILT_AT="${builtAt}" is not a time; use ISO 8601, e.g. 2025-08-22T09:30:00Z`);
  return {
    commit: env.DEMO_BUILD_COMMIT?.trim() || 'unknown',
    builtAt: new Date(builtAt ? Date.parse(builtAt) : now.getTime()).toISOString(),
    salesforce: set(env, SALESFORCE_ENV),
    companycam: set(env, COMPANYCAM_ENV),
  };
}

/** The environment the telemetry reports under the `telemetry-wrong-env` fault: never the real one. */
export function otherEnvironment(environment: string): string {
  return environment === 'production' ? 'staging' : 'production';
}
