import {
  DATABASE_PERSISTENT,
  databasePersistence,
  describeFindings,
  JOURNAL_MODE,
  MISSING_SECRETS,
  SECRET_FINDINGS,
  scanSecrets,
  secretsPresent,
  sqliteWal,
} from 'rollgate/checks';
import { CheckFailure, check, describe, ObservationError } from 'rollgate/vitest';

/** The demo's SQLite must run in WAL mode (readers never block the writer). */
const REQUIRE_SQLITE_WAL = true;

/** Secret hygiene and runtime configuration: what a deployment must get right before traffic. */
describe('hygiene', () => {
  check(
    'no credentials in the config files the deployment ships with',
    async ({ context, measure, attach, notApplicable }) => {
      // The target declares the files its deployment ships with (configFiles) and accepted findings.
      const { configFiles, secretAllowlist, secretPatterns } = context.target;
      if (!configFiles.length) notApplicable('the target declares no configFiles to scan');
      const scan = await scanSecrets({
        files: configFiles,
        allowlist: secretAllowlist,
        patterns: secretPatterns,
      });
      measure(SECRET_FINDINGS, scan.findings.length, scan.files.length);
      // Findings carry masked messages and excerpts only; the values were never copied out. The
      // evidence lists every finding; the failure counts them all and shows the first few.
      const { files, findings, allowed } = scan;
      attach('secret-scan.json', 'application/json', {
        body: JSON.stringify({ files, findings, allowed }, null, 2),
      });
      if (findings.length) throw new CheckFailure(describeFindings(findings));
    },
    { id: 'hygiene/secret-scan' },
  );

  check(
    'runtime configuration: secrets present, database persistent, SQLite in WAL mode',
    ({ context, measure, notApplicable }) => {
      const { secrets, databaseUrlEnv } = context.target;
      if (!secrets.length && !databaseUrlEnv)
        notApplicable('the target declares no secrets and no databaseUrlEnv');
      const problems: string[] = [];
      if (secrets.length) {
        // Names only: presence is tested, values are never read into output.
        const s = secretsPresent(secrets);
        measure(MISSING_SECRETS, s.missing.length, secrets.length);
        if (s.missing.length) problems.push(`secrets not set: ${s.missing.join(', ')}`);
      }
      if (databaseUrlEnv) {
        const url = process.env[databaseUrlEnv];
        if (!url)
          throw new ObservationError(`environment incomplete: ${databaseUrlEnv} is not set for this gate`);
        const db = databasePersistence(url, databaseUrlEnv);
        measure(DATABASE_PERSISTENT, db.persistent ? 'yes' : 'no', 1);
        if (db.problem) problems.push(`${db.problem}: data would be lost on restart`);
        const wal = REQUIRE_SQLITE_WAL && db.persistent ? sqliteWal(url) : undefined;
        if (wal?.applicable) {
          measure(JOURNAL_MODE, wal.mode, 1);
          if (!wal.measurement.passed)
            problems.push(`${db.location} runs in ${wal.mode} journal mode, not WAL`);
        }
      }
      if (problems.length) throw new CheckFailure(problems.join('; '));
    },
    { id: 'hygiene/runtime-config' },
  );
});
