import type { MetricVars } from './types.ts';

/** The placeholders rollgate fills; any other `{…}` (PromQL's label matchers) is left as written. */
const PLACEHOLDER = /\{(release|stage|target|baseline|window)\}/g;

/** Why a placeholder can be empty, and the fix, for the error naming it. */
const EMPTY: Record<string, string> = {
  release: 'no release is under test: pass --release',
  stage: 'no stage is being gated',
  target: 'the stage has no target',
  baseline:
    "the stage has no baseline target: set the stage's baseline (or the check's baseline.target), or remove {baseline} from the query",
  window: 'the check has no window here: give the check a window',
};

/**
 * Fills a query's `{release}`, `{stage}`, `{target}`, `{baseline}` and `{window}`; nothing else
 * is touched, so `{status=~"5.."}` survives. A placeholder with no value throws, naming it and the
 * query: an empty `{baseline}` would make a valid query that silently matches nothing.
 * @example fillQuery('up{t="{target}"}', { release: '1.2', stage: 'canary', target: 'canary' }) // 'up{t="canary"}'
 */
export function fillQuery(query: string, vars: MetricVars & { window?: string }): string {
  return query.replace(PLACEHOLDER, (_m, name: keyof typeof vars) => {
    const value = vars[name];
    if (value === undefined || value === '')
      throw new Error(`the query uses {${name}}, which has no value (${EMPTY[name]}); query: ${query}`);
    return value;
  });
}

/**
 * A span in seconds as a PromQL duration in whole milliseconds (at least 1ms), exact enough for
 * a window measured from scrape timestamps: 37.125 → `37125ms`.
 */
export function promDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new Error(
      `a window of ${seconds} seconds has no PromQL duration: the window's end must follow its start`,
    );
  return `${Math.max(1, Math.round(seconds * 1000))}ms`;
}
