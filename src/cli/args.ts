import { parseArgs } from 'node:util';
import { RollgateError } from '../config/errors.ts';

export const USAGE = `rollgate <command> [options]

Commands:
  init              in an app's folder: write rollgate.runbook.ts, placeholder checks in rollgate/,
                    the gate:<stage> npm scripts and reports/ in .gitignore (--base-url, --name, --force;
                    --ci github|gitlab: and the CI templates, .github/workflows/ or .gitlab/)
  gate <stage>      run a stage's suites and decide PROMOTE (exit 0) or HOLD (exit 1)
  merge <dir>...    the folders of gate --shard runs as one verdict, recorded once (a missing or
                    repeated shard HOLDs); exit 2 for shards of different runs
  plan <stage>      print the checks, target and budgets a gate would use; runs nothing
  validate          check a runbook; exit 2 with every problem when it is invalid
  report            build reports/html/index.html (Allure, single file) from the latest run
  sign <stage> "<title>" --by <name> [--note <text>]
                    attest a manual checklist item for the release under test
  waive <stage> <check-id> --reason <text> --by <name> --expires <date>
                    accept one failing blocking check for this release until a date
  backup            back up every data source a target declares (backups.data) into backups.dir,
                    each with its manifest, recorded in the store (--target, --stage, --out)
  backup verify <file>
                    verify one backup against its manifest (checksum, integrity or restore, row
                    counts, file digests); exit 1 naming the fault
  metrics test      judge each stage's metric checks on the recorded series it declares
                    (metricTests) in a throw-away Prometheus; exit 1 when an outcome is not the
                    one declared (--stage)
  prometheus install
                    fetch Debian's prometheus package (apt-get download, no root) into
                    .cache/rollgate/prometheus for the embedded provider and metrics test
  prometheus where  print which prometheus and promtool rollgate would use, and why
  coverage          for each line of the documents a runbook records (sources): automated, manual or
                    missing, and what encodes it; exit 1 when one is missing (--json)
  import <file.md>  a markdown deployment plan → <out>/<name>.runbook.ts and placeholder suites that
                    HOLD until written (--out, default runbooks/<name>/; --name, --base-url, --force)
  render            write the runbook back as markdown that import reads again (--out <file.md>;
                    default stdout)
  bundle <run-id|latest>
                    a signed evidence bundle (.tar.gz) of a run: its files, in-toto statements in
                    DSSE envelopes, checksums (--key <private.pem>, --out <file>; docs/evidence.md)
  bundle --verify <file>
                    check a bundle's checksums and signatures (--key <public.pem>); exit 1 invalid
  bundle keygen     write an ed25519 key pair for bundles (--out <dir>; also rollgate keygen)
  history           the runbook's ledger as a table, oldest first (--stage, --release, --limit <n>
                    newest, --json for the entries); from reports/ or ROLLGATE_LEDGER_URL

Options:
  --runbook <file>      runbook module (env ROLLGATE_RUNBOOK); default rollgate.runbook.ts in the current
                        directory, else the only runbooks/*.runbook.ts
  --base-url <url>      point the stage at a deployment (env ROLLGATE_BASE_URL); needs --release
  --baseline-url <url>  the baseline a canary stage is compared against (env ROLLGATE_BASELINE_URL)
  --k6-summary <file>   gate: judge the stage's budgets on a k6 --summary-export from a run elsewhere
  --retain <n>          gate: keep the newest n runs under reports/runs/ (env ROLLGATE_RETAIN_RUNS, over
                        the runbook's reports.retain); default all
  --shard <i>/<n>       gate: run shard i of n (Playwright's --shard; shard 1 runs everything else too)
                        into --out <dir> or reports/shards/<run-id>/; no ledger line: rollgate merge
  --release <version>   release under test (env ROLLGATE_RELEASE); defaults to the embedded app's version
  --timeout <ms>        stage deadline (env ROLLGATE_TIMEOUT_MS)
  --now <iso>           fix the clock (env ROLLGATE_NOW); recorded in the verdict
  --json                machine-readable output (plan, validate, metrics test, coverage, history);
                        gate: stdout holds only the verdict JSON, everything else goes to stderr
  --verbose             stream the runners' own output
  --override-window <reason>  run outside the stage's deployment window (recorded)
  --budget <rule>       gate, plan: a budget for this run only, over the stage's of that name
                        (repeatable): 'p95-latency<=300ms', 'error-rate<0.5%', 'lcp<2.5s'; recorded
  --test-timeout <ms>   gate: Playwright's time per golden path for this run (recorded); also
                        --expect-timeout, --action-timeout, --navigation-timeout
  --watch-interval <d>  gate: repeat the stage every <d> (30s, 5m) as a watch series; beats the runbook
  --watch-duration <d>  gate: for this long (10m, 2h); with --watch-interval, or the stage's watch
  --failure-limit <n>   gate: failed runs a watch tolerates (default 0)
  --consecutive-success-limit <n>  gate: passes in a row that end a watch as passed
  --name <name>         init: the runbook's name (default: package.json's name, lower-case-dashes);
                        import: (default: the file's name)
  --force               init, import, render: overwrite files (init: and replace npm scripts) that exist
  --ci <github|gitlab>  init: also write the CI templates (pull-request preflight, canary, nightly DR drill)
  --target <name>       backup: the target whose data is backed up (default: the only one with backups)
  --stage <name>        backup: the target of this stage; metrics test, history: only this stage
  --limit <n>           history: only the newest n runs
  --key <file>          bundle: the private key to sign with (env ROLLGATE_SIGNING_KEY, _FILE);
                        bundle --verify: the team's public key (env ROLLGATE_VERIFY_KEY)
  --verify <file>       bundle: verify this bundle instead of writing one
  --out <dir>           backup: write here instead of the target's backups.dir; import: the folder
                        (default runbooks/<name>/); render: the markdown file; gate --shard: the
                        shard's folder (new or empty)
  -h, --help            this text

Exit codes: 0 promote, 1 hold, 2 could not start (nothing was run).
backup: 0 every backup written (verify: the backup is sound), 1 one failed, 2 bad input.
coverage: 0 nothing missing, 1 something missing, 2 could not tell. import: 0 written, 1 a file
exists (nothing written), 2 bad input.`;

export interface Cli {
  command: string;
  positionals: string[];
  values: {
    runbook?: string;
    'base-url'?: string;
    'baseline-url'?: string;
    'k6-summary'?: string;
    retain?: string;
    shard?: string;
    release?: string;
    timeout?: string;
    now?: string;
    json?: boolean;
    verbose?: boolean;
    'override-window'?: string;
    budget?: string[];
    'test-timeout'?: string;
    'expect-timeout'?: string;
    'action-timeout'?: string;
    'navigation-timeout'?: string;
    'watch-interval'?: string;
    'watch-duration'?: string;
    'failure-limit'?: string;
    'consecutive-success-limit'?: string;
    by?: string;
    note?: string;
    reason?: string;
    expires?: string;
    name?: string;
    force?: boolean;
    target?: string;
    stage?: string;
    out?: string;
    limit?: string;
    key?: string;
    verify?: string;
    ci?: string;
    help?: boolean;
  };
}

/** The run overrides of `gate` and `plan`, as resolveGate takes them. */
export function overrideFlags(values: Cli['values']) {
  return {
    budgets: values.budget,
    testTimeout: values['test-timeout'],
    expectTimeout: values['expect-timeout'],
    actionTimeout: values['action-timeout'],
    navigationTimeout: values['navigation-timeout'],
  };
}

export function parseCli(argv: string[]): Cli {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        runbook: { type: 'string' },
        'base-url': { type: 'string' },
        'baseline-url': { type: 'string' },
        'k6-summary': { type: 'string' },
        retain: { type: 'string' },
        shard: { type: 'string' },
        release: { type: 'string' },
        timeout: { type: 'string' },
        now: { type: 'string' },
        json: { type: 'boolean' },
        verbose: { type: 'boolean' },
        'override-window': { type: 'string' },
        budget: { type: 'string', multiple: true },
        'test-timeout': { type: 'string' },
        'expect-timeout': { type: 'string' },
        'action-timeout': { type: 'string' },
        'navigation-timeout': { type: 'string' },
        'watch-interval': { type: 'string' },
        'watch-duration': { type: 'string' },
        'failure-limit': { type: 'string' },
        'consecutive-success-limit': { type: 'string' },
        by: { type: 'string' },
        note: { type: 'string' },
        reason: { type: 'string' },
        expires: { type: 'string' },
        name: { type: 'string' },
        force: { type: 'boolean' },
        target: { type: 'string' },
        stage: { type: 'string' },
        out: { type: 'string' },
        limit: { type: 'string' },
        key: { type: 'string' },
        verify: { type: 'string' },
        ci: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const [command = 'help', ...rest] = positionals;
    return { command, positionals: rest, values };
  } catch (error) {
    throw new RollgateError('ROLLGATE_BAD_ARGUMENT', `${(error as Error).message}\n\n${USAGE}`);
  }
}
