import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { RollgateError } from './errors.ts';

/** The conventional runbook in the project root, looked for before `runbooks/`. */
export const CONVENTIONAL_RUNBOOK = 'rollgate.runbook.ts';
/** The folder whose single `*.runbook.ts` is the runbook when the root has none. */
export const RUNBOOKS_DIR = 'runbooks';

/** How a runbook file was found: named by the user (flag, environment) or by convention. */
export type RunbookSource = 'cli' | 'env' | 'convention';

export interface FoundRunbook {
  /** As given (cli, env) or relative to the project root (convention). */
  file: string;
  foundBy: RunbookSource;
}

const isFile = (p: string) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** `runbooks/*.runbook.ts` under `root`, sorted; none when the folder is missing. */
function runbooksInFolder(root: string): string[] {
  let names: string[];
  try {
    names = readdirSync(path.join(root, RUNBOOKS_DIR));
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.runbook.ts') && isFile(path.join(root, RUNBOOKS_DIR, n)))
    .sort()
    .map((n) => `${RUNBOOKS_DIR}/${n}`);
}

/**
 * Finds the runbook as Playwright and Vitest find their configs: what the user named wins
 * (`--runbook`, then `ROLLGATE_RUNBOOK`), else `rollgate.runbook.ts` in the project root, else the
 * one `runbooks/*.runbook.ts`. Nothing assumes a particular app: none or several is exit 2 with the fix.
 * An empty flag or variable counts as not given (a CI template that leaves it blank).
 */
export function findRunbook(o: { flag?: string; env?: string; root: string }): FoundRunbook {
  if (o.flag) return { file: o.flag, foundBy: 'cli' };
  if (o.env) return { file: o.env, foundBy: 'env' };
  if (isFile(path.join(o.root, CONVENTIONAL_RUNBOOK)))
    return { file: CONVENTIONAL_RUNBOOK, foundBy: 'convention' };
  const found = runbooksInFolder(o.root);
  if (found.length === 1) return { file: found[0]!, foundBy: 'convention' };
  if (found.length > 1) {
    throw new RollgateError(
      'ROLLGATE_RUNBOOK_AMBIGUOUS',
      `${o.root}: ${found.length} runbooks in ${RUNBOOKS_DIR}/ and no ${CONVENTIONAL_RUNBOOK}: ${found.join(', ')}. ` +
        `Pick one with --runbook <file> (or ROLLGATE_RUNBOOK=<file>), e.g. --runbook ${found[0]}.`,
    );
  }
  throw new RollgateError(
    'ROLLGATE_RUNBOOK_NOT_FOUND',
    `${o.root}: no runbook found. Looked at --runbook (not given), ROLLGATE_RUNBOOK (not set), ` +
      `${CONVENTIONAL_RUNBOOK} (no such file) and ${RUNBOOKS_DIR}/*.runbook.ts (no file) in the project root, the current directory. ` +
      `Pass --runbook <file>, set ROLLGATE_RUNBOOK=<file>, or create ${CONVENTIONAL_RUNBOOK} in the project root.`,
  );
}
