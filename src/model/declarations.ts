import { z } from 'zod';

/**
 * What a target declares so that rollgate can sign in and check it with no suite code: its login,
 * health endpoints, where its version is, its security policy and its data. Each built-in check
 * runs only where its declaration exists, and a stage names the built-ins it runs (`checks`).
 */

export const envName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name such as API_TOKEN');

const path = z.string().startsWith('/', 'must be a path on the target starting with /');

/** A path that must answer 2xx once signed in, proving the login worked. @example '/account' */
const verifyPath = path.optional();

/**
 * Form login: GET the page, post every field of its form (hidden ones included, such as a CSRF
 * token) with the username and password filled in and the declared extras, follow redirects, keep
 * the cookies.
 */
export const FormAuth = z.strictObject({
  type: z.literal('form'),
  /** Page holding the login form; the form's own `action` is where it posts. @example '/login' */
  path: path.default('/login'),
  /** Environment variables holding the account; the password is a secret, masked everywhere. */
  usernameEnv: envName,
  passwordEnv: envName,
  /** The form's field names. */
  usernameField: z.string().min(1).default('username'),
  passwordField: z.string().min(1).default('password'),
  /** Extra fields to post, over the form's own; `${NAME}` reads an environment variable. @example { remember: 'on' } */
  fields: z.record(z.string(), z.string()).default({}),
  /** See {@link verifyPath}. */
  verify: verifyPath,
});

/** JSON login: POST a JSON body, read a token at a JSON path, send it in a header from then on. */
export const JsonAuth = z.strictObject({
  type: z.literal('json'),
  /** @example '/api/auth/token' */
  path,
  /** The JSON body; `${NAME}` reads an environment variable (a secret). @example { email: '${API_USER}', password: '${API_PASSWORD}' } */
  body: z.record(z.string(), z.string()),
  /** Dotted path to the token in the answer. @example 'data.accessToken' */
  tokenPath: z.string().min(1),
  /** Header carrying the token. */
  header: z.string().min(1).default('Authorization'),
  /** Put before the token, with a space; '' for none. */
  scheme: z.string().default('Bearer'),
  verify: verifyPath,
});

/** A static header whose value comes from the environment: an API key or a long-lived token. */
export const HeaderAuth = z.strictObject({
  type: z.literal('header'),
  /** @example 'Authorization' */
  header: z.string().min(1),
  /** `${NAME}` reads an environment variable (a secret). @example 'Bearer ${API_TOKEN}' */
  value: z
    .string()
    .includes('${', { message: 'must read an environment variable, e.g. "Bearer ${API_TOKEN}"' }),
  verify: verifyPath,
});

/** How rollgate signs in to a target, once per run; every check that talks to it uses the session. */
export const Auth = z.discriminatedUnion('type', [FormAuth, JsonAuth, HeaderAuth]);
export type Auth = z.infer<typeof Auth>;

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** One health endpoint and what its answer must hold. */
export const HealthProbe = z.strictObject({
  path,
  /** Expected status. */
  status: z.number().int().min(100).max(599).default(200),
  /** Values at dotted JSON paths; a `{ pattern }` is a regular expression. @example { status: 'ok', 'checks.database.status': 'ok' } */
  json: z.record(z.string(), z.union([scalar, z.strictObject({ pattern: z.string() })])).default({}),
  /** A regular expression the body must match. @example 'UP' */
  body: z.string().optional(),
  /** Latency budget of one answer, in ms. */
  latencyMs: z.number().int().positive().default(1000),
  /** Send the signed-in session. */
  signedIn: z.boolean().default(false),
});
export type HealthProbe = z.infer<typeof HealthProbe>;

/** Health endpoints by name (check id `probes/health-<name>`); a bare path expects 200. */
export const Health = z.record(
  z.string().regex(/^[a-z][a-z0-9-]*$/, 'health names are lower-case words, e.g. simple, deep'),
  z.union([path, HealthProbe]),
);

/** Where the deployed version is read: a JSON path (default `version`), a header or a pattern. */
export const VersionSource = z
  .strictObject({
    path,
    /** Dotted JSON path. @example 'build.version' */
    json: z.string().min(1).optional(),
    /** Response header. @example 'X-App-Version' */
    header: z.string().min(1).optional(),
    /** Regular expression over the body; its first group is the version. @example 'v(\\d+\\.\\d+\\.\\d+)' */
    pattern: z.string().optional(),
    signedIn: z.boolean().default(false),
  })
  .refine((v) => [v.json, v.header, v.pattern].filter((x) => x !== undefined).length <= 1, {
    message: 'give one of json, header or pattern',
  });
export type VersionSource = z.infer<typeof VersionSource>;

/** The security-header rules rollgate assesses (Mozilla Observatory and OWASP values). */
export const HeaderRule = z.enum([
  'Content-Security-Policy',
  'X-Frame-Options',
  'X-Content-Type-Options',
  'Referrer-Policy',
  'Strict-Transport-Security',
]);
export type HeaderRule = z.infer<typeof HeaderRule>;

const HEADER_RULE_BY_LOWER = new Map(HeaderRule.options.map((h) => [h.toLowerCase(), h]));

/**
 * A `headerRules` key: header names ignore case, so any case is read as the rule's own spelling
 * (`referrer-policy` is `Referrer-Policy`). Any other name is refused; the runbook's loader names
 * the rule it most likely meant (config/known-keys.ts).
 */
export const HeaderRuleKey = z
  .string()
  .transform((k) => HEADER_RULE_BY_LOWER.get(k.toLowerCase()) ?? k)
  .pipe(HeaderRule);

/**
 * One rule's standing: `required` (the default) fails the check; `advisory` reports without
 * failing; `{ allow, reason }` accepts named values the rule would refuse (a CSP source such as
 * `'unsafe-eval'`, a header value), and only those, with the reason on record.
 */
export const RulePolicy = z.union(
  [
    z.literal('required'),
    z.literal('advisory'),
    z.strictObject({
      /** @example ["'unsafe-eval'"] */
      allow: z.array(z.string().min(1)).min(1),
      /** @example 'the flow editor compiles user functions in the browser' */
      reason: z.string().min(1),
    }),
  ],
  { error: "must be 'required', 'advisory' or { allow: [...], reason: '…' }" },
);
export type RulePolicy = z.infer<typeof RulePolicy>;

export const SecurityPolicy = z.strictObject({
  /** Pages whose response headers are held to the policy. @example ['/login', '/api/version'] */
  headerPaths: z.array(path).min(1).optional(),
  /** Per-rule standing, over `required` for every rule. @example { 'Content-Security-Policy': { allow: ["'unsafe-eval'"], reason: '…' } } */
  headerRules: z.partialRecord(HeaderRuleKey, RulePolicy).default({}),
  /** Fetch the header pages signed in. */
  headersSignedIn: z.boolean().default(false),
  /** A path answering CORS requests: an untrusted Origin must not be allowed with credentials. */
  corsPath: path.optional(),
  corsUntrustedOrigin: z.string().url().default('https://evil.example'),
  /** A route nothing else uses, limited to `limit` requests per `windowSeconds`. */
  rateLimit: z
    .strictObject({
      path,
      limit: z.number().int().positive(),
      windowSeconds: z.number().positive(),
    })
    .optional(),
  /** A state-changing endpoint whose success changes nothing that matters, and the page with its token. */
  csrfProbe: z.strictObject({ path, tokenPage: path, tokenField: z.string().optional() }).optional(),
  /** Check the cookies a form login sets (HttpOnly, SameSite, Secure on HTTPS); needs a form `auth`. */
  sessionCookie: z.boolean().default(false),
});
export type SecurityPolicy = z.infer<typeof SecurityPolicy>;

/** One piece of the target's data that `rollgate backup` copies, read-only. */
export const DataSource = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('sqlite'),
    /** @example 'main' */
    name: z.string().regex(/^[a-z][a-z0-9-]*$/),
    /** The database file, from the project root; `${NAME}` reads an environment variable. @example 'data/app.sqlite' */
    path: z.string().min(1),
  }),
  z.strictObject({
    kind: z.enum(['postgres', 'mysql']),
    name: z.string().regex(/^[a-z][a-z0-9-]*$/),
    /** Environment variable holding the database URL (a secret). @example 'DATABASE_URL' */
    urlEnv: envName,
  }),
  z.strictObject({
    kind: z.literal('files'),
    name: z.string().regex(/^[a-z][a-z0-9-]*$/),
    /** A directory (or a file), from the project root; `${NAME}` reads an environment variable. @example 'data/flows' */
    path: z.string().min(1),
    /** Globs under it left out. @example ['*.tmp', 'cache/**'] */
    exclude: z.array(z.string().min(1)).default([]),
  }),
]);
export type DataSource = z.infer<typeof DataSource>;

export const Backups = z.strictObject({
  /** Where `rollgate backup` writes, from the project root; the drill reads the same folder. */
  dir: z.string().min(1).default('backups'),
  data: z.array(DataSource).min(1),
});
export type Backups = z.infer<typeof Backups>;

/**
 * The target's TLS certificate (built-in `tls`, check `security/tls`): the chain verifies (system CAs
 * plus `http.caFile`), the name matches, it is in its validity period and has at least `minDaysLeft`
 * days to run. A plain-HTTP target on loopback (a stand-in) is not applicable; plain HTTP anywhere
 * else fails.
 */
export const TlsPolicy = z.strictObject({
  /** Fewer days than this before the certificate expires fails. @example 14 */
  minDaysLeft: z.number().int().min(0).default(14),
  /** Another address to check than the target's base URL (an API host). @example 'https://api.example.com' */
  url: z.string().url().optional(),
});
export type TlsPolicy = z.infer<typeof TlsPolicy>;

const SEVERITIES = ['info', 'low', 'moderate', 'high', 'critical'] as const;
export const AuditSeverity = z.enum(SEVERITIES);

/**
 * The dependency audit (built-in `dependency-audit`, check `hygiene/dependency-audit`): `npm audit
 * --json` in `dir`, or a recorded report of it, judged against a budget of advisories per severity.
 */
export const AuditPolicy = z.strictObject({
  /** The package folder, from the project root. @example '.' */
  dir: z.string().min(1).default('.'),
  /**
   * A recorded `npm audit --json` report to judge instead of running npm (advisories change daily;
   * a recording makes a run repeatable). `${NAME}` reads an environment variable. @example 'audit/npm-audit.json'
   */
  report: z.string().min(1).optional(),
  /** Largest number of vulnerable packages allowed per severity; a severity not named is unlimited. */
  budget: z
    .partialRecord(AuditSeverity, z.number().int().min(0))
    .refine((b) => Object.keys(b).length > 0, {
      message:
        'names no severity, so the audit could never fail: give at least one, e.g. { critical: 0, high: 0 }',
    })
    .default({ critical: 0, high: 0 }),
  /** Leave devDependencies out (npm audit --omit=dev). */
  omitDev: z.boolean().default(true),
});
export type AuditPolicy = z.infer<typeof AuditPolicy>;

/**
 * Accessibility (built-in `accessibility`, check `a11y/wcag-aa`): each page loaded in Chromium and
 * checked with axe-core against WCAG 2.1 A and AA; any violation not disabled with a reason fails.
 */
export const AccessibilityPolicy = z.strictObject({
  /** @example ['/login', '/estimates'] */
  paths: z.array(path).min(1),
  /** Load the pages signed in (the run's session). */
  signedIn: z.boolean().default(false),
  /** axe-core tags. */
  tags: z.array(z.string().min(1)).min(1).default(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']),
  /** axe rules left out, each with its reason. @example [{ rule: 'color-contrast', reason: 'brand colours, tracked in #41' }] */
  disabledRules: z.array(z.strictObject({ rule: z.string().min(1), reason: z.string().min(1) })).default([]),
});
export type AccessibilityPolicy = z.infer<typeof AccessibilityPolicy>;

/**
 * The built-in checks a stage can name, each with its check id and the declaration it needs.
 * `health` expands to one check per declared endpoint.
 */
export const BUILTIN_CHECKS = {
  health: { id: 'probes/health-<name>', needs: 'health' },
  version: { id: 'probes/version-matches', needs: 'version' },
  'security-headers': { id: 'security/headers', needs: 'security.headerPaths' },
  cors: { id: 'security/cors', needs: 'security.corsPath' },
  'rate-limit': { id: 'security/rate-limit', needs: 'security.rateLimit' },
  csrf: { id: 'security/csrf', needs: 'security.csrfProbe' },
  'session-cookie': { id: 'security/session-cookie', needs: 'security.sessionCookie' },
  jwks: { id: 'probes/jwks', needs: 'jwksPath' },
  'secret-scan': { id: 'hygiene/secret-scan', needs: 'configFiles' },
  'runtime-config': { id: 'hygiene/runtime-config', needs: 'secrets, requiredEnv or databaseUrlEnv' },
  tls: { id: 'security/tls', needs: 'tls' },
  'dependency-audit': { id: 'hygiene/dependency-audit', needs: 'audit' },
  accessibility: { id: 'a11y/wcag-aa', needs: 'accessibility' },
} as const;
export type BuiltinCheckName = keyof typeof BUILTIN_CHECKS;
export const BuiltinCheckName = z.enum(
  Object.keys(BUILTIN_CHECKS) as [BuiltinCheckName, ...BuiltinCheckName[]],
);
