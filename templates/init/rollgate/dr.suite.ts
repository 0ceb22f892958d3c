import { placeholder } from 'rollgate/vitest';

/**
 * Stands in for the disaster-recovery drill until it is declared: the `dr` stage HOLDs with what to
 * do. Declare the app's data on its target (`backups.data`: SQLite, PostgreSQL, MariaDB or a folder
 * of files) and take backups with `npx rollgate backup`; it records each in reports/backups.jsonl,
 * which the drill checks, so keep reports/ until the drill (or share ROLLGATE_LEDGER_URL). Declare
 * the drill in rollgate.runbook.ts (the `dr` stage's `drill`: where the backups are, RPO and RTO;
 * a target that starts your app on the restored data, whose embedded env uses
 * `{restoredDatabaseUrl}` for a database or `{restoredDataDir}` for a folder), give the stage
 * rollgate/checks.suite.ts and the golden path, then delete this file.
 * See node_modules/rollgate/docs/backups.md.
 */

placeholder(
  'the disaster-recovery drill is declared',
  "declare the app's data (targets.<name>.backups) and take backups with `npx rollgate backup`, then declare the dr stage's drill in rollgate.runbook.ts (drill.backups.dir, rpo, rto and a target that boots the app on {restoredDatabaseUrl} or, for a folder, {restoredDataDir}; see node_modules/rollgate/docs/backups.md), then remove rollgate/dr.suite.ts from its suites",
  { id: 'dr/declared' },
);
