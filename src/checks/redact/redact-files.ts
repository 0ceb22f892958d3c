import { cpSync, type Dirent, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { redactBytes } from './redact-bytes.ts';
import { removalNote } from './zip-redact.ts';

/**
 * Test seam, never for users: an absolute path where the run folder is copied as it was before
 * redaction, so the planted-secret test can show its search finds what redaction removes. Its
 * name says what it does; nothing in rollgate sets it.
 */
export const UNREDACTED_COPY_ENV = 'ROLLGATE_TEST_UNREDACTED_COPY';

/** The note left where a file was that could not be cleaned; reporters attach it instead. */
export const removedNotePath = (file: string) => `${file}.removed.txt`;

export interface RedactSummary {
  /** Files rewritten with their secrets masked (run-relative). */
  cleaned: string[];
  /** Files not kept, each replaced by a note saying why (run-relative). */
  removed: string[];
}

/**
 * Cleans every file a run left in its folder before any reporter reads or copies it: Playwright's
 * trace.zip (rewritten member by member), error-context.md, attachments, raw runner results,
 * screenshots. What cannot be cleaned is deleted and replaced by a note.
 */
export function redactRunDir(
  runDir: string,
  mask: (text: string) => string,
  env: NodeJS.ProcessEnv = process.env,
): RedactSummary {
  const summary: RedactSummary = { cleaned: [], removed: [] };
  let entries: Dirent[];
  try {
    entries = readdirSync(runDir, { withFileTypes: true, recursive: true });
  } catch {
    return summary; // A run that never got a folder left nothing to clean.
  }
  const copy = env[UNREDACTED_COPY_ENV];
  if (copy && path.isAbsolute(copy)) cpSync(runDir, copy, { recursive: true });
  for (const e of entries) {
    if (!e.isFile()) continue;
    const file = path.join(e.parentPath, e.name);
    const rel = path.relative(runDir, file);
    const r = redactBytes(readFileSync(file), mask);
    if (r.removed) {
      writeFileSync(removedNotePath(file), removalNote(rel, r.removed));
      rmSync(file);
      summary.removed.push(rel);
    } else if (r.changed) {
      writeFileSync(file, r.data);
      summary.cleaned.push(rel);
    }
  }
  return summary;
}
