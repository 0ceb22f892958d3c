import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { loadRunbook } from '../../src/config/load-runbook.ts';
import type { Runbook } from '../../src/model/runbook.ts';
import type { SourceItem } from '../../src/model/sources.ts';

/**
 * What the seed runbook tests share (issue 13): loading a seed runbook, the floor of recorded items
 * per document, the labels that must never be a sign-off, and the demo started as a deployment
 * starts it (`tsx demo/main.ts`, which also writes its effective config file).
 */

export const ROOT = path.resolve(import.meta.dirname, '../..');

export async function loadSeedRunbook(file: string): Promise<Runbook> {
  return (await loadRunbook(file, ROOT)).runbook;
}

/** The least number of items a document's source must record: checkboxes + metric rows + thresholds. */
export function sourceFloor(document: string): number {
  const floors = JSON.parse(
    readFileSync(path.join(ROOT, 'test/fixtures/seeds/source-lines.json'), 'utf8'),
  ) as Record<string, { checkboxLines: number; metricRows: number; thresholds: number }>;
  const f = floors[document];
  if (!f) throw new Error(`no floor for ${document} in test/fixtures/seeds/source-lines.json`);
  return f.checkboxLines + f.metricRows + f.thresholds;
}

/**
 * Labels naming something always observable from outside (issue 13): an item whose label matches
 * must be encoded by checks, never a sign-off. Word boundaries keep Redis's `maxmemory` or a
 * Docker build's layer caching out of "memory" and "cache".
 */
export const ALWAYS_AUTOMATED: readonly RegExp[] = [
  /\berror rate\b/i,
  /\blatency\b|\bresponse time\b|\bp95\b/i,
  /\bweb vitals?\b|\bfcp\b|\blcp\b|\bcls\b|\btti\b/i,
  /\bhealth\b/i,
  /\bjwks\b/i,
  /\bheaders?\b/i,
  /\brate limit/i,
  /\bcors\b/i,
  /\bpersist/i,
  /\bwal\b/i,
  /\bcredentials?\b|\bsecrets? in (the )?(config|fly\.toml)/i,
  /\baudit\b/i,
  /\baccessib|\bwcag\b/i,
  /\btls\b|\bssl\b|\bcertificates?\b/i,
  /\bbackups?\b/i,
  /\brestore|\brpo\b|\brto\b/i,
  /\bwindow\b/i,
  /\bsoak\b/i,
  /\bmaintenance\b/i,
  /\bdowntime\b|\buptime\b/i,
  /\bmemory\b/i,
  /\bcpu\b/i,
  /\bconnections?\b/i,
  /\bcache\b/i,
];

/**
 * Items recorded against a sign-off although their label names something always observable,
 * leaving out `exceptions` (labels the runbook argues for, each with its reason in the sign-off).
 */
export function signedOffButObservable(
  items: readonly SourceItem[],
  exceptions: readonly string[] = [],
): { label: string; keyword: string }[] {
  return items
    .filter((i) => i.signoff && !exceptions.includes(i.label))
    .flatMap((i) => {
      const hit = ALWAYS_AUTOMATED.find((re) => re.test(i.label));
      return hit ? [{ label: i.label, keyword: hit.source }] : [];
    });
}

export interface DemoProcess {
  url: string;
  /** Stops the demo (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts `tsx demo/main.ts` with `env` over a clean environment (no DEMO_* or PORT of the shell) and
 * waits for its ready line. It writes its effective config to `DEMO_CONFIG_FILE` when that is set.
 */
export async function startDemoProcess(env: Record<string, string>): Promise<DemoProcess> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(DEMO_|ROLLGATE_|PORT$)/.test(k)),
  );
  const child = execa(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'demo/main.ts')], {
    cwd: ROOT,
    env: { ...base, PORT: '0', ...env },
    extendEnv: false,
    reject: false,
    all: true,
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    void child.then((r) => reject(new Error(`demo exited before it was ready: ${r.all}`)));
  });
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await child;
    },
  };
}
