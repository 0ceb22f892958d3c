import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, NO_BROWSER_HELP } from '../../src/config/browser.ts';
import { buildHtmlReport } from '../../src/reporters/html-report.ts';

const FAILED = 'deployed version equals the release';
const root = mkdtempSync(path.join(tmpdir(), 'rollgate-html-report-'));
const browser = findChromium();

/** One allure-results file shaped like src/reporters/allure.ts writes them. */
function writeResult(dir: string, id: string, name: string, status: string, extra: object = {}) {
  const start = 1763780000000;
  const result = {
    uuid: randomUUID(),
    historyId: `history-${id}`,
    testCaseId: `case-${id}`,
    name,
    fullName: `demo/canary/${id}`,
    status,
    statusDetails: { message: status === 'passed' ? '' : `${id} is ${status}` },
    stage: 'finished',
    start,
    stop: start + 100,
    labels: [
      { name: 'parentSuite', value: 'demo / canary' },
      { name: 'suite', value: 'runbooks/probes.suite.ts' },
      { name: 'epic', value: 'demo' },
      { name: 'feature', value: 'canary' },
      { name: 'tag', value: 'blocking' },
    ],
    parameters: [{ name: 'check id', value: id }],
    links: [],
    steps: [],
    attachments: [],
    ...extra,
  };
  writeFileSync(path.join(dir, `${result.uuid}-result.json`), JSON.stringify(result));
}

/** Two results dirs (as two gate runs would leave), covering every Allure status and an attachment. */
function makeFixture(): string[] {
  const a = path.join(root, 'stage-a', 'allure-results');
  const b = path.join(root, 'stage-b', 'allure-results');
  for (const dir of [a, b]) mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(a, 'abc-attachment.txt'), 'HTTP/1.1 200 OK\n{"version":"0.0.0-wrong"}\n');
  writeResult(a, 'version-matches', FAILED, 'failed', {
    statusDetails: { message: 'version: 0.0.0-wrong == 0.1.0' },
    steps: [
      {
        name: 'version: 0.0.0-wrong violates == 0.1.0 (1 sample)',
        status: 'failed',
        stage: 'finished',
        start: 1763780000000,
        stop: 1763780000000,
        steps: [],
        attachments: [],
        parameters: [],
      },
    ],
    attachments: [{ name: 'response', source: 'abc-attachment.txt', type: 'text/plain' }],
  });
  writeResult(a, 'health-ok', 'health endpoint answers 200', 'passed');
  writeResult(b, 'db-reachable', 'database is reachable', 'broken');
  writeResult(b, 'feature-flag', 'feature flag is off', 'skipped');
  writeFileSync(path.join(a, 'environment.properties'), 'release=0.1.0\nstage=canary\n');
  return [a, b];
}

describe('buildHtmlReport', () => {
  const outDir = path.join(root, 'report');
  const historyFile = path.join(root, 'history', 'allure-history.jsonl');
  let file = '';
  // Only Allure's own names: the rest of the tree may change under a concurrent edit.
  const allureEntries = () => readdirSync(process.cwd()).filter((f) => /allure/i.test(f));
  let cwdBefore: string[] = [];

  beforeAll(async () => {
    cwdBefore = allureEntries();
    const resultsDirs = makeFixture();
    // Built twice so the second report has a previous run in its history.
    await buildHtmlReport({ resultsDirs, outDir, historyFile, name: 'rollgate demo' });
    const started = Date.now();
    ({ file } = await buildHtmlReport({ resultsDirs, outDir, historyFile, name: 'rollgate demo' }));
    console.info(`html-report: built in ${Date.now() - started} ms`);
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes exactly one self-contained index.html and nothing in cwd', () => {
    expect(file).toBe(path.join(outDir, 'index.html'));
    expect(readdirSync(outDir)).toEqual(['index.html']);
    expect(allureEntries()).toEqual(cwdBefore);
    const html = readFileSync(file, 'utf8');
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);
    expect(html).not.toContain('googletagmanager');
    expect(html).toContain('Content-Security-Policy');
  });

  it('appends one history point per build', () => {
    const lines = readFileSync(historyFile, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
  });

  // No skip without a browser: CI installs Chromium, and a skipped proof is no proof.
  it('renders offline in Chromium with every network request blocked', async () => {
    if (!browser) throw new Error(NO_BROWSER_HELP);
    const instance = await chromium.launch({ executablePath: browser?.executablePath });
    try {
      const context = await instance.newContext({ viewport: { width: 1400, height: 900 } });
      const blocked: string[] = [];
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file:')) return route.continue();
        blocked.push(url);
        return route.abort();
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(pathToFileURL(file).href);
      // The awesome UI opens on the results tree, suites expanded: the check name is a visible leaf.
      await page.getByText(FAILED).first().waitFor({ timeout: 30_000 });
      await expect(page.getByText('health endpoint answers 200').first().isVisible()).resolves.toBe(true);
      await page.screenshot({ path: '/tmp/allure-report.png', fullPage: true });
      // The detail view proves attachments were inlined too (and that the CSP lets them render).
      await page.getByText(FAILED).first().click();
      // Beside steps, Allure shows attachments collapsed: expand the one named in the fixture.
      await page.getByText('response', { exact: true }).first().click();
      await page.getByText('HTTP/1.1 200 OK').first().waitFor({ timeout: 10_000 });
      await page.screenshot({ path: '/tmp/allure-report-detail.png', fullPage: true });
      expect(blocked).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await instance.close();
    }
  });
});
