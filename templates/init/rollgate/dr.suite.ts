import { placeholder } from 'rollgate/vitest';

/**
 * Stands in for the disaster-recovery drill until it is declared: the `dr` stage HOLDs with what to
 * do. Declare the drill in rollgate.runbook.ts (the `dr` stage's `drill`: where the backups are,
 * RPO and RTO; a target that starts your app on the restored database, whose embedded env uses
 * `{restoredDatabaseUrl}`), give the stage rollgate/checks.suite.ts and the golden path, then
 * delete this file. See node_modules/rollgate/docs/backups.md.
 */

placeholder(
  'the disaster-recovery drill is declared',
  "declare the dr stage's drill in rollgate.runbook.ts (drill.backups.dir, rpo, rto and a target that boots the app on {restoredDatabaseUrl}; see node_modules/rollgate/docs/backups.md), then remove rollgate/dr.suite.ts from its suites",
  { id: 'dr/declared' },
);
