import type { LoadProfile } from '../checks/load/index.ts';
import { RollgateError } from '../config/errors.ts';
import type { LoadedRunbook } from '../config/load-runbook.ts';
import { createMasker } from '../config/mask.ts';
import { type ResolvedGate, resolveGate } from '../config/options.ts';
import { resolveWatch } from '../config/watch-options.ts';
import { type GateEvent, runGate } from '../engine/run-gate.ts';
import { parseShardArg, refuseUnshardable } from '../engine/shard/shard-arg.ts';
import { prepareLoad } from '../engine/steps/load-stage.ts';
import { openStore } from '../engine/store/open-store.ts';
import type { Store } from '../engine/store/store.ts';
import { type MetricCheck, type MetricProvider, providerOf } from '../model/metrics.ts';
import { colourEnabled, consoleReport } from '../reporters/console.ts';
import { webhookSecrets } from '../reporters/notify.ts';
import { type Cli, overrideFlags } from './args.ts';
import { load, stageArg } from './common.ts';
import { announce, finish, infoStream } from './finish.ts';
import { maskedLines } from './masked-lines.ts';
import { createProgress } from './progress.ts';
import { shardGateWithStore } from './shard-gate.ts';
import { watchFlags, watchWithStore } from './watch.ts';

/** A line for an engine event; none for step events, which live progress shows. */
function describeEvent(e: GateEvent): string | undefined {
  switch (e.type) {
    case 'target':
      return e.baseURL
        ? `target ${e.baseURL}${e.embedded ? ' (embedded, started by rollgate)' : ''}`
        : 'target did not start';
    case 'planned':
      return `planned ${e.checks} check(s)${e.problems ? `, ${e.problems} suite problem(s)` : ''}`;
    case 'running':
      if (!e.runners.length) return undefined; // a stage of built-in checks only
      return `running ${e.runners.join(e.parallel ? ' + ' : ', then ')}…`;
    case 'load':
      return `${e.what}, about ${Math.ceil(e.expectedMs / 1000)} s…`;
    case 'interrupt':
      return `stopping: ${e.reason}`;
    case 'step':
      return undefined;
  }
}

export async function gateCommand(cli: Cli): Promise<number> {
  const stage = stageArg(cli, 'gate');
  // --shard i/n: this machine's part of a sharded gate (docs/scale-out.md); a bad value exits 2 here.
  const shard = cli.values.shard ? parseShardArg(cli.values.shard) : undefined;
  const loaded = await load(cli);
  const gate = resolveGate(loaded.runbook, stage, {
    baseUrl: cli.values['base-url'],
    baselineUrl: cli.values['baseline-url'],
    k6Summary: cli.values['k6-summary'],
    retain: cli.values.retain,
    release: cli.values.release,
    timeoutMs: cli.values.timeout,
    now: cli.values.now,
    ...overrideFlags(cli.values),
  });
  // A watch series when the stage declares one or the flags ask for one; bad flags exit 2 here.
  const watch = resolveWatch(gate.stageName, gate.stage, watchFlags(cli));
  if (watch && gate.k6Summary) {
    // Every run would re-read the same frozen file: passes that watched nothing.
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `--k6-summary cannot feed a watch: each run of stage "${gate.stageName}" would judge the same file again. Gate once with it, or watch without it.`,
    );
  }
  if (gate.k6Summary) refuseLoadWindows(gate.stageName, gate.stage.metrics, loaded.runbook.providers);
  if (shard)
    refuseUnshardable(gate.stageName, gate.stage, shard, {
      watch: Boolean(watch),
      k6Summary: Boolean(gate.k6Summary),
    });
  // A load profile aimed at a host or stage it may not hit is refused here, before any request.
  const loadProfile = await prepareLoad(
    gate.stage,
    gate.stageName,
    [gate.baseURL, gate.baseline?.baseURL],
    process.cwd(),
  );
  const store = await openStore(gate.reportsDir);
  try {
    if (shard) return await shardGateWithStore(cli, loaded, gate, store, shard, loadProfile);
    if (watch) return await watchWithStore(cli, loaded, gate, store, watch, loadProfile);
    return await gateWithStore(cli, loaded, gate, store, loadProfile);
  } finally {
    await store.close();
  }
}

async function gateWithStore(
  cli: Cli,
  loaded: LoadedRunbook,
  gate: ResolvedGate,
  store: Store,
  loadProfile?: LoadProfile,
): Promise<number> {
  // --json: stdout holds the verdict alone; every other word goes to stderr.
  const out = infoStream(cli.values.json);
  // The webhooks' URLs are secrets from the start, like the target's.
  const webhooks = webhookSecrets(loaded.runbook.notify, process.env);
  const declared = [...gate.target.secrets.map((n) => process.env[n]), ...webhooks];
  let mask = createMasker(declared);
  const verbose = cli.values.verbose
    ? maskedLines(
        (t) => out.write(t),
        () => mask,
      )
    : undefined;
  const progress = createProgress({ stream: out, live: !verbose });
  const say = (line: string) => progress.line(mask(line));
  say(announce(loaded, gate, store));
  const run = await runGate({
    root: process.cwd(),
    loaded,
    gate,
    store,
    loadProfile,
    overrideWindow: cli.values['override-window'],
    // The session's token and generated secrets are masked in live output from the moment they exist.
    onSecrets: (values) => {
      mask = createMasker([...declared, ...values]);
    },
    onEvent: (e) => {
      progress.event(e);
      const line = describeEvent(e);
      if (line) say(`  ${line}`);
    },
    onRunnerOutput: verbose ? (t) => verbose.write(t) : undefined,
  }).finally(() => progress.stop());
  mask = createMasker([...run.secretValues, ...webhooks]);
  verbose?.flush();
  return finish({
    verdict: run.verdict,
    runDir: run.runDir,
    gate,
    store,
    mask,
    render: (v) => consoleReport(v, run.warnings, { colour: colourEnabled(out) }),
    what: 'the verdict or the ledger',
    json: cli.values.json,
    notify: loaded.runbook.notify,
  });
}

/**
 * `--k6-summary` judges a run made elsewhere: there is no load step here, so no load window and
 * no count of what it sent. A metric check that needs either is refused before anything runs.
 */
function refuseLoadWindows(
  stage: string,
  metrics: readonly MetricCheck[],
  providers: Record<string, MetricProvider>,
) {
  metrics.forEach((m, i) => {
    if (providerOf(m, providers)?.provider.type === 'json') return;
    const field =
      m.window === 'load' ? 'window' : m.minTraffic?.count === 'load' ? 'minTraffic.count' : undefined;
    if (field)
      throw new RollgateError(
        'ROLLGATE_BAD_ARGUMENT',
        `--k6-summary: stages.${stage}.metrics.${i}.${field} is 'load' (metric check "${m.name}"), but a summary of a run elsewhere has no load step here to open a window on or count: give the check a duration window and a number of requests, or gate without --k6-summary`,
      );
  });
}
