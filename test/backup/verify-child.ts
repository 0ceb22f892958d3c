/**
 * Child process for the interruption tests: verifies a backup and, once the scratch database
 * exists, prints its name and waits, so the test can SIGTERM it mid-verification.
 * Usage: node --import tsx test/backup/verify-child.ts <backup> <scratchUrl>
 */
import { verifyBackup } from '../../src/checks/backup/verify-backup.ts';

const [backup, scratchUrl] = process.argv.slice(2);
// Keeps the event loop alive while the verification waits in onScratch.
setInterval(() => {}, 1000);
await verifyBackup({
  backup: backup!,
  scratchUrl,
  onScratch: async (scratch) => {
    process.stdout.write(`${JSON.stringify({ scratch: scratch.name })}\n`);
    await new Promise(() => {});
  },
});
