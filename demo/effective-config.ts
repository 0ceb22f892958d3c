/**
 * The demo's effective deploy configuration: a fly.toml-style file written at start-up, as deploy
 * tooling renders one from templates. Healthy, it references secrets (`${NAME}`); under the
 * `leaky-config` fault it carries a credentialed database URL, which the hygiene suite must catch.
 *
 * It is written outside the demo's data folder on purpose: the embedded demo keeps its database
 * in the gate's run folder under `reports/`, and nothing secret may ever land there.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FaultPlan } from './faults.ts';

/** The fake password of the `leaky-config` fault; tests search every output for it. */
export const LEAKY_DATABASE_PASSWORD = 'Leaky-S3cr3t-q7Zt9x';
const LEAKY_DATABASE_URL = `postgres://app:${LEAKY_DATABASE_PASSWORD}@db.internal:5432/estimates`;

const FILE_NAME = 'demo-config.toml';

/**
 * Where the demo started with this environment writes its effective config: `DEMO_CONFIG_FILE`,
 * else a temp folder keyed by database URL and working directory, so a gate's suites (same
 * environment, same cwd) find the very file their demo wrote, and parallel gates never share one.
 */
export function effectiveConfigPath(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  if (env.DEMO_CONFIG_FILE?.trim()) return path.resolve(cwd, env.DEMO_CONFIG_FILE.trim());
  const url = env.DEMO_DATABASE_URL?.trim() || 'sqlite:.demo-data/demo.sqlite';
  const key = createHash('sha256')
    .update(`${path.resolve(cwd)}\0${url}`)
    .digest('hex')
    .slice(0, 16);
  return path.join(tmpdir(), `rollgate-demo-config-${key}`, FILE_NAME);
}

export interface EffectiveConfig {
  environment: string;
  version: string;
  faults: FaultPlan;
}

/** `${NAME}`: how the platform is told to inject a secret at deploy time. */
const ref = (name: string) => `\${${name}}`;

/** The file's text; secrets appear only as `${NAME}` references unless the fault leaks one. */
export function renderEffectiveConfig(c: EffectiveConfig): string {
  const databaseUrl = c.faults.leakyConfig ? LEAKY_DATABASE_URL : ref('DEMO_DATABASE_URL');
  return [
    '# Effective deploy configuration of the rollgate demo, written at start-up.',
    `# Secrets are referenced as ${ref('NAME')} and injected by the platform, never written here.`,
    'app = "rollgate-demo"',
    '',
    '[env]',
    `DEMO_ENVIRONMENT = ${JSON.stringify(c.environment)}`,
    `DEMO_VERSION = ${JSON.stringify(c.version)}`,
    `DATABASE_URL = "${databaseUrl}"`,
    `SESSION_SECRET = "${ref('SESSION_SECRET')}"`,
    '',
  ].join('\n');
}

/** Writes the file (replacing a leaky one from an earlier start) and returns its path. */
export function writeEffectiveConfig(file: string, c: EffectiveConfig): string {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, renderEffectiveConfig(c), { mode: 0o600 });
  return file;
}

/** Removes the file, and the temp folder only when {@link effectiveConfigPath} made it up. */
export function removeEffectiveConfig(file: string): void {
  rmSync(file, { force: true });
  const dir = path.dirname(file);
  const derived = /^rollgate-demo-config-[0-9a-f]{16}$/.test(path.basename(dir));
  if (derived && path.dirname(dir) === tmpdir() && path.basename(file) === FILE_NAME) {
    rmSync(dir, { recursive: true, force: true });
  }
}
