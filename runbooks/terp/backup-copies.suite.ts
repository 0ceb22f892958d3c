import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { digestPath, listBackups } from 'rollgate/checks';
import { CheckFailure, check, describe, ObservationError } from 'rollgate/vitest';
import { localBackups, offsiteBackups } from './locations.ts';

/** The backups `rollgate backup --target production` writes for the stand-in. */
const PATTERN = 'terp-*';

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
      const newest = (await listBackups(local, PATTERN)).backups[0];
      if (!newest)
        throw new ObservationError(
          `no backup matching ${PATTERN} in ${local}: nothing to look for elsewhere`,
        );
      if (!newest.manifest)
        throw new ObservationError(
          `${newest.name} has no usable manifest: ${newest.manifestProblem ?? 'unknown'}`,
        );
      const copy = path.join(offsite, newest.name);
      const problems: string[] = [];
      let digest: { sha256: string; sizeBytes: number } | undefined;
      try {
        digest = await digestPath(copy);
      } catch (error) {
        problems.push(`${copy}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      if (digest && digest.sha256 !== newest.manifest.sha256)
        problems.push(`${copy}: sha256 ${digest.sha256}, the manifest says ${newest.manifest.sha256}`);
      const manifests = await Promise.all(
        [newest.path, copy].map((p) => readFile(`${p}.manifest.json`, 'utf8').catch(() => undefined)),
      );
      if (manifests[1] === undefined) problems.push(`${copy}.manifest.json: missing`);
      else if (manifests[1] !== manifests[0])
        problems.push(`${copy}.manifest.json differs from the local manifest`);
      attach('backup-copies', 'application/json', {
        body: JSON.stringify(
          { backup: newest.name, sha256: newest.manifest.sha256, local, offsite, problems },
          null,
          2,
        ),
      });
      const m = measure(
        { name: 'backup-locations', operator: '>=', expected: 2 },
        problems.length ? 1 : 2,
        2,
      );
      if (!m.passed)
        throw new CheckFailure(`${newest.name} is stored in ${local} only: ${problems.join('; ')}`);
    },
    { id: 'terp/backup-copies' },
  );
});
