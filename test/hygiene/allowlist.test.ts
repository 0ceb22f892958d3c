import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllowlist, SecretAllowlistError } from '../../src/checks/secrets/secret-allowlist.ts';
import { scanSecrets } from '../../src/checks/secrets/secret-scan.ts';
import { tempDirs, thrown, writeTree } from './helpers.ts';

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

const DEV_PASSWORD = 'dev-only-Pw-3kd9';
const PROD_PASSWORD = 'prod-Pw-8sLq2Zx';

function project(): string {
  return writeTree(dirs.make(), {
    'docker-compose.dev.yml': `services:\n  db:\n    environment:\n      URL: "postgres://app:${DEV_PASSWORD}@localhost:5432/dev"\n`,
    'fly.toml': `[env]\n  DATABASE_URL = "postgres://app:${PROD_PASSWORD}@db.internal:5432/app"\n`,
  });
}
const files = ['docker-compose*.yml', 'fly.toml'];

describe('secret allowlist', () => {
  it('an entry with a reason moves the finding it names to `allowed`, reason attached', async () => {
    const allowlist = [
      {
        file: 'docker-compose.dev.yml',
        rule: 'rollgate/url-credentials',
        reason: 'local throwaway database',
      },
    ];
    const r = await scanSecrets({ files, root: project(), allowlist });
    expect(r.findings.map((f) => f.file)).toEqual(['fly.toml']);
    expect(r.allowed).toEqual([
      expect.objectContaining({
        file: 'docker-compose.dev.yml',
        line: 4,
        reason: 'local throwaway database',
      }),
    ]);
    expect(r.measurement).toMatchObject({ actual: 1, passed: false });
  });

  it('matches by the SHA-256 of the value, so the value is never written down, and by line pattern', async () => {
    const sha256 = createHash('sha256').update(PROD_PASSWORD).digest('hex');
    const r = await scanSecrets({
      files,
      root: project(),
      allowlist: [
        { sha256, reason: 'rotated on 2026-01-10, kept as a canary token' },
        { pattern: '@localhost:', reason: 'points at the developer machine' },
      ],
    });
    expect(r.findings).toEqual([]);
    expect(r.allowed.map((a) => a.reason)).toEqual([
      'points at the developer machine',
      'rotated on 2026-01-10, kept as a canary token',
    ]);
    expect(r.measurement.passed).toBe(true);
  });

  it('an entry whose fields do not all match accepts nothing', async () => {
    const r = await scanSecrets({
      files,
      root: project(),
      allowlist: [{ file: 'fly.toml', rule: 'aws', reason: 'wrong rule on purpose' }],
    });
    expect(r.findings).toHaveLength(2);
  });

  it.each([
    [{ file: 'fly.toml' }, /entry 0\.reason: needs a reason/],
    [{ file: 'fly.toml', reason: '   ' }, /entry 0\.reason: needs a reason/],
    [{ reason: 'matches everything' }, /entry 0: must name a rule, file, pattern or sha256/],
    [{ pattern: '(', reason: 'bad regex' }, /entry 0\.pattern: is not a valid regular expression/],
    [{ sha256: 'abc', reason: 'short' }, /entry 0\.sha256: must be 64 hex digits/],
    [{ file: 'fly.toml', reason: 'x', because: 'typo' }, /entry 0: Unrecognized key/],
  ])('rejects %j as a configuration error, before scanning anything', async (entry, message) => {
    const error = await thrown(() => scanSecrets({ files, root: project(), allowlist: [entry] }));
    expect(error).toBeInstanceOf(SecretAllowlistError);
    expect(error.message).toMatch(message);
  });

  it('reports every bad entry at once, and never echoes a value written into an entry', () => {
    const error = (() => {
      try {
        parseAllowlist([{ pattern: PROD_PASSWORD }, { file: 'a' }]);
      } catch (e) {
        return e as Error;
      }
    })()!;
    expect(error.message.split('\n')).toEqual([
      'secret allowlist entry 0.reason: needs a reason: say why this finding is not a leak',
      'secret allowlist entry 1.reason: needs a reason: say why this finding is not a leak',
    ]);
    expect(error.message).not.toContain(PROD_PASSWORD);
  });
});
