import { isIPv4 } from 'node:net';
import { RollgateError } from '../../config/errors.ts';

export type LoadRefusalCode =
  | 'ROLLGATE_LOAD_HOST_REFUSED'
  | 'ROLLGATE_LOAD_STAGE_REFUSED'
  | 'ROLLGATE_LOAD_PROFILE_INVALID';

/**
 * A load run that must not start: a host the runbook does not allow, a stage the profile is not
 * for, an invalid profile. A RollgateError carrying that code, so the CLI exits 2 before any
 * request is made and names one code; `loadCode` is the same code, typed to the three refusals.
 */
export class LoadRefusedError extends RollgateError {
  override name = 'LoadRefusedError';
  constructor(
    readonly loadCode: LoadRefusalCode,
    message: string,
  ) {
    super(loadCode, message);
  }
}

/** 127.0.0.0/8, `localhost` and `::1`: the only hosts load may hit without being named. */
export function isLoopback(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  return isIPv4(h) && h.startsWith('127.');
}

export interface HostRules {
  /** Hosts the profile names besides loopback. */
  hosts?: readonly string[];
}

/**
 * Throws unless `url` points at loopback or at a host named by the profile AND, when given, by the
 * runbook (`runbookHosts`): a profile alone cannot widen what the runbook allows. The URL is
 * parsed by WHATWG rules first, so `http://0x7f.1/` is judged as 127.0.0.1, as fetch would see it.
 */
export function assertHostAllowed(url: string, profile: HostRules, runbookHosts?: readonly string[]): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LoadRefusedError('ROLLGATE_LOAD_HOST_REFUSED', `"${url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new LoadRefusedError(
      'ROLLGATE_LOAD_HOST_REFUSED',
      `${parsed.protocol} is not HTTP; load runs only over http(s)`,
    );
  }
  const host = parsed.hostname.toLowerCase();
  if (isLoopback(host)) return parsed;
  const inProfile = (profile.hosts ?? []).some((h) => h.toLowerCase() === host);
  const inRunbook = runbookHosts === undefined || runbookHosts.some((h) => h.toLowerCase() === host);
  if (inProfile && inRunbook) return parsed;
  const where = !inProfile ? "the load profile's hosts" : "the runbook's allowed hosts";
  throw new LoadRefusedError(
    'ROLLGATE_LOAD_HOST_REFUSED',
    `load against ${host} refused: only loopback (127.0.0.0/8, localhost, ::1) is allowed unless ${where} name it; no request was made`,
  );
}

/** Throws unless the profile lists `stage` among the stages allowed to run it. */
export function assertStageAllowed(
  profile: { name: string; stages: readonly string[] },
  stage: string,
): void {
  if (profile.stages.includes(stage)) return;
  throw new LoadRefusedError(
    'ROLLGATE_LOAD_STAGE_REFUSED',
    `load profile "${profile.name}" may run in ${profile.stages.join(', ')}, not in "${stage}"`,
  );
}
