import path from 'node:path';
import { RollgateError } from '../config/errors.ts';
import { createMasker } from '../config/mask.ts';
import { resolveGate } from '../config/options.ts';
import { applyOverrides } from '../config/overrides.ts';
import { mergeRun } from '../engine/shard/merge-run.ts';
import { completeness, mixedRevisions, refuseMixed, type ShardInput } from '../engine/shard/merge-shards.ts';
import { readShards } from '../engine/shard/read-shards.ts';
import { openStore } from '../engine/store/open-store.ts';
import { colourEnabled, consoleReport } from '../reporters/console.ts';
import { webhookSecrets } from '../reporters/notify.ts';
import type { Cli } from './args.ts';
import { load } from './common.ts';
import { finish, infoStream } from './finish.ts';

/** The shard whose run stands for the merged one: shard 1, else the lowest given. */
const leading = (shards: readonly ShardInput[]) =>
  [...shards].sort((a, b) => a.result.shard.index - b.result.shard.index)[0]!;

/**
 * `rollgate merge <dir>...`: the results of `gate <stage> --shard i/n` on several machines as one
 * verdict, recorded once (verdict.json, reports, one ledger line, `latest`). Shards of different
 * runs are refused (exit 2, nothing recorded); a missing or repeated shard is a HOLD that names it.
 * Exit 0 promote, 1 hold, 2 could not merge.
 */
export async function mergeCommand(cli: Cli): Promise<number> {
  const shards = readShards(cli.positionals);
  refuseMixed(shards);
  const first = leading(shards).result;
  const loaded = await load(cli);
  if (loaded.runbook.name !== first.runbook)
    throw new RollgateError(
      'ROLLGATE_SHARD_MISMATCH',
      `the shards ran runbook "${first.runbook}" but ${loaded.file} is runbook "${loaded.runbook.name}": merge in the project that ran them, or name its runbook with --runbook <file>`,
    );
  const resolved = resolveGate(loaded.runbook, first.stage, {
    release: first.release,
    baseUrl: first.target.embedded ? undefined : first.target.baseURL,
    now: cli.values.now,
  });
  // The stage as the shards ran it: their target, and their command-line budgets and timeouts.
  const gate = {
    ...resolved,
    baseURL: first.target.embedded ? undefined : first.target.baseURL,
    stage: applyOverrides(resolved.stage, first.overrides),
    overrides: first.overrides,
  };
  const store = await openStore(gate.reportsDir);
  try {
    // --json: stdout holds the merged verdict alone. Webhook URLs are secrets, as in a gate.
    const out = infoStream(cli.values.json);
    const mask = createMasker([
      ...gate.target.secrets.map((n) => process.env[n]),
      ...webhookSecrets(loaded.runbook.notify, process.env),
    ]);
    const c = completeness(shards);
    const given = shards.map((s) => `${s.result.shard.index}/${s.result.shard.total}`).join(', ');
    out.write(
      `${mask(`rollgate: merging ${shards.length} shard result(s) of ${first.runbook}/${first.stage}, release ${first.release} (shards ${given}${c.missing.length ? `; missing ${c.missing.join(', ')}` : ''}); history in ${store.description}`)}\n`,
    );
    const mixed = mixedRevisions(shards);
    if (mixed) process.stderr.write(`rollgate: warning: ${mask(mixed)}\n`);
    const merged = await mergeRun({ root: process.cwd(), loaded, gate, store, shards, env: process.env });
    if (merged.report)
      out.write(`${mask(`  Playwright report: ${path.relative(process.cwd(), merged.report)}`)}\n`);
    if (merged.reportError)
      process.stderr.write(
        `rollgate: ${mask(`the shards' Playwright reports could not be merged (the verdict stands): ${merged.reportError}`)}\n`,
      );
    return await finish({
      verdict: merged.verdict,
      runDir: merged.runDir,
      gate,
      store,
      mask,
      render: (v) => consoleReport(v, merged.warnings, { colour: colourEnabled(out) }),
      what: 'the merged verdict or the ledger',
      // The merge is the sharded run's one verdict: the runbook's webhooks hear of it, as of a gate's.
      json: cli.values.json,
      notify: loaded.runbook.notify,
    });
  } finally {
    await store.close();
  }
}
