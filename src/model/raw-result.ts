import type { Evidence } from './evidence.ts';
import type { Measurement } from './measurement.ts';

/** What a check carries out of its worker to the engine, besides pass or fail. */
export interface CheckRecord {
  measurements: Measurement[];
  evidence: Evidence[];
  /** Declared not applicable, with the reason: the only skip that passes. */
  notApplicable?: string;
}

/** One test as a runner saw it, before the engine turns it into a CheckResult. */
export interface RawTest {
  /** Path relative to the project root. */
  file: string;
  /** describe blocks then the test title. */
  titlePath: string[];
  state: 'passed' | 'failed' | 'skipped' | 'timedOut' | 'interrupted';
  flaky: boolean;
  retries: number;
  durationMs: number;
  errors: { name?: string; message: string }[];
  skipNote?: string;
  record?: CheckRecord;
  /**
   * What the runner-side reporter found wrong in the record while its values were still live
   * (NaN and Infinity become null in JSON): each makes the check errored with that reason.
   */
  recordProblems?: string[];
}

/** What a runner-side reporter hands to the engine through `ROLLGATE_RAW_FILE`. */
export interface RawResults {
  runner: 'vitest' | 'playwright';
  tests: RawTest[];
  /** Files that failed to load: every check planned in them is errored. */
  moduleErrors: { file: string; message: string }[];
  /** Errors outside any test (unhandled rejections, global set-up). */
  runErrors: string[];
}
