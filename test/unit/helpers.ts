import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkIdentity } from '../../src/engine/identity.ts';
import type { CheckResult } from '../../src/model/check-result.ts';
import type { Measurement } from '../../src/model/measurement.ts';
import type { RawTest } from '../../src/model/raw-result.ts';
import { summarize, type Verdict } from '../../src/model/verdict.ts';

/** A passing blocking vitest check; override what the test is about. */
export function makeCheck(overrides: Partial<CheckResult> = {}): CheckResult {
  return {
    id: 'probes/version',
    title: 'deployed version equals the release',
    suite: 'runbooks/probes.suite.ts',
    kind: 'vitest',
    status: 'passed',
    blocking: true,
    durationMs: 12,
    measurements: [],
    evidence: [],
    retries: 0,
    ...overrides,
  };
}

/** A measurement that passed unless overridden. */
export function makeMeasurement(overrides: Partial<Measurement> = {}): Measurement {
  return {
    name: 'p95-latency',
    actual: 420,
    operator: '<=',
    expected: 500,
    unit: 'ms',
    samples: 1200,
    passed: true,
    ...overrides,
  };
}

/** A schema-valid verdict over `checks`, with a summary computed from them. */
export function makeVerdict(
  checks: CheckResult[] = [makeCheck()],
  overrides: Partial<Verdict> = {},
): Verdict {
  return {
    schemaVersion: 1,
    runId: '20260308T063000Z-abc123',
    runbook: 'demo',
    stage: 'canary',
    verdict: 'promote',
    startedAt: '2026-03-08T06:30:00.000Z',
    finishedAt: '2026-03-08T06:31:00.000Z',
    durationMs: 60_000,
    target: { baseURL: 'http://127.0.0.1:4000', version: '1.2.3', embedded: true },
    checks,
    summary: summarize(checks),
    reasons: [],
    signoffs: [],
    ...overrides,
  };
}

/**
 * A raw runner result for one test that passed; override the state, errors, record… Its id is
 * the one the reporters compute from file and title path, unless overridden.
 */
export function makeRawTest(overrides: Partial<RawTest> = {}): RawTest {
  const file = overrides.file ?? 'runbooks/probes.suite.ts';
  const titlePath = overrides.titlePath ?? ['probes', 'health answers'];
  return {
    id: checkIdentity(file, titlePath).id,
    file,
    titlePath,
    state: 'passed',
    flaky: false,
    retries: 0,
    durationMs: 5,
    errors: [],
    ...overrides,
  };
}

/** Fresh temporary directories; call `cleanup` in afterEach/afterAll. */
export function tempDirs(prefix = 'rollgate-unit-'): { make(): string; cleanup(): void } {
  const dirs: string[] = [];
  return {
    make() {
      const dir = mkdtempSync(path.join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    cleanup() {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` and returns what it threw; fails the test when it does not throw. */
export function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the call to throw, it returned');
}

/** Awaits `promise` and returns its rejection; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the promise to reject, it resolved');
}
