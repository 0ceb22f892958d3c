/** Error codes a user can search for; each message says the fix. */
export type RollgateErrorCode =
  | 'ROLLGATE_RUNBOOK_NOT_FOUND'
  | 'ROLLGATE_RUNBOOK_AMBIGUOUS'
  | 'ROLLGATE_RUNBOOK_INVALID'
  | 'ROLLGATE_RUNBOOK_LOAD_FAILED'
  | 'ROLLGATE_UNKNOWN_STAGE'
  | 'ROLLGATE_BAD_ARGUMENT'
  | 'ROLLGATE_RELEASE_REQUIRED'
  | 'ROLLGATE_WRITE_FAILED'
  | 'ROLLGATE_STORE_UNAVAILABLE'
  | 'ROLLGATE_STORE_CORRUPT'
  | 'ROLLGATE_SIGNOFF_UNKNOWN';

/** An error that means "the run could not start": exit code 2, nothing executed. */
export class RollgateError extends Error {
  override name = 'RollgateError';
  constructor(
    readonly code: RollgateErrorCode,
    message: string,
  ) {
    super(message);
  }
}
