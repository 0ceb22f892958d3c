import path from 'node:path';
import { type BackupManifest, readManifestWithDigest } from '../../checks/backup/manifest.ts';
import { checkRestoredContent } from '../../checks/backup/restore-content.ts';
import type { Scratch } from '../../checks/backup/scratch.ts';
import type { CheckResult } from '../../model/check-result.ts';
import type { DrillSpec } from '../../model/drill.ts';
import { drillCheck } from '../harness-check.ts';
import type { Store } from '../store/store.ts';

const TITLE = 'backup recorded in the store when it was taken (manifest digest)';
const short = (sha: string) => `${sha.slice(0, 12)}…`;

export interface Provenance {
  check: CheckResult;
  /** The manifest whose bytes were checked; verification should use this one, not read it again. */
  manifest?: BackupManifest;
}

/**
 * Whether the newest backup's manifest is the one recorded when the backup was taken. A manifest
 * cannot vouch for itself: whoever replaces a backup can write a matching manifest (new checksum,
 * same row counts). The store's record of the manifest's digest, written by `demo:backup`, cannot
 * be replaced with it. Unrecorded HOLDs unless the drill sets `acceptUnrecorded`; a manifest that
 * differs from its record HOLDs always.
 */
export async function backupProvenance(spec: DrillSpec, store: Store, backup: string): Promise<Provenance> {
  const file = path.basename(backup);
  const log = store.backupLog;
  let read: { manifest: BackupManifest; sha256: string };
  try {
    read = await readManifestWithDigest(backup);
  } catch (error) {
    return {
      check: drillCheck('drill/backup-recorded', TITLE, {
        status: 'failed',
        message: `${(error as Error).message}: nothing to check against ${log}`,
      }),
    };
  }
  const found = await store.backupRecords(file).catch((error: Error) => error);
  if (found instanceof Error) {
    return {
      check: drillCheck('drill/backup-recorded', TITLE, {
        status: 'errored',
        message: `cannot read backup records from ${log}: ${found.message}`,
      }),
    };
  }
  const match = found.find((r) => r.manifestSha256 === read.sha256);
  const manifest = read.manifest;
  if (match) {
    return {
      manifest,
      check: drillCheck('drill/backup-recorded', TITLE, {
        message: `${file}: recorded at ${match.recordedAt} in ${log} (manifest sha256 ${short(read.sha256)})`,
      }),
    };
  }
  const last = found.at(-1);
  if (last) {
    return {
      check: drillCheck('drill/backup-recorded', TITLE, {
        status: 'failed',
        message: `${file}: manifest differs from its record in ${log}: sha256 ${read.sha256} now, ${last.manifestSha256} recorded at ${last.recordedAt}. The backup and its manifest were changed after they were taken; take a new backup and record it`,
      }),
    };
  }
  if (spec.acceptUnrecorded) {
    return {
      manifest,
      check: drillCheck('drill/backup-recorded', TITLE, {
        message: `${file}: unrecorded, accepted by acceptUnrecorded (no record in ${log}; its manifest, sha256 ${short(read.sha256)}, vouches for itself)`,
      }),
    };
  }
  return {
    check: drillCheck('drill/backup-recorded', TITLE, {
      status: 'failed',
      message: `${file} is not recorded in ${log}: its manifest (sha256 ${short(read.sha256)}) cannot vouch for itself. Record each backup in rollgate's store when you take it (docs/backups.md), or set drill.acceptUnrecorded: true in the runbook for backups taken by tools that do not`,
    }),
  };
}

/** The restored copy against the manifest's schema inventory and content digests (before the app boots on it). */
export async function restoredContent(manifest: BackupManifest, scratch: Scratch): Promise<CheckResult> {
  const started = performance.now();
  const outcome = await checkRestoredContent(manifest, scratch);
  return drillCheck('drill/restore-content', 'restored schema and table contents match the manifest', {
    status: outcome.status,
    message: outcome.reason,
    measurements: outcome.measurements,
    durationMs: Math.round(performance.now() - started),
  });
}
