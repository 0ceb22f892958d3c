import { createHash } from 'node:crypto';
import {
  type ResourceDescriptor,
  type RunbookGit,
  STATEMENT_TYPE,
  type StageRunRef,
  type Statement,
  type Subject,
  TEST_RESULT_PREDICATE,
  type TestResultPredicate,
  VERDICT_PREDICATE,
  type VerdictPredicate,
} from '../../model/attestation.ts';
import type { CheckResult } from '../../model/check-result.ts';
import type { Verdict } from '../../model/verdict.ts';

/** A file as a bundle holds it: its path inside the bundle and its sha256 (hex). */
export interface BundledFile {
  path: string;
  sha256: string;
}

export const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** `runbook/stage@release`: the release under test, as a subject name. */
export const releaseName = (v: Pick<Verdict, 'runbook' | 'stage' | 'target'>) =>
  `${v.runbook}/${v.stage}@${v.target.version}`;

/**
 * The release under test as a subject. A release is a version string here, not an artifact
 * rollgate holds, and a subject must carry a digest: the digest is the sha256 of the name itself,
 * so the subject is matched by name (docs/evidence.md).
 */
export function releaseSubject(v: Verdict): Subject {
  const name = releaseName(v);
  return {
    name,
    digest: { sha256: sha256Hex(name) },
    annotations: { kind: 'release', release: v.target.version, baseURL: v.target.baseURL },
  };
}

/** The configuration a stage ran: the runbook, at the git commit the run recorded. */
export function runbookDescriptor(v: Verdict, git: RunbookGit | undefined): ResourceDescriptor {
  return {
    name: v.runbook,
    ...(git ? { digest: { gitCommit: git.sha } } : {}),
    annotations: {
      kind: 'runbook',
      stage: v.stage,
      ...(git ? { dirty: git.dirty ?? false } : { git: 'not recorded by the run' }),
    },
  };
}

/**
 * Where each check goes in the Test Result predicate, by check id: passed; failed = a blocking
 * check that failed or errored (what holds); warned = anything else that did not simply pass
 * (flaky, waived, skipped as not applicable, or a non-blocking failure).
 */
export function classify(check: CheckResult): 'passed' | 'warned' | 'failed' {
  if (check.status === 'passed') return 'passed';
  if ((check.status === 'failed' || check.status === 'errored') && check.blocking) return 'failed';
  return 'warned';
}

/** The Test Result statement of one stage run: the release and the run's files as subjects. */
export function testResultStatement(
  v: Verdict,
  git: RunbookGit | undefined,
  files: readonly BundledFile[],
): Statement {
  const tests: Record<'passed' | 'warned' | 'failed', string[]> = { passed: [], warned: [], failed: [] };
  for (const c of v.checks) tests[classify(c)].push(c.id);
  const predicate: TestResultPredicate = {
    result: v.verdict === 'hold' ? 'FAILED' : tests.warned.length ? 'WARNED' : 'PASSED',
    configuration: [runbookDescriptor(v, git)],
    passedTests: tests.passed,
    warnedTests: tests.warned,
    failedTests: tests.failed,
  };
  return {
    _type: STATEMENT_TYPE,
    subject: [releaseSubject(v), ...files.map((f) => ({ name: f.path, digest: { sha256: f.sha256 } }))],
    predicateType: TEST_RESULT_PREDICATE,
    predicate,
  };
}

/** The summary statement: the bundled run's verdict, its subjects the stage statements' envelopes. */
export function verdictStatement(
  v: Verdict,
  git: RunbookGit | undefined,
  stageRuns: StageRunRef[],
  unavailable: string[],
  subjects: readonly BundledFile[],
): Statement {
  const predicate: VerdictPredicate = {
    verdict: v.verdict,
    reasons: v.reasons,
    runbook: v.runbook,
    stage: v.stage,
    release: v.target.version,
    runId: v.runId,
    ...(git ? { runbookGit: git } : {}),
    startedAt: v.startedAt,
    finishedAt: v.finishedAt,
    stageRuns,
    unavailable,
  };
  return {
    _type: STATEMENT_TYPE,
    subject: subjects.map((f) => ({ name: f.path, digest: { sha256: f.sha256 } })),
    predicateType: VERDICT_PREDICATE,
    predicate,
  };
}

/** The statement's bytes as signed and as stored in the envelope. */
export const statementBytes = (s: Statement) => Buffer.from(JSON.stringify(s), 'utf8');
