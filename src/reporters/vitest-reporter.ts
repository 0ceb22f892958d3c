import path from 'node:path';
import type { SerializedError } from '@vitest/utils';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { type CheckRecord, RECORD_KEY } from '../checks/record.ts';
import { measurementProblems } from '../model/check-problems.ts';
import type { RawResults, RawTest } from '../model/raw-result.ts';
import { writeRaw } from './write-raw.ts';

/**
 * Checks the record while its values are live: JSON turns NaN and Infinity into null, which would
 * hide what the check really recorded. The engine validates the rest again after reading.
 */
function recordProblems(record: CheckRecord | undefined): string[] | undefined {
  const ms: unknown = record?.measurements;
  if (!Array.isArray(ms)) return undefined;
  const problems = ms.flatMap((m, i) => measurementProblems(m, i));
  return problems.length ? problems : undefined;
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
    const record = testCase.meta()[RECORD_KEY as keyof ReturnType<TestCase['meta']>] as
      | CheckRecord
      | undefined;
    const test: RawTest = {
      file: path.relative(this.root, testCase.module.moduleId),
      titlePath,
      state,
      flaky: diag?.flaky ?? false,
      retries: diag?.retryCount ?? 0,
      durationMs: diag?.duration ?? 0,
      errors: (result.errors ?? []).map((e) => ({ name: e.name, message: e.message ?? String(e) })),
      skipNote: result.state === 'skipped' ? result.note : undefined,
      record,
      recordProblems: recordProblems(record),
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
