import type { LoadProfile } from '../checks/load/index.ts';
import type { LoadedRunbook } from '../config/load-runbook.ts';
import { createMasker } from '../config/mask.ts';
import type { ResolvedGate } from '../config/options.ts';
import type { WatchFlags } from '../config/watch-options.ts';
import type { Store } from '../engine/store/store.ts';
import { runWatch, type WatchEvent } from '../engine/watch/watch.ts';
import { formatDuration } from '../model/governance.ts';
import type { WatchSpec } from '../model/watch.ts';
import { colourEnabled, watchProgressLine, watchReport } from '../reporters/console.ts';
import { webhookSecrets } from '../reporters/notify.ts';
import { publish } from '../reporters/publish.ts';
import type { Cli } from './args.ts';
import { announce, finish, infoStream } from './finish.ts';
import { maskedLines } from './masked-lines.ts';
import { createProgress } from './progress.ts';

export function watchFlags(cli: Cli): WatchFlags {
  return {
    watchInterval: cli.values['watch-interval'],
    watchDuration: cli.values['watch-duration'],
    failureLimit: cli.values['failure-limit'],
    consecutiveSuccessLimit: cli.values['consecutive-success-limit'],
  };
}

function describe(e: WatchEvent): string {
  switch (e.type) {
    case 'series': {
      const csl = e.spec.consecutiveSuccessLimit;
      return `watch series ${e.seriesId}: every ${formatDuration(e.spec.interval)} for ${formatDuration(e.spec.duration)} (${e.runs} runs), failureLimit ${e.spec.failureLimit}${csl ? `, consecutiveSuccessLimit ${csl}` : ''}`;
    }
    case 'target':
      return e.embedded
        ? `target ${e.baseURL} (embedded, started once for the whole series)`
        : `target ${e.baseURL}`;
    case 'interrupt':
      return `stopping the watch: ${e.reason}`;
  }
}

/**
 * `rollgate gate <stage>` when the stage is watched: each run is written like a single gate
 * (verdict, ledger line, reports) with a progress line; the series' verdict is written last and
 * decides the exit code.
 */
export async function watchWithStore(
  cli: Cli,
  loaded: LoadedRunbook,
  gate: ResolvedGate,
  store: Store,
  spec: WatchSpec,
  loadProfile?: LoadProfile,
): Promise<number> {
  // --json: stdout holds the series' verdict alone; every other word goes to stderr.
  const out = infoStream(cli.values.json);
  const declared = [
    ...gate.target.secrets.map((n) => process.env[n]),
    ...webhookSecrets(loaded.runbook.notify, process.env),
  ];
  let mask = createMasker(declared);
  const known = new Set<string>();
  const verbose = cli.values.verbose
    ? maskedLines(
        (t) => out.write(t),
        () => mask,
      )
    : undefined;
  const progress = createProgress({ stream: out, live: !verbose });
  const say = (line: string) => progress.line(mask(line));
  say(announce(loaded, gate, store));
  const result = await runWatch({
    root: process.cwd(),
    loaded,
    gate,
    store,
    spec,
    loadProfile,
    overrideWindow: cli.values['override-window'],
    // Each run's session token and generated secrets, masked in live output as soon as they exist.
    onSecrets: (values) => {
      for (const v of values) known.add(v);
      mask = createMasker([...declared, ...known]);
    },
    onEvent: (e) => say(`  ${describe(e)}`),
    // Each run's steps drive the live progress; their other events stay quiet, as before.
    onRunEvent: (e) => progress.event(e),
    onRunnerOutput: verbose ? (t) => verbose.write(t) : undefined,
    onProgress: (p) => progress.line(mask(watchProgressLine(p)).replace(/\n$/, '')),
    record: async (run) => {
      for (const v of run.secretValues) known.add(v);
      mask = createMasker([...declared, ...known]);
      const published = await publish({
        verdict: run.verdict,
        runDir: run.runDir,
        reportsDir: gate.reportsDir,
        mask,
        store,
      });
      for (const e of published.reporterErrors) process.stderr.write(`rollgate: ${mask(e)}\n`);
      return published.verdict;
    },
  }).finally(() => progress.stop());
  verbose?.flush();
  mask = createMasker([...declared, ...result.secretValues]);
  return finish({
    verdict: result.verdict,
    runDir: result.runDir,
    gate,
    store,
    mask,
    render: (v) => watchReport(v, { colour: colourEnabled(out) }),
    what: "the watch series' verdict or ledger line",
    json: cli.values.json,
    notify: loaded.runbook.notify,
  });
}
