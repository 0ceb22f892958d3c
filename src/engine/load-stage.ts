import path from 'node:path';
import { CheckFailure } from '../checks/errors.ts';
import {
  assertLoadAllowed,
  type LoadProfile,
  loadProfileFile,
  runLoadProfile,
} from '../checks/load/index.ts';
import type { CheckResult } from '../model/check-result.ts';
import type { Stage } from '../model/runbook.ts';

/**
 * Loads a stage's profile and refuses it before anything runs when the stage or a host is not
 * allowed (a RollgateError: exit 2). The embedded target always listens on loopback.
 */
export async function prepareLoad(
  stage: Stage,
  stageName: string,
  baseURL: string | undefined,
  root: string,
): Promise<LoadProfile | undefined> {
  if (!stage.load) return undefined;
  const profile = await loadProfileFile(stage.load.profile, root);
  assertLoadAllowed(profile, {
    stage: stageName,
    urls: [baseURL ?? 'http://127.0.0.1'],
    runbookHosts: stage.load.hosts,
  });
  return profile;
}

/** Runs the profile against the target and turns the result into one check with its measurements. */
export async function runLoadCheck(
  stage: Stage,
  stageName: string,
  profile: LoadProfile,
  o: { baseURL: string; env: NodeJS.ProcessEnv; runDir: string },
): Promise<CheckResult> {
  const started = performance.now();
  const base = {
    id: `load/${profile.name}`,
    title: `load profile ${profile.name} within the stage's budgets`,
    suite: stage.load!.profile,
    kind: 'load' as const,
    blocking: true,
    retries: 0,
  };
  try {
    const r = await runLoadProfile({
      profile,
      baseURL: o.baseURL,
      stage: stageName,
      budgets: stage.budgets,
      engine: stage.load!.engine,
      env: o.env,
      runbookHosts: stage.load!.hosts,
      outDir: path.join(o.runDir, 'load'),
    });
    const broken = r.measurements.filter((m) => !m.passed);
    return {
      ...base,
      status: r.status,
      durationMs: Math.round(performance.now() - started),
      measurements: r.measurements,
      evidence: r.evidence,
      message: `${r.engine}: ${r.samples.length} requests${broken.length ? `; over budget: ${broken.map((m) => m.name).join(', ')}` : ''}`,
    };
  } catch (error) {
    // A CheckFailure means the target was observed failing (a 500 at login); anything else: errored.
    return {
      ...base,
      status: error instanceof CheckFailure ? 'failed' : 'errored',
      durationMs: Math.round(performance.now() - started),
      measurements: [],
      evidence: [],
      message: `load could not run: ${(error as Error).message}`,
    };
  }
}
