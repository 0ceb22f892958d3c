import path from 'node:path';
import { execa } from 'execa';
import type { RunbookGit } from '../model/verdict.ts';

/** Long enough for a cold repository on a busy runner; a git that hangs records nothing. */
const GIT_TIMEOUT_MS = 5_000;

/**
 * The git revision of the repository holding the runbook file, for the verdict: `sha` is
 * `git rev-parse HEAD`; `dirty` is true when the runbook file or anything in its directory has
 * uncommitted changes (untracked files included), or when that could not be told. Undefined
 * when the file is not in a git work tree or git is missing. Never throws: provenance is
 * recorded when it can be, and its absence never fails a run.
 */
export async function runbookGit(file: string | undefined): Promise<RunbookGit | undefined> {
  if (!file) return undefined;
  const cwd = path.dirname(path.resolve(file));
  // No optional locks: a status must not take .git/index.lock from a developer's own git.
  const options = {
    cwd,
    reject: false,
    timeout: GIT_TIMEOUT_MS,
    stdin: 'ignore',
    env: { GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
  } as const;
  try {
    const head = await execa('git', ['rev-parse', '--verify', '--quiet', 'HEAD'], options);
    const sha = head.exitCode === 0 ? String(head.stdout).trim() : '';
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) return undefined;
    const status = await execa('git', ['status', '--porcelain', '--', '.'], options);
    // A status that could not be read proves nothing clean.
    const dirty = status.exitCode !== 0 || String(status.stdout).trim() !== '';
    return { sha, dirty };
  } catch {
    return undefined;
  }
}
