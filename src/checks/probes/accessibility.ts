import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from '@playwright/test';
import { findChromium, NO_BROWSER_HELP } from '../../config/browser.ts';
import type { TargetSession } from '../auth/session.ts';
import { ObservationError } from '../authoring/errors.ts';
import { isLoopback } from '../load/hosts.ts';

type AxeResults = Awaited<ReturnType<AxeBuilder['analyze']>>;
type Result = AxeResults['violations'][number];

/** One element axe found breaking a rule: its selector path, its markup (cut short) and what to fix. */
export interface A11yNode {
  /** CSS selectors, one per frame or shadow root on the way. @example ['input#username'] */
  target: string[];
  html: string;
  failureSummary?: string;
}

/** One axe rule a page broke, with the elements that break it. */
export interface A11yViolation {
  /** @example 'label' */
  id: string;
  /** axe's impact: minor, moderate, serious or critical. */
  impact: string;
  /** @example 'Form elements must have labels' */
  help: string;
  helpUrl: string;
  tags: string[];
  /** How many elements break it (`nodes` keeps the first {@link MAX_NODES}). */
  nodeCount: number;
  nodes: A11yNode[];
}

/** What axe said of one page: its violations in full, the rest as counts. */
export interface A11yPage {
  /** The declared path. */
  path: string;
  /** The page's final status (after redirects). */
  status: number;
  /** The axe-core that judged it. @example '4.13.0' */
  axeVersion: string;
  violations: A11yViolation[];
  /** Rules the page passed, found no element for, or left for a person to judge ("incomplete"). */
  passes: number;
  inapplicable: number;
  incomplete: number;
  /** Hosts the page asked for that the browser refused (only the target's host and loopback load). */
  blockedHosts: string[];
  /** What the browser refused, by resource type (the first {@link MAX_BLOCKED}). */
  blocked: BlockedRequest[];
}

/** A request the network guard refused: its resource type (script, stylesheet…) and URL. */
export interface BlockedRequest {
  type: string;
  url: string;
}

export interface AuditOptions {
  /** The target's base URL: its host (and loopback) are the only hosts the browser may reach. */
  baseURL: string;
  paths: readonly string[];
  /** axe-core tags: which rules run. */
  tags: readonly string[];
  /** axe rule ids left out. */
  disabledRules: readonly string[];
  /** Sent with every request the page makes (the target's `http.headers`, a token session's header). */
  headers?: Record<string, string>;
  /** A form login's cookies, added to the browser context. */
  cookies?: TargetSession['cookies'];
  /** Per navigation. */
  timeoutMs: number;
  /** Where ROLLGATE_CHROMIUM is read. */
  env?: NodeJS.ProcessEnv;
  /** Masks secrets (header values) in error messages. */
  mask?: (text: string) => string;
}

/** Elements kept per violated rule; `nodeCount` says how many there were. */
export const MAX_NODES = 10;
/** Refused requests kept per page. */
export const MAX_BLOCKED = 20;
const MAX_HTML = 300;

const firstLine = (text: string) => text.split('\n')[0]!.trim();

/**
 * Starts Chromium as the rest of rollgate does (ROLLGATE_CHROMIUM, Playwright's own, the system's;
 * never a download). No browser, or one that does not start, is errored (ROLLGATE_NO_TOOL).
 */
async function launch(env: NodeJS.ProcessEnv | undefined): Promise<Browser> {
  const found = findChromium(env);
  if (!found) throw new ObservationError(NO_BROWSER_HELP, 'ROLLGATE_NO_TOOL');
  try {
    return await chromium.launch(found.executablePath ? { executablePath: found.executablePath } : {});
  } catch (error) {
    const where = found.executablePath ?? "Playwright's Chromium";
    throw new ObservationError(
      `Chromium (${where}) did not start: ${firstLine((error as Error).message)}`,
      'ROLLGATE_NO_TOOL',
    );
  }
}

/**
 * Lets through requests to the target's own host and to loopback only; everything else (a CDN, an
 * analytics script, a font service) is aborted and its host noted. WebSockets alike.
 */
async function guardNetwork(
  context: BrowserContext,
  baseURL: string,
  block: (host: string, refused: BlockedRequest) => void,
): Promise<void> {
  const own = new URL(baseURL).hostname.toLowerCase();
  const allowed = (url: string) => {
    let host: string;
    try {
      host = new URL(url).hostname.toLowerCase();
    } catch {
      return false;
    }
    return host === own || isLoopback(host);
  };
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (/^(data|blob|about):/.test(url) || allowed(url)) return route.continue();
    block(new URL(url).host, { type: route.request().resourceType(), url });
    return route.abort('blockedbyclient');
  });
  await context.routeWebSocket(/.*/, (ws) => {
    if (allowed(ws.url())) ws.connectToServer();
    else {
      block(new URL(ws.url()).host, { type: 'websocket', url: ws.url() });
      ws.close({ code: 1008, reason: 'blocked by rollgate: not the target' });
    }
  });
}

/** A navigation that did not complete, as an errored check: time-out, refused, or else. */
function navigationError(error: unknown, path: string, timeoutMs: number, mask: (t: string) => string) {
  const e = error as Error;
  if (e.name === 'TimeoutError')
    return new ObservationError(`GET ${path} did not load within ${timeoutMs} ms`, 'ROLLGATE_TIMEOUT');
  const line = mask(firstLine(e.message).replace(/^page\.goto:\s*/, ''));
  if (/ERR_CONNECTION_REFUSED|ERR_NAME_NOT_RESOLVED|ERR_ADDRESS_UNREACHABLE/.test(line))
    return new ObservationError(`GET ${path}: ${line}`, 'ROLLGATE_TARGET_UNREACHABLE');
  if (/ERR_CERT_/.test(line))
    return new ObservationError(
      `GET ${path}: ${line} (Chromium trusts the system's certificate authorities, not the target's http.caFile)`,
      'ROLLGATE_HTTP',
    );
  return new ObservationError(`GET ${path}: ${line}`, 'ROLLGATE_HTTP');
}

/** `promise`, or `timedOut()` thrown after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, timedOut: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut()), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** An axe error that comes from the runbook (an unknown tag or rule), as a configuration error. */
function axeError(error: unknown, path: string, mask: (t: string) => string): ObservationError {
  const line = mask(firstLine((error as Error).message).replace(/^\w+\.evaluate:\s*(Error:\s*)?/, ''));
  if (/unknown rule|no rules? (found|match)|could not find tags|unknown tag/i.test(line))
    return new ObservationError(
      `accessibility: axe-core refused the declared tags or disabledRules (${line})`,
      'ROLLGATE_CONFIG',
    );
  return new ObservationError(`axe-core could not check ${path}: ${line}`);
}

function violationOf(r: Result): A11yViolation {
  return {
    id: r.id,
    impact: r.impact ?? 'unknown',
    help: r.help,
    helpUrl: r.helpUrl,
    tags: r.tags,
    nodeCount: r.nodes.length,
    nodes: r.nodes.slice(0, MAX_NODES).map((n) => ({
      target: n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : String(t))),
      html: n.html.length > MAX_HTML ? `${n.html.slice(0, MAX_HTML)}…` : n.html,
      ...(n.failureSummary ? { failureSummary: n.failureSummary } : {}),
    })),
  };
}

/**
 * Tags that would let a page pass unchecked, as a configuration error: one no axe rule carries (a
 * typo such as `wcag2aa-`), or tags that together ran no rule (`wcag21a` alone selects only an
 * experimental rule, which axe leaves off). Every rule axe ran is in one of its four lists.
 */
async function checkTags(page: Page, results: AxeResults, tags: readonly string[]): Promise<void> {
  const known = new Set(
    await page.evaluate(() =>
      (window as unknown as { axe: { getRules(): { tags: string[] }[] } }).axe
        .getRules()
        .flatMap((r) => r.tags),
    ),
  );
  const unknown = tags.filter((t) => !known.has(t));
  const version = results.testEngine.version;
  if (unknown.length)
    throw new ObservationError(
      `accessibility.tags: no axe-core ${version} rule carries ${unknown.join(', ')} (its WCAG tags are wcag2a, wcag2aa, wcag2aaa, wcag21a, wcag21aa, wcag22aa; also best-practice)`,
      'ROLLGATE_CONFIG',
    );
  const ran = results.violations.length + results.passes.length + results.incomplete.length;
  if (ran + results.inapplicable.length === 0)
    throw new ObservationError(
      `accessibility.tags: ${tags.join(', ')} select no rule axe-core ${version} runs`,
      'ROLLGATE_CONFIG',
    );
}

/** What the network guard refused while one page loaded. */
interface Refused {
  hosts: Set<string>;
  requests: BlockedRequest[];
}

/** Resource types a page needs to render: refusing them can leave a blank shell. */
const RENDERING = new Set(['script', 'stylesheet']);

/**
 * The document's own elements (`html`, `head`, `body`, `title`, `meta`), as axe's selector for one
 * of them alone. Rules judging only these (a title, a language, the body's aria-hidden) apply to
 * any document, an empty one too: they say nothing of what the page renders.
 */
const DOCUMENT_ELEMENT = /^(html|head|body|title|meta)([.#[:][^\s>+~]*)?$/i;

/** axe passed, broke or left for review a rule on an element the page rendered (not the document's own). */
function judgedContent(results: AxeResults): boolean {
  return [...results.passes, ...results.violations, ...results.incomplete].some((r) =>
    r.nodes.some((n) => {
      const last = n.target.at(-1);
      const selector = Array.isArray(last) ? String(last.at(-1)) : String(last);
      return !DOCUMENT_ELEMENT.test(selector.trim());
    }),
  );
}

/**
 * A page on which axe judged no element but the document's own (an empty body, a blank shell
 * whose scripts did not run): nothing rendered. Errored, never passed, naming the scripts and
 * stylesheets the browser refused when there were any: they are the likely reason.
 */
function nothingRendered(path: string, refused: Refused, mask: (t: string) => string): ObservationError {
  const needed = refused.requests.filter((r) => RENDERING.has(r.type));
  const why = needed.length
    ? `; the browser refused ${needed.map((r) => `${r.type} ${mask(r.url)}`).join(', ')} (only the target's host and loopback load: serve them from the target)`
    : '';
  return new ObservationError(
    `GET ${path}: the page rendered nothing for axe-core to judge (no rule passed or failed on any element but the document's html, head and body)${why}`,
    'ROLLGATE_NO_DATA',
  );
}

function pageOf(path: string, status: number, results: AxeResults, refused: Refused): A11yPage {
  return {
    path,
    status,
    axeVersion: results.testEngine.version,
    violations: results.violations.map(violationOf),
    passes: results.passes.length,
    inapplicable: results.inapplicable.length,
    incomplete: results.incomplete.length,
    blockedHosts: [...refused.hosts].sort(),
    blocked: refused.requests,
  };
}

/**
 * Loads each path in one Chromium (one context, pages in sequence), waits for `load`, and runs
 * axe-core on it with the given tags and rules left out. A page that does not answer 2xx, ends on
 * another path (a signed-in page redirecting to its login), does not load in time, or on which
 * axe judged no element it rendered (nothing rendered) is an ObservationError: an error page's or
 * a blank page's accessibility says nothing of the release.
 */
export async function auditPages(o: AuditOptions): Promise<A11yPage[]> {
  const mask = o.mask ?? ((t: string) => t);
  const browser = await launch(o.env);
  try {
    const context = await browser.newContext({
      serviceWorkers: 'block',
      ...(o.headers && Object.keys(o.headers).length ? { extraHTTPHeaders: o.headers } : {}),
    });
    if (o.cookies?.length) await context.addCookies(o.cookies);
    // Pages load one after the other: what is refused meanwhile belongs to the page loading.
    let refused: Refused = { hosts: new Set(), requests: [] };
    await guardNetwork(context, o.baseURL, (host, request) => {
      refused.hosts.add(host);
      if (refused.requests.length < MAX_BLOCKED) refused.requests.push(request);
    });
    const pages: A11yPage[] = [];
    for (const path of o.paths) {
      refused = { hosts: new Set(), requests: [] };
      const page = await context.newPage();
      try {
        const url = o.baseURL.replace(/\/$/, '') + path;
        const res = await page
          .goto(url, { waitUntil: 'load', timeout: o.timeoutMs })
          .catch((error: unknown) => {
            throw navigationError(error, path, o.timeoutMs, mask);
          });
        if (!res) throw new ObservationError(`GET ${path}: no response`);
        if (res.status() < 200 || res.status() > 299)
          throw new ObservationError(
            `GET ${path} answered ${res.status()}: the accessibility of an error page says nothing of the release`,
          );
        const want = new URL(url).pathname;
        const landed = new URL(page.url()).pathname;
        if (landed !== want)
          throw new ObservationError(`GET ${path} ended on ${landed}: not the page to check (signed out?)`);
        const builder = new AxeBuilder({ page }).withTags([...o.tags]);
        if (o.disabledRules.length) builder.disableRules([...o.disabledRules]);
        // Bounded like the navigation: a page whose scripts never yield must not keep Chromium alive.
        const results = await within(
          builder.analyze().catch((error: unknown) => {
            throw axeError(error, path, mask);
          }),
          o.timeoutMs,
          () =>
            new ObservationError(
              `axe-core did not finish ${path} within ${o.timeoutMs} ms`,
              'ROLLGATE_TIMEOUT',
            ),
        );
        await checkTags(page, results, o.tags);
        if (!judgedContent(results)) throw nothingRendered(path, refused, mask);
        pages.push(pageOf(path, res.status(), results, refused));
      } finally {
        await page.close();
      }
    }
    return pages;
  } finally {
    await browser.close();
  }
}
