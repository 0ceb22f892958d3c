import type { z } from 'zod';
import { parseCheckRef, type Source } from './sources.ts';

interface RunbookLike {
  stages: Record<string, unknown>;
  signoffs: { title: string; reason?: string }[];
  sources: Source[];
}

/**
 * What can be checked of the recorded sources without running anything: a stage named in a check
 * reference exists, and a sign-off an item names is declared. Whether a check id exists (suites must
 * be listed) is `rollgate coverage`'s job.
 */
export function addSourceIssues(rb: RunbookLike, ctx: z.RefinementCtx): void {
  const titles = new Set(rb.signoffs.map((s) => s.title));
  rb.sources.forEach((source, s) => {
    source.items.forEach((item, i) => {
      item.checks.forEach((ref, c) => {
        const { stage } = parseCheckRef(ref);
        if (stage && !(stage in rb.stages))
          ctx.addIssue({
            code: 'custom',
            path: ['sources', s, 'items', i, 'checks', c],
            message: `names stage "${stage}", which is not declared; use one of: ${Object.keys(rb.stages).join(', ')}`,
          });
      });
      if (item.signoff && !titles.has(item.signoff))
        ctx.addIssue({
          code: 'custom',
          path: ['sources', s, 'items', i, 'signoff'],
          message: `names the sign-off "${item.signoff}", which is not declared: add manual('${item.signoff}', { stage, reason }) to signoffs`,
        });
    });
  });
}
