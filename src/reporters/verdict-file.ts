import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RollgateError } from '../config/errors.ts';
import { maskDeep } from '../config/mask.ts';
import type { LedgerEntry } from '../model/ledger-entry.ts';
import { Verdict } from '../model/verdict.ts';

/** Masks every string of a value, so no field (message, body, URL) escapes the masker. */
export function maskValue<T>(value: T, mask: (s: string) => string): T {
  return maskDeep(value, mask);
}

/** Validates and writes the run's verdict.json. A bad verdict is never written. */
export function writeVerdict(verdict: Verdict, runDir: string): string {
  const parsed = Verdict.safeParse(verdict);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new RollgateError(
      'ROLLGATE_WRITE_FAILED',
      `verdict failed its schema at ${first.path.join('.')}: ${first.message}`,
    );
  }
  const file = path.join(runDir, 'verdict.json');
  mkdirSync(runDir, { recursive: true });
  // Written aside and renamed: a crash never leaves half a verdict.json.
  writeFileSync(`${file}.tmp`, `${JSON.stringify(parsed.data, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  return file;
}

export function ledgerEntry(v: Verdict): LedgerEntry {
  return {
    schemaVersion: 1,
    runId: v.runId,
    runbook: v.runbook,
    stage: v.stage,
    release: v.target.version,
    verdict: v.verdict,
    startedAt: v.startedAt,
    finishedAt: v.finishedAt,
    summary: v.summary,
    reasons: v.reasons,
    interrupted: v.interrupted,
    windowOverride: v.windowOverride,
    overrides: v.overrides,
    watch: v.watch,
  };
}
