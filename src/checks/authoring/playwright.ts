import { existsSync } from 'node:fs';
import { test as base } from '@playwright/test';
import { readSession, type TargetSession } from '../auth/session.ts';
import { storageStateFile } from '../auth/session-files.ts';
import { type CheckApi, createCheckApi } from './check-api.ts';
import {
  codesOfErrors,
  ERROR_CODES_CONTENT_TYPE,
  ERROR_CODES_KEY,
  ObservationError,
  watchObservationErrors,
} from './errors.ts';
import { type CheckRecord, emptyRecord, RECORD_CONTENT_TYPE, RECORD_KEY } from './record.ts';
import { type TargetContext, targetContext } from './target-context.ts';

export interface PlaywrightCheckApi extends CheckApi {
  context: TargetContext;
  /** Declares the test not applicable here, with the reason; the only skip that passes. */
  notApplicable(reason: string): void;
}

/** The run's session (when the target declares `auth` and the engine signed in), read once per worker. */
let runSession: { file: string; session: TargetSession } | null | undefined;
function sessionOfRun(): { file: string; session: TargetSession } | null {
  if (runSession !== undefined) return runSession;
  const file = process.env.ROLLGATE_CONTEXT ? targetContext().sessionFile : undefined;
  runSession = file && existsSync(file) ? { file, session: readSession(file) } : null;
  return runSession;
}

/** Options a spec sets with `test.use({...})`. */
export interface RollgateOptions {
  /**
   * Start signed in with the run's session (default `true`, when the target declares `auth`): a
   * form login's cookies as the storage state, a token or header login's header on every request.
   * `test.use({ signedIn: false })` for a test of the login itself, which must start signed out.
   */
  signedIn: boolean;
}

/**
 * Playwright's `test` with a `check` fixture, started signed in with the run's session (see
 * {@link RollgateOptions.signedIn}). The record rides to the engine as an attachment,
 * written in the fixture's teardown so it is there whether the test passed or not.
 */
export const test = base.extend<
  {
    check: PlaywrightCheckApi;
    rollgateErrorCodes: undefined;
    rollgateSignedIn: undefined;
  } & RollgateOptions
>({
  signedIn: [true, { option: true }],
  // The storage state the engine made once for the run from a form login's session (in the run's
  // scratch folder); signed out, none at all, whatever else the config set.
  storageState: async ({ storageState, signedIn }, use) => {
    const run = sessionOfRun();
    if (!signedIn) return use(undefined);
    const file = run ? storageStateFile(run.file) : undefined;
    await use(run?.session.cookies.length && file && existsSync(file) ? file : storageState);
  },
  // A token or header login: its header on every request the test's context makes.
  extraHTTPHeaders: async ({ extraHTTPHeaders, signedIn }, use) => {
    const run = sessionOfRun();
    if (!signedIn || !run || run.session.type === 'form') return use(extraHTTPHeaders);
    await use({ ...extraHTTPHeaders, ...run.session.headers });
  },
  // Playwright hands its reporter only an error's text: the codes of the errors the test failed
  // with ride as an attachment, for every test, torn down last so every error is known.
  rollgateErrorCodes: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures must destructure their dependencies.
    async ({}, use, testInfo) => {
      const seen: ObservationError[] = [];
      const stop = watchObservationErrors((e) => seen.push(e));
      try {
        await use(undefined);
      } finally {
        stop();
        const codes = codesOfErrors(testInfo.errors, seen);
        if (codes.length)
          await testInfo.attach(ERROR_CODES_KEY, {
            body: JSON.stringify(codes),
            contentType: ERROR_CODES_CONTENT_TYPE,
          });
      }
    },
    { auto: true },
  ],
  // A test that starts signed in on a target that declares `auth`, in a run with no session (the
  // sign-in failed): errored before its body runs, pointing at auth/sign-in, never run signed out
  // and failed as if the release broke it. Set up after the codes' watcher, so the code rides along.
  rollgateSignedIn: [
    async ({ signedIn, rollgateErrorCodes }, use) => {
      void rollgateErrorCodes;
      if (signedIn && process.env.ROLLGATE_CONTEXT && targetContext().target.auth && !sessionOfRun()) {
        throw new ObservationError(
          'this test starts signed in (the target declares auth), and the sign-in failed (see auth/sign-in): fix the sign-in, or test.use({ signedIn: false }) for a test that starts signed out',
          'ROLLGATE_NOT_SIGNED_IN',
        );
      }
      await use(undefined);
    },
    { auto: true },
  ],
  // The stage's target, whichever Playwright config runs the spec (rollgate's or one the runbook names).
  baseURL: async ({ baseURL }, use) => {
    await use(process.env.ROLLGATE_CONTEXT ? targetContext().baseURL : baseURL);
  },
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures must destructure their dependencies.
  check: async ({}, use, testInfo) => {
    const record: CheckRecord = emptyRecord();
    const api: PlaywrightCheckApi = {
      ...createCheckApi(record),
      context: targetContext(),
      notApplicable(reason: string) {
        if (!reason.trim()) throw new Error('notApplicable() needs a reason');
        record.notApplicable = reason;
        testInfo.skip(true, reason);
      },
    };
    // Golden paths tagged @mutates create records: only where the target allows it.
    if (testInfo.tags.includes('@mutates') && !api.context.target.allowMutations) {
      api.notApplicable(
        'changes data on the target, and target does not allow mutating checks (allowMutations: false)',
      );
    }
    try {
      await use(api);
    } finally {
      await testInfo.attach(RECORD_KEY, { body: JSON.stringify(record), contentType: RECORD_CONTENT_TYPE });
    }
  },
});

export { expect } from '@playwright/test';
