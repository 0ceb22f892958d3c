import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunbook } from '../../src/config/load-runbook.ts';
import { assessCoverage } from '../../src/engine/coverage/coverage.ts';
import { importMarkdown } from '../../src/engine/coverage/import-runbook.ts';
import { listStageChecks } from '../../src/engine/coverage/stage-checks.ts';
import type { Runbook } from '../../src/model/runbook.ts';
import { renderRunbookMarkdown } from '../../src/reporters/markdown-runbook.ts';

/**
 * Issue 13, render → import: the markdown `rollgate render` writes of a runbook imports back to
 * the same stage names, the same source item labels (as a multiset) and the same budgets (stage,
 * name, operator, value), for the demo's runbook and every runbooks/<name>/<name>.runbook.ts there
 * is when the test runs. The demo is rendered as the command renders, with each stage's suite and
 * golden-path tests listed by the runners (nothing runs); the others with their declared checks
 * only, since listing costs seconds per runner and adds nothing to stages, labels and budgets. The
 * imported fixture plan's round trip through the CLI is in import-cli.test.ts.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');

const RUNBOOKS = [
  'runbooks/demo.runbook.ts',
  ...readdirSync(path.join(ROOT, 'runbooks'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(path.join(ROOT, 'runbooks', d.name))
        .filter((f) => f.endsWith('.runbook.ts'))
        .map((f) => `runbooks/${d.name}/${f}`),
    ),
].filter((f) => existsSync(path.join(ROOT, f)));

const labels = (rb: Runbook) => rb.sources.flatMap((s) => s.items.map((i) => i.label)).sort();
const budgets = (rb: Runbook) =>
  Object.entries(rb.stages)
    .flatMap(([stage, s]) => s.budgets.map((b) => `${stage}: ${b.name} ${b.operator} ${b.value}`))
    .sort();

describe('render → import', () => {
  it('finds the demo runbook and the seed runbooks', () => {
    expect(RUNBOOKS[0]).toBe('runbooks/demo.runbook.ts');
    expect(RUNBOOKS.length).toBeGreaterThanOrEqual(1);
  });

  it.concurrent.each(RUNBOOKS)(
    '%s: same stages, item labels and budgets',
    async (file) => {
      const loaded = await loadRunbook(file, ROOT);
      const listRunners = file === 'runbooks/demo.runbook.ts';
      const lists = await listStageChecks(ROOT, loaded.runbook, process.env, { listRunners });
      const markdown = renderRunbookMarkdown({
        file: loaded.file,
        runbook: loaded.runbook,
        lists,
        coverage: assessCoverage(loaded, lists).report,
      });
      const back = await importMarkdown({
        markdown,
        document: `${loaded.runbook.name}.md`,
        baseURL: 'http://127.0.0.1:3000',
        outDir: 'runbooks/again',
      });
      expect(back.name).toBe(loaded.runbook.name);
      expect(Object.keys(back.runbook.stages)).toEqual(Object.keys(loaded.runbook.stages));
      expect(labels(back.runbook)).toEqual(labels(loaded.runbook));
      expect(budgets(back.runbook)).toEqual(budgets(loaded.runbook));
      // Nothing render writes is left out as prose, an unread table or code.
      expect(back.notes).toEqual([]);
      // Not vacuous where the runbook has them: its checks were listed and its items rendered.
      if (loaded.runbook.sources.length)
        expect(markdown).toContain('| Section | Item | Kind | Encoded by | Status |');
      expect(markdown).toContain('| Check | Title | Kind | Blocking |');
      if (listRunners) expect(markdown).toContain('golden/login');
    },
    600_000,
  );
});
