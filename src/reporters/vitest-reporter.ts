import path from 'node:path';
import type { SerializedError } from '@vitest/utils';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { RECORD_KEY } from '../checks/authoring/record.ts';
import { checkIdentity } from '../engine/identity.ts';
import type { RawError, RawResults, RawTest } from '../model/raw-result.ts';
import { readRecord } from './read-record.ts';
import { writeRaw } from './write-raw.ts';

/**
 * A serialised error as the engine reads it. Vitest copies a thrown error's own properties, so an
 * ObservationError's `code` arrives as a field; only a non-empty string is kept.
 */
export function rawError(e: { name?: unknown; message?: unknown; code?: unknown }): RawError {
  const error: RawError = {
    name: typeof e.name === 'string' ? e.name : undefined,
    message: typeof e.message === 'string' ? e.message : String(e),
  };
  if (typeof e.code === 'string' && e.code) error.code = e.code;
  return error;
}

/** Runs inside vitest's main process; collects every test case with the record its check left. */
export default class RollgateVitestReporter implements Reporter {
  private results: RawResults = { runner: 'vitest', tests: [], moduleErrors: [], runErrors: [] };
  private root = process.cwd();

  onTestCaseResult(testCase: TestCase): void {
    const result = testCase.result();
    const diag = testCase.diagnostic();
    const titlePath: string[] = [];
    for (let p: TestCase['parent'] | undefined = testCase.parent; p && p.type === 'suite'; p = p.parent)
      titlePath.unshift(p.name);
    titlePath.push(testCase.name);
    const state = result.state === 'pending' ? 'interrupted' : result.state;
    // The worker's meta crossed a process boundary: parse it, never trust its shape.
    const meta: Record<string, unknown> = { ...testCase.meta() };
    const { record, problems } = readRecord(meta[RECORD_KEY], 'vitest meta');
    const file = path.relative(this.root, testCase.module.moduleId);
    const test: RawTest = {
      id: checkIdentity(file, titlePath).id,
      file,
      titlePath,
      state,
      flaky: diag?.flaky ?? false,
      retries: diag?.retryCount ?? 0,
      durationMs: diag?.duration ?? 0,
      errors: (result.errors ?? []).map(rawError),
      skipNote: result.state === 'skipped' ? result.note : undefined,
      record,
      recordProblems: problems,
    };
    this.results.tests.push(test);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<SerializedError>): void {
    for (const m of modules) {
      const errors = m.errors();
      if (errors.length) {
        this.results.moduleErrors.push({
          file: path.relative(this.root, m.moduleId),
          message: errors.map((e) => e.message).join('\n'),
        });
      }
    }
    this.results.runErrors.push(...unhandled.map((e) => e.message ?? String(e)));
    writeRaw(this.results);
  }
}
