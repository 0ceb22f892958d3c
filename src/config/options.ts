import { existsSync } from 'node:fs';
import path from 'node:path';
import type { RunOverrides } from '../model/overrides.ts';
import type { Runbook, Stage, Target } from '../model/runbook.ts';
import { mergeRunnerOptions } from '../model/runner-options.ts';
import { type Clock, fixedClock, systemClock } from './clock.ts';
import { RollgateError } from './errors.ts';
import { applyOverrides, runOverrides } from './overrides.ts';
import { reportsDir } from './paths.ts';

/** A stage without a declared deadline gets this one. */
export const DEFAULT_STAGE_TIMEOUT_MS = 15 * 60_000;

/** What the CLI was given for a gate; undefined means "not given". */
export interface GateFlags {
  baseUrl?: string;
  baselineUrl?: string;
  release?: string;
  timeoutMs?: string;
  now?: string;
  k6Summary?: string;
  /** `--retain <n>`: runs kept under reports/runs/ once this one is recorded. */
  retain?: string;
  /** `--budget` (repeatable) and the Playwright timeout flags. */
  budgets?: string[];
  testTimeout?: string;
  expectTimeout?: string;
  actionTimeout?: string;
  navigationTimeout?: string;
}

export interface ResolvedGate {
  stageName: string;
  stage: Stage;
  targetName: string;
  target: Target;
  /** Undefined: start the embedded app. */
  baseURL?: string;
  /** A k6 summary from a run elsewhere (k6 Cloud, k6-operator), judged instead of a local load run. */
  k6Summary?: string;
  /** The stage's baseline target, when it compares the canary against one. */
  baseline?: {
    targetName: string;
    target: Target;
    /** Undefined: start it embedded (unless `missing`). */
    baseURL?: string;
    /** Why there is no baseline to compare with (a deployed canary, a local baseline). */
    missing?: string;
  };
  release: string;
  timeoutMs: number;
  reportsDir: string;
  /** Runs kept under reports/runs/ (--retain, ROLLGATE_RETAIN_RUNS, runbook `reports.retain`); undefined keeps all. */
  retain?: number;
  clock: Clock;
  /** What the command line changed for this run (budgets, Playwright timeouts); in the verdict. */
  overrides?: RunOverrides;
  /** Where each value came from, for `rollgate plan`. */
  sources: Record<'baseURL' | 'release' | 'timeoutMs', 'cli' | 'env' | 'runbook' | 'default'>;
}

function pick<T>(cli: T | undefined, env: T | undefined, file: T | undefined, dflt: T | undefined) {
  if (cli !== undefined && cli !== '') return { value: cli, source: 'cli' as const };
  if (env !== undefined && env !== '') return { value: env, source: 'env' as const };
  if (file !== undefined) return { value: file, source: 'runbook' as const };
  return { value: dflt, source: 'default' as const };
}

function parseUrl(value: string, from: string): string {
  try {
    const u = new URL(value);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
    return value.replace(/\/+$/, '');
  } catch {
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `${from}: "${value}" is not an http(s) URL. Example: --base-url https://canary.example.com`,
    );
  }
}

function existingFile(file: string, from: string): string {
  const full = path.resolve(file);
  if (!existsSync(full)) {
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `${from}: no file at ${full}; give the JSON that k6 wrote with --summary-export (k6 run --summary-export summary.json …).`,
    );
  }
  return full;
}

function resolveBaseline(
  runbook: Runbook,
  stageName: string,
  flags: GateFlags,
  env: NodeJS.ProcessEnv,
  canaryURL: string | undefined,
): ResolvedGate['baseline'] {
  const targetName = runbook.stages[stageName]!.baseline!;
  const target = runbook.targets[targetName]!;
  const b = pick(flags.baselineUrl, env.ROLLGATE_BASELINE_URL, target.baseURL, undefined);
  const from =
    b.source === 'cli'
      ? '--baseline-url'
      : b.source === 'env'
        ? 'ROLLGATE_BASELINE_URL'
        : `targets.${targetName}.baseURL`;
  const baseURL = b.value ? parseUrl(b.value, from) : undefined;
  // A deployed canary judged against a baseline started on this machine compares two networks:
  // the baseline is then missing, which errors the comparison (HOLD) while every other check runs.
  if (canaryURL && !baseURL) {
    return {
      targetName,
      target,
      missing: `stage "${stageName}" compares ${canaryURL} against baseline target "${targetName}", which has no URL: give the baseline's with --baseline-url <url> or ROLLGATE_BASELINE_URL`,
    };
  }
  if (baseURL && canaryURL && baseURL === canaryURL) {
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `stage "${stageName}": the baseline (${from}) and the canary are both ${baseURL}; a canary compared with itself always passes. Give the baseline's own URL.`,
    );
  }
  return { targetName, target, baseURL };
}

/** How many runs reports/runs/ keeps: --retain, ROLLGATE_RETAIN_RUNS, then `reports.retain`; undefined keeps all. */
function resolveRetain(runbook: Runbook, flags: GateFlags, env: NodeJS.ProcessEnv): number | undefined {
  const r = pick(flags.retain, env.ROLLGATE_RETAIN_RUNS, runbook.reports?.retain?.toString(), undefined);
  if (r.value === undefined) return undefined;
  const n = Number(r.value);
  // The runbook's own value was validated when it loaded: only the variable can be wrong here.
  if (!Number.isInteger(n) || n < 1) {
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `${r.source === 'cli' ? '--retain' : 'ROLLGATE_RETAIN_RUNS'}: "${r.value}" is not a number of runs to keep; give a whole number of 1 or more (for example 10), or leave it unset to keep every run.`,
    );
  }
  return n;
}

/** Resolves a stage's options with precedence CLI > environment > runbook file > default. */
export function resolveGate(
  runbook: Runbook,
  stageName: string,
  flags: GateFlags,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedGate {
  const stage = runbook.stages[stageName];
  if (!stage) {
    throw new RollgateError(
      'ROLLGATE_UNKNOWN_STAGE',
      `unknown stage "${stageName}". Stages in runbook "${runbook.name}": ${Object.keys(runbook.stages).join(', ')}`,
    );
  }
  const target = runbook.targets[stage.target]!;
  const base = pick(flags.baseUrl, env.ROLLGATE_BASE_URL, target.baseURL, undefined);
  const baseURL = base.value
    ? parseUrl(
        base.value,
        base.source === 'cli'
          ? '--base-url'
          : base.source === 'env'
            ? 'ROLLGATE_BASE_URL'
            : `targets.${stage.target}.baseURL`,
      )
    : undefined;
  const baseline = stage.baseline ? resolveBaseline(runbook, stageName, flags, env, baseURL) : undefined;
  const rel = pick(
    flags.release,
    env.ROLLGATE_RELEASE,
    undefined,
    baseURL ? undefined : target.embedded?.version,
  );
  if (!rel.value) {
    throw new RollgateError(
      'ROLLGATE_RELEASE_REQUIRED',
      `stage "${stageName}" points at ${baseURL ?? 'a target'}: say which release is under test with --release <version> or ROLLGATE_RELEASE.`,
    );
  }
  const tmo = pick(
    flags.timeoutMs,
    env.ROLLGATE_TIMEOUT_MS,
    stage.timeoutMs?.toString(),
    String(DEFAULT_STAGE_TIMEOUT_MS),
  );
  const timeoutMs = Number(tmo.value);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `timeout "${tmo.value}" (${tmo.source}) must be a positive number of milliseconds.`,
    );
  }
  const overrides = runOverrides(flags);
  const retain = resolveRetain(runbook, flags, env);
  const nowIso = flags.now || env.ROLLGATE_NOW;
  let clock: Clock = systemClock;
  if (nowIso) {
    try {
      clock = fixedClock(nowIso);
    } catch {
      throw new RollgateError(
        'ROLLGATE_BAD_ARGUMENT',
        `--now / ROLLGATE_NOW: "${nowIso}" is not an ISO date such as 2026-03-08T06:30:00Z.`,
      );
    }
  }
  return {
    stageName,
    // The runbook's runner options under the stage's own, so the engine reads one set.
    stage: applyOverrides(
      {
        ...stage,
        playwright: mergeRunnerOptions(runbook.playwright, stage.playwright),
        vitest: mergeRunnerOptions(runbook.vitest, stage.vitest),
      },
      overrides,
    ),
    overrides,
    targetName: stage.target,
    target,
    baseURL,
    baseline,
    k6Summary: flags.k6Summary ? existingFile(flags.k6Summary, '--k6-summary') : undefined,
    release: rel.value,
    timeoutMs,
    reportsDir: reportsDir(env),
    retain,
    clock,
    sources: { baseURL: base.source, release: rel.source, timeoutMs: tmo.source },
  };
}
