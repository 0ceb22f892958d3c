import { existsSync, statSync } from 'node:fs';
import { parseDatabaseUrl, sqliteJournalMode } from 'rollgate/checks';
import { check, describe, expect, ObservationError } from 'rollgate/vitest';

function databaseUrl(name: string): string {
  const url = process.env[name];
  if (!url)
    throw new ObservationError(`environment incomplete: ${name} (the database URL) is not set for this gate`);
  return url;
}

/** The preflight checklist: configuration a deployment needs before any traffic reaches it. */
describe('preflight', () => {
  check(
    'required environment is present',
    ({ context, measure }) => {
      // Names only: values are never read into output.
      const missing = context.target.requiredEnv.filter((name) => !process.env[name]);
      measure(
        { name: 'missing-env-vars', operator: '==', expected: 0 },
        missing.length,
        context.target.requiredEnv.length,
      );
      // A gate started without its environment cannot observe the target: an environment error.
      if (missing.length)
        throw new ObservationError(`environment incomplete: ${missing.join(', ')} not set for this gate`);
    },
    { id: 'preflight/required-env' },
  );

  check(
    'database is a persistent file or server, not :memory:',
    ({ context, notApplicable }) => {
      const name = context.target.databaseUrlEnv;
      if (!name) notApplicable('the target declares no databaseUrlEnv');
      const url = databaseUrl(name!);
      const db = parseDatabaseUrl(url);
      expect(
        db.engine === 'sqlite' && db.memory,
        `${name} points at an in-memory database: data is lost on restart`,
      ).toBe(false);
      if (db.engine === 'sqlite') {
        expect(existsSync(db.file), `${name}: ${db.file} does not exist`).toBe(true);
        expect(statSync(db.file).isFile(), `${db.file} is not a regular file`).toBe(true);
      }
    },
    { id: 'preflight/database-persistent' },
  );

  check(
    'SQLite runs in WAL mode',
    ({ context, notApplicable, measure }) => {
      if (!context.target.databaseUrlEnv) notApplicable('the target declares no databaseUrlEnv');
      const db = parseDatabaseUrl(databaseUrl(context.target.databaseUrlEnv!));
      if (db.engine !== 'sqlite') notApplicable(`the database is ${db.engine}, not SQLite`);
      if (db.engine === 'sqlite' && db.memory)
        notApplicable('in-memory database (reported by database-persistent)');
      const mode = sqliteJournalMode((db as { file: string }).file);
      measure({ name: 'journal-mode', operator: '==', expected: 'wal' }, mode, 1);
      expect(mode, 'journal mode').toBe('wal');
    },
    { id: 'preflight/sqlite-wal' },
  );
});
