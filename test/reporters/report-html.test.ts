import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, NO_BROWSER_HELP } from '../../src/config/browser.ts';
import { cliIn } from '../unit/cli-in.ts';
import { promoteThenHold, TITLES, WRONG_VERSION_BODY } from './report-fixture.ts';

/**
 * The acceptance of the report: after a PROMOTE and a HOLD recorded by publish() (as a gate
 * records them), `rollgate report` writes one index.html that, opened from disk in Chromium with
 * every non-file request refused, shows both runs, the failing check with its measurement and
 * attachment, the trend, and the categories. Everything is read from the rendered page.
 */

const root = mkdtempSync(path.join(tmpdir(), 'rollgate-report-html-'));
const reportsDir = path.join(root, 'reports');
const VERDICT_HOLD = 'demo/canary verdict: HOLD (release 0.1.0)';
let file = '';
let promoteRunId = '';
let browser: Browser;
let page: Page;
/** Every request that was not for a file: refused, and listed here. */
const attempted: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  const runs = await promoteThenHold(reportsDir);
  promoteRunId = runs.promote.verdict.runId;
  const r = await cliIn(root, ['report']);
  expect(r.code, r.err).toBe(0);
  expect(r.out).toContain('1 stage(s) (canary HOLD), 1 earlier run(s) in the history');
  file = path.join(reportsDir, 'html', 'index.html');
  const found = findChromium();
  // No skip without a browser: CI installs Chromium, and a skipped proof is no proof.
  if (!found) throw new Error(NO_BROWSER_HELP);
  browser = await chromium.launch({ executablePath: found.executablePath });
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  await context.route('**', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    attempted.push(url);
    return route.abort();
  });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const started = Date.now();
  await page.goto(pathToFileURL(file).href);
  await page.getByTestId('tree-leaf').first().waitFor({ timeout: 60_000 });
  console.info(`report-html: first render in ${Date.now() - started} ms`);
});

afterAll(async () => {
  await browser?.close();
  rmSync(root, { recursive: true, force: true });
});

/** One page for every test: the report is a single-page app, so moving is a hash change, not a reload. */
async function open(hash = ''): Promise<Page> {
  await page.evaluate((h) => {
    window.location.hash = h;
  }, hash);
  return page;
}

/** The page's text as rendered: with the layout's line breaks between a parameter's name and value. */
// biome-ignore lint/performance/useDomNodeTextContent: Playwright's rendered text is the point here
const rendered = () => page.locator('body').innerText();

/** The tree's leaves as "title: status", read from the rendered tree. */
async function leaves(): Promise<string[]> {
  await page.getByTestId('tree-leaf').first().waitFor();
  return page.getByTestId('tree-leaf').evaluateAll((els) =>
    els.map((el) => {
      const title = el.querySelector('[data-testid="tree-leaf-title"]')?.textContent;
      const status = el.querySelector('[data-testid^="tree-leaf-status-"]')?.getAttribute('data-testid');
      return `${title}: ${status?.replace('tree-leaf-status-', '')}`;
    }),
  );
}

describe('rollgate report after a PROMOTE and a HOLD, opened from disk', () => {
  it('writes one self-contained file', () => {
    expect(readdirSync(path.join(reportsDir, 'html'))).toEqual(['index.html']);
    expect(existsSync(path.join(reportsDir, 'runs', promoteRunId))).toBe(true);
  });

  it('shows the HOLD run: every check with its verdict status, and the HOLD verdict', async () => {
    await open();
    expect((await leaves()).sort()).toEqual(
      [
        `${TITLES.health}: passed`,
        `${TITLES.version}: failed`,
        `${TITLES.latency}: failed`,
        `${TITLES.database}: broken`,
        `${VERDICT_HOLD}: failed`,
      ].sort(),
    );
  });

  it('shows the failing check with its measurement (parameter and step) and its attachment', async () => {
    await open();
    await page.getByTestId('tree-leaf-title').filter({ hasText: TITLES.version }).click();
    await page.getByText('0.0.9-wrong violates == 0.1.0 (1 sample)').first().waitFor();
    const text = await rendered();
    // The parameter (name, then value) and the step (the whole line).
    expect(text).toMatch(/version\s+0\.0\.9-wrong violates == 0\.1\.0 \(1 sample\)/);
    expect(text).toContain('version: 0.0.9-wrong violates == 0.1.0 (1 sample)');
    expect(text).toContain('Category: Product failures');
    await page.getByText('response', { exact: true }).first().click();
    await page.getByText('{"version":"0.0.9-wrong"}').first().waitFor();
    expect(await rendered()).toContain(WRONG_VERSION_BODY.split('\n')[1]);
  });

  it('shows the PROMOTE run in the history of the failing check and of the verdict', async () => {
    for (const title of [TITLES.version, VERDICT_HOLD]) {
      await open();
      await page.getByTestId('tree-leaf-title').filter({ hasText: title }).click();
      await page.getByText('History').first().click();
      // One earlier run, and it passed: the PROMOTE. A history entry is a status and the run's time.
      const entries = () =>
        page
          .getByTestId(/^tree-leaf-status-/)
          .evaluateAll((els) =>
            els
              .filter((e) => / at \d{2}:\d{2}:\d{2}$/.test(e.nextElementSibling?.textContent ?? ''))
              .map((e) => e.getAttribute('data-testid')),
          );
      await expect.poll(entries, { timeout: 10_000 }).toEqual(['tree-leaf-status-passed']);
    }
  });

  it('shows the trend: the PROMOTE run all passed, then the HOLD', async () => {
    await open('charts');
    const widget = page.locator('[data-drop-shadow="true"]').filter({ hasText: 'Status dynamics' });
    await widget.locator('[data-testid="group"]').first().waitFor();
    const bars = await widget.locator('[data-testid="group"]').evaluateAll((groups) =>
      groups.map((g) => ({
        run: g.getAttribute('data-id'),
        statuses: Array.from(g.querySelectorAll('[data-testid="bar"]'))
          .map((b) => b.getAttribute('data-id'))
          .sort(),
      })),
    );
    expect(bars).toEqual([
      { run: promoteRunId, statuses: ['passed'] },
      { run: 'current', statuses: ['broken', 'failed', 'passed'] },
    ]);
    // The PROMOTE's bar, hovered: its five results passed.
    await widget.getByTestId('hover-rect').first().hover();
    await expect
      .poll(async () => (await rendered()).match(/Passed\s+(\d+)/)?.[1], {
        timeout: 10_000,
      })
      .toBe('5');
  });

  it('separates budget breaches, product failures and harness errors in Categories', async () => {
    await open();
    await page.getByTestId('nav-tab-categories').click();
    await page.getByText('Budget breaches').first().waitFor();
    const categories = await page
      .getByTestId('tree-section-title')
      .evaluateAll((titles) =>
        Object.fromEntries(
          titles.map((t) => [
            t.textContent,
            Array.from(
              t.parentElement?.parentElement?.querySelectorAll('[data-testid="tree-leaf-title"]') ?? [],
              (l) => l.textContent,
            ),
          ]),
        ),
      );
    expect(categories).toEqual({
      'Budget breaches': [TITLES.latency],
      'Product failures': [TITLES.version],
      'Harness or environment errors': [TITLES.database],
      'HOLD verdicts': [VERDICT_HOLD],
    });
  });

  it('loaded nothing from the network and raised no page error', () => {
    expect(attempted).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
