import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { CheckFailure, ObservationError } from '../authoring/errors.ts';
import { isVitalName, VITALS, type VitalName, type VitalValues } from './web-vitals-budgets.ts';

export * from './web-vitals-budgets.ts';

/** One report web-vitals made (with reportAllChanges, a metric reports every change). */
export interface VitalReport {
  name: string;
  value: number;
  rating?: string;
}

/** One page load: its final values and every report, kept as evidence. */
export interface VitalsRun {
  run: number;
  url: string;
  status: number;
  values: VitalValues;
  reports: VitalReport[];
}

export interface MeasureVitalsOptions {
  /** Absolute URL of the page. */
  url: string;
  /** Page loads to measure; each in a fresh browser context (cold cache, same cookies). */
  runs: number;
  /** One interaction after the page settled (a click that does not navigate), so INP exists. */
  interact?: (page: Page) => Promise<void>;
  /** Per navigation. Default 15 s. */
  timeoutMs?: number;
}

/** The metrics a page measured this way can report: INP needs an interaction. */
export function measuredVitals(opts: { interact?: unknown }): VitalName[] {
  return VITALS.filter((n) => n !== 'inp' || opts.interact !== undefined);
}

const BINDING = '__rollgateVital';

/** The web-vitals IIFE build from node_modules (never a CDN), resolved through the package itself. */
export function webVitalsScriptPath(): string {
  let main: string;
  try {
    main = createRequire(import.meta.url).resolve('web-vitals');
  } catch {
    throw new ObservationError(
      'the web-vitals package is not installed: run `npm run setup`',
      'ROLLGATE_NO_TOOL',
    );
  }
  const file = path.join(path.dirname(main), 'web-vitals.iife.js');
  if (!existsSync(file)) {
    throw new ObservationError(
      `web-vitals has no IIFE build at ${file}: reinstall it with \`npm run setup\``,
      'ROLLGATE_NO_TOOL',
    );
  }
  return file;
}

/** Registers every metric with reportAllChanges, in the top frame of http(s) documents only. */
const REGISTER = `;(function () {
  if (window.top !== window || !/^https?:$/.test(location.protocol) || typeof webVitals === 'undefined') return;
  var send = function (m) { try { window.${BINDING}({ name: m.name, value: m.value, rating: m.rating }); } catch (e) {} };
  var o = { reportAllChanges: true };
  webVitals.onFCP(send, o); webVitals.onLCP(send, o); webVitals.onCLS(send, o);
  webVitals.onTTFB(send, o); webVitals.onINP(send, o);
})();`;

let script: string | undefined;
function initScript(): string {
  script ??= `${readFileSync(webVitalsScriptPath(), 'utf8')}\n${REGISTER}`;
  return script;
}

/** Two animation frames: whatever was rendered before is on screen (and its entries queued). */
async function frames(page: Page): Promise<void> {
  await page.evaluate(
    () => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))),
  );
}

async function until(done: () => boolean, ms: number): Promise<void> {
  for (const end = Date.now() + ms; !done() && Date.now() < end; )
    await new Promise((r) => setTimeout(r, 25));
}

/** One run's page, in a fresh context of its own (or a fresh page of a persistent context), web-vitals set up. */
interface RunPage {
  page: Page;
  reports: VitalReport[];
  /**
   * After a good run, the page first: a context closing with a page open has Playwright keep a
   * screenshot of it in case the test fails. After a failed one, that screenshot is wanted: the
   * context alone, as a persistent context's page is left open for the test's own.
   */
  close(failed: boolean): Promise<void>;
}

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

async function openRun(source: Page, storageState: StorageState | undefined): Promise<RunPage> {
  const browser = source.context().browser();
  // A persistent context has no browser to open another context in: fresh pages in it, then.
  const owned = browser
    ? await browser.newContext({ storageState, viewport: source.viewportSize() })
    : undefined;
  const reports: VitalReport[] = [];
  try {
    const p = await (owned ?? source.context()).newPage();
    await p.exposeBinding(BINDING, (_source, m: VitalReport) => {
      reports.push(m);
    });
    await p.addInitScript({ content: initScript() });
    return {
      page: p,
      reports,
      close: async (failed) => {
        if (!failed) await p.close();
        await owned?.close();
      },
    };
  } catch (error) {
    await owned?.close().catch(() => undefined);
    throw error;
  }
}

async function measureOnce(
  { page: p, reports }: RunPage,
  opts: MeasureVitalsOptions,
  run: number,
): Promise<VitalsRun> {
  const timeout = opts.timeoutMs ?? 15_000;
  // Network idle: late resources (a slow hero script or image) are in before the page is judged.
  const res = await p.goto(opts.url, { waitUntil: 'networkidle', timeout });
  if (!res) throw new ObservationError(`GET ${opts.url}: no response`);
  const want = new URL(opts.url).pathname;
  if (res.status() >= 400) {
    throw new CheckFailure(`GET ${want} answered ${res.status()}: web vitals of an error page mean nothing`);
  }
  const landed = new URL(p.url()).pathname;
  if (landed !== want) {
    throw new ObservationError(`GET ${want} ended on ${landed}: not the page to measure (signed out?)`);
  }
  await frames(p);
  if (opts.interact) {
    await opts.interact(p);
    await frames(p);
    // web-vitals handles event entries when the page is idle: give it that moment before hiding.
    await until(() => reports.some((r) => r.name === 'INP'), 2_000);
  }
  // Navigating away hides the page: web-vitals reports the final LCP, CLS and INP.
  await p.goto('about:blank', { timeout });
  await new Promise((r) => setImmediate(r));
  const values: VitalValues = {};
  for (const r of reports) {
    const name = r.name.toLowerCase();
    if (isVitalName(name) && Number.isFinite(r.value)) values[name] = r.value;
  }
  return { run, url: opts.url, status: res.status(), values, reports };
}

/**
 * Loads one page `runs` times in a real browser with web-vitals injected, and returns each run's
 * final values (aggregate with {@link evaluateVitals}). Each run is a fresh context carrying the
 * cookies of `page`'s context: a signed-in first visit, with nothing cached from the run before.
 */
export async function measureVitals(page: Page, opts: MeasureVitalsOptions): Promise<VitalsRun[]> {
  if (!Number.isInteger(opts.runs) || opts.runs < 1)
    throw new Error(`runs must be a positive integer (got ${opts.runs})`);
  // The cookies of `page`'s context, read once: every run starts from the same session.
  const storageState = page.context().browser() ? await page.context().storageState() : undefined;
  const runs: VitalsRun[] = [];
  let closing: Promise<void> = Promise.resolve();
  try {
    for (let i = 1; i <= opts.runs; i++) {
      // The next run's context opens while the last run's closes; its page loads only once both
      // are done, so nothing of the run before competes with the one measured.
      const [opened, closed] = await Promise.allSettled([openRun(page, storageState), closing]);
      closing = Promise.resolve();
      if (opened.status === 'rejected') throw opened.reason;
      const run = opened.value;
      if (closed.status === 'rejected') {
        await run.close(false);
        throw closed.reason;
      }
      let failed = true;
      try {
        runs.push(await measureOnce(run, opts, i));
        failed = false;
      } finally {
        closing = run.close(failed);
      }
    }
  } finally {
    await closing;
  }
  return runs;
}
