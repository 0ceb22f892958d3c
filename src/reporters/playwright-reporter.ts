import path from 'node:path';
import type { FullResult, Reporter, TestCase, TestError, TestResult } from '@playwright/test/reporter';
import { ERROR_CODES_KEY } from '../checks/authoring/errors.ts';
import { RECORD_KEY } from '../checks/authoring/record.ts';
import { checkIdentity } from '../engine/identity.ts';
import type { Evidence } from '../model/evidence.ts';
import { type RawError, RawErrorCodes, type RawRecord, type RawResults } from '../model/raw-result.ts';
import { readRecordJson } from './read-record.ts';
import { writeRaw } from './write-raw.ts';

function toRawError(e: TestError, codes: RawErrorCodes = []): RawError {
  const message = e.message ?? e.value ?? 'unknown error';
  const code = codes.find((c) => c.message === message)?.code;
  return code ? { message, code } : { message };
}

/**
 * The codes the `check` fixture attached (authoring/playwright.ts), parsed with the schema: the
 * worker wrote them. Unreadable codes are dropped, never trusted: the errors keep their text.
 */
export function readErrorCodes(body: Buffer | undefined): RawErrorCodes {
  try {
    return RawErrorCodes.safeParse(JSON.parse(body?.toString('utf8') ?? '')).data ?? [];
  } catch {
    return [];
  }
}

/** Runs in Playwright's runner process; keeps the final attempt of each test and its evidence. */
export default class RollgatePlaywrightReporter implements Reporter {
  private results: RawResults = { runner: 'playwright', tests: [], moduleErrors: [], runErrors: [] };
  private root = process.cwd();

  printsToStdio(): boolean {
    return false;
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    // Retries call onTestEnd once per attempt; only the last attempt decides.
    if (result.retry < test.retries && result.status !== 'passed' && result.status !== 'skipped') return;
    let record: RawRecord | undefined;
    let recordProblems: string[] | undefined;
    let codes: RawErrorCodes = [];
    const evidence: Evidence[] = [];
    for (const a of result.attachments) {
      // The record was written by the test's worker: parse it with the schema, never cast it.
      if (a.name === RECORD_KEY && a.body)
        ({ record, problems: recordProblems } = readRecordJson(a.body.toString('utf8'), 'its attachment'));
      else if (a.name === ERROR_CODES_KEY) codes = readErrorCodes(a.body);
      else if (a.path || a.body)
        evidence.push({
          name: a.name,
          contentType: a.contentType,
          path: a.path,
          body: a.body?.toString('utf8'),
        });
    }
    if (evidence.length)
      record = { measurements: [], ...record, evidence: [...(record?.evidence ?? []), ...evidence] };
    const skip = test.annotations.find((a) => a.type === 'skip');
    const status = result.status;
    const file = path.relative(this.root, test.location.file);
    const titlePath = test.titlePath().slice(3);
    this.results.tests.push({
      id: checkIdentity(file, titlePath).id,
      file,
      titlePath,
      state: status === 'timedOut' ? 'timedOut' : status === 'interrupted' ? 'interrupted' : status,
      flaky: status === 'passed' && result.retry > 0,
      retries: result.retry,
      durationMs: result.duration,
      errors: result.errors.map((e) => toRawError(e, codes)),
      skipNote: status === 'skipped' ? skip?.description : undefined,
      record,
      recordProblems,
    });
  }

  onError(error: TestError): void {
    const file = error.location?.file;
    if (file)
      this.results.moduleErrors.push({
        file: path.relative(this.root, file),
        message: toRawError(error).message,
      });
    else this.results.runErrors.push(toRawError(error).message);
  }

  onEnd(_result: FullResult): void {
    writeRaw(this.results);
  }
}
