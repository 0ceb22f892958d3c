import { test } from 'vitest';
import { type CheckApi, createCheckApi } from './check-api.ts';
import { type CheckRecord, emptyRecord, RECORD_KEY } from './record.ts';
import { type TargetContext, targetContext } from './target-context.ts';

export interface VitestCheckApi extends CheckApi {
  context: TargetContext;
  /** Declares the check not applicable here, with the reason; the only skip that passes. */
  notApplicable(reason: string): never;
}

export interface CheckOptions {
  /** Stable id; without it the id is derived from suite and title. */
  id?: string;
  timeout?: number;
  /**
   * The check creates or changes data on the target (records, switches, rate-limit counters). It
   * runs only where the target allows mutations; elsewhere it is not applicable, with that reason.
   */
  mutates?: boolean;
}

/**
 * A runbook check inside a vitest suite. Its measurements and evidence travel to the engine in the
 * test's meta; a declared id travels in the title as a trailing `[id]`.
 * @example check('deployed version equals the release', async (c) => { ... }, { id: 'version-matches' })
 */
export function check(
  title: string,
  body: (c: VitestCheckApi) => Promise<void> | void,
  options: CheckOptions = {},
) {
  const name = options.id ? `${title} [${options.id}]` : title;
  test(name, { timeout: options.timeout }, async (ctx) => {
    const meta = ctx.task.meta as Record<string, unknown>;
    const record: CheckRecord = emptyRecord();
    meta[RECORD_KEY] = record;
    const api: VitestCheckApi = {
      ...createCheckApi(record),
      context: targetContext(),
      notApplicable(reason: string): never {
        if (!reason.trim()) throw new Error('notApplicable() needs a reason');
        record.notApplicable = reason;
        ctx.skip(reason);
        throw new Error('unreachable');
      },
    };
    if (options.mutates && !api.context.target.allowMutations) {
      api.notApplicable(
        `changes data on the target, and target does not allow mutating checks (allowMutations: false)`,
      );
    }
    await body(api);
  });
}
