import { createMasker } from '../../config/mask.ts';
import { ObservationError } from '../authoring/errors.ts';
import { errorKind } from './failures.ts';

export const LOAD_UNREACHABLE = 'ROLLGATE_LOAD_UNREACHABLE';

/** A load target that did not answer the probe: no load was sent. */
export class LoadUnreachableError extends ObservationError {
  override name = 'LoadUnreachableError';
  constructor(message: string) {
    super(message, LOAD_UNREACHABLE);
  }
}

const mask = createMasker([]);

/**
 * One GET of `url` before any load: ANY HTTP answer (a 500 included) means reachable, and the
 * load then measures what the target does. No answer (refused, reset, unknown host, TLS, timeout)
 * throws LoadUnreachableError naming the URL and the error, so a target that is not there gets no
 * load at all and the check says "unreachable" instead of a thousand failed requests.
 * @example await assertReachable('http://127.0.0.1:4173', { label: 'canary' })
 */
export async function assertReachable(
  url: string,
  opts: { label?: string; timeoutMs?: number } = {},
): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  try {
    const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
  } catch (error) {
    const kind = errorKind(error);
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    const detail =
      kind === 'timeout' ? `no answer within ${timeoutMs} ms` : (cause ?? (error as Error).message);
    const who = opts.label ? `${opts.label} ` : '';
    throw new LoadUnreachableError(
      `unreachable: ${who}${mask(url)}: ${kind}${detail && detail !== kind ? ` (${mask(detail)})` : ''}; no load was sent`,
    );
  }
}
