import { renameSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';

/**
 * Points `reports/latest` at a finished run's folder. `latest` is a symbolic link replaced by a
 * rename, which is atomic: a reader sees the previous run or this one, never half of each, and two
 * gates finishing at once leave `latest` wholly one of them (the later rename wins). Called only
 * after the ledger line is written, so `latest` never shows a verdict the ledger does not hold.
 */
export function pointLatest(reportsDir: string, runDir: string): string {
  const latest = path.join(reportsDir, 'latest');
  const aside = path.join(reportsDir, `.latest-${path.basename(runDir)}-${process.pid}`);
  rmSync(aside, { force: true });
  // Relative, so a reports folder moved or uploaded as a whole still resolves.
  symlinkSync(path.relative(reportsDir, runDir), aside, 'dir');
  try {
    renameSync(aside, latest);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'ENOTEMPTY' && code !== 'EEXIST') {
      rmSync(aside, { force: true });
      throw error;
    }
    // A real folder left by an older rollgate, which copied runs into `latest/`: replaced once.
    rmSync(latest, { recursive: true, force: true });
    renameSync(aside, latest);
  }
  return latest;
}
