import { readFileSync } from 'node:fs';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { createMasker } from '../../config/mask.ts';
import { fillTemplate } from '../../model/template.ts';
import { sessionHeaders, sessionSecrets, type TargetSession } from '../auth/session.ts';
import { ObservationError } from '../authoring/errors.ts';
import { explain, type HttpResult, type ProbeOptions, probe } from './http.ts';

/** How every check of the library sends a request; `probe` by default, a target client otherwise. */
export type Requester = (url: string, options?: ProbeOptions) => Promise<HttpResult>;

/** What a target declares about reaching it: request headers from the environment, a CA bundle. */
export interface TargetHttpSpec {
  /**
   * Headers sent with every request to the target. `${NAME}` is replaced by the environment
   * variable NAME, whose value is then a secret: never printed, masked in every error.
   * @example { Authorization: 'Bearer ${API_TOKEN}' }
   */
  headers?: Record<string, string>;
  /** PEM file of CA certificates trusted for HTTPS, in addition to the system's roots. */
  caFile?: string;
}

export interface TargetClient {
  request: Requester;
  /** Masks the resolved header values (and URL credentials) in any text. */
  mask(text: string): string;
}

/**
 * Resolves `${NAME}` templates in header values from `env`. A missing or empty variable is an
 * ObservationError naming the header and the variable, never the value.
 */
export function resolveHeaders(
  spec: Record<string, string> = {},
  env: NodeJS.ProcessEnv = process.env,
): { headers: Record<string, string>; secrets: string[] } {
  const headers: Record<string, string> = {};
  const secrets: string[] = [];
  for (const [name, template] of Object.entries(spec)) {
    headers[name] = fillTemplate(
      template,
      env,
      (variable) => {
        throw new ObservationError(
          `target header ${name} needs the environment variable ${variable}, which is not set`,
          'ROLLGATE_MISSING_ENV',
        );
      },
      secrets,
    );
    try {
      validateHeaderName(name);
      validateHeaderValue(name, headers[name]);
    } catch {
      // Node's message names the header only; the value (a token) stays out of it.
      throw new ObservationError(
        `target header ${name} is not a valid header (check the environment variables it uses)`,
        'ROLLGATE_INVALID_HEADER',
      );
    }
  }
  return { headers, secrets };
}

function readCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ObservationError(`cannot read the target's CA bundle ${file} (${code})`, 'ROLLGATE_CA_BUNDLE');
  }
}

/**
 * Builds the requester for a target: declared headers under the per-request ones, HTTPS through
 * the given CA bundle, and every error message masked, since a header value can end up in one
 * (fetch quotes an invalid header value in full). With a `session` (the run's sign-in, see
 * `signedInClient`), every request carries its headers too (the token, or the session's Cookie).
 */
export function createTargetClient(
  spec: TargetHttpSpec = {},
  env: NodeJS.ProcessEnv = process.env,
  session?: TargetSession,
): TargetClient {
  const resolved = resolveHeaders(spec.headers, env);
  const signed = session ? sessionHeaders(session) : {};
  const headers = { ...resolved.headers, ...signed };
  const secrets = [...resolved.secrets, ...(session ? sessionSecrets(session) : [])];
  const mask = createMasker(secrets);
  const ca = spec.caFile ? [...rootCertificates, readCa(spec.caFile)] : undefined;
  const request: Requester = async (url, options = {}) => {
    const merged = { ...options, headers: { ...headers, ...options.headers } };
    try {
      return ca && url.startsWith('https:') ? await tlsProbe(url, merged, ca) : await probe(url, merged);
    } catch (error) {
      const e = error as Error & { code?: string };
      throw new ObservationError(mask(e.message), e instanceof ObservationError ? e.code : 'ROLLGATE_HTTP');
    }
  };
  return { request, mask };
}

/** `probe` over node:https, the one client here that takes a CA list (fetch needs undici's Agent). */
function tlsProbe(url: string, options: ProbeOptions, ca: string[]): Promise<HttpResult> {
  if (options.redirect === 'follow') throw new Error('redirect: "follow" is not supported with a CA bundle');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const started = performance.now();
  return new Promise<HttpResult>((resolve, reject) => {
    const fail = (error: Error) =>
      reject(explain({ name: error.name, message: error.message, cause: error }, url, timeoutMs));
    const req = httpsRequest(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        ca,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', fail);
        res.on('end', () => {
          const headers = new Headers();
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
            headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({
            url,
            status: res.statusCode ?? 0,
            headers,
            body,
            durationMs: performance.now() - started,
          });
        });
      },
    );
    req.on('error', fail);
    req.end(options.body);
  });
}
