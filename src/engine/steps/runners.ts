import { existsSync } from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { Stage } from '../../model/runbook.ts';
import type { ShardSpec } from '../../model/shard.ts';
import type { ChildSet } from '../children.ts';
import type { RunnerOutcome } from '../collect.ts';
import { playwrightInvocation, runnerCli, vitestInvocation } from '../run-config/invocation.ts';
import { reporterPath } from '../run-config/settings.ts';
import { readRaw } from './read-raw.ts';

interface RunOptions {
  root: string;
  runDir: string;
  env: NodeJS.ProcessEnv;
  children: ChildSet;
  /** Streams the runner's own output (for --verbose). */
  onOutput?: (line: string) => void;
}

/** A shard of a sharded gate: Playwright runs its part and writes a blob report into `blobDir`. */
export interface ShardRun {
  shard: ShardSpec;
  blobDir: string;
}

async function runChild(
  kind: 'vitest' | 'playwright',
  args: string[],
  rawFile: string,
  o: RunOptions,
  extraEnv: Record<string, string>,
): Promise<RunnerOutcome> {
  const child = o.children.spawn(process.execPath, [runnerCli(kind), ...args], {
    cwd: o.root,
    env: { ...o.env, ...extraEnv, ROLLGATE_RAW_FILE: rawFile },
  });
  if (o.onOutput) child.all?.on('data', (b: Buffer) => o.onOutput!(b.toString()));
  const r = await child;
  if (!existsSync(rawFile)) {
    const tail = stripVTControlCharacters(String(r.all ?? ''))
      .trim()
      .split('\n')
      .slice(-8)
      .join('\n');
    return {
      kind,
      failure: `${kind} exited with ${r.exitCode ?? r.signal} and reported nothing${tail ? `: ${tail}` : ''}`,
    };
  }
  return readRaw(kind, rawFile, o.runDir);
}

export function runVitest(stage: Stage, o: RunOptions): Promise<RunnerOutcome> {
  const inv = vitestInvocation(o.root, stage);
  const args = [
    'run',
    ...inv.args,
    `--reporter=${reporterPath('vitest-reporter')}`,
    `--retry=${stage.retries}`,
    ...stage.suites,
  ];
  if (stage.suiteFilter) args.push('-t', stage.suiteFilter);
  return runChild('vitest', args, path.join(o.runDir, 'raw', 'vitest.json'), o, inv.env);
}

export function runPlaywright(stage: Stage, o: RunOptions, shard?: ShardRun): Promise<RunnerOutcome> {
  const smoke = stage.smoke!;
  const inv = playwrightInvocation(o.root, stage, {
    outputDir: path.join(o.runDir, 'playwright'),
    reporter: reporterPath('playwright-reporter'),
    ...shard,
  });
  const args = ['test', ...inv.args, ...smoke.specs];
  if (smoke.grep) args.push('--grep', smoke.grep);
  return runChild('playwright', args, path.join(o.runDir, 'raw', 'playwright.json'), o, inv.env);
}
