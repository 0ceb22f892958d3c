import { describe, expect, it } from 'vitest';
import { ownBudgets, unmeasuredStageBudgets } from '../../src/engine/steps/unmeasured-budgets.ts';
import type { CheckResult } from '../../src/model/check-result.ts';
import type { Budget } from '../../src/model/runbook.ts';

const check = (measured: string[]): CheckResult => ({
  id: 'load/steady',
  title: 'load',
  suite: 'load',
  kind: 'load',
  status: 'passed',
  blocking: true,
  durationMs: 1,
  retries: 0,
  evidence: [],
  measurements: measured.map((name) => ({
    name,
    actual: 1,
    operator: '<',
    expected: 2,
    samples: 10,
    passed: true,
  })),
});

const wide: Budget[] = [{ name: 'p95-latency', operator: '<=', value: 500, unit: 'ms' }];
const own: Budget = { name: 'availability', operator: '>=', value: 0.999, unit: 'ratio' };

describe('budgets a stage declares itself', () => {
  it('are the merged budgets less the runbook-wide ones', () => {
    expect(ownBudgets([...wide, own], wide)).toEqual([own]);
    // A stage overriding a runbook budget with other values declares its own.
    const stricter = { ...wide[0]!, value: 300 };
    expect(ownBudgets([stricter], wide)).toEqual([stricter]);
  });

  it('errors one that no check measured, naming the stage, the budget and the fix', () => {
    const [c, ...rest] = unmeasuredStageBudgets('staging', [own], [check(['p95-latency'])]);
    expect(rest).toEqual([]);
    expect(c).toMatchObject({
      id: 'stage/budget-availability',
      status: 'errored',
      code: 'ROLLGATE_BUDGET_UNMEASURED',
      blocking: true,
    });
    expect(c!.message).toContain('stage "staging" declares the budget availability >= 0.999 ratio');
  });

  it('leaves one a check measured, by its name or a name it starts (p95-latency estimates)', () => {
    expect(unmeasuredStageBudgets('canary', [own], [check(['availability'])])).toEqual([]);
    const p95 = { name: 'p95-latency', operator: '<=', value: 300 } as Budget;
    expect(unmeasuredStageBudgets('canary', [p95], [check(['p95-latency estimates'])])).toEqual([]);
  });
});
