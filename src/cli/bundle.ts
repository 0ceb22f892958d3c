import path from 'node:path';
import { createMasker, secretLookingValues } from '../config/mask.ts';
import { reportsDir } from '../config/paths.ts';
import { openStore } from '../engine/store/open-store.ts';
import { generateSigningKeys, loadSigningKey, loadVerifyKey } from '../reporters/bundle/keys.ts';
import { readBundle } from '../reporters/bundle/read-bundle.ts';
import { resolveRunId } from '../reporters/bundle/run-folder.ts';
import { verifyBundle } from '../reporters/bundle/verify-bundle.ts';
import { writeBundle } from '../reporters/bundle/write-bundle.ts';
import type { Cli } from './args.ts';

const show = (file: string) => path.relative(process.cwd(), file) || file;

/**
 * `rollgate bundle <run-id|latest> [--key <private-key.pem>] [--out <file.tar.gz>]`,
 * `rollgate bundle --verify <file> [--key <public-key.pem>]` and `rollgate bundle keygen --out <dir>`
 * (also `rollgate keygen`). Exit codes: 0 written / valid, 1 invalid, 2 could not (bad input,
 * no key, not a bundle).
 */
export async function bundleCommand(cli: Cli): Promise<number> {
  if (cli.command === 'keygen' || cli.positionals[0] === 'keygen') return keygen(cli);
  if (cli.values.verify) return verify(cli);
  const env = process.env;
  const key = loadSigningKey(cli.values.key, env);
  const mask = createMasker([...secretLookingValues(env), key.pemText.trim()]);
  const dir = reportsDir();
  const runId = resolveRunId(dir, cli.positionals[0]);
  const written = await writeBundle({
    reportsDir: dir,
    runId,
    key,
    out: cli.values.out,
    env,
    ledger: async (runbook) => {
      const store = await openStore(dir);
      try {
        return await store.ledger(runbook);
      } finally {
        await store.close();
      }
    },
  });
  const m = written.manifest;
  const lines = [
    `bundle ${show(written.file)}`,
    `  run ${m.runId}: ${m.verdict.toUpperCase()} ${m.runbook}/${m.stage} release ${m.release}`,
    `  runbook git: ${m.runbookGit ? `${m.runbookGit.sha}${m.runbookGit.dirty ? ' (uncommitted changes)' : ''}` : 'not recorded by the run'}`,
    `  statements: ${m.stageRuns.map((r) => `${r.stage} run ${r.runId} ${r.verdict.toUpperCase()}`).join('; ')}, and the verdict summary`,
    ...m.unavailable.map((u) => `  not available: ${u}`),
    ...m.excluded.map((e) => `  left out: ${e}`),
    `  ${written.files} files in checksums.sha256; signed by key ${m.keyid} (from ${key.from})`,
    `verify: rollgate bundle --verify ${show(written.file)} --key <the team's public key>`,
  ];
  console.log(mask(lines.join('\n')));
  return 0;
}

async function verify(cli: Cli): Promise<number> {
  const file = cli.values.verify!;
  const given = loadVerifyKey(cli.values.key, process.env);
  const bundle = await readBundle(file);
  const report = verifyBundle(bundle, given);
  const a = report.attests;
  const lines = [
    `bundle ${file} (${bundle.files.size} files in ${bundle.top}/)`,
    ...report.checked.map((c) => `  ok ${c}`),
    ...report.problems.map((p) => `  FAIL ${p}`),
    `  trust: ${report.trust}`,
  ];
  if (a) {
    lines.push(
      `  attests: ${a.verdict.toUpperCase()} ${a.runbook}/${a.stage} release ${a.release}, run ${a.runId} (${a.startedAt} to ${a.finishedAt})`,
      `  runbook git: ${a.runbookGit ? `${a.runbookGit.sha}${a.runbookGit.dirty ? ' (uncommitted changes)' : ''}` : 'not recorded by the run'}`,
      ...a.stageRuns.map((r) => `  stage run: ${r.stage} ${r.runId} ${r.verdict.toUpperCase()}`),
      ...a.reasons.map((r) => `  reason: ${r}`),
      ...a.unavailable.map((u) => `  not available: ${u}`),
    );
  }
  lines.push(
    report.valid
      ? `VALID${given ? '' : ' (integrity only: no key was given)'}`
      : `INVALID: ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}`,
  );
  const mask = createMasker(secretLookingValues(process.env));
  (report.valid ? console.log : console.error)(mask(lines.join('\n')));
  return report.valid ? 0 : 1;
}

function keygen(cli: Cli): number {
  const dir = path.resolve(cli.values.out ?? '.');
  const k = generateSigningKeys(dir, cli.values.force);
  console.log(
    [
      `wrote ${show(k.privateKey)} (private, mode 0600) and ${show(k.publicKey)} (key id ${k.keyid})`,
      'Keep the private key out of git: store its text as a CI secret named ROLLGATE_SIGNING_KEY, then delete',
      'the file or keep it offline. Commit or publish the public key: auditors verify with',
      `  rollgate bundle --verify <bundle.tar.gz> --key ${show(k.publicKey)}`,
    ].join('\n'),
  );
  return 0;
}
