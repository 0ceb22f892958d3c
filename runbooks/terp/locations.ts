import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Where the TERP stand-in keeps what must outlive one gate: its backups, in two places, as the
 * rollout plan stores every backup "in multiple locations". Both are under the machine's temporary
 * folder, never in the repository. On the real deployment, `ROLLGATE_BACKUP_DIR` names the local
 * folder and `TERP_OFFSITE_BACKUP_DIR` the second copy (an S3 bucket mounted, or synced, there).
 */
const root = path.join(tmpdir(), 'rollgate-terp');

/** `rollgate backup --target production` writes here; the rollback drill restores from here. */
export const LOCAL_BACKUPS = path.join(root, 'backups', 'local');

/** The second location: a copy of each backup and its manifest (the plan's S3 copy). */
export const OFFSITE_BACKUPS = path.join(root, 'backups', 'offsite');

/** The MariaDB server the stand-in runs on, on this machine. */
export const MARIADB = 'mysql://root@127.0.0.1:3306';

/**
 * The stand-in's databases: each stage's copy of TERP's schema, created by the stand-in when
 * missing. Every name starts with `terp_standin`: the stand-in creates no other database.
 */
export const DATABASES = {
  production: `${MARIADB}/terp_standin`,
  staging: `${MARIADB}/terp_standin_staging`,
  previous: `${MARIADB}/terp_standin_previous`,
} as const;

/** The local backups folder a gate uses: `ROLLGATE_BACKUP_DIR` wins, as for the drill itself. */
export function localBackups(env: NodeJS.ProcessEnv = process.env): string {
  return env.ROLLGATE_BACKUP_DIR?.trim() || LOCAL_BACKUPS;
}

/** The second location a gate checks: `TERP_OFFSITE_BACKUP_DIR`, else the stand-in's folder. */
export function offsiteBackups(env: NodeJS.ProcessEnv = process.env): string {
  return env.TERP_OFFSITE_BACKUP_DIR?.trim() || OFFSITE_BACKUPS;
}
