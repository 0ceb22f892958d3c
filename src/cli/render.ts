import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createMasker, secretLookingValues } from '../config/mask.ts';
import { assessCoverage } from '../engine/coverage/coverage.ts';
import { listStageChecks } from '../engine/coverage/stage-checks.ts';
import { renderRunbookMarkdown } from '../reporters/markdown-runbook.ts';
import type { Cli } from './args.ts';
import { load } from './common.ts';

/**
 * `rollgate render`: the runbook as markdown, on stdout or into `--out <file.md>`. Lists the
 * stages' tests (runs nothing). An `--out` file that exists is left alone unless `--force`. Exit 0
 * written, 1 written but a suite could not be listed (the markdown and stderr name it) or `--out`
 * exists (nothing written), 2 the runbook could not be loaded.
 */
export async function renderCommand(cli: Cli): Promise<number> {
  const loaded = await load(cli);
  const rb = loaded.runbook;
  // Like init and import: a file that exists is not overwritten unless --force.
  const out = cli.values.out ? path.resolve(process.cwd(), cli.values.out) : undefined;
  const overwrite = out !== undefined && existsSync(out);
  if (overwrite && cli.values.force !== true) {
    console.error(
      `rollgate render: ${cli.values.out} exists. Nothing was written. Give another --out, or run again with --force to overwrite it.`,
    );
    return 1;
  }
  const lists = await listStageChecks(process.cwd(), rb, process.env);
  const { report } = assessCoverage(loaded, lists);
  // Values of the runbook's declared secrets and of secret-looking variables never reach the page.
  const secretNames = Object.values(rb.targets).flatMap((t) => t.secrets);
  const mask = createMasker([...secretLookingValues(process.env), ...secretNames.map((n) => process.env[n])]);
  const markdown = mask(renderRunbookMarkdown({ file: loaded.file, runbook: rb, lists, coverage: report }));
  const problems = lists.flatMap((l) => l.problems.map((p) => `stage ${l.name}: ${p}`));
  if (out) {
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, markdown);
    console.log(
      `rollgate render: ${loaded.file} → ${cli.values.out}${overwrite ? ' (overwritten: --force)' : ''} (${Object.keys(rb.stages).length} stages, ${rb.sources.reduce((n, s) => n + s.items.length, 0)} source items). Read it back with: rollgate import ${cli.values.out}`,
    );
  } else process.stdout.write(markdown);
  if (problems.length) {
    console.error(
      `rollgate render: some checks could not be listed:\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
    return 1;
  }
  return 0;
}
