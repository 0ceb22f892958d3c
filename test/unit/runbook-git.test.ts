import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { runbookGit } from '../../src/engine/runbook-git.ts';
import { RunbookGit, Verdict } from '../../src/model/verdict.ts';
import { makeVerdict, tempDirs } from './helpers.ts';

const dirs = tempDirs('rollgate-runbook-git-');
afterAll(() => dirs.cleanup());

/** A real repository with one commit holding runbooks/app.runbook.ts, and a file outside runbooks/. */
async function repo() {
  const root = dirs.make();
  const git = (...args: string[]) =>
    execa(
      'git',
      ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args],
      {
        cwd: root,
      },
    );
  await git('init', '-q');
  mkdirSync(path.join(root, 'runbooks'));
  const file = path.join(root, 'runbooks', 'app.runbook.ts');
  writeFileSync(file, 'export default {};\n');
  writeFileSync(path.join(root, 'README.md'), 'app\n');
  await git('add', '.');
  await git('commit', '-q', '-m', 'runbook');
  const sha = (await git('rev-parse', 'HEAD')).stdout.trim();
  return { root, file, sha };
}

describe('runbookGit', () => {
  it('records HEAD, clean while the runbook and its folder are committed, whatever else changed', async () => {
    const { root, file, sha } = await repo();
    writeFileSync(path.join(root, 'README.md'), 'changed elsewhere\n');
    const got = await runbookGit(file);
    expect(got).toEqual({ sha, dirty: false });
    expect(RunbookGit.parse(got)).toEqual(got);
  });

  it('is dirty when the runbook is edited, or its folder holds a new file', async () => {
    const edited = await repo();
    writeFileSync(edited.file, 'export default { changed: true };\n');
    expect(await runbookGit(edited.file)).toEqual({ sha: edited.sha, dirty: true });
    const added = await repo();
    writeFileSync(path.join(path.dirname(added.file), 'new.suite.ts'), '\n');
    expect(await runbookGit(added.file)).toEqual({ sha: added.sha, dirty: true });
  });

  it('is absent outside git, for no file, and never throws', async () => {
    const file = path.join(dirs.make(), 'x.runbook.ts');
    writeFileSync(file, '\n');
    expect(await runbookGit(file)).toBeUndefined();
    expect(await runbookGit(undefined)).toBeUndefined();
    expect(await runbookGit('/nonexistent/rollgate/x.runbook.ts')).toBeUndefined();
  });

  it('is an optional verdict field, refused when it is not a commit id', () => {
    expect(Verdict.safeParse(makeVerdict()).success).toBe(true);
    const ok = makeVerdict(undefined, { runbookGit: { sha: 'c'.repeat(40), dirty: false } });
    expect(Verdict.parse(ok).runbookGit).toEqual({ sha: 'c'.repeat(40), dirty: false });
    const bad = Verdict.safeParse({ ...ok, runbookGit: { sha: 'main', dirty: false } });
    expect(bad.success).toBe(false);
  });
});
