import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { mysqlQuery, pgQuery, type TestDatabase } from './servers.ts';

/**
 * Databases that are not the demo's: their own tables (`inventory`, `orders` with an index and a
 * foreign key), a view, a trigger and a sequence where the engine has one. Backups of them must
 * succeed without touching them.
 */
export const FOREIGN_TABLES = ['inventory', 'orders'];

/** A SQLite file in rollback-journal (DELETE) mode, so a switch to WAL would show in its header. */
export function createForeignSqlite(file: string): void {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = DELETE');
    db.exec(`
      CREATE TABLE inventory (id INTEGER PRIMARY KEY AUTOINCREMENT, sku TEXT NOT NULL UNIQUE COLLATE NOCASE,
        qty INTEGER NOT NULL CHECK (qty >= 0), price REAL, photo BLOB);
      CREATE TABLE orders (id INTEGER PRIMARY KEY, inventory_id INTEGER NOT NULL REFERENCES inventory(id),
        qty INTEGER NOT NULL, note TEXT);
      CREATE INDEX orders_inventory_idx ON orders (inventory_id);
      CREATE VIEW order_totals AS SELECT inventory_id, sum(qty) AS qty FROM orders GROUP BY inventory_id;
      CREATE TRIGGER orders_take AFTER INSERT ON orders BEGIN
        UPDATE inventory SET qty = qty - NEW.qty WHERE id = NEW.inventory_id; END;
      INSERT INTO inventory (sku, qty, price, photo) VALUES ('A-1', 10, 2.5, x'00ff'), ('b-2', 5, 0.1, NULL);
      INSERT INTO orders (inventory_id, qty, note) VALUES (1, 2, 'first'), (2, 1, NULL), (1, 3, 'third');
    `);
  } finally {
    db.close();
  }
}

export async function createForeignPostgres(db: TestDatabase): Promise<void> {
  await pgQuery(
    db.url,
    `CREATE TABLE inventory (id serial PRIMARY KEY, sku text NOT NULL UNIQUE, qty integer NOT NULL CHECK (qty >= 0),
       price numeric(10,2), photo bytea, added timestamptz NOT NULL DEFAULT '2026-01-02T03:04:05Z');
     CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
       inventory_id integer NOT NULL REFERENCES inventory(id), qty integer NOT NULL, note text, tags text[]);
     CREATE INDEX orders_inventory_idx ON orders (inventory_id);
     CREATE SEQUENCE invoice_numbers START 1000 INCREMENT 10;
     CREATE VIEW order_totals AS SELECT inventory_id, sum(qty) AS qty FROM orders GROUP BY inventory_id;
     CREATE FUNCTION orders_take() RETURNS trigger LANGUAGE plpgsql AS
       $$BEGIN UPDATE inventory SET qty = qty - NEW.qty WHERE id = NEW.inventory_id; RETURN NEW; END$$;
     CREATE TRIGGER orders_take AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION orders_take();
     INSERT INTO inventory (sku, qty, price, photo) VALUES ('A-1', 10, 2.50, '\\x00ff'), ('b-2', 5, 0.10, NULL);
     INSERT INTO orders (inventory_id, qty, note, tags) VALUES (1, 2, 'first', '{a,b}'), (2, 1, NULL, NULL), (1, 3, 'third', '{}');
     SELECT nextval('invoice_numbers');`,
  );
}

export async function createForeignMariadb(db: TestDatabase): Promise<void> {
  for (const sql of [
    `CREATE TABLE inventory (id INT AUTO_INCREMENT PRIMARY KEY, sku VARCHAR(40) NOT NULL UNIQUE,
       qty INT NOT NULL CHECK (qty >= 0), price DECIMAL(10,2), photo VARBINARY(16),
       added TIMESTAMP NOT NULL DEFAULT '2026-01-02 03:04:05') ENGINE=InnoDB`,
    `CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, inventory_id INT NOT NULL, qty INT NOT NULL,
       note TEXT, INDEX orders_inventory_idx (inventory_id),
       CONSTRAINT orders_inventory_fk FOREIGN KEY (inventory_id) REFERENCES inventory (id)) ENGINE=InnoDB`,
    'CREATE SEQUENCE invoice_numbers START WITH 1000 INCREMENT BY 10',
    'CREATE VIEW order_totals AS SELECT inventory_id, SUM(qty) AS qty FROM orders GROUP BY inventory_id',
    `CREATE TRIGGER orders_take AFTER INSERT ON orders FOR EACH ROW
       UPDATE inventory SET qty = qty - NEW.qty WHERE id = NEW.inventory_id`,
    "INSERT INTO inventory (sku, qty, price, photo) VALUES ('A-1', 10, 2.50, X'00ff'), ('b-2', 5, 0.10, NULL)",
    "INSERT INTO orders (inventory_id, qty, note) VALUES (1, 2, 'first'), (2, 1, NULL), (1, 3, 'third')",
    'SELECT NEXTVAL(invoice_numbers)',
  ])
    await mysqlQuery(db.url, sql);
}

const digestOf = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * pg_dump of the whole database (schema, data, sequence positions) as plain SQL, digested. Lines
 * that differ between two dumps of the same database are stripped: dates, and the random key of
 * `\restrict` / `\unrestrict` (pg_dump 15.14 and later).
 */
export async function pgDumpDigest(db: TestDatabase): Promise<string> {
  const { stdout } = await execa('pg_dump', ['-h', '127.0.0.1', '-U', 'postgres', '--format=plain', db.name]);
  return digestOf(
    stdout.replace(/^(-- (Started|Completed|Dump completed) on .*|\\(un)?restrict \S+)$/gm, ''),
  );
}

/** mariadb-dump of the database (tables, data, views, triggers, sequences), date lines stripped. */
export async function mariadbDumpDigest(db: TestDatabase): Promise<string> {
  const { stdout } = await execa('mariadb-dump', [
    '--no-defaults',
    '--protocol=TCP',
    '-h',
    '127.0.0.1',
    '-u',
    'root',
    '--skip-dump-date',
    '--triggers',
    '--routines',
    '--hex-blob',
    db.name,
  ]);
  return digestOf(stdout.replace(/^-- Dump completed.*$/gm, ''));
}
