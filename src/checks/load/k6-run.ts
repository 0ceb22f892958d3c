import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { ObservationError } from '../authoring/errors.ts';
import { readK6Points } from './k6-points.ts';
import { readK6Summary } from './k6-summary.ts';
import { byEndpoint, type LoadObservation, type RequestSample } from './observation.ts';

/** k6's exit code when thresholds were crossed; any other non-zero code is an error. */
export const K6_THRESHOLDS_CROSSED = 99;

const executable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
};

/** `K6_BIN` when set (it must be executable), else `k6` found on PATH, else null (use the embedded engine). */
export function locateK6(env: Record<string, string | undefined> = process.env): string | null {
  if (env.K6_BIN) {
    if (!executable(env.K6_BIN)) {
      throw new ObservationError(`K6_BIN=${env.K6_BIN} is not an executable file`, 'ROLLGATE_K6_MISSING');
    }
    return env.K6_BIN;
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'k6');
    if (executable(candidate)) return candidate;
  }
  return null;
}

export interface K6RunOptions {
  k6Bin: string;
  /** A k6-ready JavaScript file. */
  script: string;
  /** Where the summary and points files go (the check's evidence directory). */
  outDir: string;
  /** Extra environment for k6 (base URL; credentials are inherited, never written to the script). */
  env?: Record<string, string | undefined>;
  /** Kill k6 after this long: errored, never a pass. */
  timeoutMs: number;
  /** Sub-metric selector and scenario to read (rollgate's generated scripts: the `load` scenario). */
  scope?: string;
  scenario?: string;
}

export interface K6RunResult {
  exitCode: number;
  observation: LoadObservation;
  samples: RequestSample[];
  summaryFile: string;
  pointsFile: string;
  /** The last lines k6 printed, for the report. */
  output: string;
}

const tail = (text: string, lines = 12) => text.trim().split('\n').slice(-lines).join('\n');

/**
 * Runs `k6 run --summary-export <f> --out json=<f> <script>` and reads both files. Exit 0 and 99
 * (thresholds crossed: the rollout fails, the data is still read and judged) are results; any
 * other exit, a timeout, a signal or a missing summary is an ObservationError (errored, HOLD).
 */
export async function runK6(opts: K6RunOptions): Promise<K6RunResult> {
  const summaryFile = path.join(opts.outDir, 'k6-summary.json');
  const pointsFile = path.join(opts.outDir, 'k6-points.ndjson');
  const args = [
    'run',
    '--no-color',
    '--summary-export',
    summaryFile,
    '--out',
    `json=${pointsFile}`,
    opts.script,
  ];
  const proc = await execa(opts.k6Bin, args, {
    reject: false,
    all: true,
    timeout: opts.timeoutMs,
    env: opts.env,
    stdin: 'ignore',
  });
  const output = tail(proc.all ?? '');
  if (proc.timedOut) {
    throw new ObservationError(
      `k6 did not finish within ${opts.timeoutMs} ms and was stopped`,
      'ROLLGATE_K6_TIMEOUT',
    );
  }
  const code = proc.exitCode;
  if (code !== 0 && code !== K6_THRESHOLDS_CROSSED) {
    const how = code === undefined ? `was killed by ${proc.signal ?? 'a signal'}` : `exited with ${code}`;
    throw new ObservationError(
      `k6 ${how} (an error of k6 or the script, not a result):\n${output}`,
      'ROLLGATE_K6_FAILED',
    );
  }
  if (!existsSync(summaryFile)) {
    throw new ObservationError(
      `k6 exited ${code} but wrote no summary (${summaryFile})`,
      'ROLLGATE_K6_NO_SUMMARY',
    );
  }
  const observation = await readK6Summary(summaryFile, { scope: opts.scope, engine: 'k6' });
  if (code === K6_THRESHOLDS_CROSSED && observation.thresholdsCrossed.length === 0) {
    // k6 says a threshold failed though the summary shows none: trust the exit code, fail closed.
    observation.thresholdsCrossed.push(`k6 exit code ${K6_THRESHOLDS_CROSSED}: thresholds crossed`);
  }
  const samples = existsSync(pointsFile)
    ? (await readK6Points(pointsFile, { scenario: opts.scenario })).samples
    : [];
  if (samples.length > 0) observation.endpoints = byEndpoint(samples);
  return { exitCode: code, observation, samples, summaryFile, pointsFile, output };
}
