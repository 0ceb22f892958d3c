import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { createMasker, maskDeep, secretLookingValues } from '../../config/mask.ts';
import {
  BUNDLE_FORMAT,
  type BundleManifest,
  type StageRunRef,
  type Statement,
} from '../../model/attestation.ts';
import type { LedgerEntry } from '../../model/ledger-entry.ts';
import { signEnvelope } from './dsse.ts';
import type { SigningKey } from './keys.ts';
import { BUNDLE_PATHS } from './layout.ts';
import { requiredRuns, requiredStages } from './required-runs.ts';
import { type RunFolder, readRunFolder } from './run-folder.ts';
import {
  type BundledFile,
  sha256Hex,
  statementBytes,
  testResultStatement,
  verdictStatement,
} from './statements.ts';

export interface WriteBundleInput {
  reportsDir: string;
  runId: string;
  key: SigningKey;
  /** Default: `<reportsDir>/bundles/rollgate-<run-id>.tar.gz`. */
  out?: string;
  /** The ledger, read only when the verdict relied on earlier stages. */
  ledger: (runbook: string) => Promise<LedgerEntry[]>;
  env?: NodeJS.ProcessEnv;
  now?: Date;
}

export interface WrittenBundle {
  file: string;
  manifest: BundleManifest;
  /** Number of files the checksum list covers. */
  files: number;
}

/**
 * The masker for what the bundle itself writes (statements, manifest). The run folders were
 * masked with the runbook's secrets when the run ended; the bundle adds only names, ids, digests
 * and the verdict's already-masked reasons. This keeps the signing key and secret-looking
 * variables of the bundling job out of it too, in case a name quotes one.
 */
function bundleMasker(key: SigningKey, env: NodeJS.ProcessEnv) {
  const pemLines = key.pemText
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length >= 16 && !l.startsWith('-----'));
  const mask = createMasker([...secretLookingValues(env), key.pemText.trim(), ...pemLines]);
  // Digests and commit ids are left as they are: a short secret that happens to read as hex
  // would otherwise break a digest, and a digest reveals nothing.
  return (s: string) => (/^[0-9a-f]{40,}$/.test(s) ? s : mask(s));
}

function writeJson(root: string, rel: string, value: unknown): BundledFile {
  const bytes = Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  return { path: rel, sha256: sha256Hex(bytes) };
}

/** Copies a run's files under `runs/<id>/` and hashes the copies (what the archive will hold). */
function stageRun(root: string, run: RunFolder, mask: (s: string) => string, excluded: string[]) {
  const files: BundledFile[] = [];
  for (const rel of run.files) {
    const inBundle = BUNDLE_PATHS.runFile(run.runId, rel);
    if (mask(inBundle) !== inBundle) {
      excluded.push(`${BUNDLE_PATHS.runFile(run.runId, '…')}: a file whose name holds a secret`);
      continue;
    }
    const to = path.join(root, inBundle);
    mkdirSync(path.dirname(to), { recursive: true });
    copyFileSync(path.join(run.dir, rel), to);
    files.push({ path: inBundle, sha256: sha256Hex(readFileSync(to)) });
  }
  return files;
}

/**
 * Writes `rollgate bundle <run-id>`: the run's files (and those of the PROMOTEs it required),
 * a Test Result statement per stage run and a verdict statement listing them, each in a DSSE
 * envelope signed with the team's ed25519 key, the public key, a manifest and `checksums.sha256`,
 * as one gzip'd tar with a single top folder. Written aside and renamed into place.
 */
export async function writeBundle(input: WriteBundleInput): Promise<WrittenBundle> {
  const env = input.env ?? process.env;
  const mask = bundleMasker(input.key, env);
  const main = readRunFolder(input.reportsDir, input.runId);
  const required = requiredStages(main.verdict).length
    ? requiredRuns(main.verdict, await input.ledger(main.verdict.runbook), input.reportsDir)
    : { runs: [], unavailable: [] };
  const top = `rollgate-bundle-${main.runId}`;
  const out = path.resolve(
    input.out ?? path.join(input.reportsDir, 'bundles', `rollgate-${main.runId}.tar.gz`),
  );
  const staging = mkdtempSync(path.join(tmpdir(), 'rollgate-bundle-'));
  const root = path.join(staging, top);
  try {
    const excluded = [...main.excluded, ...required.runs.flatMap((r) => r.excluded)];
    const stageRuns: StageRunRef[] = [];
    const envelopes: BundledFile[] = [];
    const sign = (rel: string, statement: Statement) => {
      const envelope = signEnvelope(
        statementBytes(maskDeep(statement, mask)),
        input.key.privateKey,
        input.key.keyid,
      );
      return writeJson(root, rel, envelope);
    };
    for (const run of [main, ...required.runs]) {
      const files = stageRun(root, run, mask, excluded);
      const rel = BUNDLE_PATHS.statement(run.runId);
      envelopes.push(sign(rel, testResultStatement(run.verdict, run.git, files)));
      stageRuns.push({
        runId: run.runId,
        stage: run.verdict.stage,
        verdict: run.verdict.verdict,
        statement: rel,
      });
    }
    writeFileSync(
      path.join(root, BUNDLE_PATHS.publicKey),
      input.key.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    );
    const v = main.verdict;
    const manifest: BundleManifest = maskDeep(
      {
        format: BUNDLE_FORMAT,
        createdAt: (input.now ?? new Date()).toISOString(),
        runId: v.runId,
        runbook: v.runbook,
        stage: v.stage,
        release: v.target.version,
        verdict: v.verdict,
        ...(main.git ? { runbookGit: main.git } : {}),
        keyid: input.key.keyid,
        publicKey: BUNDLE_PATHS.publicKey,
        summary: BUNDLE_PATHS.summary,
        stageRuns,
        unavailable: required.unavailable,
        excluded,
      },
      mask,
    );
    const manifestFile = writeJson(root, BUNDLE_PATHS.manifest, manifest);
    sign(
      BUNDLE_PATHS.summary,
      verdictStatement(v, main.git, stageRuns, required.unavailable, [manifestFile, ...envelopes]),
    );
    const listed = listFiles(root).filter((f) => f !== BUNDLE_PATHS.checksums);
    const lines = listed.map((f) => `${sha256Hex(readFileSync(path.join(root, f)))}  ${f}\n`);
    writeFileSync(path.join(root, BUNDLE_PATHS.checksums), lines.join(''));
    mkdirSync(path.dirname(out), { recursive: true });
    const aside = `${out}.${process.pid}.tmp`;
    try {
      await tar.c({ file: aside, gzip: true, cwd: staging, portable: true, follow: false }, [top]);
      renameSync(aside, out);
    } finally {
      rmSync(aside, { force: true });
    }
    return { file: out, manifest, files: listed.length };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Every regular file under `root`, relative with `/`, sorted. */
function listFiles(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSorted(path.join(root, rel))) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(root, child));
    else out.push(child);
  }
  return rel ? out : out.sort();
}

function readdirSorted(dir: string) {
  return readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
}
