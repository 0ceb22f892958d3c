import { RollgateError } from '../../config/errors.ts';
import type { CheckResult, PlannedCheck } from '../../model/check-result.ts';
import type { ShardResult } from '../../model/shard.ts';
import { SEVERITY } from '../collect.ts';
import { MAINTENANCE_OFF, ZERO_DOWNTIME } from '../guards/plan-guards.ts';
import { harnessCheck } from '../harness-check.ts';

/** One shard's result and the folder it was read from. */
export interface ShardInput {
  dir: string;
  result: ShardResult;
}

/** Which shards of 1..n the merge got: those missing, and those given more than once. */
export interface Completeness {
  total: number;
  missing: number[];
  duplicated: { index: number; dirs: string[] }[];
}

const label = (s: ShardInput) => `${s.dir} (shard ${s.result.shard.index}/${s.result.shard.total})`;

/**
 * Shards of different runs cannot be merged into one verdict: the same runbook, stage, release,
 * number of shards and command-line overrides, or exit 2 naming each folder's.
 */
export function refuseMixed(shards: readonly ShardInput[]): void {
  const fields: [string, (r: ShardResult) => string | undefined][] = [
    ['runbook', (r) => r.runbook],
    ['stage', (r) => r.stage],
    ['release', (r) => r.release],
    ['number of shards', (r) => String(r.shard.total)],
    ['command-line overrides (--budget, Playwright timeouts)', (r) => JSON.stringify(r.overrides ?? {})],
  ];
  for (const [name, of] of fields) {
    const values = new Set(shards.map((s) => of(s.result)).filter((v) => v !== undefined));
    if (values.size <= 1) continue;
    throw new RollgateError(
      'ROLLGATE_SHARD_MISMATCH',
      `the shards are not parts of one run: their ${name} differ (${shards
        .map((s) => `${label(s)}: ${of(s.result) ?? 'none'}`)
        .join(
          '; ',
        )}). Merge the folders of one sharded gate: the same runbook, stage, release and --shard <i>/<n>, from the same commit.`,
    );
  }
}

/**
 * A warning when the shards ran from different commits of the runbook's repository (each shard's
 * own revision stays in its `shard.json`; the merged verdict records the merge's checkout).
 */
export function mixedRevisions(shards: readonly ShardInput[]): string | undefined {
  const shas = new Set(shards.map((s) => s.result.runbookGit?.sha).filter(Boolean));
  if (shas.size <= 1) return undefined;
  return `the shards ran from different commits of the runbook's repository (${shards
    .map((s) => `${label(s)}: ${s.result.runbookGit?.sha.slice(0, 12) ?? 'none'}`)
    .join('; ')}); gate every shard from the same commit`;
}

/** Shards 1..n each exactly once? Missing and repeated shards, in order. */
export function completeness(shards: readonly ShardInput[]): Completeness {
  const total = shards[0]?.result.shard.total ?? 0;
  const missing: number[] = [];
  const duplicated: Completeness['duplicated'] = [];
  for (let i = 1; i <= total; i++) {
    const dirs = shards.filter((s) => s.result.shard.index === i).map((s) => s.dir);
    if (dirs.length === 0) missing.push(i);
    if (dirs.length > 1) duplicated.push({ index: i, dirs });
  }
  return { total, missing, duplicated };
}

/** `shard/<i>`: a HOLD's reason when a shard is missing or given twice (no such check when all is well). */
export function completenessChecks(c: Completeness): CheckResult[] {
  return [
    ...c.missing.map((i) =>
      harnessCheck(`shard/${i}`, `shard ${i}/${c.total} of the sharded run`, {
        suite: 'shards',
        status: 'errored',
        code: 'ROLLGATE_SHARD_MISSING',
        message: `shard ${i}/${c.total} is missing: no folder given to rollgate merge holds its result, so its golden paths${i === 1 ? ', the built-in checks, suites, sign-offs, load and metric checks' : ''} were not judged`,
      }),
    ),
    ...c.duplicated.map((d) =>
      harnessCheck(`shard/${d.index}`, `shard ${d.index}/${c.total} of the sharded run`, {
        suite: 'shards',
        status: 'errored',
        code: 'ROLLGATE_SHARD_DUPLICATE',
        message: `shard ${d.index}/${c.total} was given ${d.dirs.length} times (${d.dirs.join(', ')}): merge each shard of one run exactly once`,
      }),
    ),
  ];
}

function worse(a: CheckResult, b: CheckResult, note: string): CheckResult {
  const [w, other] = SEVERITY[b.status] > SEVERITY[a.status] ? [b, a] : [a, b];
  if (w.status === other.status && w === a) return a;
  return { ...w, message: w.message ? `${w.message}\n${note}` : note };
}

/** Checks after which a golden path never comes in a run's order: the load and what follows it. */
const AFTER_SUITES = (c: CheckResult) =>
  c.kind === 'load' || c.kind === 'metrics' || c.id === MAINTENANCE_OFF || c.id === ZERO_DOWNTIME;

/**
 * The checks of the merged run, before governance, waivers and the unmeasured-budget checks (the
 * merge adds those as an unsharded gate does). Shard 1's checks stand for everything but the golden
 * paths; a check other shards ran too (`auth/sign-in`) counts at its worst. The golden paths are
 * the stage's full plan, in its order, each with the result of the shard that ran it; one no shard
 * reported is errored (ROLLGATE_NO_RESULT), naming the missing shard when one is. A result the plan
 * lacks still counts. Missing or repeated shards lead as errored `shard/<i>` checks.
 */
export function mergeShardChecks(
  shards: readonly ShardInput[],
  fullPlan: readonly PlannedCheck[],
): CheckResult[] {
  const c = completeness(shards);
  const ordered = [...shards].sort((a, b) => a.result.shard.index - b.result.shard.index);
  const byShard = new Map<string, number[]>();
  const golden = new Map<string, CheckResult>();
  const others = new Map<string, CheckResult>();
  for (const s of ordered) {
    for (const check of s.result.checks) {
      const into = check.kind === 'playwright' ? golden : others;
      const seen = [...(byShard.get(check.id) ?? []), s.result.shard.index];
      byShard.set(check.id, seen);
      const earlier = into.get(check.id);
      into.set(
        check.id,
        earlier
          ? worse(earlier, check, `reported by shards ${seen.join(', ')}; the worst result stands`)
          : check,
      );
    }
  }
  const missingNote = c.missing.length
    ? `its shard is not among those merged (missing: ${c.missing.map((i) => `${i}/${c.total}`).join(', ')})`
    : 'no shard was assigned it: the shards listed other golden paths than this checkout has; gate every shard and merge from the same commit';
  const planned = new Set(fullPlan.map((p) => p.id));
  const goldenBlock: CheckResult[] = [
    ...fullPlan.map(
      (p): CheckResult =>
        golden.get(p.id) ?? {
          ...p,
          status: 'errored',
          durationMs: 0,
          measurements: [],
          evidence: [],
          retries: 0,
          message: `no result: ${missingNote}`,
          code: 'ROLLGATE_NO_RESULT',
        },
    ),
    ...[...golden.values()].filter((g) => !planned.has(g.id)),
  ];
  // Shard 1's order (or the first shard's, when shard 1 is missing), with the golden paths in place.
  const base = ordered[0]?.result.checks ?? [];
  const out: CheckResult[] = [...completenessChecks(c)];
  const baseIds = new Set(base.map((b) => b.id));
  out.push(...[...others.values()].filter((o) => !baseIds.has(o.id)));
  let placed = false;
  for (const b of base) {
    if (b.kind === 'playwright') {
      if (!placed) out.push(...goldenBlock);
      placed = true;
      continue;
    }
    if (!placed && AFTER_SUITES(b)) {
      out.push(...goldenBlock);
      placed = true;
    }
    out.push(others.get(b.id)!);
  }
  if (!placed) out.push(...goldenBlock);
  return out;
}

/** The run's interruption, when any shard was stopped early: which, and why. */
export function interruptedShards(shards: readonly ShardInput[]): string | undefined {
  const stopped = shards.filter((s) => s.result.interrupted);
  if (!stopped.length) return undefined;
  return stopped
    .map((s) => `shard ${s.result.shard.index}/${s.result.shard.total}: ${s.result.interrupted}`)
    .join('; ');
}
