import type { CheckRecord } from '../../model/raw-result.ts';

export type { CheckRecord };

/** Name of the Playwright attachment (and vitest meta key) that carries a CheckRecord. */
export const RECORD_KEY = 'rollgate-record';
export const RECORD_CONTENT_TYPE = 'application/vnd.rollgate.record+json';

export function emptyRecord(): CheckRecord {
  return { measurements: [], evidence: [] };
}
