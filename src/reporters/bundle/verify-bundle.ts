import type { KeyObject } from 'node:crypto';
import { RollgateError } from '../../config/errors.ts';
import {
  BundleManifest,
  DSSE_PAYLOAD_TYPE,
  DsseEnvelope,
  Statement,
  TEST_RESULT_PREDICATE,
  TestResultPredicate,
  VERDICT_PREDICATE,
  VerdictPredicate,
} from '../../model/attestation.ts';
import { checkSignature, decodeBase64, keyIdOf } from './dsse.ts';
import { parsePublicKey } from './keys.ts';
import { BUNDLE_PATHS } from './layout.ts';
import type { ReadBundle } from './read-bundle.ts';
import { sha256Hex } from './statements.ts';

export interface VerifyReport {
  valid: boolean;
  /** What was checked and held, one line each. */
  checked: string[];
  /** What failed, one line each, naming the file. */
  problems: string[];
  /** What the signatures can and cannot prove with the key used. */
  trust: string;
  /** The summary statement's predicate, when it could be read. */
  attests?: VerdictPredicate;
}

const SHA256SUM_LINE = /^([0-9a-f]{64}) [ *](.+)$/;

function json(content: Buffer | undefined): unknown {
  try {
    return content ? JSON.parse(content.toString('utf8')) : undefined;
  } catch {
    return undefined;
  }
}

const firstIssue = (error: { issues: { path: PropertyKey[]; message: string }[] }) => {
  const i = error.issues[0];
  return `${i?.path.map(String).join('.') || '(root)'}: ${i?.message}`;
};

/** checksums.sha256 against the files: every listed file there and unchanged, none unlisted. */
function checkChecksums(b: ReadBundle, problems: string[], checked: string[]): void {
  const text = b.files.get(BUNDLE_PATHS.checksums)!.content!.toString('utf8');
  const listed = new Map<string, string>();
  for (const [i, line] of text.split('\n').entries()) {
    if (!line) continue;
    const m = SHA256SUM_LINE.exec(line);
    if (!m) problems.push(`${BUNDLE_PATHS.checksums}:${i + 1}: not a sha256sum line`);
    else if (listed.has(m[2]!)) problems.push(`${BUNDLE_PATHS.checksums}: ${m[2]} is listed twice`);
    else listed.set(m[2]!, m[1]!);
  }
  let bad = 0;
  for (const [name, digest] of listed) {
    const f = b.files.get(name);
    if (!f) problems.push(`${name}: missing (listed in ${BUNDLE_PATHS.checksums})`);
    else if (f.sha256 !== digest)
      problems.push(`${name}: changed (its sha256 is not the one in ${BUNDLE_PATHS.checksums})`);
    else continue;
    bad++;
  }
  const extra = [...b.files.keys()].filter((n) => n !== BUNDLE_PATHS.checksums && !listed.has(n));
  for (const name of extra) problems.push(`${name}: extra (not in ${BUNDLE_PATHS.checksums})`);
  if (!bad && !extra.length)
    checked.push(`checksums: ${listed.size} files match ${BUNDLE_PATHS.checksums}, none missing, none extra`);
}

interface ReadEnvelope {
  path: string;
  statement?: Statement;
  signed: boolean;
}

/** Each envelope: DSSE shape, payload type, a signature by the trusted key, an in-toto statement. */
function readEnvelopes(b: ReadBundle, key: KeyObject, problems: string[]): ReadEnvelope[] {
  const out: ReadEnvelope[] = [];
  for (const [name, f] of [...b.files].sort(([a], [c]) => (a < c ? -1 : 1))) {
    if (!name.startsWith('attestations/')) continue;
    const env = DsseEnvelope.safeParse(json(f.content));
    if (!env.success) {
      problems.push(`${name}: not a DSSE envelope (${firstIssue(env.error)})`);
      out.push({ path: name, signed: false });
      continue;
    }
    if (env.data.payloadType !== DSSE_PAYLOAD_TYPE)
      problems.push(`${name}: payloadType ${env.data.payloadType}, expected ${DSSE_PAYLOAD_TYPE}`);
    const sig = checkSignature(env.data, key);
    if (!sig.ok) problems.push(`${name}: signature: ${sig.reason}`);
    const body = decodeBase64(env.data.payload);
    const statement = Statement.safeParse(json(body));
    if (!statement.success)
      problems.push(`${name}: the payload is not an in-toto Statement v1 (${firstIssue(statement.error)})`);
    out.push({ path: name, signed: sig.ok, statement: statement.success ? statement.data : undefined });
  }
  return out;
}

/** Each subject that names a file of the bundle: held, with that sha256. */
function checkFileSubjects(
  b: ReadBundle,
  owner: string,
  subjects: Statement['subject'],
  problems: string[],
): number {
  let n = 0;
  for (const s of subjects) {
    const f = b.files.get(s.name);
    if (!f) problems.push(`${owner}: attests ${s.name}, which the bundle does not hold`);
    else if (s.digest.sha256 !== f.sha256)
      problems.push(`${s.name}: changed (its sha256 is not the one ${owner} attests)`);
    else n++;
  }
  return n;
}

/**
 * Verifies a read bundle: checksums, every envelope's signature against `key` (else the public
 * key the bundle carries, which proves integrity only), that the summary lists exactly the
 * statements present, and that each statement's subjects are the files it covers.
 */
export function verifyBundle(b: ReadBundle, given?: { key: KeyObject; from: string }): VerifyReport {
  for (const required of [BUNDLE_PATHS.checksums, BUNDLE_PATHS.summary])
    if (!b.files.has(required))
      throw new RollgateError(
        'ROLLGATE_BUNDLE_UNREADABLE',
        `${b.top}/${required} is missing; not a rollgate bundle.`,
      );
  const problems: string[] = [];
  const checked: string[] = [];
  checkChecksums(b, problems, checked);

  let key = given?.key;
  let trust: string;
  if (given) {
    trust = `signatures checked against the given key ${keyIdOf(given.key).slice(0, 16)}… (${given.from}): a valid signature proves the holder of its private key signed`;
  } else {
    const pem = b.files.get(BUNDLE_PATHS.publicKey)?.content?.toString('utf8');
    try {
      key = pem ? parsePublicKey(pem, BUNDLE_PATHS.publicKey) : undefined;
    } catch {
      key = undefined;
    }
    trust = key
      ? `signatures checked against the public key inside the bundle (${keyIdOf(key).slice(0, 16)}…): this proves the bundle is intact, NOT who signed it; pass --key <the team's public key> (or ROLLGATE_VERIFY_KEY) for that`
      : 'no key: none was given and the bundle carries no readable public key';
    if (!key)
      problems.push(
        `${BUNDLE_PATHS.publicKey}: missing or not an ed25519 public key, and no --key was given`,
      );
  }

  const envelopes = key ? readEnvelopes(b, key, problems) : [];
  if (key && envelopes.every((e) => e.signed))
    checked.push(
      `signatures: ${envelopes.length} DSSE envelopes, each signed by key ${keyIdOf(key).slice(0, 16)}…`,
    );

  const summaryEnv = envelopes.find((e) => e.path === BUNDLE_PATHS.summary);
  const summary = summaryEnv?.statement;
  let attests: VerdictPredicate | undefined;
  if (summary) {
    const predicate = VerdictPredicate.safeParse(summary.predicate);
    if (summary.predicateType !== VERDICT_PREDICATE)
      problems.push(
        `${BUNDLE_PATHS.summary}: predicateType ${summary.predicateType}, expected ${VERDICT_PREDICATE}`,
      );
    else if (!predicate.success)
      problems.push(`${BUNDLE_PATHS.summary}: predicate ${firstIssue(predicate.error)}`);
    else attests = predicate.data;
  }

  if (summary && attests) {
    const before = problems.length;
    checkFileSubjects(b, BUNDLE_PATHS.summary, summary.subject, problems);
    const listed = new Set(summary.subject.map((s) => s.name).filter((n) => n.startsWith('attestations/')));
    const present = envelopes.map((e) => e.path).filter((p) => p !== BUNDLE_PATHS.summary);
    for (const p of present) if (!listed.has(p)) problems.push(`${p}: a statement the summary does not list`);
    const refs = new Set(attests.stageRuns.map((r) => r.statement));
    for (const p of listed)
      if (!refs.has(p)) problems.push(`${BUNDLE_PATHS.summary}: lists ${p} but names no stage run for it`);
    for (const r of refs)
      if (!listed.has(r)) problems.push(`${BUNDLE_PATHS.summary}: stage run ${r} is not among its subjects`);
    const manifest = BundleManifest.safeParse(json(b.files.get(BUNDLE_PATHS.manifest)?.content));
    if (!manifest.success)
      problems.push(`${BUNDLE_PATHS.manifest}: not a bundle manifest (${firstIssue(manifest.error)})`);
    else if (manifest.data.runId !== attests.runId || manifest.data.verdict !== attests.verdict)
      problems.push(
        `${BUNDLE_PATHS.manifest}: says run ${manifest.data.runId} ${manifest.data.verdict}, the summary ${attests.runId} ${attests.verdict}`,
      );
    if (problems.length === before)
      checked.push(
        `summary: lists exactly the ${present.length} stage statements present, and the manifest, with matching digests`,
      );

    const beforeSubjects = problems.length;
    let files = 0;
    const attested = new Set<string>();
    for (const ref of attests.stageRuns) {
      const statement = envelopes.find((e) => e.path === ref.statement)?.statement;
      if (!statement) {
        problems.push(
          `${ref.statement}: the statement of ${ref.stage} run ${ref.runId} is missing or unreadable`,
        );
        continue;
      }
      const predicate = TestResultPredicate.safeParse(statement.predicate);
      if (statement.predicateType !== TEST_RESULT_PREDICATE || !predicate.success)
        problems.push(`${ref.statement}: not a Test Result v0.1 statement`);
      else if ((predicate.data.result === 'FAILED') !== (ref.verdict === 'hold'))
        problems.push(
          `${ref.statement}: result ${predicate.data.result} contradicts the summary's ${ref.verdict}`,
        );
      const prefix = `runs/${ref.runId}/`;
      const fileSubjects = statement.subject.filter((s) => s.name.startsWith('runs/'));
      for (const s of fileSubjects) {
        if (!s.name.startsWith(prefix))
          problems.push(`${ref.statement}: attests ${s.name}, a file of another run`);
        attested.add(s.name);
      }
      files += checkFileSubjects(b, ref.statement, fileSubjects, problems);
      const release = statement.subject.filter((s) => !s.name.startsWith('runs/'));
      if (release.length !== 1 || release[0]!.digest.sha256 !== sha256Hex(release[0]!.name))
        problems.push(
          `${ref.statement}: expected one release subject (runbook/stage@release, digest of its name)`,
        );
    }
    for (const name of b.files.keys())
      if (name.startsWith('runs/') && !attested.has(name))
        problems.push(`${name}: a run file no statement attests`);
    if (problems.length === beforeSubjects)
      checked.push(
        `subjects: the ${files} run files are the ones the statements attest, with matching digests`,
      );
  } else if (!summary) {
    problems.push(`${BUNDLE_PATHS.summary}: the summary statement cannot be read`);
  }
  return { valid: problems.length === 0, checked, problems, trust, attests };
}
