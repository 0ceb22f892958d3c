import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { z } from 'zod';
import { Runbook } from '../model/runbook.ts';
import { RollgateError } from './errors.ts';

export const DEFAULT_RUNBOOK = 'runbooks/demo.runbook.ts';

export interface LoadedRunbook {
  file: string;
  runbook: Runbook;
}

/** Formats every problem at once (a diagnostics collector), each starting with the file. */
export function formatIssues(file: string, issues: readonly z.core.$ZodIssue[]): string {
  const lines = issues.map((i) => {
    const field = i.path.length ? i.path.map(String).join('.') : '(root)';
    return `${file}: ${field}: ${i.message}`;
  });
  return `${lines.join('\n')}\nFix the field(s) above; nothing was run.`;
}

export function validateRunbook(file: string, value: unknown): Runbook {
  const parsed = Runbook.safeParse(value);
  if (!parsed.success)
    throw new RollgateError('ROLLGATE_RUNBOOK_INVALID', formatIssues(file, parsed.error.issues));
  return parsed.data;
}

/** Imports a runbook module (TypeScript via tsx) and validates its default export. */
export async function loadRunbook(file: string, cwd = process.cwd()): Promise<LoadedRunbook> {
  const abs = path.resolve(cwd, file);
  const rel = path.relative(cwd, abs) || abs;
  if (!existsSync(abs)) {
    throw new RollgateError(
      'ROLLGATE_RUNBOOK_NOT_FOUND',
      `${rel}: runbook not found. Pass --runbook <file> or create ${DEFAULT_RUNBOOK}.`,
    );
  }
  let mod: { default?: unknown };
  try {
    mod = await import(pathToFileURL(abs).href);
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
  return { file: rel, runbook: validateRunbook(rel, mod.default) };
}
