import { writeFileSync } from 'node:fs';
import type { RawResults } from '../model/raw-result.ts';

/** Hands a runner's results to the engine through `ROLLGATE_RAW_FILE`; the engine reads after the child exits. */
export function writeRaw(results: RawResults, env: NodeJS.ProcessEnv = process.env): void {
  const file = env.ROLLGATE_RAW_FILE;
  if (!file) return;
  writeFileSync(file, JSON.stringify(results, null, 2));
}
