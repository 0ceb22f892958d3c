import { createHash } from 'node:crypto';

/**
 * The digest naming one raw answer in a metric check's reason (`answer sha256:<digest>`): sha256
 * of the body as received, first 16 hex characters. Every source uses this one.
 * @example answerDigest('{"status":"success"}') // '5f0c…' (16 characters)
 */
export const answerDigest = (raw: string): string =>
  createHash('sha256').update(raw).digest('hex').slice(0, 16);
