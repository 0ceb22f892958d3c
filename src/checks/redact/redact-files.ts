import { cpSync, type Dirent, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { redactBytes } from './redact-bytes.ts';
import { removalNote } from './zip-redact.ts';

/**
 * Test seam, never for users: an absolute path outside the reports folder where the run folder is
 * copied as it was before redaction, so the planted-secret test can show its search finds what
 * redaction removes. Its name says what it does; nothing in rollgate sets it. Only the first
 * redaction of a run copies (a destination that exists is left as it is).
 */
export const UNREDACTED_COPY_ENV = 'ROLLGATE_TEST_UNREDACTED_COPY';

const inside = (dir: string, p: string) => {
  const rel = path.relative(path.resolve(dir), path.resolve(p));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/**
 * Where the test seam may copy the unredacted run folder: an absolute path, neither inside the
 * reports folder (`reports/runs/<id>` means `reports/`) nor inside the run folder, because
 * everything under reports/ must be free of secrets. Anything else throws, naming the variable.
 */
export function unredactedCopyTarget(runDir: string, env: NodeJS.ProcessEnv): string | undefined {
  const copy = env[UNREDACTED_COPY_ENV];
  if (!copy) return undefined;
  const parent = path.dirname(path.resolve(runDir));
  const reports = path.basename(parent) === 'runs' ? path.dirname(parent) : undefined;
  const refuse = (why: string) => {
    throw new Error(
      `${UNREDACTED_COPY_ENV}=${copy} refused: ${why}; it is a test seam for a folder outside reports/`,
    );
  };
  if (!path.isAbsolute(copy)) refuse('not an absolute path');
  if (reports && inside(reports, copy)) refuse(`it is inside the reports folder ${reports}`);
  if (inside(runDir, copy)) refuse(`it is inside the run folder ${runDir}`);
  return copy;
}

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
 * screenshots. What cannot be cleaned is deleted and replaced by a note. Safe to run again: a
 * cleaned file has nothing left to change, so runGate cleans the run folder as the runners finish
 * and publish() again before any reporter reads it.
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
  // A refused copy still leaves the folder cleaned: the error comes after.
  let refused: Error | undefined;
  try {
    const copy = unredactedCopyTarget(runDir, env);
    if (copy && !existsSync(copy)) cpSync(runDir, copy, { recursive: true });
  } catch (error) {
    refused = error as Error;
  }
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
  if (refused) throw refused;
  return summary;
}
