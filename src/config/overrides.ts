import { Operator } from '../model/measurement.ts';
import type { PlaywrightTimeouts, RunOverrides } from '../model/overrides.ts';
import type { Budget, Stage } from '../model/runbook.ts';
import { budgetIssues } from '../model/runbook-rules.ts';
import { mergeRunnerOptions } from '../model/runner-options.ts';
import { RollgateError } from './errors.ts';

const BUDGET = /^([a-z0-9][a-z0-9-]*)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*(ms|s|%)?$/i;

/**
 * `p95-latency<=300ms`, `error-rate<0.5%`, `lcp<2.5s`, `cls<0.1`: a budget from the command line.
 * Seconds become milliseconds and a percentage a fraction, as the runbook's budgets are written.
 */
export function parseBudgetFlag(text: string): Budget {
  const m = BUDGET.exec(text.trim());
  if (!m) {
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `--budget "${text}": write <name><operator><value>[ms|s|%], e.g. --budget 'p95-latency<=300ms' or --budget 'error-rate<0.5%' (operators: ${Operator.options.join(' ')})`,
    );
  }
  const [, name, op, raw, unit] = m;
  const n = Number(raw);
  const lower = unit?.toLowerCase();
  if (lower === 's') return { name: name!, operator: op as Operator, value: n * 1000, unit: 'ms' };
  if (lower === '%') return { name: name!, operator: op as Operator, value: n / 100 };
  return { name: name!, operator: op as Operator, value: n, ...(lower ? { unit: lower } : {}) };
}

function positiveMs(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `--${flag} "${value}" must be a positive number of milliseconds`,
    );
  return n;
}

/** The overrides given on the command line, or undefined when none was. */
export function runOverrides(flags: {
  budgets?: string[];
  testTimeout?: string;
  expectTimeout?: string;
  actionTimeout?: string;
  navigationTimeout?: string;
}): RunOverrides | undefined {
  const budgets = (flags.budgets ?? []).map(parseBudgetFlag);
  const timeouts = Object.fromEntries(
    (
      [
        ['testTimeout', 'test-timeout'],
        ['expectTimeout', 'expect-timeout'],
        ['actionTimeout', 'action-timeout'],
        ['navigationTimeout', 'navigation-timeout'],
      ] as const
    ).flatMap(([key, flag]) => {
      const v = positiveMs(flag, flags[key]);
      return v === undefined ? [] : [[key, v]];
    }),
  ) as PlaywrightTimeouts;
  const o: RunOverrides = {};
  if (budgets.length) o.budgets = budgets;
  if (Object.keys(timeouts).length) o.playwright = timeouts;
  return Object.keys(o).length ? o : undefined;
}

/** The stage as this run sees it: command-line budgets over its own by name, Playwright timeouts over its options. */
export function applyOverrides(stage: Stage, o: RunOverrides | undefined): Stage {
  if (!o) return stage;
  let budgets = stage.budgets;
  for (const b of o.budgets ?? []) {
    const own = budgets.find((x) => x.name === b.name);
    budgets = own
      ? budgets.map((x) =>
          x.name === b.name ? { ...own, operator: b.operator, value: b.value, unit: b.unit ?? own.unit } : x,
        )
      : [...budgets, b];
  }
  // The runbook's own rules: a budget no measurement can meet is refused here as it is there.
  for (const b of o.budgets ?? []) {
    const problem = budgetIssues(
      budgets.filter((x) => x.name === b.name),
      [],
    )[0];
    if (problem) throw new RollgateError('ROLLGATE_BAD_ARGUMENT', `--budget ${b.name}: ${problem.message}`);
  }
  return {
    ...stage,
    budgets,
    playwright: o.playwright ? mergeRunnerOptions(stage.playwright, o.playwright) : stage.playwright,
  };
}
