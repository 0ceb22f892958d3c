import { HealthProbe } from '../../model/declarations.ts';
import { ObservationError } from '../authoring/errors.ts';
import type { TargetDeclaration } from '../authoring/target-context.ts';
import { ABSENT, assessment, type RuleResult } from '../probes/assessment.ts';
import {
  atPath,
  type BuiltinAssessment,
  type BuiltinRun,
  declaredRegExp,
  excerpt,
  REQUEST_TIMEOUT_MS,
  shown,
  targetRequester,
} from './run.ts';

/** A declared endpoint with its defaults: a bare path expects 200 within 1000 ms. */
export function healthProbe(declaration: Pick<TargetDeclaration, 'health'>, name: string): HealthProbe {
  const raw = declaration.health?.[name];
  if (raw === undefined)
    throw new ObservationError(`the target declares no health endpoint "${name}"`, 'ROLLGATE_CONFIG');
  return HealthProbe.parse(typeof raw === 'string' ? { path: raw } : raw);
}

/**
 * One declared health endpoint (`probes/health-<name>`): its status, the values at its dotted
 * JSON paths (`{ pattern }` a regular expression), a body pattern, and its latency budget (a
 * measurement `latency <= latencyMs` in ms). Signed in when declared so.
 */
export async function checkHealthEndpoint(
  name: string,
  declaration: TargetDeclaration,
  run: BuiltinRun,
): Promise<BuiltinAssessment> {
  const p = healthProbe(declaration, name);
  const request = targetRequester(declaration, run, p.signedIn, `health endpoint "${name}"`);
  const url = run.baseURL + p.path;
  const res = await request(url, { timeoutMs: run.requestTimeoutMs ?? REQUEST_TIMEOUT_MS });
  const rules: RuleResult[] = [
    { rule: 'status', passed: res.status === p.status, seen: res.status, expected: p.status },
  ];
  const expectations = Object.entries(p.json);
  if (expectations.length) {
    let body: unknown;
    let parsed = false;
    try {
      body = JSON.parse(res.body);
      parsed = true;
    } catch {
      rules.push({
        rule: 'JSON body',
        passed: false,
        seen: `not JSON: ${excerpt(res.body)}`,
        expected: `JSON with ${expectations.map(([k]) => k).join(', ')}`,
      });
    }
    if (parsed) {
      for (const [path, want] of expectations) {
        const got = atPath(body, path);
        const seen = got === undefined ? ABSENT : shown(got);
        if (want !== null && typeof want === 'object') {
          const re = declaredRegExp(want.pattern, `health.${name}.json.${path}.pattern`);
          const scalar = typeof got === 'string' || typeof got === 'number' || typeof got === 'boolean';
          rules.push({
            rule: `json ${path}`,
            passed: scalar && re.test(String(got)),
            seen,
            expected: `matches /${want.pattern}/`,
          });
        } else {
          rules.push({ rule: `json ${path}`, passed: got === want, seen, expected: shown(want) });
        }
      }
    }
  }
  if (p.body !== undefined) {
    const re = declaredRegExp(p.body, `health.${name}.body`);
    rules.push({
      rule: 'body',
      passed: re.test(res.body),
      seen: excerpt(res.body),
      expected: `matches /${p.body}/`,
    });
  }
  const ms = Math.round(res.durationMs);
  rules.push({
    rule: 'latency',
    passed: ms <= p.latencyMs,
    seen: ms,
    operator: '<=',
    expected: p.latencyMs,
    ...(ms > p.latencyMs ? { reason: `${ms} ms, over the ${p.latencyMs} ms budget` } : {}),
  });
  const a = assessment(`health ${name} at ${url}`, rules, [
    {
      name: 'response',
      contentType: 'text/plain',
      body: `${res.status} ${url}\n\n${res.body.slice(0, 2000)}`,
    },
  ]);
  return { ...a, measurements: a.measurements.map((m) => (m.name === 'latency' ? { ...m, unit: 'ms' } : m)) };
}
