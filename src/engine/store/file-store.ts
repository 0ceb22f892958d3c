import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { Signoff, Waiver } from '../../model/governance.ts';
import { LedgerEntry } from '../../model/ledger-entry.ts';
import type { Store } from './store.ts';

/** One JSON document per line, appended with a single O_APPEND write so concurrent runs never interleave. */
function append(file: string, value: unknown) {
  mkdirSync(path.dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify(value)}\n`, { flag: 'a' });
}

/** Reads a JSONL file; a line that does not parse is an error naming file and line, never skipped silently. */
function read<T>(file: string, schema: z.ZodType<T>): T[] {
  if (!existsSync(file)) return [];
  const out: T[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      const parsed = schema.safeParse(JSON.parse(line));
      if (!parsed.success)
        throw new Error(`${file}:${i + 1}: not a valid entry: ${parsed.error.issues[0]?.message}`);
      out.push(parsed.data);
    });
  return out;
}

/** The default store: JSONL files in the reports directory. */
export function fileStore(reportsDir: string): Store {
  const files = {
    ledger: path.join(reportsDir, 'ledger.jsonl'),
    signoffs: path.join(reportsDir, 'signoffs.jsonl'),
    waivers: path.join(reportsDir, 'waivers.jsonl'),
  };
  return {
    description: files.ledger,
    appendLedger: async (e) => append(files.ledger, e),
    ledger: async (runbook) => read(files.ledger, LedgerEntry).filter((e) => e.runbook === runbook),
    addSignoff: async (s) => append(files.signoffs, s),
    signoffs: async (rb, stage, release) =>
      read(files.signoffs, Signoff).filter(
        (s) => s.runbook === rb && s.stage === stage && s.release === release,
      ),
    addWaiver: async (w) => append(files.waivers, w),
    waivers: async (rb, stage, release) =>
      read(files.waivers, Waiver).filter(
        (w) => w.runbook === rb && w.stage === stage && w.release === release,
      ),
    close: async () => {},
  };
}
