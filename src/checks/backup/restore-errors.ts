import { ObservationError } from '../authoring/errors.ts';

/**
 * Why a restore into scratch stopped, in words that are true. A restore runs as a restricted role
 * (DESIGN: never a superuser), so a dump that needs more is refused for a privilege: that is the
 * backup's problem (failed), with the fix named. Only a server that cannot be reached, or that
 * refuses the restore role's login, is "could not observe" (errored).
 */

/** MariaDB client errors that mean the server was never reached or the link broke. */
const MYSQL_UNREACHABLE =
  /^ERROR 20(02|03|05|06|13|26)\b|Can't connect|Lost connection|Unknown (MySQL|MariaDB) server host/i;
/** 1045 / 1698, or 1044 before any line ran: the restore user's login itself was refused. */
const MYSQL_LOGIN =
  /^ERROR (1045|1698)\b|^ERROR 1044 \(\w+\): |Access denied for user '[^']*'@'[^']*' \(using password/i;
/**
 * Refused statements: 1227 (needs SUPER / SET USER, e.g. a DEFINER for another account), 1142/1143
 * (table/column command denied), 1044 (another database), 1370 (routine), 1419 (SUPER with the
 * binary log on), 1410/1211 (grants and users).
 */
const MYSQL_PRIVILEGE =
  /^ERROR (1227|1142|1143|1044|1370|1419|1410|1211)\b|Access denied; you need|command denied to user/i;

const DEFINER_FIX =
  "Fix: take the dump without DEFINER clauses, so each object belongs to whoever restores it (for example pipe mariadb-dump through sed -E 's/ DEFINER=`[^`]*`@`[^`]*`//g'), or define the object with DEFINER=CURRENT_USER";

/** A line of the dump that sets a DEFINER, as the MariaDB scanner found it. */
export interface DefinerLine {
  line: number;
  definer: string;
}

/** The DEFINER set on the failing line (or just before it, a view spans lines), else the dump's first. */
function definerNear(errorLine: string, definers: DefinerLine[]): DefinerLine | undefined {
  const at = Number(/ at line (\d+)/.exec(errorLine)?.[1] ?? Number.NaN);
  const near = definers.filter((d) => d.line <= at && at - d.line <= 3).at(-1);
  return near ?? definers[0];
}

/**
 * Turns a failed `mariadb` restore into the error to record: throws ObservationError when the
 * scratch server could not be reached or refused the login; returns the failure reason otherwise.
 */
export function mysqlRestoreFailure(errorLine: string, definers: DefinerLine[] = []): string {
  if (MYSQL_LOGIN.test(errorLine)) {
    throw new ObservationError(`the scratch server refused the restore user's login: mariadb: ${errorLine}`);
  }
  if (MYSQL_UNREACHABLE.test(errorLine)) {
    throw new ObservationError(`mariadb could not reach the scratch server: ${errorLine}`);
  }
  if (!MYSQL_PRIVILEGE.test(errorLine)) return `restore failed: mariadb: ${errorLine}`;
  const definer = definerNear(errorLine, definers);
  const needsSetUser = /SUPER|SET USER/i.test(errorLine);
  if (definer && needsSetUser) {
    return `restore refused for a privilege: mariadb: ${errorLine}. The dump sets DEFINER=${definer.definer} (line ${definer.line}); the restore runs as a user with privileges on the scratch schema only, which may not create objects for another account. ${DEFINER_FIX}`;
  }
  return `restore refused for a privilege: mariadb: ${errorLine}. The restore runs as a user with privileges on the scratch schema only. Fix: take the dump of that one database with nothing that needs more (no DEFINER for other accounts, no objects in other schemas, no GRANT or SUPER-only settings)`;
}

/** psql/pg_restore: the server was never reached. */
const PG_UNREACHABLE =
  /could not connect|Connection refused|timeout expired|could not translate host name|server closed the connection unexpectedly|No route to host|connection to server .*failed/i;
/** The server answered but refused the restore role's login. */
const PG_LOGIN =
  /password authentication failed|no pg_hba\.conf entry|FATAL:\s+permission denied for database|FATAL:\s+role "[^"]*" does not exist/i;
const PG_PRIVILEGE =
  /permission denied|must be owner of|must be superuser|must be member of role|must be able to SET ROLE|only superusers? |Must be superuser/i;

/** The HINT PostgreSQL gave with the error, if any ("Must be superuser to create this extension."). */
function hint(stderr: string): string {
  const h = /^HINT:\s+(.*)$/m.exec(stderr)?.[1]?.trim();
  return h ? ` (HINT: ${h})` : '';
}

function pgFix(errorLine: string): string {
  const ext = /permission denied to create extension "([^"]+)"/.exec(errorLine)?.[1];
  if (ext) {
    return `Extension "${ext}" needs a superuser to create, and the restore runs as a role that is not one (it owns only the scratch database). Fix: take the dump without it (pg_dump --exclude-extension=${ext}, PostgreSQL 17+) and have the restore target provide it, or use a trusted extension, which a database owner may create`;
  }
  const role = /must be (?:member of role|able to SET ROLE) "([^"]+)"/.exec(errorLine)?.[1];
  if (role || /must be owner of/.test(errorLine)) {
    return `The dump gives objects or grants to ${role ? `role "${role}"` : 'other roles'}, which the restore role may not. Fix: take plain dumps with pg_dump --no-owner --no-privileges (custom and directory dumps are restored without owners and grants already)`;
  }
  return 'The restore runs as a role that is not a superuser and owns only the scratch database. Fix: take the dump without objects only a superuser may create (event triggers, untrusted languages or extensions, objects owned by other roles)';
}

/**
 * Turns a failed psql / pg_restore restore into the error to record: throws ObservationError when
 * the scratch server could not be reached or refused the login; returns the failure reason otherwise.
 */
export function pgRestoreFailure(tool: string, errorLine: string, stderr: string): string {
  const said = `${errorLine.startsWith(tool) ? '' : `${tool}: `}${errorLine}`;
  if (PG_LOGIN.test(errorLine)) {
    throw new ObservationError(`the scratch server refused the restore role's login: ${said}`);
  }
  if (PG_UNREACHABLE.test(errorLine)) {
    throw new ObservationError(`${tool} could not reach the scratch server: ${errorLine}`);
  }
  if (!PG_PRIVILEGE.test(errorLine)) return `restore failed: ${said}`;
  return `restore refused for a privilege: ${said}${hint(stderr)}. ${pgFix(errorLine)}`;
}
