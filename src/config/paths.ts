import path from 'node:path';

/** Where runs write. `ROLLGATE_REPORTS_DIR` redirects it, so tests never share a ledger. */
export function reportsDir(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return path.resolve(cwd, env.ROLLGATE_REPORTS_DIR || 'reports');
}

export function reportPaths(root: string, runId: string) {
  return {
    root,
    runDir: path.join(root, 'runs', runId),
    ledger: path.join(root, 'ledger.jsonl'),
    html: path.join(root, 'html'),
  };
}
