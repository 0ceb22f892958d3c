import { z } from 'zod';

/**
 * Signed evidence bundles (`rollgate bundle`): in-toto attestations (Statement v1) in DSSE
 * envelopes, and the manifest that says what a bundle holds. These cross a process boundary (an
 * auditor's `rollgate bundle --verify`, months later, on another machine), so they are schemas.
 * docs/evidence.md describes each field.
 */

/** in-toto Statement v1. */
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
/** The vetted in-toto Test Result predicate: one statement per stage run. */
export const TEST_RESULT_PREDICATE = 'https://in-toto.io/attestation/test-result/v0.1';
/** rollgate's own predicate: the verdict of the bundled run, listing the stage statements. */
export const VERDICT_PREDICATE = 'https://rollgate.dev/attestation/verdict/v1';
/** DSSE payload type of an in-toto statement. */
export const DSSE_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
/** The bundle format this rollgate writes and reads. */
export const BUNDLE_FORMAT = 'rollgate-bundle/v1';

/** Algorithm → lower-case hex digest (`sha256`), or `gitCommit` → a commit id. */
export const DigestSet = z.record(z.string().min(1), z.string().regex(/^[0-9a-f]+$/));
export type DigestSet = z.infer<typeof DigestSet>;

/** in-toto ResourceDescriptor: what an artifact or a configuration is and how to tell it. */
export const ResourceDescriptor = z.object({
  name: z.string().optional(),
  uri: z.string().optional(),
  digest: DigestSet.optional(),
  downloadLocation: z.string().optional(),
  mediaType: z.string().optional(),
  annotations: z.record(z.string(), z.unknown()).optional(),
});
export type ResourceDescriptor = z.infer<typeof ResourceDescriptor>;

/** A subject must carry a digest (Statement v1). */
export const Subject = ResourceDescriptor.extend({ name: z.string().min(1), digest: DigestSet });
export type Subject = z.infer<typeof Subject>;

export const Statement = z.object({
  _type: z.literal(STATEMENT_TYPE),
  subject: z.array(Subject).min(1),
  predicateType: z.string().min(1),
  predicate: z.record(z.string(), z.unknown()).optional(),
});
export type Statement = z.infer<typeof Statement>;

/** Test Result v0.1: a check id per test name. */
export const TestResultPredicate = z.object({
  result: z.enum(['PASSED', 'WARNED', 'FAILED']),
  configuration: z.array(ResourceDescriptor),
  url: z.string().optional(),
  passedTests: z.array(z.string()).default([]),
  warnedTests: z.array(z.string()).default([]),
  failedTests: z.array(z.string()).default([]),
});
export type TestResultPredicate = z.infer<typeof TestResultPredicate>;

/** The runbook's git revision when the run started, as the verdict records it. */
export const RunbookGit = z.object({ sha: z.string().min(1), dirty: z.boolean().optional() });
export type RunbookGit = z.infer<typeof RunbookGit>;

/** A stage run a bundle holds a statement for. */
export const StageRunRef = z.object({
  runId: z.string().min(1),
  stage: z.string().min(1),
  verdict: z.enum(['promote', 'hold']),
  /** The envelope's path in the bundle. */
  statement: z.string().min(1),
});
export type StageRunRef = z.infer<typeof StageRunRef>;

/** `https://rollgate.dev/attestation/verdict/v1`: the bundled run's verdict, in summary. */
export const VerdictPredicate = z.object({
  verdict: z.enum(['promote', 'hold']),
  reasons: z.array(z.string()),
  runbook: z.string().min(1),
  stage: z.string().min(1),
  release: z.string().min(1),
  runId: z.string().min(1),
  runbookGit: RunbookGit.optional(),
  startedAt: z.string(),
  finishedAt: z.string(),
  /** The bundled run first, then the runs of the stages it required. */
  stageRuns: z.array(StageRunRef).min(1),
  /** Required stages whose run could not be bundled, each saying why. */
  unavailable: z.array(z.string()).default([]),
});
export type VerdictPredicate = z.infer<typeof VerdictPredicate>;

export const DsseSignature = z.object({ keyid: z.string(), sig: z.string().min(1) });
export const DsseEnvelope = z.object({
  payloadType: z.string().min(1),
  /** base64 of the statement's JSON bytes. */
  payload: z.string().min(1),
  signatures: z.array(DsseSignature).min(1),
});
export type DsseEnvelope = z.infer<typeof DsseEnvelope>;

/** `manifest.json` at the bundle's top: what it holds, for people and for `--verify`. */
export const BundleManifest = z.object({
  format: z.literal(BUNDLE_FORMAT),
  createdAt: z.string(),
  runId: z.string().min(1),
  runbook: z.string().min(1),
  stage: z.string().min(1),
  release: z.string().min(1),
  verdict: z.enum(['promote', 'hold']),
  /** Absent when the run did not record one (the runbook was not in git, or an older rollgate). */
  runbookGit: RunbookGit.optional(),
  /** sha256 (hex) of the signing key's public key, SubjectPublicKeyInfo DER. */
  keyid: z.string().regex(/^[0-9a-f]{64}$/),
  publicKey: z.string().min(1),
  summary: z.string().min(1),
  stageRuns: z.array(StageRunRef).min(1),
  unavailable: z.array(z.string()).default([]),
  /** Files of the run folders left out (symbolic links, raw runner output), each saying why. */
  excluded: z.array(z.string()).default([]),
});
export type BundleManifest = z.infer<typeof BundleManifest>;
