import type { StartErrorCode } from '../model/error-codes.ts';

/** Error codes a user can search for; listed with their fixes in model/error-codes.ts. */
export type RollgateErrorCode = StartErrorCode;

/**
 * The config layer's one coded error: "the run could not start", exit code 2, nothing executed.
 * It takes only listed codes; each message names what was wrong and the fix.
 */
export class RollgateError extends Error {
  override name = 'RollgateError';
  constructor(
    readonly code: RollgateErrorCode,
    message: string,
  ) {
    super(message);
  }
}
