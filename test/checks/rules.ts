import type { RuleResult } from '../../src/checks/probes/assessment.ts';

/** The rule named `name`, or an error listing the rules there are. */
export function rule(rules: RuleResult[], name: string): RuleResult {
  const r = rules.find((x) => x.rule === name);
  if (!r) throw new Error(`no rule ${name} in ${rules.map((x) => x.rule).join(', ')}`);
  return r;
}

/** Names of the applicable rules that failed. */
export const failing = (rules: RuleResult[]) =>
  rules.filter((r) => !r.passed && !r.notApplicable).map((r) => r.rule);
