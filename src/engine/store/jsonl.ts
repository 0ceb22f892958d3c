import {
  appendFileSync,
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
} from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { RollgateError } from '../../config/errors.ts';

/**
 * A line that marks an earlier torn line as known: written by the next append after a crash cut
 * one short, so the torn line, no longer last, is still told apart from corruption. Nothing is
 * ever rewritten or truncated: the torn bytes stay where the crash left them.
 */
const TORN_MARK = 'rollgateTornLine';

export interface JsonlRead<T> {
  entries: T[];
  /** Torn last lines skipped, each naming file and line. */
  warnings: string[];
}

const show = (file: string) => path.relative(process.cwd(), file) || file;

/** Whether the file's last byte is not a newline: the last append was cut short. */
function tornTail(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    closeSync(fd);
  }
}

/**
 * Appends one JSON document as one line with a single O_APPEND write, so concurrent writers never
 * interleave inside a line. After a torn line it starts a new line and marks the torn one.
 */
export function appendJsonl(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  let prefix = '';
  if (existsSync(file) && tornTail(file)) {
    const line = readFileSync(file, 'utf8').split('\n').length;
    prefix = `\n${JSON.stringify({ [TORN_MARK]: line, at: new Date().toISOString() })}\n`;
  }
  appendFileSync(file, `${prefix}${JSON.stringify(value)}\n`, { flag: 'a' });
}

/**
 * Reads every line of a JSONL store against its schema. A torn last line (no newline after it: a
 * crash mid-append) is skipped with a warning; a torn line marked by a later append is skipped
 * quietly. Any other line that is not valid JSON or not a valid entry is corruption: a
 * `ROLLGATE_STORE_CORRUPT` error naming file and line, so nothing runs on a history misread.
 */
export function readJsonl<T>(file: string, schema: z.ZodType<T>): JsonlRead<T> {
  const out: JsonlRead<T> = { entries: [], warnings: [] };
  if (!existsSync(file)) return out;
  const lines = readFileSync(file, 'utf8').split('\n');
  const marked = new Set<number>();
  const parsed = lines.map((line) => {
    if (!line.trim()) return undefined;
    try {
      return { json: JSON.parse(line) as unknown };
    } catch (error) {
      return { error: (error as Error).message };
    }
  });
  for (const p of parsed) {
    const mark = (p?.json as Record<string, unknown> | undefined)?.[TORN_MARK];
    if (typeof mark === 'number') marked.add(mark);
  }
  parsed.forEach((p, i) => {
    const at = `${show(file)}:${i + 1}`;
    if (!p || marked.has(i + 1)) return;
    if (typeof (p.json as Record<string, unknown> | undefined)?.[TORN_MARK] === 'number') return;
    // The last element after split is what follows the final newline: non-empty means torn.
    if (i === lines.length - 1) {
      out.warnings.push(`${at}: torn last line skipped (an append cut short, e.g. by a crash)`);
      return;
    }
    if ('error' in p)
      throw new RollgateError(
        'ROLLGATE_STORE_CORRUPT',
        `${at}: not JSON (${p.error}). Nothing was run: repair or remove that line (keep a copy), then run again.`,
      );
    const valid = schema.safeParse(p.json);
    if (!valid.success) {
      const issue = valid.error.issues[0];
      throw new RollgateError(
        'ROLLGATE_STORE_CORRUPT',
        `${at}: not a valid entry (${issue?.path.join('.') || '(root)'}: ${issue?.message}). Nothing was run: repair or remove that line (keep a copy), then run again.`,
      );
    }
    out.entries.push(valid.data);
  });
  return out;
}
