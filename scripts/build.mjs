#!/usr/bin/env node
// Builds dist/ (the package's JavaScript and type declarations) when it is missing or older than
// anything it is built from; otherwise does nothing. `--force` rebuilds. Run by set-up, `npm test`,
// the gate scripts and `npm pack` (prepack), so dist/ is never stale where it is used.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
rmSync(path.join(root, 'dist'), { recursive: true, force: true });
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
if (r.status !== 0) {
  process.stderr.write('rollgate: building dist/ failed; the errors above name the files\n');
  process.exit(r.status ?? 1);
}
writeFileSync(stamp, sources);
