import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { RollgateError } from '../config/errors.ts';
import { importMarkdown } from '../engine/coverage/import-runbook.ts';
import type { Cli } from './args.ts';
import { baseUrlArg } from './init.ts';

/**
 * `rollgate import <file.md>`: a markdown deployment plan → `<out>/<name>.runbook.ts` and one
 * placeholder suite per stage, from the project root (the current directory). All or nothing: a
 * file that exists stops it before anything is written, unless --force.
 */

const usage = 'usage: rollgate import <file.md> [--out <dir>] [--name <name>] [--base-url <url>] [--force]';

function nameArg(value: string | undefined): string | undefined {
  if (value === undefined || /^[a-z0-9][a-z0-9-]*$/.test(value)) return value;
  throw new RollgateError(
    'ROLLGATE_BAD_ARGUMENT',
    `import --name: "${value}" is not a runbook name (lower-case letters, digits and dashes), e.g. --name ${
      value
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '') || 'shop'
    }.`,
  );
}

const posix = (p: string) => p.split(path.sep).join('/');

/** Runs import in `cwd`; returns the exit code (0 written, 1 a file exists, 2 bad input). */
export async function importCommand(cli: Cli, cwd = process.cwd()): Promise<number> {
  const file = cli.positionals[0];
  if (!file) throw new RollgateError('ROLLGATE_BAD_ARGUMENT', usage);
  const abs = path.resolve(cwd, file);
  if (!existsSync(abs))
    throw new RollgateError('ROLLGATE_BAD_ARGUMENT', `import: ${file} not found (from ${cwd}). ${usage}`);
  const markdown = readFileSync(abs, 'utf8');
  const baseURL = baseUrlArg('import', cli.values['base-url']);
  const name = nameArg(cli.values.name);
  const document = path.basename(abs);
  // The output folder needs the name; a rendered runbook carries one, so outline once without --out.
  const provisional = await importMarkdown({ markdown, document, name, baseURL, outDir: 'runbooks/x' });
  const outDir =
    posix(path.relative(cwd, path.resolve(cwd, cli.values.out ?? `runbooks/${provisional.name}`))) || '.';
  const result = await importMarkdown({ markdown, document, name: provisional.name, baseURL, outDir });
  if (!result.counts.items && result.counts.stages === 1 && !result.counts.budgets) {
    console.error(
      `rollgate import: ${file} has nothing to import: no checklist line (- [ ]), metric table, threshold, criterion or stage heading. Nothing was written.`,
    );
    return 2;
  }
  const existing = result.files.filter((f) => existsSync(path.resolve(cwd, f.rel))).map((f) => f.rel);
  if (existing.length && cli.values.force !== true) {
    console.error(
      `rollgate import: ${existing.length === 1 ? 'this file exists' : 'these files exist'}:\n` +
        existing.map((f) => `  ${f}\n`).join('') +
        'Nothing was written. Move them aside, give another --out or --name, or run again with --force to overwrite them.',
    );
    return 1;
  }
  for (const f of result.files) {
    await mkdir(path.dirname(path.resolve(cwd, f.rel)), { recursive: true });
    await writeFile(path.resolve(cwd, f.rel), f.text);
  }
  const c = result.counts;
  const rb = result.runbookFile;
  const firstStage = Object.keys(result.runbook.stages)[0]!;
  const lines = [
    `rollgate import: ${document} → runbook "${result.name}" against ${baseURL}`,
    'wrote:',
    ...result.files.map((f) => `  ${f.rel}${existing.includes(f.rel) ? ' (overwritten: --force)' : ''}`),
    `stages ${c.stages} (${Object.keys(result.runbook.stages).join(', ')}), items ${c.items}, sign-offs ${c.signoffs}, placeholders ${c.placeholders}, budgets ${c.budgets}`,
  ];
  if (result.masked)
    lines.push(`masked ${result.masked} credential(s) found in ${document} (written as ***)`);
  if (result.notes.length) {
    lines.push(`not imported (${result.notes.length}): read them and add what matters by hand`);
    for (const n of result.notes.slice(0, 20)) lines.push(`  ${n}`);
    if (result.notes.length > 20) lines.push(`  … and ${result.notes.length - 20} more`);
  }
  lines.push(
    '',
    'Every placeholder errors (ROLLGATE_PLACEHOLDER) and every sign-off waits to be signed, so each stage HOLDs until they are done.',
    'Next steps:',
    `  npx rollgate validate --runbook ${rb}`,
    `  npx rollgate coverage --runbook ${rb}     what encodes each line of the plan; missing until written`,
    `  npx rollgate gate ${firstStage} --runbook ${rb} --release <version>`,
    `  write the checks in ${path.posix.dirname(rb)}/*.suite.ts (each placeholder says what to check), then run coverage again`,
  );
  console.log(lines.join('\n'));
  return 0;
}
