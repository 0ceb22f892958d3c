import { probe } from 'rollgate/checks';
import { check, ObservationError, type TargetContext } from 'rollgate/vitest';
import { estimatesClient, type Line, uniqueTitle } from './estimates.ts';

/**
 * Phase 3 of the plan on the stand-in, what the metric checks cannot see: the estimate
 * calculation's time and result, the cache dropping a user's list when it changes, and cache
 * headers on static assets.
 */

/** The runbook's calculation budget (performance stage): its operator and value, in ms. */
function calculationBudget(context: TargetContext) {
  const b = context.budgets.find((x) => x.name === 'calculation-p95');
  if (!b) throw new ObservationError('the stage declares no calculation-p95 budget', 'ROLLGATE_CONFIG');
  return { operator: b.operator, expected: b.value, unit: 'ms' } as const;
}

/** 25 lines of varied quantities and prices: the totals are summed by the database from cents. */
const LINES: Line[] = Array.from({ length: 25 }, (_, i) => ({
  description: `Line ${i + 1}`,
  quantity: (i % 7) + 1,
  unitPriceCents: 1999 + i * 137,
}));
const EXPECTED_CENTS = LINES.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0);
const ROUNDS = 5;

check(
  'an estimate of 25 lines is stored and totalled correctly within the calculation budget',
  async ({ context, require, attach }) => {
    const budget = calculationBudget(context);
    const api = estimatesClient(context);
    const token = await api.csrf();
    const title = uniqueTitle(context, 'calculation');
    const creates: number[] = [];
    const totals: number[] = [];
    const wrong: string[] = [];
    let listed = 0;
    let checked = 0;
    try {
      for (let round = 1; round <= ROUNDS; round += 1) {
        const created = await api.submit(token, title, LINES);
        if (created.status >= 400)
          throw new ObservationError(
            `a valid 25-line estimate was refused (${created.status}): nothing to time`,
          );
        creates.push(created.durationMs);
        // The write dropped the cached list, so this read has the database total every estimate.
        const { result, estimates } = await api.list();
        totals.push(result.durationMs);
        const mine = estimates.filter((e) => e.title === title);
        listed = mine.length;
        checked += mine.length;
        for (const e of mine)
          if (e.totalCents !== EXPECTED_CENTS || e.itemCount !== LINES.length)
            wrong.push(
              `round ${round}: estimate ${e.id} has ${e.itemCount} items totalling ${e.totalCents} cents`,
            );
      }
      require({ name: 'estimates-listed', operator: '==', expected: ROUNDS }, listed);
      attach('totals', 'text/plain', {
        body: `expected ${LINES.length} items totalling ${EXPECTED_CENTS} cents\n${wrong.join('\n') || 'every listed estimate matched'}`,
      });
      require({ name: 'estimates-mistotalled', operator: '==', expected: 0 }, wrong.length, checked);
      attach('timings', 'text/plain', {
        body: `round\tcreate ms\ttotals ms\n${creates.map((c, i) => `${i + 1}\t${c.toFixed(1)}\t${totals[i]!.toFixed(1)}`).join('\n')}`,
      });
      // Five rounds each: the slowest of five stands for the p95 the budget names.
      require({ name: 'estimate-create-time', ...budget }, Math.round(Math.max(...creates)), creates.length);
      require({ name: 'estimate-totals-time', ...budget }, Math.round(Math.max(...totals)), totals.length);
    } finally {
      await api.removeAll(token, title);
    }
  },
  { id: 'perf/calculation', mutates: true },
);

check(
  "the estimates cache drops a user's list when it changes",
  async ({ context, require }) => {
    const api = estimatesClient(context);
    const token = await api.csrf();
    const title = uniqueTitle(context, 'cache-invalidation');
    try {
      // Two reads: the second is answered from the cache the first filled.
      await api.list();
      await api.list();
      const created = await api.submit(token, title, LINES.slice(0, 2));
      if (created.status >= 400)
        throw new ObservationError(`a valid estimate was refused (${created.status})`);
      require({ name: 'listed-right-after-create', operator: '==', expected: 1 }, (await api.find(title))
        .length);
      await api.removeAll(token, title);
      require({ name: 'listed-right-after-delete', operator: '==', expected: 0 }, (await api.find(title))
        .length);
    } finally {
      await api.removeAll(token, title);
    }
  },
  { id: 'perf/cache-invalidation', mutates: true },
);

const ASSETS = ['/static/app.css', '/static/favicon.svg'];

check(
  'static assets are served cacheable',
  async ({ context, require, attach }) => {
    const seen: string[] = [];
    for (const path of ASSETS) {
      const res = await probe(context.baseURL + path, { timeoutMs: 5000 });
      const cc = res.headers.get('cache-control') ?? '';
      seen.push(`${path}\t${res.status}\t${cc || '(absent)'}`);
      require({ name: `${path} status`, operator: '==', expected: 200 }, res.status);
      const maxAge = /(?:^|,)\s*(?:s-)?max-age=(\d+)/i.exec(cc)?.[1];
      // No max-age is a response no cache may keep: 0, a failure, not missing data.
      require({ name: `${path} max-age`, operator: '>', expected: 0, unit: 's' }, Number(maxAge ?? 0));
      require({
        name: `${path} shared caches allowed`,
        operator: '==',
        expected: 'yes',
      }, /\b(no-store|private|no-cache)\b/i.test(cc) ? 'no' : 'yes');
    }
    attach('cache headers', 'text/plain', { body: `path\tstatus\tcache-control\n${seen.join('\n')}` });
  },
  { id: 'perf/static-asset-caching' },
);
