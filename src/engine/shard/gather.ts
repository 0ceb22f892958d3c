import { cpSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { CheckResult } from '../../model/check-result.ts';
import type { ShardResult } from '../../model/shard.ts';
import type { ShardInput } from './merge-shards.ts';
import { BLOB_DIR } from './shard-stage.ts';

const inside = (dir: string, p: string) => {
  const rel = path.relative(dir, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
};

/** A check's evidence with each file path passed through `to`. */
const withPaths = (checks: readonly CheckResult[], to: (p: string) => string): CheckResult[] =>
  checks.map((c) => ({
    ...c,
    evidence: c.evidence.map((e) => (e.path === undefined ? e : { ...e, path: to(e.path) })),
  }));

/**
 * A shard's result as its folder keeps it: evidence paths inside the folder relative to it, so the
 * folder can be moved (a CI artifact downloaded on another machine) and still be merged.
 */
export function relativeEvidence(result: ShardResult, dir: string): ShardResult {
  const to = (p: string) => (path.isAbsolute(p) && inside(dir, p) ? path.relative(dir, p) : p);
  return {
    ...result,
    checks: withPaths(result.checks, to),
    governance: result.governance && {
      ...result.governance,
      checks: withPaths(result.governance.checks, to),
    },
  };
}

export interface Gathered {
  /** The shards with their evidence paths pointing into the merged run's copies. */
  shards: ShardInput[];
  /** The folder holding every shard's blob report, for `playwright merge-reports`; none when no shard left one. */
  blobDir?: string;
}

/**
 * Copies each shard's folder into the merged run's folder (`shards/<i>/`, `shards/<i>-2/` for a
 * shard given twice) and its blob report into `blob/`, so the merged run holds all its evidence
 * where the reports look for it, whatever happens to the shards' folders afterwards.
 */
export function gatherShards(shards: readonly ShardInput[], runDir: string): Gathered {
  const seen = new Map<number, number>();
  const blobDir = path.join(runDir, BLOB_DIR);
  let blobs = 0;
  const out = shards.map((s) => {
    const i = s.result.shard.index;
    const k = (seen.get(i) ?? 0) + 1;
    seen.set(i, k);
    const name = k === 1 ? String(i) : `${i}-${k}`;
    const dest = path.join(runDir, 'shards', name);
    const ownBlobs = path.join(s.dir, BLOB_DIR);
    cpSync(s.dir, dest, { recursive: true, filter: (src) => src !== ownBlobs });
    const blob = s.result.blob && path.join(s.dir, s.result.blob);
    if (blob && existsSync(blob)) {
      mkdirSync(blobDir, { recursive: true });
      cpSync(blob, path.join(blobDir, `report-${name}.zip`));
      blobs++;
    }
    const to = (p: string) => (path.isAbsolute(p) ? p : path.join(dest, p));
    const r = s.result;
    return {
      dir: s.dir,
      result: {
        ...r,
        checks: withPaths(r.checks, to),
        governance: r.governance && { ...r.governance, checks: withPaths(r.governance.checks, to) },
      },
    };
  });
  return { shards: out, blobDir: blobs ? blobDir : undefined };
}
