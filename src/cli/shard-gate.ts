import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LoadProfile } from '../checks/load/index.ts';
import { RollgateError } from '../config/errors.ts';
import type { LoadedRunbook } from '../config/load-runbook.ts';
import { createMasker } from '../config/mask.ts';
import type { ResolvedGate } from '../config/options.ts';
import { checkIsOk, reasonFor } from '../engine/policy.ts';
import { type GateRunResult, runGate } from '../engine/run-gate.ts';
import { relativeEvidence } from '../engine/shard/gather.ts';
import { BLOB_DIR } from '../engine/shard/shard-stage.ts';
import type { Store } from '../engine/store/store.ts';
import { validChecks } from '../engine/valid-checks.ts';
import { SHARD_RESULT_FILE, SHARD_SCHEMA_VERSION, ShardResult, type ShardSpec } from '../model/shard.ts';
import { maskValue } from '../reporters/verdict-file.ts';
import type { Cli } from './args.ts';
import { leaveNothingUnredacted } from './finish.ts';

/**
 * The shard's folder: `--out <dir>` (empty or new: a CI job uploads it as an artifact), else
 * `reports/shards/<run-id>/`. Refused before anything runs when `--out` already holds files.
 */
export function shardFolder(gate: ResolvedGate, out: string | undefined): (runId: string) => string {
  if (!out) return (runId) => path.join(gate.reportsDir, 'shards', runId);
  const dir = path.resolve(out);
  if (existsSync(dir) && readdirSync(dir).length)
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `--out ${out}: the folder is not empty; a shard writes its result into a folder of its own: give a new or empty one (rm -r ${out}, or another name)`,
    );
  return () => dir;
}

/** The shard's result from its run: checks before waivers, governance (shard 1), and whether its own checks passed. */
export function shardResult(
  run: GateRunResult,
  gate: ResolvedGate,
  spec: ShardSpec,
  dir: string,
): ShardResult {
  const v = run.verdict;
  const parts = run.shard!;
  const failing = v.checks.filter((c) => c.blocking && !checkIsOk(c, gate.stage));
  const reasons = [...(v.interrupted ? [`interrupted: ${v.interrupted}`] : []), ...failing.map(reasonFor)];
  const blobs = existsSync(path.join(dir, BLOB_DIR))
    ? readdirSync(path.join(dir, BLOB_DIR)).filter((f) => f.endsWith('.zip'))
    : [];
  const result: ShardResult = {
    schemaVersion: SHARD_SCHEMA_VERSION,
    runId: v.runId,
    runbook: v.runbook,
    stage: v.stage,
    release: gate.release,
    shard: spec,
    startedAt: v.startedAt,
    finishedAt: v.finishedAt,
    target: { baseURL: v.target.baseURL, embedded: v.target.embedded },
    planned: parts.planned,
    checks: validChecks(parts.checks),
    ...(spec.index === 1
      ? {
          governance: {
            checks: validChecks(parts.governance.checks),
            signoffs: parts.governance.signoffs.map(({ title, role, by, at, note }) => ({
              title,
              role,
              by,
              at,
              note,
            })),
            windowOverride: parts.governance.windowOverride,
          },
        }
      : {}),
    interrupted: v.interrupted,
    overrides: v.overrides,
    clock: v.clock,
    ...(blobs[0] ? { blob: `${BLOB_DIR}/${blobs[0]}` } : {}),
    runbookGit: v.runbookGit,
    outcome: reasons.length ? 'failed' : 'passed',
    reasons,
  };
  return relativeEvidence(result, dir);
}

/** Writes shard.json through the run's masker, validated by its schema; returns the file and what it holds. */
export function writeShardResult(
  result: ShardResult,
  dir: string,
  mask: (s: string) => string,
): { file: string; written: ShardResult } {
  const written = ShardResult.parse(maskValue(result, mask));
  const file = path.join(dir, SHARD_RESULT_FILE);
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(written, null, 2)}\n`);
  return { file, written };
}

const STATUS_WIDTH = 8;

/** The shard's lines: each check, then what the shard is (never a verdict) and what to do next. */
function shardReport(r: ShardResult, file: string): string {
  const lines = [...(r.governance?.checks ?? []), ...r.checks].map(
    (c) =>
      `  ${c.status.padEnd(STATUS_WIDTH)} ${c.id}${c.status === 'passed' ? '' : `: ${(c.message ?? '').split('\n')[0]}`}`,
  );
  const { index, total } = r.shard;
  const head =
    r.outcome === 'passed'
      ? `shard ${index}/${total}: its checks passed`
      : `shard ${index}/${total}: its checks did not all pass:\n${r.reasons.map((x) => `  - ${x}`).join('\n')}`;
  return `${lines.map((l) => `${l}\n`).join('')}${head}\nnot a verdict, nothing recorded in the ledger: merge every shard's folder with \`rollgate merge <dir>...\` (this one: ${path.relative(process.cwd(), path.dirname(file)) || '.'})\n`;
}

/**
 * `gate <stage> --shard i/n`: runs the shard's part of the stage and writes its result
 * (`shard.json`) into its own folder, with no ledger line and no `latest`. Exit 0 when the shard's
 * own blocking checks passed, 1 when not or when its result could not be written.
 */
export async function shardGateWithStore(
  cli: Cli,
  loaded: LoadedRunbook,
  gate: ResolvedGate,
  store: Store,
  spec: ShardSpec,
  loadProfile?: LoadProfile,
): Promise<number> {
  const folder = shardFolder(gate, cli.values.out);
  let mask = createMasker(gate.target.secrets.map((n) => process.env[n]));
  // --json: stdout holds the shard's result alone.
  const out = cli.values.json ? process.stderr : process.stdout;
  const say = (line: string) => out.write(`${mask(line)}\n`);
  // A shard records nothing in the store (the merge does): its line names where its result goes.
  say(
    `rollgate: ${loaded.runbook.name}/${gate.stageName}, release ${gate.release} (${loaded.file}); shard ${spec.index}/${spec.total}, its result in ${path.relative(process.cwd(), cli.values.out ? path.resolve(cli.values.out) : path.join(gate.reportsDir, 'shards')) || '.'} (no ledger line: rollgate merge records the verdict)`,
  );
  const run = await runGate({
    root: process.cwd(),
    loaded,
    gate,
    store,
    loadProfile: spec.index === 1 ? loadProfile : undefined,
    overrideWindow: cli.values['override-window'],
    onSecrets: (values) => {
      mask = createMasker([...gate.target.secrets.map((n) => process.env[n]), ...values]);
    },
    shard: { spec, dir: folder },
    onEvent: (e) => {
      if (e.type === 'target') say(`  target ${e.baseURL || 'did not start'}`);
      if (e.type === 'planned') say(`  planned ${e.checks} check(s) for this shard`);
    },
  });
  mask = createMasker(run.secretValues);
  let written: ReturnType<typeof writeShardResult>;
  try {
    written = writeShardResult(shardResult(run, gate, spec, run.runDir), run.runDir, mask);
  } catch (error) {
    const left = leaveNothingUnredacted(run.runDir, mask);
    process.stderr.write(
      mask(`rollgate: could not write the shard's result: ${(error as Error).message}\n${left}`),
    );
    return 1;
  }
  const { file, written: result } = written;
  if (cli.values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else process.stdout.write(mask(shardReport(result, file)));
  return result.outcome === 'passed' ? 0 : 1;
}
