import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { cliIn } from './cli-in.ts';
import { tempDirs } from './helpers.ts';

const dirs = tempDirs('rollgate-validate-load-');
afterAll(() => dirs.cleanup());
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const PROFILE = 'rollgate/load.profile.ts';
const FIX = 'Fix the field(s) above; nothing was run.';

/** A profile file's text: a valid health profile for the canary, with `extra` fields merged in. */
const profileText = (extra = '') =>
  `export default { name: 'health', endpoints: [{ path: '/healthz' }], duration: '1s', stages: ['canary'], ${extra} };\n`;

/**
 * A project as `rollgate init` leaves one: rollgate.runbook.ts with a staging stage (no load) and
 * a canary stage loading rollgate/load.profile.ts, whose text is `profile`. `loadIn` adds stages
 * that load the profile too.
 */
function project(profile: string, loadIn: string[] = []): string {
  const root = dirs.make();
  mkdirSync(path.join(root, 'rollgate'));
  writeFileSync(path.join(root, 'a.suite.ts'), '');
  writeFileSync(path.join(root, PROFILE), profile);
  const stages = ['canary', ...loadIn]
    .map((s) => `${s}: { target: 'app', suites: ['a.suite.ts'], load: { profile: '${PROFILE}' } }`)
    .join(', ');
  writeFileSync(
    path.join(root, 'rollgate.runbook.ts'),
    `export default { name: 'shop', targets: { app: { baseURL: 'http://127.0.0.1:9' } }, stages: { staging: { target: 'app', suites: ['a.suite.ts'] }, ${stages} } };\n`,
  );
  return root;
}

describe('a load profile is checked by validate and plan as the gate checks it', () => {
  it('a misspelt key: validate, plan and gate all exit 2 with one code, the file, the key and the one it meant', async () => {
    const root = project(profileText('conections: 4'));
    const expected = [
      `rollgate: ${PROFILE}: conections: unknown field; did you mean \`connections\`?`,
      FIX,
      '(ROLLGATE_LOAD_PROFILE_INVALID; nothing was run)',
    ];
    for (const args of [
      ['validate'],
      ['plan', 'canary', '--release', '1.0.0'],
      ['gate', 'canary', '--release', '1.0.0'],
    ]) {
      const r = await cliIn(root, args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.split('\n'), args.join(' ')).toEqual(expected);
      expect(r.out, args.join(' ')).toBe('');
    }
    expect(readdirSync(root)).not.toContain('reports'); // nothing ran, nothing was written
  });

  it('every problem at once, nested fields by their path; an unknown key nothing is near lists the fields', async () => {
    const root = project(
      profileText(
        "endpoints: [{ path: '/a', wieght: 2 }], warmpu: '1s', colour: 'red', auth: { login: { usernameEnv: 'U', passwordEnv: 'P', fields: { csfr: false } } }",
      ),
    );
    const r = await cliIn(root, ['validate']);
    expect(r.code).toBe(2);
    const lines = r.err.replace(/^rollgate: /, '').split('\n');
    expect(lines).toContain(`${PROFILE}: warmpu: unknown field; did you mean \`warmup\`?`);
    expect(lines).toContain(`${PROFILE}: endpoints.0.wieght: unknown field; did you mean \`weight\`?`);
    expect(lines).toContain(`${PROFILE}: auth.login.fields.csfr: unknown field; did you mean \`csrf\`?`);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^rollgate\/load\.profile\.ts: colour: unknown field; the fields here are name, description, endpoints, auth, .*connections, duration, warmup/,
      ),
    );
    expect(lines.at(-1)).toBe('(ROLLGATE_LOAD_PROFILE_INVALID; nothing was run)');
  });

  it('validate checks every stage: a stage the profile does not allow is refused with its own code', async () => {
    const root = project(profileText(), ['production']);
    const r = await cliIn(root, ['validate']);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')).toEqual([
      `rollgate: ${PROFILE}: stages: stage "production" loads profile "health", which may run only in canary; add "production" to its stages or give the stage another profile`,
      FIX,
      '(ROLLGATE_LOAD_STAGE_REFUSED; nothing was run)',
    ]);
    // plan of the allowed stage is fine; plan of the other is refused as its gate would be.
    // (exit 1 only for the empty suite this project has, a plan problem, not a refusal)
    const allowed = await cliIn(root, ['plan', 'canary', '--release', '1.0.0']);
    expect([allowed.code, allowed.err]).toEqual([1, '']);
    const plan = await cliIn(root, ['plan', 'production', '--release', '1.0.0']);
    expect(plan.code).toBe(2);
    expect(plan.err).toContain('(ROLLGATE_LOAD_STAGE_REFUSED; nothing was run)');
  });

  it('a profile without a default export says how to write one', async () => {
    const r = await cliIn(project('export const profile = {};\n'), ['validate']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      `${PROFILE}: has no default export. Write \`export default defineLoadProfile({...})\`.`,
    );
    expect(r.err).toContain('(ROLLGATE_LOAD_PROFILE_INVALID; nothing was run)');
  });

  it('a valid profile: validate passes and lists it in --json; plan describes it', async () => {
    const root = project(profileText("connections: 4, warmup: '500ms'"));
    const v = await cliIn(root, ['validate', '--json']);
    expect(v.code, v.err).toBe(0);
    expect(JSON.parse(v.out)).toEqual({
      valid: true,
      file: 'rollgate.runbook.ts',
      stages: ['staging', 'canary'],
      loadProfiles: [{ file: PROFILE, name: 'health', stages: ['canary'] }],
    });
    const p = await cliIn(root, ['plan', 'canary', '--release', '1.0.0']);
    expect([p.code, p.err]).toEqual([1, '']); // 1: the empty suite is a plan problem
    expect(p.out).toContain(
      `  load ${PROFILE} (engine auto)\n    profile health: 1 endpoint(s), 4 connections, 1000 ms after a 500 ms warm-up`,
    );
  });
});
