import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { effectiveConfigPath, LEAKY_DATABASE_PASSWORD } from '../../demo/effective-config.ts';
import { FAULT_NAMES } from '../../demo/faults.ts';
import { scanSecrets } from '../../src/checks/secrets/secret-scan.ts';
import { tempDirs } from './helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dirs = tempDirs();
afterAll(() => dirs.cleanup());

/** Starts `tsx demo/main.ts` as a deployment would, waits for its ready line, returns a stopper. */
async function startMain(env: Record<string, string>) {
  const cwd = dirs.make();
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(DEMO_|PORT$)/.test(k)));
  const fullEnv = { ...base, PORT: '0', DEMO_DATABASE_URL: `sqlite:${cwd}/demo.sqlite`, ...env };
  const child = execa(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'demo/main.ts')], {
    cwd,
    env: fullEnv,
    extendEnv: false,
    reject: false,
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('listening on') && resolve());
    void child.then((r) => reject(new Error(`demo exited early: ${r.stderr}`)));
  });
  return {
    file: effectiveConfigPath(fullEnv, cwd),
    async stop() {
      child.kill('SIGTERM');
      return child;
    },
  };
}

describe('demo fault leaky-config', () => {
  it('is a registered fault', () => {
    expect(FAULT_NAMES).toContain('leaky-config');
  });

  it('the demo writes a credentialed URL into its effective config; the scan names file, line and rule', async () => {
    const demo = await startMain({ DEMO_FAULTS: 'leaky-config' });
    try {
      const text = readFileSync(demo.file, 'utf8');
      expect(text).toContain(LEAKY_DATABASE_PASSWORD);
      const line = text.split('\n').findIndex((l) => l.startsWith('DATABASE_URL')) + 1;
      const r = await scanSecrets({ files: [demo.file] });
      expect(r.findings.map((f) => [f.file, f.line, f.rule])).toEqual([
        [demo.file, line, 'rollgate/url-credentials'],
      ]);
      expect(JSON.stringify(r)).not.toContain(LEAKY_DATABASE_PASSWORD);
    } finally {
      const exited = await demo.stop();
      expect(exited.all ?? `${exited.stdout}${exited.stderr}`).not.toContain(LEAKY_DATABASE_PASSWORD);
    }
    // Stopping removes it, so no stale leaky file outlives its demo.
    expect(existsSync(demo.file)).toBe(false);
  });

  it('a healthy demo writes references only, and the repository deploy files are clean', async () => {
    const demo = await startMain({});
    try {
      const r = await scanSecrets({ files: ['demo/deploy/*', demo.file], root: ROOT });
      expect(r.files).toEqual(
        expect.arrayContaining(['demo/deploy/.env.example', 'demo/deploy/docker-compose.yml', demo.file]),
      );
      expect(r.findings).toEqual([]);
      expect(r.measurement).toMatchObject({ passed: true, samples: r.files.length });
      expect(readFileSync(demo.file, 'utf8')).toContain(`DATABASE_URL = "\${DEMO_DATABASE_URL}"`);
    } finally {
      await demo.stop();
    }
  });

  it('DEMO_CONFIG_FILE chooses where the file goes, and parallel demos get different default files', () => {
    expect(effectiveConfigPath({ DEMO_CONFIG_FILE: 'cfg/demo.toml' }, '/srv/app')).toBe(
      '/srv/app/cfg/demo.toml',
    );
    const a = effectiveConfigPath({ DEMO_DATABASE_URL: 'sqlite:/runs/a/demo.sqlite' }, '/srv/app');
    const b = effectiveConfigPath({ DEMO_DATABASE_URL: 'sqlite:/runs/b/demo.sqlite' }, '/srv/app');
    expect(a).not.toBe(b);
    expect(a.startsWith('/runs')).toBe(false);
  });
});
