import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { displayPath, expandGlobs, globToRegExp } from '../../src/config/glob.ts';
import { tempDirs, writeTree } from './helpers.ts';

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

describe('globs for config files', () => {
  it.each([
    ['.env*', '.env.production', true],
    ['deploy/*', 'deploy/.env', true],
    ['deploy/*', 'deploy/k8s/app.yml', false],
    ['**/docker-compose*.yml', 'docker-compose.yml', true],
    ['**/docker-compose*.yml', 'a/b/docker-compose.prod.yml', true],
    ['config/*.{yml,yaml,json}', 'config/app.yaml', true],
    ['config/*.{yml,yaml,json}', 'config/app.toml', false],
    ['fly.toml', 'fly.toml', true],
    ['fly.toml', 'flyXtoml', false],
  ])('%s matches %s: %s', (glob, file, expected) => {
    expect(globToRegExp(glob).test(file)).toBe(expected);
  });

  it('expands relative and absolute patterns, skipping node_modules, with per-pattern counts', () => {
    const root = writeTree(dirs.make(), {
      'fly.toml': '',
      '.env.staging': '',
      'svc/docker-compose.yml': '',
      'node_modules/pkg/docker-compose.yml': '',
    });
    const r = expandGlobs(
      ['fly.toml', '.env*', '**/docker-compose*.yml', `${root}/fly.toml`, 'missing/*.yml'],
      root,
    );
    expect(r.files.map((f) => displayPath(f, root))).toEqual([
      '.env.staging',
      'fly.toml',
      'svc/docker-compose.yml',
    ]);
    expect(r.matches).toEqual({
      'fly.toml': 1,
      '.env*': 1,
      '**/docker-compose*.yml': 1,
      [`${root}/fly.toml`]: 1,
      'missing/*.yml': 0,
    });
    expect(displayPath(path.join(path.dirname(root), 'elsewhere.toml'), root)).toBe(
      path.join(path.dirname(root), 'elsewhere.toml'),
    );
  });
});
