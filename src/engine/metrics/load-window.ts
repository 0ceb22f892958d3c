import type { MetricWindow } from '../../checks/metrics/types.ts';
import { type MetricCheck, type MetricProvider, providerOf } from '../../model/metrics.ts';
import type { Stamp } from './windows.ts';

const now = () => Date.now() / 1000;

/**
 * The load window of a run's metric checks, per provider and target: opened right before the
 * load's first request (after its probes and logins) at the first successful scrape of each target
 * at or after that moment, closed at the first one at or after the load ended. Between two scrape
 * times, `increase(x[{window}])` at the end counts exactly what the target served meanwhile.
 */
export function createLoadWindow(o: {
  checks: readonly MetricCheck[];
  providers: Record<string, MetricProvider>;
  /** The targets a check reads: the stage's, and its baseline's. */
  targetsOf: (check: MetricCheck) => string[];
  /** The first scrape of `target` on provider `name` at or after `after` (Unix seconds). */
  stamp: (name: string, target: string, after: number) => Promise<Stamp>;
}) {
  const loadChecks = o.checks.filter((c) => c.window === 'load');
  const opened = new Map<string, Promise<Stamp>>();
  const closed = new Map<string, Promise<Stamp>>();
  let loadEnd: number | undefined;
  const key = (name: string, target: string) => `${name}\u0000${target}`;

  /** Awaited by the load step right before its first request. */
  async function beforeTraffic(): Promise<void> {
    const at = now();
    const waits: Promise<Stamp>[] = [];
    for (const check of loadChecks) {
      const p = providerOf(check, o.providers);
      if (!p) continue;
      for (const target of o.targetsOf(check)) {
        if (opened.has(key(p.name, target))) continue;
        const s = o.stamp(p.name, target, at);
        opened.set(key(p.name, target), s);
        waits.push(s);
      }
    }
    await Promise.all(waits);
  }

  return {
    beforeTraffic: loadChecks.length ? beforeTraffic : undefined,
    /** The load step is over (whatever its outcome): windows it opened close at the next scrape. */
    ended() {
      if (opened.size) loadEnd = now();
    },
    /** The window of `target` on provider `name`, or why there is none. */
    async window(
      name: string,
      target: string,
    ): Promise<{ ok: true; window: MetricWindow } | { ok: false; error: string }> {
      const start = opened.get(key(name, target));
      if (!start || loadEnd === undefined)
        return {
          ok: false,
          error:
            'no load window: the load step sent no traffic (it did not run, or failed before its first request)',
        };
      let end = closed.get(key(name, target));
      if (!end) {
        end = o.stamp(name, target, loadEnd);
        closed.set(key(name, target), end);
      }
      const [s, e] = await Promise.all([start, end]);
      if (!s.ok) return { ok: false, error: `no scrape of "${target}" before the load: ${s.error}` };
      if (!e.ok) return { ok: false, error: `no scrape of "${target}" after the load: ${e.error}` };
      return { ok: true, window: { start: s.time, end: e.time } };
    },
  };
}
