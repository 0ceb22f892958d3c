import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/model/check-result.ts';
import type { AuditPolicy } from '../../src/model/declarations.ts';
import { declare, runOne } from './helpers.ts';

/**
 * The dependency-audit built-in on recorded `npm audit --json` reports (test/fixtures/audit/, npm 7+
 * report version 2) and on real npm runs in throw-away packages.
 */
const FIXTURES = 'test/fixtures/audit';
const dir = mkdtempSync(path.join(tmpdir(), 'rollgate-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type AuditInput = Partial<Omit<AuditPolicy, 'budget'>> & { budget?: AuditPolicy['budget'] };

function audit(a: AuditInput, env: NodeJS.ProcessEnv = {}): Promise<CheckResult> {
  return runOne(declare({ audit: a }, { checks: ['dependency-audit'] }), {
    baseURL: 'http://127.0.0.1:9',
    env,
  });
}

const recorded = (file: string, budget?: AuditPolicy['budget']) =>
  audit({ report: `${FIXTURES}/${file}`, ...(budget ? { budget } : {}) });

const summary = (r: CheckResult) =>
  JSON.parse(r.evidence.find((e) => e.name === 'dependency-audit.json')?.body ?? '{}') as {
    source: { kind: string; mtime?: string };
    counts: Record<string, number>;
    overBudget: string[];
    packages: {
      name: string;
      severity: string;
      fixAvailable: unknown;
      advisories: { title: string; url: string }[];
    }[];
  };

describe('dependency-audit: a recorded report', () => {
  it('passes a clean report, measuring each budgeted severity (critical and high by default)', async () => {
    const r = await recorded('clean.json');
    expect(r.id).toBe('hygiene/dependency-audit');
    expect(r.status, r.message).toBe('passed');
    expect(r.measurements.map((m) => [m.name, m.actual, m.operator, m.expected, m.passed])).toEqual([
      ['audit-critical', 0, '<=', 0, true],
      ['audit-high', 0, '<=', 0, true],
    ]);
    expect(r.measurements[0]!.note).toMatch(
      /^recorded report test\/fixtures\/audit\/clean\.json \(written \d{4}-/,
    );
    expect(summary(r)).toMatchObject({
      counts: { critical: 0, high: 0, moderate: 0 },
      overBudget: [],
      packages: [],
    });
  });

  it('fails a high advisory over the budget, naming the package, its advisory and the fix', async () => {
    const r = await recorded('high-moderate.json', { critical: 0, high: 0 });
    expect(r.status).toBe('failed');
    expect(r.message).toContain('dependency advisories over budget, high 1 (budget 0)');
    expect(r.message).toContain(
      '- high lodash <=4.17.20 (direct): Command Injection in lodash https://github.com/advisories/GHSA-35jh-r3h4-6jhm; fix available',
    );
    // Moderate is not budgeted: not named as over budget.
    expect(r.message).not.toContain('word-wrap');
    expect(r.measurements.find((m) => m.name === 'audit-high')).toMatchObject({
      actual: 1,
      expected: 0,
      passed: false,
    });
    const s = summary(r);
    expect(s.counts).toMatchObject({ high: 1, moderate: 2, critical: 0 });
    expect(s.overBudget).toEqual(['high']);
    expect(s.packages.find((p) => p.name === 'lodash')).toMatchObject({
      severity: 'high',
      fixAvailable: true,
      advisories: [
        { title: 'Command Injection in lodash', url: 'https://github.com/advisories/GHSA-35jh-r3h4-6jhm' },
      ],
    });
  });

  it('passes moderate advisories the budget allows, the severities it does not name unlimited', async () => {
    const r = await recorded('high-moderate.json', { moderate: 5 });
    expect(r.status, r.message).toBe('passed');
    expect(r.measurements.map((m) => [m.name, m.actual, m.expected])).toEqual([['audit-moderate', 2, 5]]);
  });

  it('names a package vulnerable through another by that package’s advisory', async () => {
    const r = await recorded('high-moderate.json', { moderate: 1 });
    expect(r.status).toBe('failed');
    expect(r.message).toContain(
      '- moderate optionator 0.8.0 - 0.9.1: word-wrap vulnerable to Regular Expression Denial of Service https://github.com/advisories/GHSA-j8xg-fqg3-53r7 (in word-wrap)',
    );
    expect(r.message).toContain('- moderate word-wrap <1.2.4: word-wrap vulnerable');
  });

  it('fails critical advisories: audit-critical 2 (<= 0), with the fixing update', async () => {
    const r = await recorded('critical.json');
    expect(r.status).toBe('failed');
    expect(r.measurements.find((m) => m.name === 'audit-critical')).toMatchObject({
      actual: 2,
      operator: '<=',
      expected: 0,
      passed: false,
    });
    expect(r.message).toContain('critical 2 (budget 0)');
    expect(r.message).toContain('- critical minimist <0.2.4: Prototype Pollution in minimist');
    expect(r.message).toContain('fix available: mkdirp@0.5.6');
    expect(r.message).toContain('- critical mkdirp 0.4.1 - 0.5.1 (direct): Prototype Pollution in minimist');
  });

  it('says how old the recording is, in the message and the evidence', async () => {
    const file = path.join(dir, 'old.json');
    copyFileSync(path.join(FIXTURES, 'critical.json'), file);
    const written = new Date(Date.now() - 3 * 86_400_000 - 3_600_000);
    utimesSync(file, written, written);
    const r = await audit({ report: file });
    expect(r.status).toBe('failed');
    expect(r.message).toContain(`recorded report ${file} (written ${written.toISOString()}, 3 days old)`);
    expect(summary(r).source).toMatchObject({ kind: 'recorded', mtime: written.toISOString(), ageDays: 3 });
  });

  it('reads an environment variable in the report path; an unset one errors', async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: rollgate expands ${NAME} in a declared path
    const report = '${AUDIT_DIR}/clean.json';
    const ok = await audit({ report }, { AUDIT_DIR: FIXTURES });
    expect(ok.status, ok.message).toBe('passed');
    const unset = await audit({ report });
    expect(unset.status).toBe('errored');
    expect(unset.code).toBe('ROLLGATE_MISSING_ENV');
    expect(unset.message).toContain('AUDIT_DIR');
  });

  it('errors on a missing report', async () => {
    const r = await recorded('missing.json');
    expect(r.status).toBe('errored');
    expect(r.code).toBe('ROLLGATE_CONFIG');
    expect(r.message).toContain('cannot read test/fixtures/audit/missing.json (ENOENT)');
  });

  it('errors on output that is not JSON', async () => {
    const r = await recorded('garbage.txt');
    expect(r.status).toBe('errored');
    expect(r.message).toContain('not an npm audit --json report (v2)');
    expect(r.message).toContain('is not JSON');
  });

  it('errors on an npm 6 (v1) report', async () => {
    const r = await recorded('v1.json');
    expect(r.status).toBe('errored');
    expect(r.message).toContain('not an npm audit --json report (v2)');
    expect(r.message).toContain('npm 6 report');
  });

  it('errors on JSON of another shape, naming what is missing', async () => {
    const file = path.join(dir, 'other.json');
    writeFileSync(file, JSON.stringify({ auditReportVersion: 2, vulnerabilities: {} }));
    const r = await audit({ report: file });
    expect(r.status).toBe('errored');
    expect(r.message).toContain('not an npm audit --json report (v2)');
    expect(r.message).toContain('metadata');
  });

  it('errors on a recorded npm error (the registry refused the audit)', async () => {
    const r = await recorded('npm-error.json');
    expect(r.status).toBe('errored');
    expect(r.message).toContain('npm audit failed');
    expect(r.message).toContain('405 Method Not Allowed');
  });
});

/** A package with no dependencies and a lockfile (version 3): npm audits it without the registry. */
function tinyPackage(name: string, lockfile = true): string {
  const pkg = path.join(dir, name);
  mkdirSync(pkg, { recursive: true });
  writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true }));
  if (lockfile)
    writeFileSync(
      path.join(pkg, 'package-lock.json'),
      JSON.stringify({
        name,
        version: '1.0.0',
        lockfileVersion: 3,
        requires: true,
        packages: { '': { name, version: '1.0.0' } },
      }),
    );
  return pkg;
}

describe('dependency-audit: npm audit run now', () => {
  it('passes a package without advisories, parsing what npm printed', async () => {
    const pkg = tinyPackage('tiny');
    const r = await audit({ dir: pkg }, process.env);
    expect(r.status, r.message).toBe('passed');
    expect(r.measurements.map((m) => m.name)).toEqual(['audit-critical', 'audit-high']);
    expect(r.measurements[0]!.note).toBe(`npm audit --json --omit=dev in ${pkg}`);
    const raw = JSON.parse(r.evidence.find((e) => e.name === 'npm-audit.json')!.body!);
    expect(raw).toMatchObject({ auditReportVersion: 2, vulnerabilities: {} });
    expect(summary(r).source).toMatchObject({ kind: 'live', command: 'npm audit --json --omit=dev' });
  });

  it('errors with npm’s reason when npm cannot audit (no lockfile)', async () => {
    const r = await audit({ dir: tinyPackage('no-lock', false), omitDev: false }, process.env);
    expect(r.status).toBe('errored');
    expect(r.message).toContain('npm audit failed');
    expect(r.message).toContain('ENOLOCK');
  });

  it('errors when npm is not on PATH', async () => {
    const empty = path.join(dir, 'empty-bin');
    mkdirSync(empty, { recursive: true });
    const r = await audit({ dir: tinyPackage('tiny') }, { PATH: empty });
    expect(r.status).toBe('errored');
    expect(r.message).toContain('npm could not be started');
  });

  it('errors when audit.dir does not exist', async () => {
    const r = await audit({ dir: path.join(dir, 'nowhere') }, process.env);
    expect(r.status).toBe('errored');
    expect(r.code).toBe('ROLLGATE_CONFIG');
  });
});
