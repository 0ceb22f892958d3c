import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Evidence } from '../../model/evidence.ts';
import type { Measurement } from '../../model/measurement.ts';
import { ObservationError } from '../authoring/errors.ts';
import { runAutocannon } from './autocannon-run.ts';
import { evaluateLoad, type LoadBudget, loadStatus } from './budgets.ts';
import { latencyChartSvg } from './chart.ts';
import { failureCounts } from './failures.ts';
import { assertHostAllowed, assertStageAllowed } from './hosts.ts';
import { bundleK6Script } from './k6-bundle.ts';
import { locateK6, runK6 } from './k6-run.ts';
import { profileToK6Script } from './k6-script.ts';
import { readK6Summary } from './k6-summary.ts';
import { k6Thresholds, LOAD_SCENARIO, LOAD_SCOPE } from './k6-thresholds.ts';
import { K6_SESSION_ENV, loadAuthHeaders, runSessionHeaders } from './login.ts';
import { nonLoopbackCidrs } from './loopback-guard.ts';
import { type LoadObservation, observeSamples, type RequestSample } from './observation.ts';
import type { LoadProfile } from './profile.ts';
import { assertReachable } from './reachable.ts';
import { percentileTable } from './table.ts';

export type LoadEngine = 'auto' | 'k6' | 'autocannon';

export interface LoadRunResult {
  engine: 'k6' | 'autocannon' | 'k6-summary';
  observation: LoadObservation;
  samples: RequestSample[];
  measurements: Measurement[];
  status: 'passed' | 'failed' | 'errored';
  evidence: Evidence[];
  /**
   * Requests sent to the target from `beforeTraffic` on, answered or not, and the answered ones
   * (warm-up included). k6 reports one count, its http_reqs, for both; a summary from elsewhere none.
   */
  sent?: number;
  answered?: number;
}

export interface LoadRunOptions {
  profile: LoadProfile;
  baseURL: string;
  stage: string;
  budgets: readonly LoadBudget[];
  /** `auto` (default): k6 where K6_BIN is set or k6 is on PATH, else the embedded engine. */
  engine?: LoadEngine;
  /** Credentials and K6_BIN/PATH are read here (default process.env). */
  env?: Record<string, string | undefined>;
  /** Hosts the runbook allows besides loopback. */
  runbookHosts?: readonly string[];
  /** Where k6's script, summary and points are written (default: a new temp directory). */
  outDir?: string;
  /** Awaited after the probe and login, right before the first load request (metric checks' window opens). */
  beforeTraffic?: () => Promise<void>;
}

/**
 * Everything that must refuse a load run before any request (exit 2): the stage is not one the
 * profile allows, or a URL points at a host neither loopback nor allowed by profile and runbook.
 */
export function assertLoadAllowed(
  profile: LoadProfile,
  opts: { stage: string; urls: readonly string[]; runbookHosts?: readonly string[] },
): void {
  assertStageAllowed(profile, opts.stage);
  for (const url of opts.urls) assertHostAllowed(url, profile, opts.runbookHosts);
}

/** Evidence every load result carries: the per-endpoint table and the latency chart. */
export function loadEvidence(obs: LoadObservation, samples: readonly RequestSample[]): Evidence[] {
  const latencies = samples.flatMap((s) => (s.latencyMs === null ? [] : [s.latencyMs]));
  const out: Evidence[] = [
    { name: 'load-percentiles.md', contentType: 'text/markdown', body: percentileTable({ canary: obs }) },
  ];
  if (latencies.length > 0) {
    out.push({
      name: 'latency-distribution.svg',
      contentType: 'image/svg+xml',
      body: latencyChartSvg({ series: [{ label: 'run', values: latencies }] }),
    });
  }
  return out;
}

function result(
  engine: LoadRunResult['engine'],
  obs: LoadObservation,
  samples: RequestSample[],
  budgets: readonly LoadBudget[],
  extra: Evidence[] = [],
): LoadRunResult {
  // k6's observation comes from its summary; the breakdown of failures from its per-request points.
  if (!obs.failures && samples.length) obs.failures = failureCounts(samples);
  const measurements = evaluateLoad(budgets, obs);
  return {
    engine,
    observation: obs,
    samples,
    measurements,
    status: loadStatus(measurements),
    evidence: [...loadEvidence(obs, samples), ...extra],
  };
}

/**
 * Runs a load profile against one target and judges it by the budgets: the engine a stage with a
 * load profile calls. Refusals (stage, host) throw LoadRefusedError before any request, a target
 * not answering one probe LoadUnreachableError; login or k6 failing throws ObservationError.
 */
export async function runLoadProfile(opts: LoadRunOptions): Promise<LoadRunResult> {
  const { profile } = opts;
  assertLoadAllowed(profile, { stage: opts.stage, urls: [opts.baseURL], runbookHosts: opts.runbookHosts });
  await assertReachable(opts.baseURL, { timeoutMs: profile.requestTimeout });
  const env = opts.env ?? process.env;
  const k6Bin = opts.engine === 'autocannon' ? null : locateK6(env);
  if (opts.engine === 'k6' && !k6Bin) {
    throw new ObservationError(
      'engine k6 was asked for, but K6_BIN is not set and k6 is not on PATH',
      'ROLLGATE_K6_MISSING',
    );
  }
  if (k6Bin) {
    const outDir = opts.outDir ?? (await mkdtemp(path.join(tmpdir(), 'rollgate-k6-')));
    const script = path.join(outDir, `${profile.name}.k6.js`);
    await writeFile(script, profileToK6Script(profile, { baseURL: opts.baseURL, budgets: opts.budgets }));
    // The session's headers reach k6 through its environment only, never the script file.
    const session =
      profile.auth?.session === 'target' ? { [K6_SESSION_ENV]: JSON.stringify(runSessionHeaders(env)) } : {};
    await opts.beforeTraffic?.();
    const run = await runK6({
      k6Bin,
      script,
      outDir,
      env: { ...env, ...session },
      timeoutMs: profile.warmup + profile.duration + 90_000,
      scope: LOAD_SCOPE,
      scenario: LOAD_SCENARIO,
    });
    const files: Evidence[] = [
      { name: 'k6-summary.json', contentType: 'application/json', path: run.summaryFile },
      { name: 'k6-script.js', contentType: 'text/javascript', path: script },
    ];
    const counted = run.observation.requests;
    return {
      ...result('k6', run.observation, run.samples, opts.budgets, files),
      sent: counted,
      answered: counted,
    };
  }
  const headers = await loadAuthHeaders(opts.baseURL, profile, env);
  await opts.beforeTraffic?.();
  let sent = 0;
  let answered = 0;
  if (profile.warmup > 0) {
    const warm = await runAutocannon({
      baseURL: opts.baseURL,
      profile,
      durationMs: profile.warmup,
      headers,
      record: false,
    });
    sent += warm.sent;
    answered += warm.answered;
  }
  const run = await runAutocannon({ baseURL: opts.baseURL, profile, headers });
  return {
    ...result(
      'autocannon',
      observeSamples('autocannon', run.samples, run.durationMs),
      run.samples,
      opts.budgets,
    ),
    sent: sent + run.sent,
    answered: answered + run.answered,
  };
}

/**
 * Runs a hand-written `load/*.k6.ts` with the runbook's budgets injected as thresholds. The base
 * URL reaches the script as `__ENV.BASE_URL`; when the runbook allows loopback only, k6 is also
 * told to refuse every other address (blacklistIPs), since the script picks its own URLs.
 */
export async function runK6Script(opts: {
  file: string;
  baseURL: string;
  budgets: readonly LoadBudget[];
  env?: Record<string, string | undefined>;
  runbookHosts?: readonly string[];
  outDir?: string;
  timeoutMs?: number;
}): Promise<LoadRunResult> {
  assertHostAllowed(opts.baseURL, { hosts: opts.runbookHosts ?? [] });
  await assertReachable(opts.baseURL);
  const env = opts.env ?? process.env;
  const k6Bin = locateK6(env);
  if (!k6Bin) {
    throw new ObservationError(
      `${opts.file} is a k6 script: set K6_BIN or put k6 on PATH to run it`,
      'ROLLGATE_K6_MISSING',
    );
  }
  const outDir = opts.outDir ?? (await mkdtemp(path.join(tmpdir(), 'rollgate-k6-')));
  const force = (opts.runbookHosts ?? []).length === 0 ? { blacklistIPs: nonLoopbackCidrs() } : {};
  const bundled = await bundleK6Script(opts.file, { thresholds: k6Thresholds(opts.budgets), force });
  const script = path.join(outDir, `${path.basename(opts.file).replace(/\.ts$/, '')}.bundle.js`);
  await writeFile(script, bundled);
  const run = await runK6({
    k6Bin,
    script,
    outDir,
    env: { ...env, BASE_URL: opts.baseURL },
    timeoutMs: opts.timeoutMs ?? 15 * 60_000,
  });
  return result('k6', run.observation, run.samples, opts.budgets, [
    { name: 'k6-summary.json', contentType: 'application/json', path: run.summaryFile },
  ]);
}

/** `--k6-summary <file>`: gates on a summary from a distributed run (k6 Cloud, k6-operator). */
export async function ingestK6Summary(file: string, budgets: readonly LoadBudget[]): Promise<LoadRunResult> {
  const obs = await readK6Summary(file);
  return result('k6-summary', obs, [], budgets, [
    { name: 'k6-summary.json', contentType: 'application/json', path: file },
  ]);
}
