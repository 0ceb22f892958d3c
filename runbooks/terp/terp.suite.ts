import mysql from 'mysql2/promise';
import { jsonBody, probe, signedInClient } from 'rollgate/checks';
import { CheckFailure, check, describe, ObservationError } from 'rollgate/vitest';

/**
 * TERP's smoke checks that no built-in makes: its API answers signed in, no server errors since
 * the deployment started, the schema the migrations must leave, the database's own integrity, and
 * who may do what. Written against the stand-in (the demo's estimates stand for TERP's orders);
 * on the real deployment the paths and tables below are TERP's to adapt.
 */

/** The tables and columns the release's migrations must leave (the stand-in's `pnpm validate:schema`). */
const SCHEMA: Record<string, string[]> = {
  users: ['id', 'username', 'password_hash', 'created_at'],
  sessions: ['id_hash', 'user_id', 'created_at', 'expires_at'],
  estimates: ['id', 'user_id', 'title', 'created_at'],
  line_items: ['id', 'estimate_id', 'position', 'description', 'quantity', 'unit_price_cents'],
};

/** Foreign keys the data depends on: child table → parent table. */
const REFERENCES: [string, string][] = [
  ['sessions', 'users'],
  ['estimates', 'users'],
  ['line_items', 'estimates'],
];

/** Rows that point at nothing: each count must be 0. */
const ORPHANS: Record<string, string> = {
  'orphan-line-items':
    'SELECT count(*) AS n FROM line_items li LEFT JOIN estimates e ON e.id = li.estimate_id WHERE e.id IS NULL',
  'orphan-estimates':
    'SELECT count(*) AS n FROM estimates e LEFT JOIN users u ON u.id = e.user_id WHERE u.id IS NULL',
  'orphan-sessions':
    'SELECT count(*) AS n FROM sessions s LEFT JOIN users u ON u.id = s.user_id WHERE u.id IS NULL',
};

/** The database the target runs on, from the variable it declares (`databaseUrlEnv`). */
function databaseUrl(name: string | undefined): string {
  if (!name)
    throw new ObservationError('the target declares no databaseUrlEnv: nothing says where its data is');
  const url = process.env[name]?.trim();
  if (!url)
    throw new ObservationError(`environment incomplete: ${name} (the database URL) is not set for this gate`);
  if (!/^(mysql|mariadb):\/\//.test(url))
    throw new CheckFailure(`${name} is not a MySQL/MariaDB URL: TERP runs on MySQL`);
  return url.replace(/^mariadb:/, 'mysql:');
}

/** One connection for one check, always closed; a refused connection is "could not observe". */
async function withDatabase<T>(
  name: string | undefined,
  run: (db: mysql.Connection) => Promise<T>,
): Promise<T> {
  const url = databaseUrl(name);
  let db: mysql.Connection;
  try {
    db = await mysql.createConnection({ uri: url, connectTimeout: 10_000 });
  } catch (error) {
    const host = new URL(url).host;
    throw new ObservationError(`cannot connect to the database at ${host}: ${(error as Error).message}`);
  }
  try {
    return await run(db);
  } finally {
    await db.end().catch(() => undefined);
  }
}

async function rows<T>(db: mysql.Connection, sql: string, values: unknown[] = []): Promise<T[]> {
  const [result] = await db.query(sql, values);
  return result as T[];
}

/** One sample of the Prometheus text format: `name{labels} value`. */
const SAMPLE = /^http_requests_total\{([^}]*)\}\s+(\S+)/;
const label = (labels: string, name: string) => new RegExp(`(?:^|,)${name}="([^"]*)"`).exec(labels)?.[1];

describe('terp', () => {
  check(
    'the JSON API answers a signed-in request (the stand-in for TERP’s tRPC endpoints)',
    async ({ context, require, attach }) => {
      const { request } = signedInClient(context);
      const res = await request(`${context.baseURL}/api/estimates`, { timeoutMs: 10_000 });
      attach('api-estimates', 'text/plain', { body: `${res.status} ${res.url}\n${res.body.slice(0, 2000)}` });
      require({ name: 'api-status', operator: '==', expected: 200 }, res.status);
      const body = jsonBody(res) as { estimates?: unknown };
      if (!Array.isArray(body.estimates))
        throw new CheckFailure(`${res.url} answered JSON without an "estimates" list`);
    },
    { id: 'terp/api-responding' },
  );

  check(
    'no server errors since the release started (the maintenance page’s planned 503 aside)',
    async ({ context, require, attach }) => {
      const res = await probe(`${context.baseURL}/api/metrics`, { timeoutMs: 10_000 });
      if (res.status !== 200)
        throw new ObservationError(
          `${res.url} answered ${res.status}: the app's request counters cannot be read`,
        );
      let total = 0;
      const errors: string[] = [];
      let errorCount = 0;
      for (const line of res.body.split('\n')) {
        const m = SAMPLE.exec(line);
        if (!m) continue;
        const value = Number(m[2]);
        const status = Number(label(m[1]!, 'status'));
        const route = label(m[1]!, 'route') ?? '';
        total += value;
        // A page answering 503 while maintenance is on is Step 2 of the plan, judged by maintenance/on.
        const maintenancePage = status === 503 && !route.startsWith('/api/');
        if (status >= 500 && !maintenancePage && value > 0) {
          errorCount += value;
          errors.push(`${label(m[1]!, 'method') ?? '?'} ${route} → ${status} ×${value}`);
        }
      }
      if (total === 0)
        throw new ObservationError(
          `${res.url} holds no http_requests_total samples: nothing to judge`,
          'ROLLGATE_NO_DATA',
        );
      attach('server-errors', 'text/plain', { body: errors.join('\n') || 'none' });
      require({ name: 'server-errors', operator: '==', expected: 0 }, errorCount, total);
    },
    { id: 'terp/no-server-errors' },
  );

  check(
    'the schema the migrations must leave: tables, columns and foreign keys',
    async ({ context, measure, attach }) => {
      await withDatabase(context.target.databaseUrlEnv, async (db) => {
        const columns = await rows<{ t: string; c: string }>(
          db,
          'SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = DATABASE()',
        );
        const have = new Set(columns.map((r) => `${r.t}.${r.c}`));
        const missing = Object.entries(SCHEMA).flatMap(([t, cs]) =>
          cs.map((c) => `${t}.${c}`).filter((x) => !have.has(x)),
        );
        const keys = await rows<{ t: string; p: string }>(
          db,
          'SELECT table_name AS t, referenced_table_name AS p FROM information_schema.referential_constraints WHERE constraint_schema = DATABASE()',
        );
        const haveKeys = new Set(keys.map((k) => `${k.t}→${k.p}`));
        const missingKeys = REFERENCES.map(([t, p]) => `${t}→${p}`).filter((k) => !haveKeys.has(k));
        attach('schema', 'application/json', { body: JSON.stringify({ columns, keys }, null, 2) });
        const expected = Object.values(SCHEMA).flat().length;
        const a = measure({ name: 'missing-columns', operator: '==', expected: 0 }, missing.length, expected);
        const b = measure(
          { name: 'missing-foreign-keys', operator: '==', expected: 0 },
          missingKeys.length,
          REFERENCES.length,
        );
        if (!a.passed || !b.passed)
          throw new CheckFailure(`schema incomplete: ${[...missing, ...missingKeys].join(', ')} missing`);
      });
    },
    { id: 'terp/schema-valid' },
  );

  check(
    'no data corruption: CHECK TABLE is OK on every table and no row points at nothing',
    async ({ context, measure, attach }) => {
      await withDatabase(context.target.databaseUrlEnv, async (db) => {
        const report = await rows<{ Table: string; Msg_type: string; Msg_text: string }>(
          db,
          `CHECK TABLE ${Object.keys(SCHEMA).join(', ')}`,
        );
        const bad = report.filter(
          (r) => r.Msg_type === 'error' || (r.Msg_type === 'status' && r.Msg_text !== 'OK'),
        );
        const statuses = report.filter((r) => r.Msg_type === 'status').length;
        if (statuses < Object.keys(SCHEMA).length)
          throw new ObservationError(
            `CHECK TABLE reported on ${statuses} of ${Object.keys(SCHEMA).length} tables`,
          );
        const problems = bad.map((r) => `${r.Table}: ${r.Msg_text}`);
        const results = [
          measure({ name: 'tables-not-ok', operator: '==', expected: 0 }, bad.length, statuses),
        ];
        for (const [name, sql] of Object.entries(ORPHANS)) {
          const n = Number((await rows<{ n: number | string }>(db, sql))[0]?.n);
          const m = measure({ name, operator: '==', expected: 0 }, n);
          results.push(m);
          if (!m.passed) problems.push(`${name}: ${n}`);
        }
        attach('integrity', 'application/json', { body: JSON.stringify({ report, problems }, null, 2) });
        if (results.some((m) => !m.passed)) throw new CheckFailure(`data integrity: ${problems.join('; ')}`);
      });
    },
    { id: 'terp/db-integrity' },
  );

  check(
    'access control: anonymous API calls and a signed-in user without the admin token are refused',
    async ({ context, measure }) => {
      const anonymous = await probe(`${context.baseURL}/api/estimates`, { timeoutMs: 10_000 });
      const a = measure({ name: 'anonymous-api-status', operator: '==', expected: 401 }, anonymous.status);
      // `disable`, not `enable`: were it wrongly accepted, the app would only end up in its normal state.
      const { request } = signedInClient(context);
      const admin = await request(`${context.baseURL}/admin/maintenance/disable`, {
        method: 'POST',
        timeoutMs: 10_000,
      });
      if (admin.status === 404)
        throw new ObservationError(
          `${admin.url} answered 404: the app has no admin endpoint to refuse (is its ADMIN_TOKEN set?)`,
        );
      const refused = admin.status === 401 || admin.status === 403;
      const b = measure(
        { name: 'user-without-admin-token', operator: '==', expected: 'refused' },
        refused ? 'refused' : `answered ${admin.status}`,
      );
      if (!a.passed || !b.passed)
        throw new CheckFailure(
          `access control: anonymous GET /api/estimates answered ${anonymous.status} (401 expected); a signed-in user's POST /admin/maintenance/disable without the token answered ${admin.status} (401 or 403 expected)`,
        );
    },
    { id: 'terp/access-control' },
  );
});
