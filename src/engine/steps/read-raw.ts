import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RawResults, type RunnerKind, rawResultsProblems } from '../../model/raw-result.ts';
import type { RunnerOutcome } from '../collect.ts';

/**
 * Reads the raw results a runner's reporter wrote, parsed with the RawResults schema. A file that
 * cannot be read, is not JSON (a child cut short mid-write) or does not match the schema makes
 * that runner's outcome a failure that names the file and what was wrong: its planned checks are
 * then errored with that reason, while the other runner's results stand. Never throws.
 * @example readRaw('vitest', '/r/runs/x/raw/vitest.json', '/r/runs/x').failure
 * // 'raw results raw/vitest.json are not valid JSON (Unexpected end of JSON input): the vitest run's results were cut short; run the gate again'
 */
export function readRaw(kind: RunnerKind, file: string, runDir: string): RunnerOutcome {
  const name = `raw results ${path.relative(runDir, file)}`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return {
      kind,
      failure: `${name} could not be read (${(e as Error).message}): the ${kind} run reported nothing usable`,
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return {
      kind,
      failure: `${name} are not valid JSON (${(e as Error).message}): the ${kind} run's results were cut short; run the gate again`,
    };
  }
  const parsed = RawResults.safeParse(value);
  if (!parsed.success)
    return {
      kind,
      failure: `${name} do not match the raw results schema (${rawResultsProblems(value).join('; ')}): the ${kind} reporter wrote results this rollgate cannot read; run the reporter of the same rollgate version`,
    };
  if (parsed.data.runner !== kind)
    return {
      kind,
      failure: `${name} hold ${parsed.data.runner} results where ${kind} results were expected: ROLLGATE_RAW_FILE must name a file of its own for each runner`,
    };
  return { kind, raw: parsed.data };
}
