import { existsSync } from 'node:fs';
import path from 'node:path';
import { Runbook } from '../model/runbook.ts';
import { CONVENTIONAL_RUNBOOK, findRunbook, RUNBOOKS_DIR, type RunbookSource } from './discover-runbook.ts';
import { RollgateError } from './errors.ts';
import { importDefault } from './import-default.ts';
import { explainUnknownKeys, type Issue } from './known-keys.ts';
import { missingFileIssues } from './runbook-files.ts';

export interface LoadedRunbook {
  file: string;
  runbook: Runbook;
  /**
   * How the file was found. Commands rollgate prints repeat `--runbook` unless it was found by
   * convention, so they work when pasted; absent means named (the safe side).
   */
  foundBy?: RunbookSource;
}

/** Formats every problem at once (a diagnostics collector), each starting with the file. */
export function formatIssues(file: string, issues: readonly Issue[]): string {
  const lines = issues.map((i) => {
    const field = i.path.length ? i.path.map(String).join('.') : '(root)';
    return `${file}: ${field}: ${i.message}`;
  });
  return `${lines.join('\n')}\nFix the field(s) above; nothing was run.`;
}

/**
 * Validates a runbook's export: its schema and cross-field rules, and, given the project `root`,
 * that every suite, spec and load profile it names matches a file. Every problem is reported at once.
 */
export function validateRunbook(file: string, value: unknown, root?: string): Runbook {
  const parsed = Runbook.safeParse(value);
  const issues = [
    ...(parsed.error?.issues ?? []),
    ...(root === undefined ? [] : missingFileIssues(value, root)),
  ];
  if (issues.length || !parsed.success)
    throw new RollgateError(
      'ROLLGATE_RUNBOOK_INVALID',
      formatIssues(file, explainUnknownKeys(Runbook, issues, value)),
    );
  return parsed.data;
}

const NAMED_BY: Record<RunbookSource, string> = {
  cli: 'given with --runbook',
  env: 'given in ROLLGATE_RUNBOOK',
  convention: 'found by convention',
};

/** Finds the runbook (`--runbook`, `ROLLGATE_RUNBOOK`, then the conventional places) and loads it. */
export function findAndLoadRunbook(o: {
  flag?: string;
  env?: string;
  root?: string;
}): Promise<LoadedRunbook> {
  const root = o.root ?? process.cwd();
  const found = findRunbook({ ...o, root });
  return loadRunbook(found.file, root, found.foundBy);
}

/** Imports a runbook module (TypeScript via tsx) and validates its default export. */
export async function loadRunbook(
  file: string,
  cwd = process.cwd(),
  foundBy: RunbookSource = 'cli',
): Promise<LoadedRunbook> {
  const abs = path.resolve(cwd, file);
  const rel = path.relative(cwd, abs) || abs;
  if (!existsSync(abs)) {
    throw new RollgateError(
      'ROLLGATE_RUNBOOK_NOT_FOUND',
      `${rel}: runbook not found (${NAMED_BY[foundBy]}; paths resolve from the current directory, ${cwd}). ` +
        `Fix the path, or name neither --runbook nor ROLLGATE_RUNBOOK to use ${CONVENTIONAL_RUNBOOK} or the one ${RUNBOOKS_DIR}/*.runbook.ts.`,
    );
  }
  let mod: { default?: unknown };
  try {
    mod = { default: await importDefault(abs) };
  } catch (error) {
    throw new RollgateError(
      'ROLLGATE_RUNBOOK_LOAD_FAILED',
      `${rel}: could not be loaded: ${(error as Error).message}`,
    );
  }
  if (mod.default === undefined) {
    throw new RollgateError(
      'ROLLGATE_RUNBOOK_INVALID',
      `${rel}: has no default export. Write \`export default defineRunbook({...})\`.`,
    );
  }
  return { file: rel, runbook: validateRunbook(rel, mod.default, cwd), foundBy };
}
