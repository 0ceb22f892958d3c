import type { TargetContext } from '../../checks/authoring/target-context.ts';
import type { CheckResult } from '../../model/check-result.ts';
import type { Step } from './step.ts';

/**
 * Runs the stage's built-in checks (`stage.checks`) in the engine against the target's
 * declarations; `notRun` (the target never started, the run stopped) errors each one instead.
 * (Being built: the checks land with the built-in checks work.)
 */
export const builtinStep = (_context: TargetContext, _notRun?: string): Step<CheckResult[]> => ({
  name: 'built-in checks',
  run: async (ctx) => {
    if (ctx.gate.stage.checks.length) throw new Error('built-in checks are not built yet');
    return [];
  },
});
