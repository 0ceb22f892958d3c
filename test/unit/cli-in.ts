import path from 'node:path';
import { vi } from 'vitest';
import { main } from '../../src/cli/main.ts';

/**
 * Runs the CLI in this process as if started in `root` (no ROLLGATE_RUNBOOK, reports under
 * `root/reports`); returns its exit code and what it printed. Its spies are restored before it returns.
 */
export async function cliIn(root: string, args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process, 'cwd').mockReturnValue(root);
  vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  vi.stubEnv('ROLLGATE_RUNBOOK', '');
  vi.stubEnv('ROLLGATE_REPORTS_DIR', path.join(root, 'reports'));
  try {
    return { code: await main(args), out: out.join('\n'), err: err.join('\n') };
  } finally {
    vi.restoreAllMocks();
  }
}
