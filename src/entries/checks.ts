/**
 * `rollgate/checks`: the checks library a suite calls. HTTP probes, health and JWKS, security
 * headers, CORS, CSRF, session cookies, rate limits, runtime configuration and database checks,
 * the secret scan, backup verifiers and load runs.
 */

export {
  readSession,
  SignInError,
  sessionHeaders,
  signedInClient,
  signIn,
  TargetSession,
} from '../checks/auth/index.ts';
export * from '../checks/backup/index.ts';
export { type BudgetSpec, describeMeasurement, evaluate } from '../checks/budget.ts';
export * from '../checks/load/index.ts';
export {
  ABSENT,
  type Assessment,
  assessment,
  combine,
  describeRule,
  failedRules,
  failureMessage,
  type RuleResult,
  report,
  ruleMeasurement,
} from '../checks/probes/assessment.ts';
export { assessCorsHeaders, checkCors, UNTRUSTED_ORIGIN } from '../checks/probes/cors.ts';
export { CSRF_REFUSALS, type CsrfProbeSpec, checkCsrf } from '../checks/probes/csrf.ts';
export { type DatabaseLocation, parseDatabaseUrl, sqliteJournalMode } from '../checks/probes/database.ts';
export {
  checkSessionCookies,
  FormSession,
  hiddenField,
  type LoginResult,
  type LoginSpec,
} from '../checks/probes/form-session.ts';
export { assessHealth, DeepHealth, SimpleHealth } from '../checks/probes/health.ts';
export { type HttpResult, jsonBody, type ProbeOptions, probe } from '../checks/probes/http.ts';
export {
  createTargetClient,
  resolveHeaders,
  type TargetClient,
  type TargetHttpSpec,
} from '../checks/probes/http-target.ts';
export { assessJwks, checkJwks, JwkSet } from '../checks/probes/jwks.ts';
export { checkRateLimit, parseRetryAfter, type RateLimitSpec } from '../checks/probes/rate-limit.ts';
export {
  DATABASE_PERSISTENT,
  databasePersistence,
  describeLocation,
  JOURNAL_MODE,
  MISSING_SECRETS,
  secretsPresent,
  sqliteWal,
} from '../checks/probes/runtime-config.ts';
export {
  assessHeaders,
  checkSecurityHeaders,
  HSTS_MIN_MAX_AGE,
  headerDump,
  parseCsp,
} from '../checks/probes/security-headers.ts';
export { assessCookies, parseSetCookie, type SetCookie } from '../checks/probes/session-cookie.ts';
export {
  describeFinding,
  describeFindings,
  SECRET_FINDINGS,
  type SecretFinding,
  type SecretScanOptions,
  type SecretScanResult,
  scanSecrets,
  scanText,
} from '../checks/secrets/secret-scan.ts';
