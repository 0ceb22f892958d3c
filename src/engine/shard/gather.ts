import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
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

/** A run folder's evidence folders: a shard's go into the merged run's, each in `shard-<i>/`. */
const EVIDENCE_DIRS = new Set(['playwright', 'evidence']);

/** Where a file of shard `name`'s folder (path relative to it) goes in the merged run's folder. */
export function mergedPath(runDir: string, name: string, rel: string): string {
  const [top, ...rest] = rel.split(/[\\/]/);
  return EVIDENCE_DIRS.has(top!) && rest.length
    ? path.join(runDir, top!, `shard-${name}`, ...rest)
    : path.join(runDir, 'shards', name, rel);
}

/**
 * Copies each shard's folder into the merged run's folder, so the merged run holds all its
 * evidence where reports and bundles look for it, whatever happens to the shards' folders
 * afterwards: its `playwright/` and `evidence/` into the run's, as `shard-<i>/` (`shard-<i>-2/`
 * for a shard given twice), the rest (shard.json, raw/) into `shards/<i>/`, and its blob report
 * into `blob/` for Playwright's merge-reports.
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
    for (const entry of readdirSync(s.dir)) {
      if (entry === BLOB_DIR) continue;
      const to = EVIDENCE_DIRS.has(entry)
        ? path.join(runDir, entry, `shard-${name}`)
        : path.join(runDir, 'shards', name, entry);
      cpSync(path.join(s.dir, entry), to, { recursive: true });
    }
    const blob = s.result.blob && path.join(s.dir, s.result.blob);
    if (blob && existsSync(blob)) {
      mkdirSync(blobDir, { recursive: true });
      cpSync(blob, path.join(blobDir, `report-${name}.zip`));
      blobs++;
    }
    const to = (p: string) => (path.isAbsolute(p) ? p : mergedPath(runDir, name, p));
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
