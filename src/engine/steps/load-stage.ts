import path from 'node:path';
import { CheckFailure } from '../../checks/authoring/errors.ts';
import {
  assertLoadAllowed,
  describeJudgement,
  everyRequestFailed,
  ingestK6Summary,
  type LoadProfile,
  LoadUnreachableError,
  loadProfileFile,
  runCanaryComparison,
  runLoadProfile,
} from '../../checks/load/index.ts';
import { isVitalName } from '../../checks/probes/web-vitals-budgets.ts';
import type { CheckResult } from '../../model/check-result.ts';
import { errorCodeInfo } from '../../model/error-codes.ts';
import type { Stage } from '../../model/runbook.ts';

/**
 * Loads a stage's profile and refuses it before anything runs when the stage or a host is not
 * allowed (a RollgateError: exit 2). The embedded target always listens on loopback.
 */
export async function prepareLoad(
  stage: Stage,
  stageName: string,
  /** The target's and the baseline's URLs; undefined ones are embedded (loopback). */
  baseURLs: readonly (string | undefined)[],
  root: string,
): Promise<LoadProfile | undefined> {
  if (!stage.load) return undefined;
  const profile = await loadProfileFile(stage.load.profile, root);
  assertLoadAllowed(profile, {
    stage: stageName,
    urls: baseURLs.map((u) => u ?? 'http://127.0.0.1'),
    runbookHosts: stage.load.hosts,
  });
  return profile;
}

/** Requests the load sent to one side and how many of them were answered (warm-up included). */
export interface LoadCount {
  sent: number;
  answered: number;
}
export type LoadCounts = { target?: LoadCount; baseline?: LoadCount };

const counted = (c: LoadCount) => `${c.sent} sent, ${c.answered} answered`;

/**
 * A load with no budgets of its own to judge. With metric checks it is their traffic: it passes
 * when the target answered (the metric checks judge what it served); with none it measures
 * nothing, which never passes.
 */
function unjudgedLoad(
  stage: Stage,
  stageName: string,
  r: { answered?: number; samples: readonly unknown[]; evidence: CheckResult['evidence'] },
  allFailed: string | undefined,
  summary: string,
): Pick<CheckResult, 'status' | 'measurements' | 'evidence' | 'message' | 'code'> {
  const answered = r.answered ?? r.samples.length;
  if (stage.metrics.length && answered > 0 && !allFailed)
    return {
      status: 'passed',
      measurements: [],
      evidence: r.evidence,
      message: `traffic for the stage's metric checks (no load budgets of its own): ${summary}`,
    };
  const why = stage.metrics.length
    ? (allFailed ?? 'the target answered no request')
    : `stage "${stageName}" declares no load budgets (p95-latency, error-rate…) and no metric checks: nothing judges this load; declare budgets or metric checks`;
  return {
    status: 'errored',
    measurements: [],
    evidence: r.evidence,
    message: `${why}\n${summary}`,
    code: 'ROLLGATE_NO_DATA',
  };
}

/** The stage's budgets a load run judges; web-vitals budgets (fcp, lcp…) belong to the browser checks. */
function loadBudgets(stage: Stage): Stage['budgets'] {
  return stage.budgets.filter((b) => !isVitalName(b.name));
}

/** What the load step is about to do and about how long it takes, for live progress. */
export function describeLoad(stage: Stage, profile: LoadProfile): { what: string; expectedMs: number } {
  const c = stage.load!.compare;
  if (stage.baseline)
    return {
      what: `load ${profile.name}: canary against baseline "${stage.baseline}", ${c.slices} alternating slices of ${c.sliceMs} ms a side`,
      expectedMs: 2 * (profile.warmup + c.slices * c.sliceMs),
    };
  return {
    what: `load ${profile.name} (${stage.load!.engine})`,
    expectedMs: profile.warmup + profile.duration,
  };
}

/** The id of a stage's load check: `load/<the profile's name>`. */
export const loadCheckId = (profileName: string) => `load/${profileName}`;

/**
 * Runs the profile against the target (or, with a baseline, against both, interleaved) and turns
 * the result into one check with its measurements. A stage that could not start errors it.
 */
export async function runLoadCheck(
  stage: Stage,
  stageName: string,
  profile: LoadProfile | undefined,
  o: {
    baseURL: string;
    baselineURL?: string;
    /** Why the stage's baseline is not there (the comparison then errors). */
    baselineMissing?: string;
    env: NodeJS.ProcessEnv;
    runDir: string;
    notRun?: string;
    /** A k6 summary from a run elsewhere: judged instead of running the profile here. */
    k6Summary?: string;
    /** Awaited right before the first load request, after probes and logins (metric checks' window opens). */
    beforeTraffic?: () => Promise<void>;
    /** Told how many requests the load sent to the target and the baseline, and how many were answered. */
    onSent?: (counts: LoadCounts) => void;
  },
): Promise<CheckResult> {
  const started = performance.now();
  const compared = Boolean(stage.baseline);
  const name = profile?.name ?? 'k6-summary';
  const base = {
    id: loadCheckId(name),
    title: o.k6Summary
      ? `load results from ${path.basename(o.k6Summary)} within the stage's budgets`
      : compared
        ? `load profile ${name}: canary against baseline "${stage.baseline}" and the stage's budgets`
        : `load profile ${name} within the stage's budgets`,
    suite: o.k6Summary ?? stage.load?.profile ?? 'load',
    kind: 'load' as const,
    blocking: true,
    retries: 0,
  };
  const ended = (
    r: Pick<CheckResult, 'status' | 'measurements' | 'evidence' | 'message'> &
      Pick<Partial<CheckResult>, 'code'>,
  ): CheckResult => ({
    ...base,
    ...r,
    durationMs: Math.round(performance.now() - started),
  });
  if (o.notRun)
    return ended({ status: 'errored', measurements: [], evidence: [], message: `not run: ${o.notRun}` });
  try {
    if (o.k6Summary) {
      // Fail closed: a summary with nothing to judge, or standing in for a comparison it cannot make.
      if (!loadBudgets(stage).length)
        throw new Error(
          `stage "${stageName}" has no load budgets (p95-latency, error-rate…) to judge the summary against`,
        );
      if (stage.baseline)
        throw new Error(
          `stage "${stageName}" compares the canary against baseline "${stage.baseline}", which a summary cannot do (it has no per-request samples): gate a stage without a baseline on it`,
        );
      const r = await ingestK6Summary(o.k6Summary, loadBudgets(stage));
      const broken = r.measurements.filter((m) => !m.passed);
      return ended({
        status: r.status,
        measurements: r.measurements,
        evidence: r.evidence,
        message: `k6 summary ${o.k6Summary}: ${r.observation.requests} requests${broken.length ? `; not passed: ${broken.map((m) => m.name).join(', ')}` : ''}`,
      });
    }
    if (!profile) throw new Error(`stage "${stageName}" declares load but no profile was loaded for it`);
    if (compared) {
      if (!o.baselineURL)
        throw new Error(o.baselineMissing ?? `baseline "${stage.baseline}" has no URL: it did not start`);
      const c = stage.load!.compare;
      const r = await runCanaryComparison({
        profile,
        baselineURL: o.baselineURL,
        canaryURL: o.baseURL,
        stage: stageName,
        budgets: loadBudgets(stage),
        slices: c.slices,
        sliceMs: c.sliceMs,
        judge: {
          confidence: c.confidence,
          tolerance: { medianRatio: c.medianRatio, medianDeltaMs: c.medianDeltaMs },
          errorRateDelta: c.errorRateDelta,
          minSamples: c.minSamples,
        },
        env: o.env,
        runbookHosts: stage.load!.hosts,
        beforeTraffic: o.beforeTraffic,
      });
      o.onSent?.({ target: r.run.canary, baseline: r.run.baseline });
      // A comparison that did not pass leads with its note: the p-value and both distributions. A
      // side where every request failed leads with that, and how they failed.
      const allFailed = (['canary', 'baseline'] as const).flatMap(
        (side) => everyRequestFailed(r.run[side].observation, side) ?? [],
      );
      const notes = r.judgement.measurements.filter((m) => !m.passed).map((m) => `${m.name}: ${m.note}`);
      return ended({
        status: r.status,
        measurements: r.measurements,
        evidence: r.evidence,
        message: [
          ...allFailed,
          ...notes,
          `${describeJudgement(r.judgement)}; ${r.run.baseline.samples.length} baseline and ${r.run.canary.samples.length} canary requests judged (warm-up included: ${counted(r.run.canary)} to the canary, ${counted(r.run.baseline)} to the baseline)`,
        ].join('\n'),
      });
    }
    const r = await runLoadProfile({
      profile,
      baseURL: o.baseURL,
      stage: stageName,
      budgets: loadBudgets(stage),
      engine: stage.load!.engine,
      env: o.env,
      runbookHosts: stage.load!.hosts,
      outDir: path.join(o.runDir, 'load'),
      beforeTraffic: o.beforeTraffic,
    });
    if (r.sent !== undefined && r.answered !== undefined)
      o.onSent?.({ target: { sent: r.sent, answered: r.answered } });
    const broken = r.measurements.filter((m) => !m.passed);
    const sent =
      r.sent === undefined || r.answered === undefined
        ? ''
        : ` (warm-up included: ${counted({ sent: r.sent, answered: r.answered })})`;
    const summary = `${r.engine}: ${r.samples.length} requests${sent}${broken.length ? `; over budget: ${broken.map((m) => m.name).join(', ')}` : ''}`;
    const allFailed = everyRequestFailed(r.observation);
    if (!loadBudgets(stage).length) return ended(unjudgedLoad(stage, stageName, r, allFailed, summary));
    return ended({
      status: r.status,
      measurements: r.measurements,
      evidence: r.evidence,
      message: allFailed ? `${allFailed}\n${summary}` : summary,
    });
  } catch (error) {
    // Unreachable before any load: the probe's reason stands alone ("unreachable: <url>: …").
    if (error instanceof LoadUnreachableError)
      return ended({ status: 'errored', measurements: [], evidence: [], message: error.message });
    // A CheckFailure means the target was observed failing (a 500 at login); anything else: errored.
    // A listed code (a refusal, a failed login) stays a field: the message no longer carries it.
    const code = errorCodeInfo((error as { code?: string }).code)?.code;
    return ended({
      status: error instanceof CheckFailure ? 'failed' : 'errored',
      measurements: [],
      evidence: [],
      message: `load could not run: ${(error as Error).message}`,
      ...(code ? { code } : {}),
    });
  }
}
