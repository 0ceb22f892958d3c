import { existsSync } from 'node:fs';
import path from 'node:path';
import { ENGINE_OF } from '../checks/backup/manifest.ts';
import { sniffFormat, verifyBackup } from '../checks/backup/verify-backup.ts';
import type { VerifyResult } from '../checks/backup/verify-common.ts';
import { RollgateError } from '../config/errors.ts';
import { createMasker, secretLookingValues } from '../config/mask.ts';
import type { Cli } from './args.ts';

// `rollgate backup verify`, apart from `rollgate backup`: verifying a backup loads neither what
// takes one (the dump tools' drivers, the store) nor, unless it must find a scratch server in
// it, the runbook.

/**
 * Admin URL of the server a dump is restored on: ROLLGATE_SCRATCH_URL, else the scratch server a
 * drill of the runbook (when one is found) names for the backup's engine.
 */
async function scratchUrlFor(cli: Cli, backup: string): Promise<string | undefined> {
  if (process.env.ROLLGATE_SCRATCH_URL) return process.env.ROLLGATE_SCRATCH_URL;
  const format = await sniffFormat(backup).catch(() => undefined);
  const engine = format ? ENGINE_OF[format] : undefined;
  if (engine !== 'postgres' && engine !== 'mysql') return undefined;
  const { load } = await import('./common.ts');
  const loaded = await load(cli).catch(() => undefined);
  const stages = Object.values(loaded?.runbook.stages ?? {});
  return stages.map((s) => s.drill?.scratch[engine]).find(Boolean);
}

/**
 * `rollgate backup verify <file>`: one backup against the manifest beside it, with no drill.
 * 0 sound, 1 faulty or not verifiable (the reason names it), 2 no such file.
 */
export async function verifyCommand(cli: Cli): Promise<number> {
  const file = cli.positionals[1];
  if (!file || cli.positionals.length > 2)
    throw new RollgateError('ROLLGATE_BAD_ARGUMENT', 'usage: rollgate backup verify <file> [--json]');
  const backup = path.resolve(file);
  if (!existsSync(backup)) throw new RollgateError('ROLLGATE_BAD_ARGUMENT', `${file}: no such backup file`);
  const result = await verifyBackup({ backup, scratchUrl: await scratchUrlFor(cli, backup) });
  const mask = createMasker(secretLookingValues(process.env));
  if (cli.values.json) console.log(mask(JSON.stringify(result, null, 2)));
  // Masked in one piece: each call of the masker runs every secret's patterns over its text.
  else console.log(mask(describeVerified(file, result).join('\n')));
  return result.ok ? 0 : 1;
}

function describeVerified(file: string, r: VerifyResult): string[] {
  const m = r.manifest;
  const head =
    r.status === 'passed'
      ? `verified ${file} (${r.format}): ${r.reason}`
      : r.status === 'failed'
        ? `FAILED ${file} (${r.format ?? 'unknown format'}): ${r.reason}`
        : `NOT VERIFIED ${file} (${r.format ?? 'unknown format'}): ${r.reason}`;
  const lines = [head];
  if (m)
    lines.push(
      `  manifest ${path.basename(file)}.manifest.json: ${m.engine}, consistent at ${m.consistentAt}`,
    );
  for (const x of r.measurements) {
    const expected =
      typeof x.expected === 'string' && x.expected.length > 20 ? `${x.expected.slice(0, 12)}…` : x.expected;
    const actual =
      typeof x.actual === 'string' && x.actual.length > 20 ? `${x.actual.slice(0, 12)}…` : x.actual;
    lines.push(
      `  ${x.passed ? 'ok  ' : 'FAIL'} ${x.name} ${x.operator} ${expected}: ${actual ?? 'no value'}`,
    );
  }
  return lines;
}
