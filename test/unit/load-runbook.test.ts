import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RollgateError } from '../../src/config/errors.ts';
import { loadRunbook, validateRunbook } from '../../src/config/load-runbook.ts';
import { rejection, tempDirs, thrown } from './helpers.ts';

const dirs = tempDirs('rollgate-runbook-');
afterAll(() => dirs.cleanup());

const valid = {
  name: 'shop',
  targets: { canary: { baseURL: 'https://canary.shop.example' } },
  stages: { canary: { target: 'canary', suites: ['runbooks/probes.suite.ts'] } },
};

/** The problem lines of an invalid runbook's message (the last line tells the fix). */
function problems(value: unknown): string[] {
  const e = thrown(() => validateRunbook('shop.runbook.ts', value));
  expect(e).toBeInstanceOf(RollgateError);
  expect(e.code).toBe('ROLLGATE_RUNBOOK_INVALID');
  const lines = e.message.split('\n');
  expect(lines.at(-1)).toBe('Fix the field(s) above; nothing was run.');
  return lines.slice(0, -1);
}

describe('validateRunbook', () => {
  it('accepts a valid runbook and applies defaults', () => {
    const rb = validateRunbook('shop.runbook.ts', valid);
    expect(rb.stages.canary).toMatchObject({
      retries: 0,
      flaky: 'hold',
      advisory: [],
      budgets: [],
    });
    expect(rb.targets.canary).toMatchObject({
      secrets: [],
      allowMutations: false,
    });
  });

  it('budgets are declared once for the runbook; a stage overrides one by name', () => {
    const rb = validateRunbook('shop.runbook.ts', {
      ...valid,
      budgets: [
        { name: 'p95-latency', operator: '<=', value: 500, unit: 'ms' },
        { name: 'error-rate', operator: '<', value: 0.001 },
      ],
      stages: {
        canary: {
          ...valid.stages.canary,
          budgets: [{ name: 'error-rate', operator: '<', value: 0.005, lowVolume: 'judge' }],
        },
        production: { ...valid.stages.canary },
      },
    });
    expect(rb.stages.canary!.budgets).toEqual([
      { name: 'p95-latency', operator: '<=', value: 500, unit: 'ms' },
      { name: 'error-rate', operator: '<', value: 0.005, lowVolume: 'judge' },
    ]);
    expect(rb.stages.production!.budgets.map((b) => [b.name, b.value])).toEqual([
      ['p95-latency', 500],
      ['error-rate', 0.001],
    ]);
    expect(
      problems({ ...valid, budgets: [{ name: 'p95', operator: '<=', value: 1, metric: 'p97' }] })[0],
    ).toMatch(/^shop\.runbook\.ts: budgets\.0\.metric: /);
  });

  it('names the file and the field path of a problem', () => {
    expect(problems({ ...valid, stages: { canary: { ...valid.stages.canary, target: 'prod' } } })).toEqual([
      'shop.runbook.ts: stages.canary.target: names target "prod", which is not declared; declare it under targets or use one of: canary',
    ]);
  });

  it('reports every schema problem at once', () => {
    const lines = problems({
      name: 'Shop',
      targets: { canary: { baseURL: 'not a url' } },
      stages: { canary: { target: 'canary', suites: ['runbooks/probes.suite.ts'], timeoutMs: -1 } },
    });
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^shop\.runbook\.ts: name: /);
    expect(lines[1]).toMatch(/^shop\.runbook\.ts: targets\.canary\.baseURL: /);
    expect(lines[2]).toMatch(/^shop\.runbook\.ts: stages\.canary\.timeoutMs: /);
  });

  it('reports a cross-reference problem together with schema problems', () => {
    const lines = problems({
      ...valid,
      name: 'Shop',
      owner: 'team-a',
      stages: { canary: { ...valid.stages.canary, target: 'prod', retries: 9 } },
    });
    expect(lines).toHaveLength(4);
    expect(lines).toContainEqual(expect.stringContaining(': name: use lower-case letters'));
    expect(lines).toContainEqual(expect.stringContaining('owner: unknown field; the fields here are name, '));
    expect(lines).toContainEqual(expect.stringContaining('stages.canary.retries: '));
    expect(lines).toContainEqual(expect.stringContaining('stages.canary.target: names target "prod"'));
  });

  it('rejects unknown keys at every level (strict)', () => {
    expect(problems({ ...valid, owner: 'x' })).toEqual([
      expect.stringMatching(/^shop\.runbook\.ts: owner: unknown field; the fields here are name, /),
    ]);
    expect(
      problems({ ...valid, stages: { canary: { ...valid.stages.canary, suite: ['typo.suite.ts'] } } }),
    ).toEqual(['shop.runbook.ts: stages.canary.suite: unknown field; did you mean `suites`?']);
    expect(
      problems({ ...valid, targets: { canary: { baseURL: 'https://x.example', baseUrl: 'x' } } }),
    ).toEqual(['shop.runbook.ts: targets.canary.baseUrl: unknown field; did you mean `baseURL`?']);
  });

  it('rejects a stage that gates nothing and a target with neither URL nor embedded app', () => {
    const lines = problems({
      name: 'shop',
      targets: { canary: {} },
      stages: { canary: { target: 'canary' } },
    });
    expect(lines).toEqual([
      'shop.runbook.ts: stages.canary: gates nothing: list built-in checks, suites, smoke specs, metric checks or a load profile',
      'shop.runbook.ts: targets.canary: needs a baseURL or an embedded app to start',
    ]);
  });

  it('rejects secrets that are not environment variable names', () => {
    const lines = problems({
      ...valid,
      targets: { canary: { baseURL: 'https://x.example', secrets: ['api-token'] } },
    });
    expect(lines).toEqual([
      expect.stringMatching(
        /^shop\.runbook\.ts: targets\.canary\.secrets\.0: must be an environment variable name/,
      ),
    ]);
  });
});

describe('loadRunbook', () => {
  it('imports a TypeScript runbook and validates its default export, naming it relative to cwd', async () => {
    const dir = dirs.make();
    // The suite it names must exist: paths resolve from the project root (here, `dir`).
    mkdirSync(path.join(dir, 'runbooks'));
    writeFileSync(path.join(dir, 'runbooks/probes.suite.ts'), '');
    writeFileSync(
      path.join(dir, 'shop.runbook.ts'),
      `const timeout: number = 60_000;\nexport default { name: 'shop', targets: { canary: { baseURL: 'https://canary.shop.example' } }, stages: { canary: { target: 'canary', suites: ['runbooks/probes.suite.ts'], timeoutMs: timeout } } };\n`,
    );
    const loaded = await loadRunbook('shop.runbook.ts', dir);
    expect(loaded.file).toBe('shop.runbook.ts');
    expect(loaded.runbook.name).toBe('shop');
    expect(loaded.runbook.stages.canary!.timeoutMs).toBe(60_000);
  });

  it('fails with ROLLGATE_RUNBOOK_NOT_FOUND for a missing file, saying how to fix it', async () => {
    const dir = dirs.make();
    const e = await rejection(loadRunbook('missing.runbook.ts', dir));
    expect(e).toBeInstanceOf(RollgateError);
    expect(e.code).toBe('ROLLGATE_RUNBOOK_NOT_FOUND');
    expect(e.message).toMatch(/^missing\.runbook\.ts: runbook not found/);
    expect(e.message).toContain('--runbook');
  });

  it('fails with ROLLGATE_RUNBOOK_INVALID for a file without a default export', async () => {
    const dir = dirs.make();
    writeFileSync(path.join(dir, 'named.runbook.ts'), `export const runbook = { name: 'shop' };\n`);
    const e = await rejection(loadRunbook('named.runbook.ts', dir));
    expect(e.code).toBe('ROLLGATE_RUNBOOK_INVALID');
    expect(e.message).toMatch(/^named\.runbook\.ts: has no default export/);
  });

  it('fails with ROLLGATE_RUNBOOK_INVALID naming the file for an invalid default export', async () => {
    const dir = dirs.make();
    writeFileSync(
      path.join(dir, 'bad.runbook.ts'),
      `export default { name: 'shop', targets: {}, stages: {}, extra: true };\n`,
    );
    const e = await rejection(loadRunbook('bad.runbook.ts', dir));
    expect(e.code).toBe('ROLLGATE_RUNBOOK_INVALID');
    expect(e.message).toMatch(/^bad\.runbook\.ts: extra: unknown field; /);
  });

  it('fails with ROLLGATE_RUNBOOK_LOAD_FAILED when the module throws on import', async () => {
    const dir = dirs.make();
    writeFileSync(
      path.join(dir, 'throws.runbook.ts'),
      `throw new Error('cannot read config');\nexport default {};\n`,
    );
    const e = await rejection(loadRunbook('throws.runbook.ts', dir));
    expect(e.code).toBe('ROLLGATE_RUNBOOK_LOAD_FAILED');
    expect(e.message).toMatch(/^throws\.runbook\.ts: could not be loaded: .*cannot read config/);
  });
});
