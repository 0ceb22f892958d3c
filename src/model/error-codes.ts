import { z } from 'zod';

/**
 * Every error code rollgate gives, grouped by the one coded error type that carries it, each as
 * [what it means, the fix]. Codes are what a person searches for: they reach verdict.json, JUnit
 * and Allure. A test holds every `ROLLGATE_…` code literal in src/ to these lists, and each listed
 * code to a use.
 */
type Listing = Record<`ROLLGATE_${string}`, readonly [means: string, fix: string]>;

/** `RollgateError` (config layer): the run could not start. Exit 2, nothing ran. */
const START = {
  ROLLGATE_RUNBOOK_NOT_FOUND: [
    'no runbook where rollgate looked',
    'pass --runbook <file> or set ROLLGATE_RUNBOOK',
  ],
  ROLLGATE_RUNBOOK_AMBIGUOUS: ['several runbooks could be meant', 'name one with --runbook <file>'],
  ROLLGATE_RUNBOOK_INVALID: [
    'the runbook fails its schema',
    'correct each field the message names (file and field)',
  ],
  ROLLGATE_RUNBOOK_LOAD_FAILED: [
    'the runbook file threw while loading',
    'fix the error in the runbook file the message names',
  ],
  ROLLGATE_UNKNOWN_STAGE: ['no stage of that name in the runbook', 'use one of the stages the message lists'],
  ROLLGATE_BAD_ARGUMENT: [
    'an option or value is not valid',
    'correct the option the message names (see rollgate --help)',
  ],
  ROLLGATE_RELEASE_REQUIRED: [
    'a base URL was given without the release under test',
    'pass --release <version> or set ROLLGATE_RELEASE',
  ],
  ROLLGATE_WRITE_FAILED: [
    'a report could not be written or failed its schema',
    'free the reports directory (space, permissions); report a schema failure as a bug',
  ],
  ROLLGATE_STORE_UNAVAILABLE: [
    'the reports directory or ledger cannot be opened',
    'make the path the message names a writable directory, or fix ROLLGATE_LEDGER_URL',
  ],
  ROLLGATE_STORE_CORRUPT: [
    'a ledger, sign-off or waiver line cannot be read',
    'repair or remove the line the message names (keep a copy)',
  ],
  ROLLGATE_SIGNOFF_UNKNOWN: [
    'the stage declares no sign-off of that title',
    'use a title the stage declares (the message lists them)',
  ],
  // Load refusals (LoadRefusedError, a RollgateError): the gate, plan or validate refuses the
  // profile before any request.
  ROLLGATE_LOAD_HOST_REFUSED: [
    'load was refused for a host the runbook does not allow',
    "name the host in the load profile's hosts (and the runbook's allowed hosts), or load a loopback target",
  ],
  ROLLGATE_LOAD_STAGE_REFUSED: [
    'the load profile is not meant for this stage',
    "add the stage to the profile's stages",
  ],
  ROLLGATE_LOAD_PROFILE_INVALID: [
    'the load profile is missing or fails its schema',
    'correct the profile file and field the message names',
  ],
  ROLLGATE_BACKUP_SOURCE: [
    'a data source the target declares under backups cannot be backed up as declared',
    'set the variable or correct the field the message names (targets.<name>.backups.data)',
  ],
  ROLLGATE_PROMETHEUS_MISSING: [
    'no Prometheus binary was found for the embedded provider or `rollgate metrics test`',
    "run `npx rollgate prometheus install` (Debian package, no root), install Debian's prometheus, or set ROLLGATE_PROMETHEUS",
  ],
  ROLLGATE_SHARD_MISMATCH: [
    'the shard results given to rollgate merge are not parts of one run (runbook, stage, release, number of shards or overrides differ)',
    'merge the folders of one sharded gate, every shard run from the same commit with the same --release and --shard <i>/<n>',
  ],
  ROLLGATE_METRICS_SERIES: [
    'a recorded series file cannot be loaded (missing, no `# EOF`, or promtool rejected it)',
    'fix the OpenMetrics file the message names; promtool accepts only `# HELP`, `# TYPE`, `# UNIT` and `# EOF` comments',
  ],
  // Signed evidence bundles (`rollgate bundle`, docs/evidence.md).
  ROLLGATE_KEY_UNUSABLE: [
    'no signing key was given, or a signing or verify key cannot be read or is not ed25519',
    'pass --key <file>, or set ROLLGATE_SIGNING_KEY (PEM text) / ROLLGATE_SIGNING_KEY_FILE; `rollgate bundle keygen --out <dir>` makes a pair',
  ],
  ROLLGATE_RUN_NOT_FOUND: [
    'no run folder with a readable verdict.json for that run id',
    'name a run id from reports/runs/ (`rollgate history` lists them), or `latest`',
  ],
  ROLLGATE_BUNDLE_UNREADABLE: [
    'the file is not a rollgate bundle, or holds what a bundle never holds (links, `..` paths, too much data)',
    'pass the .tar.gz `rollgate bundle` wrote; a refused entry means the file was made or changed by something else',
  ],
} as const satisfies Listing;

/** `ObservationError` (checks layer): a check could not observe the target; it is errored. */
const OBSERVATION = {
  ROLLGATE_OBSERVATION_FAILED: [
    'the check could not observe the target',
    'read the message: restore what it could not reach or read, then run the gate again',
  ],
  ROLLGATE_BAD_MEASUREMENT: [
    'a check recorded a value the verdict cannot hold',
    'record a finite number or a string as actual, with a known operator',
  ],
  ROLLGATE_NO_DATA: [
    'nothing was measured, or on zero or too few samples',
    'make the check observe something: more samples, a longer run, or a target that answers',
  ],
  ROLLGATE_INCONCLUSIVE: [
    'what was observed proves neither pass nor fail',
    'observe more (samples, a longer window) or change the probe so it can decide',
  ],
  ROLLGATE_TARGET_UNREACHABLE: [
    'the target refused the connection or its host is unknown',
    'start the target or correct its baseURL (--base-url)',
  ],
  ROLLGATE_TIMEOUT: [
    'the target did not answer in time',
    'check the target is up and not overloaded, or raise the probe timeout',
  ],
  ROLLGATE_HTTP: [
    'an HTTP request failed below HTTP (TLS, reset)',
    'fix the connection the message names (certificate, proxy, network)',
  ],
  ROLLGATE_CA_BUNDLE: ["the target's CA bundle cannot be read", 'correct caFile on the target'],
  ROLLGATE_MISSING_ENV: [
    'a variable a target header needs is not set',
    'set the environment variable the message names',
  ],
  ROLLGATE_INVALID_HEADER: [
    'a target header is not a valid HTTP header',
    'correct the header value or the variables it uses',
  ],
  ROLLGATE_CONFIG: [
    'a probe was given settings it cannot use',
    'correct the runbook setting the message names',
  ],
  ROLLGATE_NO_TOKEN: [
    'the page carries no CSRF token for the logged-in user',
    'point tokenPage and field at the form that carries the token',
  ],
  ROLLGATE_NOT_SIGNED_IN: [
    'a built-in check, a suite (signedInClient) or a golden path that starts signed in needs the session, and the run has none (or its session file cannot be read)',
    "if auth/sign-in failed, fix what it names; else declare the target's auth (a form, JSON or header login) so the gate signs in, or drop signedIn",
  ],
  ROLLGATE_LOGIN_FAILED: [
    'the probe could not log in',
    'set SMOKE_USER and SMOKE_PASSWORD to a working account',
  ],
  ROLLGATE_SIGN_IN_FAILED: [
    'signing in to the target (its declared auth) failed at the step the message names',
    "read what the step got back: set the account's environment variables, or correct the target's auth (path, fields, tokenPath, verify)",
  ],
  ROLLGATE_NO_TOOL: [
    'a package a probe needs is missing',
    'run `npm run setup` (or install it), then run the gate again',
  ],
  ROLLGATE_PLACEHOLDER: [
    'a placeholder check nobody has written yet',
    'write the real check where the message says, with what its hint asks',
  ],
  ROLLGATE_SQLITE_DRIVER_MISSING: [
    'better-sqlite3 is not installed or not built',
    'allow its build script, then `npm install better-sqlite3` and `npm rebuild better-sqlite3`',
  ],
  ROLLGATE_TOOL_MISSING: [
    'a database client tool is not on PATH',
    'install the client tools the message names',
  ],
  ROLLGATE_NO_CONFIG_FILES: [
    'no configuration file matched the secret scan',
    'declare the files the deployment ships with',
  ],
  ROLLGATE_ALLOWLIST_INVALID: [
    'the secret allowlist fails its schema',
    'correct the entry and field the message names',
  ],
  ROLLGATE_SECRET_PATTERN_INVALID: [
    "the target's secretPatterns fail their schema",
    'correct the pattern and field the message names',
  ],
  ROLLGATE_BACKUP_DIR_UNREADABLE: [
    'the backup directory cannot be read',
    'correct drill.backups.dir or ROLLGATE_BACKUP_DIR',
  ],
  ROLLGATE_BACKUP_UNOBSERVED: [
    'a backup could not be verified',
    'follow the reason in the message (tool, scratch server, file)',
  ],
  ROLLGATE_SCRATCH_UNREACHABLE: [
    'the scratch database server for restores is unreachable',
    'start it or correct drill.scratch / ROLLGATE_SCRATCH_URL',
  ],
  ROLLGATE_LOAD_UNREACHABLE: [
    'the load target did not answer one probe; no load was sent',
    'start the target or correct its URL',
  ],
  ROLLGATE_LOAD_LOGIN: [
    'the load profile could not log in',
    'set the login variables the profile names to a working account',
  ],
  ROLLGATE_K6_MISSING: ['k6 is not installed', 'set K6_BIN or put k6 on PATH'],
  ROLLGATE_K6_BUNDLE: ['the k6 script cannot be bundled', 'fix the script error the message names'],
  ROLLGATE_K6_TIMEOUT: [
    'k6 did not finish in time and was stopped',
    'shorten the load profile or raise its timeout',
  ],
  ROLLGATE_K6_FAILED: [
    'k6 or its script failed (not a result)',
    'fix the k6 error in the output the message shows',
  ],
  ROLLGATE_K6_NO_SUMMARY: [
    'k6 wrote no summary',
    'keep handleSummary/--summary-export writing the summary file',
  ],
  ROLLGATE_K6_SUMMARY_MISSING: ['the k6 summary file cannot be read', 'correct --k6-summary <file>'],
  ROLLGATE_K6_SUMMARY_INVALID: [
    'the k6 summary is not a k6 summary',
    'pass the JSON of --summary-export or handleSummary',
  ],
  ROLLGATE_K6_POINTS_MISSING: [
    'the k6 points file cannot be read',
    'run k6 with --out json=<file> and pass that file',
  ],
  ROLLGATE_K6_POINTS_INVALID: [
    'a k6 points line is not k6 JSON output',
    'pass the file k6 wrote with --out json',
  ],
  ROLLGATE_METRICS_PROVIDER: [
    'the metrics provider answered an error, timed out or could not be reached',
    'check the query and the provider the message names (URL, token, CA), or that it is running',
  ],
} as const satisfies Listing;

/** Set by the engine on a check it made itself or got no usable result for. */
const ENGINE = {
  ROLLGATE_BUDGET_UNMEASURED: [
    'a budget given with --budget was measured by no check of the stage',
    'give budgets the stage measures (load for latency and error rate, golden paths for web vitals), or drop the flag',
  ],
  ROLLGATE_NO_RESULT: [
    'the runner finished without a result for a planned check',
    'run the gate again with --verbose and read the runner output',
  ],
  ROLLGATE_INTERRUPTED: [
    'the run stopped (deadline, SIGINT, SIGTERM) before the check finished',
    'run the gate again, with a longer --timeout if the deadline stopped it',
  ],
  ROLLGATE_RUNNER_FAILED: [
    'the runner crashed or its results could not be read',
    'run the gate again with --verbose; the message names what failed',
  ],
  ROLLGATE_SUITE_LOAD_FAILED: [
    'the suite or spec file failed to load',
    'fix the import or syntax error the message names',
  ],
  ROLLGATE_SUITE_UNRUNNABLE: [
    'a suite could not be listed or matches no test',
    "correct the suite path, its errors or the stage's filter",
  ],
  ROLLGATE_CHECK_TIMEOUT: ['the check ran past its time limit', 'make the check faster or raise its timeout'],
  ROLLGATE_CHECK_ID_MISMATCH: [
    'the runner and the plan disagree on a check id',
    'rebuild rollgate (node scripts/build.mjs) so reporter and engine are the same version',
  ],
  ROLLGATE_INVALID_RECORD: [
    'a check recorded a value the verdict cannot hold',
    'record measurements through measure()/record() with finite numbers or strings',
  ],
  ROLLGATE_SHARD_MISSING: [
    'a shard of a sharded gate gave the merge no result, so its checks were not judged',
    'run the missing shard (gate <stage> --shard <i>/<n>) and merge every shard folder again',
  ],
  ROLLGATE_SHARD_DUPLICATE: [
    'the merge was given the same shard more than once',
    'give rollgate merge each shard folder of the run exactly once',
  ],
  ROLLGATE_SKIP_WITHOUT_REASON: [
    'a check was skipped without a declared reason',
    'declare why with notApplicable(reason) instead of skipping',
  ],
} as const satisfies Listing;

const codes = <T extends Listing>(listing: T) => z.enum(Object.keys(listing) as [keyof T & string]);

export const StartErrorCode = codes(START);
export type StartErrorCode = z.infer<typeof StartErrorCode>;
export const ObservationErrorCode = codes(OBSERVATION);
export type ObservationErrorCode = z.infer<typeof ObservationErrorCode>;
export const EngineErrorCode = codes(ENGINE);
export type EngineErrorCode = z.infer<typeof EngineErrorCode>;
export const ErrorCode = z.enum([
  ...StartErrorCode.options,
  ...ObservationErrorCode.options,
  ...EngineErrorCode.options,
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export interface ErrorCodeInfo {
  code: ErrorCode;
  /** Which error type carries it: RollgateError, ObservationError, or the engine on a check. */
  carrier: 'RollgateError' | 'ObservationError' | 'engine';
  means: string;
  fix: string;
}

const infos = (listing: Listing, carrier: ErrorCodeInfo['carrier']): [string, ErrorCodeInfo][] =>
  Object.entries(listing).map(([code, [means, fix]]) => [
    code,
    { code: code as ErrorCode, carrier, means, fix },
  ]);

/** Code → what it means → the fix. */
export const ERROR_CODES = Object.fromEntries([
  ...infos(START, 'RollgateError'),
  ...infos(OBSERVATION, 'ObservationError'),
  ...infos(ENGINE, 'engine'),
]) as Record<ErrorCode, ErrorCodeInfo>;

/** What `code` means and its fix when it is listed (a runner's error may carry another, like ENOENT). */
export function errorCodeInfo(code: string | undefined): ErrorCodeInfo | undefined {
  return ErrorCode.safeParse(code).success ? ERROR_CODES[code as ErrorCode] : undefined;
}
