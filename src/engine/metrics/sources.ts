import path from 'node:path';
import { jsonSource } from '../../checks/metrics/json-source.ts';
import { prometheusSource } from '../../checks/metrics/prometheus/client.ts';
import type { MetricSource } from '../../checks/metrics/types.ts';
import type { MetricProvider } from '../../model/metrics.ts';
import { fillTemplate, templateSecrets } from '../../model/template.ts';

/** A provider's request headers, `${ENV}` filled and the bearer token added; the values read are secrets. */
export function providerHeaders(
  name: string,
  provider: MetricProvider,
  env: NodeJS.ProcessEnv,
): { headers: Record<string, string>; secrets: string[] } {
  const read: string[] = [];
  const missing = (field: string) => (v: string) => {
    throw new Error(
      `providers.${name}.${field}: environment variable ${v} is not set; set it or remove the field`,
    );
  };
  const headers = Object.fromEntries(
    Object.entries(provider.headers).map(([k, v]) => [
      k,
      fillTemplate(v, env, missing(`headers.${k}`), read),
    ]),
  );
  if (provider.bearerTokenEnv) {
    const token = env[provider.bearerTokenEnv];
    if (!token) missing('bearerTokenEnv')(provider.bearerTokenEnv);
    headers.Authorization = `Bearer ${token}`;
    read.push(token!);
  }
  return { headers, secrets: templateSecrets(read) };
}

/**
 * The source a provider's checks query: the embedded Prometheus's URL for a prometheus provider
 * without one; a json provider's path resolved on the stage's target, with the run's session
 * headers (its own headers win).
 */
export function sourceFor(
  name: string,
  provider: MetricProvider,
  o: {
    root: string;
    env: NodeJS.ProcessEnv;
    embeddedURL?: string;
    targetURL: string;
    sessionHeaders?: Record<string, string>;
  },
): { source: MetricSource; secrets: string[] } {
  const { headers, secrets } = providerHeaders(name, provider, o.env);
  const caFile = provider.caFile ? path.resolve(o.root, provider.caFile) : undefined;
  if (provider.type === 'prometheus') {
    const url = provider.url ?? o.embeddedURL;
    if (!url) throw new Error(`providers.${name}: the embedded Prometheus is not running`);
    return {
      source: prometheusSource({ url, headers, caFile, timeoutMs: provider.timeoutMs }),
      secrets,
    };
  }
  const onTarget = provider.url.startsWith('/');
  const url = onTarget ? `${o.targetURL.replace(/\/+$/, '')}${provider.url}` : provider.url;
  return {
    source: jsonSource({
      url,
      headers: onTarget ? { ...o.sessionHeaders, ...headers } : headers,
      caFile,
      timeoutMs: provider.timeoutMs,
    }),
    secrets,
  };
}
