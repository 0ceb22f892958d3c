import { CheckFailure, check, describe } from 'rollgate/vitest';
import { compareCopies } from './backup-copies.ts';
import { localBackups, offsiteBackups } from './locations.ts';

/**
 * "Store backup in multiple locations (S3, local)": the newest backup the drill restores must also
 * be in the second location, byte for byte, with the same manifest. The drill proves the local
 * copy restores; this proves the other copy is that same backup.
 */
describe('backup copies', () => {
  check(
    'the newest backup is stored in a second location, identical',
    async ({ measure, attach }) => {
      const local = localBackups();
      const offsite = offsiteBackups();
      const outcome = await compareCopies(local, offsite);
      attach('backup-copies', 'application/json', {
        body: JSON.stringify({ ...outcome, local, offsite }, null, 2),
      });
      const m = measure({ name: 'backup-locations', operator: '>=', expected: 2 }, outcome.locations, 2);
      if (!m.passed)
        throw new CheckFailure(
          `${outcome.backup} is stored in ${local} only: ${outcome.problems.join('; ')}`,
        );
    },
    { id: 'terp/backup-copies' },
  );
});
