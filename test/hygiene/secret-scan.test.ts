import { generateKeyPairSync } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckFailure, ObservationError } from '../../src/checks/authoring/errors.ts';
import { describeFinding, scanSecrets } from '../../src/checks/secrets/secret-scan.ts';
import { tempDirs, thrown, writeTree } from './helpers.ts';

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

const DB_PASSWORD = 'db-Pw-4hT8qLz';
const REDIS_PASSWORD = 'redis-Pw-7yN2vKc';
const AWS_SECRET = '2KbQ8vJk3xW9pLm4Zr7TnYc5HsGd1FuEaBoVqXiM';
const { privateKey } = generateKeyPairSync('ec', {
  namedCurve: 'P-256',
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const KEY_BODY = privateKey.split('\n')[1]!;
const SECRETS = [DB_PASSWORD, REDIS_PASSWORD, AWS_SECRET, KEY_BODY];

/** A project whose deploy files leak one secret each, in the formats teams ship. */
function leakyProject(): string {
  return writeTree(dirs.make(), {
    'fly.toml': `app = "estimates"\n\n[env]\n  DATABASE_URL = "postgres://app:${DB_PASSWORD}@db.internal:5432/app"\n`,
    'docker-compose.prod.yml': `services:\n  web:\n    environment:\n      REDIS_URL: "rediss://:${REDIS_PASSWORD}@cache:6380/0"\n`,
    '.env.production': `NODE_ENV=production\naws_secret_access_key = ${AWS_SECRET}\n`,
    'deploy/tls.yml': `tls:\n  key: |\n${privateKey
      .trim()
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n')}\n`,
    'deploy/clean.json': JSON.stringify({ databaseUrl: `postgres://app:\${DB_PASSWORD}@db/app` }),
    'src/app.ts': `const url = "postgres://app:${DB_PASSWORD}@db/app"; // not a declared config file`,
  });
}

const GLOBS = ['fly.toml', 'docker-compose*.yml', '.env*', 'deploy/**/*.{yml,yaml,json}'];

describe('scanSecrets', () => {
  it('names file, line and rule of each secret in the declared files, and only those files', async () => {
    const root = leakyProject();
    const r = await scanSecrets({ files: GLOBS, root });
    expect(r.files).toEqual([
      '.env.production',
      'deploy/clean.json',
      'deploy/tls.yml',
      'docker-compose.prod.yml',
      'fly.toml',
    ]);
    expect(r.findings.map((f) => [f.file, f.line, f.rule])).toEqual([
      ['.env.production', 2, '@secretlint/secretlint-rule-aws'],
      ['deploy/tls.yml', 3, '@secretlint/secretlint-rule-privatekey'],
      ['docker-compose.prod.yml', 4, 'rollgate/url-credentials'],
      ['fly.toml', 4, 'rollgate/url-credentials'],
    ]);
    expect(r.measurement).toMatchObject({
      name: 'secret-findings',
      actual: 4,
      expected: 0,
      samples: 5,
      passed: false,
    });
    const fly = r.findings.find((f) => f.file === 'fly.toml')!;
    expect(fly.excerpt).toBe('  DATABASE_URL = "postgres://app:***');
    expect(describeFinding(fly)).toMatch(
      /^fly\.toml:4:34 rollgate\/url-credentials: found a password inside a postgres:\/\//,
    );
  });

  it('never lets a value out: not in messages, excerpts, JSON of the result, or the failure thrown from it', async () => {
    const r = await scanSecrets({ files: GLOBS, root: leakyProject() });
    const failure = new CheckFailure(r.findings.map(describeFinding).join('\n'));
    for (const text of [JSON.stringify(r), failure.message, String(failure.stack)]) {
      for (const secret of SECRETS) expect(text).not.toContain(secret);
    }
  });

  it('masks every value on a line that holds two, in both excerpts', async () => {
    const root = writeTree(dirs.make(), {
      'app.env': `URLS=postgres://u:${DB_PASSWORD}@db/app,redis://:${REDIS_PASSWORD}@cache\n`,
    });
    const r = await scanSecrets({ files: ['app.env'], root });
    expect(r.findings.map((f) => f.excerpt)).toEqual([
      'URLS=postgres://u:***',
      'URLS=postgres://u:***@db/app,redis://:***',
    ]);
  });

  it('passes a clean project: env-var references are not secrets, and samples count the files', async () => {
    const root = writeTree(dirs.make(), {
      'fly.toml': `[env]\n  DATABASE_URL = "postgres://app:\${DB_PASSWORD}@db.internal/app"\n`,
      '.env.example': `REDIS_URL=redis://:\${REDIS_PASSWORD}@cache:6379\nSESSION_SECRET=\n`,
    });
    const r = await scanSecrets({ files: ['fly.toml', '.env*'], root });
    expect(r.findings).toEqual([]);
    expect(r.measurement).toMatchObject({ actual: 0, samples: 2, passed: true });
  });

  it('errors, never passes, when no declared file matched: a typo in a glob is not "no secrets"', async () => {
    const root = writeTree(dirs.make(), { 'fly.toml': 'app = "x"\n' });
    const error = await thrown(() => scanSecrets({ files: ['flyy.toml', 'config/*.yml'], root }));
    expect(error).toBeInstanceOf(ObservationError);
    expect((error as ObservationError).code).toBe('ROLLGATE_NO_CONFIG_FILES');
    expect(error.message).toMatch(/^no config files matched: flyy\.toml, config\/\*\.yml under /);
    expect(await thrown(() => scanSecrets({ files: [], root }))).toBeInstanceOf(ObservationError);
  });

  it('names an absolute path outside the root as it is', async () => {
    const outside = writeTree(dirs.make(), { 'demo.toml': `URL = "amqps://u:${DB_PASSWORD}@mq/vh"\n` });
    const r = await scanSecrets({ files: [`${outside}/demo.toml`], root: dirs.make() });
    expect(r.findings.map((f) => f.file)).toEqual([`${outside}/demo.toml`]);
  });
});
