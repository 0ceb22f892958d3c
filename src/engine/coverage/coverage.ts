import { levenshtein } from '../../config/closest.ts';
import type { CoverageCheck, CoverageCounts, CoverageItem, CoverageReport } from '../../model/coverage.ts';
import type { Runbook } from '../../model/runbook.ts';
import { parseCheckRef, type SourceItem } from '../../model/sources.ts';
import type { StageCheck, StageChecks } from './stage-checks.ts';

/**
 * What encodes each line of the documents a runbook records (`sources`):
 * - automated: every check reference resolves to a check its stage(s) really run, and none of
 *   them is a placeholder; `advisoryOnly` when none of them is blocking where it runs (it is
 *   reported but never holds a stage);
 * - manual: a sign-off that is declared and says why a person signs it (`reason`);
 * - missing: nothing encodes it, a reference resolves to nothing (with the ids close to it), a
 *   referenced check is a placeholder, or the sign-off gives no reason.
 * Pure: the stages' checks are listed beforehand (stage-checks.ts).
 */

/** What an automated item's detail says when every check behind it is advisory. */
export const ADVISORY_ONLY = '(advisory only: never holds a stage)';

export interface CoverageResult {
  report: CoverageReport;
  /** What made the answer unknowable (a suite that could not be listed): exit 2. */
  couldNotTell: string[];
}

/** Up to three ids close to `id`, nearest first. */
function closeIds(id: string, ids: readonly string[]): string[] {
  const limit = Math.max(3, Math.floor(id.length / 3));
  return [...new Set(ids)]
    .map((c) => ({ c, d: levenshtein(id, c) }))
    .filter((x) => x.d <= limit || x.c.startsWith(id.split('/')[0]!))
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, 3)
    .map((x) => x.c);
}

function resolve(ref: string, lists: StageChecks[]): { check: CoverageCheck; found: StageCheck[] } {
  const { stage, id } = parseCheckRef(ref);
  const scope = stage ? lists.filter((l) => l.name === stage) : lists;
  const found = scope.flatMap((l) => l.checks.filter((c) => c.id === id).map((c) => ({ c, stage: l.name })));
  const first = found[0]?.c;
  return {
    found: found.map((f) => f.c),
    check: {
      ref,
      id,
      stages: [...new Set(found.map((f) => f.stage))],
      ...(first ? { title: first.title, suite: first.suite } : {}),
      placeholder: found.some((f) => f.c.placeholder),
      ...(found.length
        ? {}
        : {
            closest: closeIds(
              id,
              scope.flatMap((l) => l.checks.map((c) => c.id)),
            ),
          }),
    },
  };
}

function assessItem(item: SourceItem, rb: Runbook, lists: StageChecks[]): CoverageItem {
  const base = { section: item.section, label: item.label, kind: item.kind };
  if (item.signoff) {
    const s = rb.signoffs.find((x) => x.title === item.signoff);
    const signoff = { title: item.signoff, stage: s?.stage, role: s?.role, reason: s?.reason };
    if (!s)
      return {
        ...base,
        status: 'missing',
        detail: `sign-off "${item.signoff}" is not declared`,
        checks: [],
        signoff,
      };
    if (!s.reason)
      return {
        ...base,
        status: 'missing',
        detail: `sign-off "${s.title}" (${s.stage}) gives no reason: say why a person signs it, manual('${s.title}', { stage: '${s.stage}', reason: '…' })`,
        checks: [],
        signoff,
      };
    return {
      ...base,
      status: 'manual',
      detail: `sign-off "${s.title}" (${s.stage}${s.role ? `, ${s.role}` : ''}): ${s.reason}`,
      checks: [],
      signoff,
    };
  }
  if (!item.checks.length)
    return {
      ...base,
      status: 'missing',
      detail: 'nothing encodes it: give the check ids that observe it (checks) or a sign-off (signoff)',
      checks: [],
    };
  const resolved = item.checks.map((ref) => resolve(ref, lists));
  const problems: string[] = [];
  for (const { check, found } of resolved) {
    if (!found.length) {
      const { stage, id } = parseCheckRef(check.ref);
      const elsewhere = stage
        ? lists.filter((l) => l.checks.some((c) => c.id === id)).map((l) => l.name)
        : [];
      problems.push(
        `${check.ref} resolves to no check ${stage ? `of stage ${stage}` : 'of any stage'}${elsewhere.length ? ` (${id} runs in ${elsewhere.join(', ')})` : ''}${check.closest?.length ? `; close: ${check.closest.join(', ')}` : ''}`,
      );
    } else if (check.placeholder) problems.push(`${check.ref} is a placeholder in ${check.suite}: write it`);
    else {
      const unknown = found.find((f) => f.unknown !== undefined);
      if (unknown)
        problems.push(
          `${check.ref}: ${unknown.suite} declares a placeholder whose title is not a string literal (line ${unknown.unknown}), so whether this test is written cannot be told`,
        );
    }
  }
  const checks = resolved.map((r) => r.check);
  if (problems.length) return { ...base, status: 'missing', detail: problems.join('; '), checks };
  // Observed, so automated; but when no check behind it is blocking in any stage that runs it,
  // it is reported and never holds a stage (a WARN threshold is advisory by nature): say so.
  const advisoryOnly = resolved.every((r) => r.found.every((f) => !f.blocking));
  const ids = checks.map((c) => `${c.id} (${c.stages.join(', ')})`).join(', ');
  return {
    ...base,
    status: 'automated',
    detail: advisoryOnly ? `${ids} ${ADVISORY_ONLY}` : ids,
    checks,
    ...(advisoryOnly ? { advisoryOnly: true as const } : {}),
  };
}

const count = (items: readonly CoverageItem[]): CoverageCounts => ({
  automated: items.filter((i) => i.status === 'automated').length,
  manual: items.filter((i) => i.status === 'manual').length,
  missing: items.filter((i) => i.status === 'missing').length,
});

export function assessCoverage(
  loaded: { file: string; runbook: Runbook },
  lists: StageChecks[],
): CoverageResult {
  const rb = loaded.runbook;
  const documents = rb.sources.map((src) => {
    const items = src.items.map((i) => assessItem(i, rb, lists));
    return {
      document: src.document,
      ...(src.title ? { title: src.title } : {}),
      counts: count(items),
      items,
    };
  });
  const all = documents.flatMap((d) => d.items);
  return {
    report: {
      runbook: rb.name,
      file: loaded.file,
      documents,
      counts: count(all),
      stages: Object.fromEntries(lists.map((l) => [l.name, { checks: l.checks.length }])),
    },
    couldNotTell: lists.flatMap((l) => l.problems.map((p) => `stage ${l.name}: ${p}`)),
  };
}
