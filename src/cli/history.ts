import { RollgateError } from '../config/errors.ts';
import { createMasker, maskDeep, secretLookingValues } from '../config/mask.ts';
import { reportsDir } from '../config/paths.ts';
import { openStore } from '../engine/store/open-store.ts';
import { historyTable, selectHistory } from '../reporters/history-table.ts';
import type { Cli } from './args.ts';
import { load } from './common.ts';

/** `--limit 20`: a whole number above 0, or a bad argument saying so. */
export function limitArg(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value) && Number(value) > 0) return Number(value);
  throw new RollgateError(
    'ROLLGATE_BAD_ARGUMENT',
    `history --limit: "${value}" is not a whole number above 0; e.g. --limit 20 for the 20 newest runs.`,
  );
}

/**
 * `rollgate history [--stage <name>] [--release <v>] [--limit N] [--json]`: the runbook's ledger,
 * from the file store or PostgreSQL (ROLLGATE_LEDGER_URL), oldest first so the newest run is the
 * last line. Exit 0, also for an empty ledger or no match (said so); 2 for an unknown stage (the
 * stages listed), a bad --limit or a store that cannot be read.
 */
export async function historyCommand(cli: Cli): Promise<number> {
  if (cli.positionals.length)
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `history takes no positional argument (got "${cli.positionals.join(' ')}"): use --stage <name> and --release <version>.`,
    );
  const limit = limitArg(cli.values.limit);
  const stage = cli.values.stage || undefined;
  const release = cli.values.release || undefined;
  const loaded = await load(cli);
  const rb = loaded.runbook;
  // Declared secrets of every target, and values of variables named like secrets: a reason may quote one.
  const mask = createMasker([
    ...Object.values(rb.targets).flatMap((t) => t.secrets.map((n) => process.env[n])),
    ...secretLookingValues(process.env),
  ]);
  const store = await openStore(reportsDir());
  try {
    const all = await store.ledger(rb.name);
    // A stage renamed or removed since still has its history: known if the runbook or the ledger has it.
    if (stage !== undefined && !rb.stages[stage] && !all.some((e) => e.stage === stage)) {
      const ledgerOnly = [...new Set(all.map((e) => e.stage))].filter((s) => !rb.stages[s]);
      throw new RollgateError(
        'ROLLGATE_UNKNOWN_STAGE',
        `${loaded.file}: no stage "${stage}"; stages: ${Object.keys(rb.stages).join(', ')}${ledgerOnly.length ? `; in the ledger only: ${ledgerOnly.join(', ')}` : ''}.`,
      );
    }
    const entries = selectHistory(all, { stage, release, limit });
    if (cli.values.json) {
      console.log(mask(JSON.stringify(maskDeep(entries, mask), null, 2)));
      return 0;
    }
    const where = mask(store.description);
    if (!all.length) {
      console.log(
        `${rb.name}: the ledger (${where}) has no runs of this runbook yet; a gate adds one line per run.`,
      );
      return 0;
    }
    const filters = [stage && `stage ${stage}`, release && `release ${release}`].filter(Boolean).join(', ');
    if (!entries.length) {
      console.log(
        `${rb.name}: no runs of ${filters} in the ledger (${where}); it has ${all.length} run(s) of this runbook.`,
      );
      return 0;
    }
    const shown =
      entries.length < all.length ? `${entries.length} of ${all.length} runs` : `${entries.length} run(s)`;
    console.log(
      `${rb.name}: ${shown}${filters ? ` (${filters})` : ''}${limit !== undefined ? `, the newest ${limit} at most` : ''}, oldest first, from ${where}`,
    );
    console.log(historyTable(entries, mask));
    return 0;
  } finally {
    await store.close();
  }
}
