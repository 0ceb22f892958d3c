import { measurementProblems } from '../model/check-problems.ts';
import { RawRecord } from '../model/raw-result.ts';

/** A check's record read in the runner process, and what is wrong with it (each errors that check). */
export interface ReadRecord {
  record?: RawRecord;
  problems?: string[];
}

/**
 * Parses the record a check handed over (vitest meta, Playwright attachment) with the schema
 * instead of trusting its shape. Measurements are checked here while their values are live: JSON
 * turns NaN and Infinity into null, which would hide what the check really recorded.
 */
export function readRecord(value: unknown, from: string): ReadRecord {
  if (value === undefined) return {};
  const parsed = RawRecord.safeParse(value);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'the record'}: ${i.message}`);
    return { problems: [`the check record in ${from} is not a record: ${why.slice(0, 3).join('; ')}`] };
  }
  const problems = parsed.data.measurements.flatMap((m, i) => measurementProblems(m, i));
  return problems.length ? { record: parsed.data, problems } : { record: parsed.data };
}

/** {@link readRecord} of a JSON text (a Playwright attachment body). */
export function readRecordJson(text: string, from: string): ReadRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { problems: [`the check record in ${from} is not valid JSON (${(e as Error).message})`] };
  }
  return readRecord(value, from);
}
