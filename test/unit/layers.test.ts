import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Left to right: each layer imports only itself and the layers to its left. */
const LAYERS = ['model', 'config', 'checks', 'engine', 'reporters', 'cli'];
/** The public entries (`src/entries/*.ts`, the package's subpaths) sit above every layer: they may import anything, nothing imports them. */
const ENTRY = 'the public entry';

/** `src/<layer>/…` → layer; `src/entries/*.ts` → the entry; anything else in or out of src/ → undefined. */
function layerOf(file: string): string | undefined {
  if (/^src\/entries\/[^/]+\.ts$/.test(file)) return ENTRY;
  const [top, layer, ...rest] = file.split('/');
  return top === 'src' && rest.length > 0 && LAYERS.includes(layer!) ? layer : undefined;
}

/** The specifiers a file imports, by TypeScript's own scanner: comments and strings are not imports. */
function importsOf(source: string): string[] {
  // `true, true`: static imports and `export … from`, plus dynamic `import('…')` and require().
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/**
 * Every import against model → config → checks → engine → reporters → cli, one line each, for
 * `files` (paths relative to the repository, with `/`, mapped to their source). Relative
 * specifiers are resolved from the importing file; `rollgate` self-references are the public entry.
 */
function layerViolations(files: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [file, source] of files) {
    const from = layerOf(file);
    if (from === ENTRY) continue;
    if (!from) {
      out.push(`${file} is in no layer: move it under src/<${LAYERS.join('|')}>/`);
      continue;
    }
    for (const spec of importsOf(source)) {
      let target: string;
      if (spec.startsWith('.')) target = path.posix.join(path.posix.dirname(file), spec);
      else if (spec === 'rollgate' || spec.startsWith('rollgate/')) target = spec;
      else continue; // node: built-ins and npm packages are not layers
      const to = spec.startsWith('.') ? layerOf(target) : ENTRY;
      if (to === from) continue;
      if (to === ENTRY) out.push(`${file} imports ${target}: ${from} may not import ${ENTRY}`);
      else if (!to) out.push(`${file} imports ${target}: ${from} may not import outside the layers of src/`);
      else if (LAYERS.indexOf(to) > LAYERS.indexOf(from))
        out.push(`${file} imports ${target}: ${from} may not import ${to}`);
    }
  }
  return out;
}

function sourceTree(): Map<string, string> {
  const files = readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.[cm]?tsx?$/.test(f))
    .map((f) => `src/${f.split(path.sep).join('/')}`)
    .sort();
  return new Map(files.map((f) => [f, readFileSync(path.join(ROOT, f), 'utf8')]));
}

describe('issue 10 item 5: imports in src/ follow model → config → checks → engine → reporters → cli', () => {
  test('no file in src/ imports a layer to its right', () => {
    const tree = sourceTree();
    // Not vacuous: every layer has files and the scan sees their relative imports.
    for (const layer of LAYERS)
      expect(
        [...tree.keys()].some((f) => layerOf(f) === layer),
        layer,
      ).toBe(true);
    const relative = [...tree.values()].flatMap((s) => importsOf(s).filter((x) => x.startsWith('.')));
    expect(relative.length).toBeGreaterThan(200);
    expect(layerViolations(tree)).toEqual([]);
  });

  test('a planted violation of each kind is found and named; allowed imports and comments are not', () => {
    const planted = new Map([
      [
        'src/model/a.ts',
        `/** @example import { gate } from '../cli/gate.ts' */\nimport { z } from 'zod';\nimport type { X } from './b.ts';\nimport { mask } from '../config/mask.ts';\nconst s = "import x from '../engine/run-gate.ts'";`,
      ],
      ['src/config/b.ts', `import { A } from '../model/a.ts';\nconst m = await import('../cli/main.ts');`],
      ['src/checks/c.ts', `export * from '../engine/store/file-store.ts';\nexport { y } from './d.ts';`],
      ['src/engine/d.ts', `import type {\n  Verdict,\n} from '../reporters/console.ts';\nimport 'node:fs';`],
      [
        'src/reporters/e.ts',
        `import { runGate } from '../engine/run-gate.ts';\nimport { defineRunbook } from 'rollgate';`,
      ],
      [
        'src/cli/f.ts',
        `import { main } from '../entries/index.ts';\nimport { seed } from '../../demo/seed.ts';`,
      ],
      ['src/entries/index.ts', `export * from '../cli/main.ts';`],
      ['src/util/g.ts', `export const g = 1;`],
    ]);
    expect(layerViolations(planted)).toEqual([
      'src/model/a.ts imports src/config/mask.ts: model may not import config',
      'src/config/b.ts imports src/cli/main.ts: config may not import cli',
      'src/checks/c.ts imports src/engine/store/file-store.ts: checks may not import engine',
      'src/engine/d.ts imports src/reporters/console.ts: engine may not import reporters',
      'src/reporters/e.ts imports rollgate: reporters may not import the public entry',
      'src/cli/f.ts imports src/entries/index.ts: cli may not import the public entry',
      'src/cli/f.ts imports demo/seed.ts: cli may not import outside the layers of src/',
      'src/util/g.ts is in no layer: move it under src/<model|config|checks|engine|reporters|cli>/',
    ]);
  });
});

/** What a user writes (runbooks, suites, specs, load profiles, fixtures) reaching into src/ by path. */
function sourceImports(files: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [file, source] of files)
    for (const spec of importsOf(source)) {
      const target = spec.startsWith('.') ? path.posix.join(path.posix.dirname(file), spec) : spec;
      if (target === 'src' || target.startsWith('src/'))
        out.push(
          `${file} imports ${target}: import the public subpaths (rollgate, rollgate/vitest, rollgate/playwright, rollgate/checks)`,
        );
    }
  return out;
}

describe('issue 10: runbooks, suites, specs, profiles and fixtures use the package as a user would', () => {
  const USER_FOLDERS = ['runbooks', 'smoke', 'load', 'test/fixtures', 'templates'];

  test('no file under runbooks/, smoke/, load/, test/fixtures/ or templates/ imports src/ by path', () => {
    const files = new Map<string, string>();
    for (const dir of USER_FOLDERS)
      for (const f of readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' }))
        if (/\.[cm]?[jt]sx?$/.test(f)) {
          const rel = `${dir}/${f.split(path.sep).join('/')}`;
          files.set(rel, readFileSync(path.join(ROOT, rel), 'utf8'));
        }
    // Not vacuous: those folders hold files that import rollgate's subpaths.
    expect(
      [...files.values()].filter((s) => importsOf(s).some((x) => x.startsWith('rollgate'))).length,
    ).toBeGreaterThan(20);
    expect(sourceImports(files)).toEqual([]);
  });

  test('a planted import of src/ is found, relative or not', () => {
    const planted = new Map([
      [
        'runbooks/a.suite.ts',
        `import { check } from '../src/checks/authoring/vitest.ts';\nimport { x } from 'rollgate/vitest';`,
      ],
      ['test/fixtures/suites/b.suite.ts', `import { y } from '../../../src/entries/index.ts';`],
    ]);
    expect(sourceImports(planted)).toEqual([
      'runbooks/a.suite.ts imports src/checks/authoring/vitest.ts: import the public subpaths (rollgate, rollgate/vitest, rollgate/playwright, rollgate/checks)',
      'test/fixtures/suites/b.suite.ts imports src/entries/index.ts: import the public subpaths (rollgate, rollgate/vitest, rollgate/playwright, rollgate/checks)',
    ]);
  });
});
