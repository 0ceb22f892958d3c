#!/usr/bin/env node
// Builds dist/ (the package's JavaScript and type declarations) when it is missing or older than
// anything it is built from; otherwise does nothing. `--force` rebuilds. Run by set-up, `npm test`,
// the gate scripts and `npm pack` (prepack), so dist/ is never stale where it is used.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const stamp = path.join(root, 'dist', '.build-stamp');
const inputs = ['package.json', 'tsconfig.json', 'tsconfig.build.json'];

/** Newest modification time among src/ and the build's own configuration, with the file that has it. */
function newestInput() {
  let newest = { file: '', mtimeMs: 0 };
  const see = (file) => {
    const { mtimeMs } = statSync(file);
    if (mtimeMs > newest.mtimeMs) newest = { file: path.relative(root, file), mtimeMs };
  };
  for (const f of readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' }))
    if (f.endsWith('.ts')) see(path.join(root, 'src', f));
  for (const f of inputs) see(path.join(root, f));
  // A file deleted or moved in src/ leaves its old output behind: the list of sources is part of the stamp.
  return newest;
}

function sourceList() {
  return readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .join('\n');
}

const force = process.argv.includes('--force');
const newest = newestInput();
const sources = sourceList();
let why = force ? 'asked to (--force)' : '';
if (!why && !existsSync(stamp)) why = 'dist/ is missing';
if (!why) {
  const built = statSync(stamp).mtimeMs;
  if (newest.mtimeMs > built) why = `${newest.file} changed since the last build`;
  else if (readFileSync(stamp, 'utf8') !== sources) why = 'files were added, moved or removed in src/';
}
if (!why) process.exit(0);

process.stderr.write(`rollgate: building dist/ (${why})\n`);
// Built beside dist/ and swapped in whole, so a run using dist/ meanwhile never sees it half there
// (or gone), and a failed build leaves the last good one in place.
const dist = path.join(root, 'dist');
const next = path.join(root, `dist.next-${process.pid}`);
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--outDir', next], {
  stdio: 'inherit',
});
if (r.status !== 0) {
  rmSync(next, { recursive: true, force: true });
  process.stderr.write('rollgate: building dist/ failed; the errors above name the files\n');
  process.exit(r.status ?? 1);
}
writeFileSync(path.join(next, '.build-stamp'), sources);
const old = path.join(root, `dist.old-${process.pid}`);
if (existsSync(dist)) renameSync(dist, old);
renameSync(next, dist);
rmSync(old, { recursive: true, force: true });
