import { z } from 'zod';
import { ABSENT, type Assessment, assessment, type RuleResult } from './assessment.ts';
import type { HttpResult } from './http.ts';

/** Simple (liveness) health: the process answers, nothing more. */
export const SimpleHealth = z.object({ status: z.literal('ok') });

/** Deep health: version, environment label and each dependency's own status. */
export const DeepHealth = z.object({
  status: z.literal('ok'),
  version: z.string().min(1),
  environment: z.string().min(1),
  checks: z.record(z.string(), z.looseObject({ status: z.literal('ok') })),
});

/** The zod issues of a body in one line: `checks.database.status: Invalid input…`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
}

/**
 * Holds a health response to its tier's schema. A 200 that is an HTML error page (a proxy's
 * "maintenance" page, a framework's crash page) is not health: it fails on content type and schema.
 */
export function assessHealth(res: HttpResult, schema: z.ZodType, tier: string): Assessment {
  const type = res.headers.get('content-type') ?? ABSENT;
  const rules: RuleResult[] = [
    { rule: `${tier} status`, passed: res.status === 200, seen: res.status, expected: 200 },
    {
      rule: `${tier} content type`,
      passed: /^application\/([\w.+-]+\+)?json\b/i.test(type),
      seen: type,
      expected: 'application/json',
    },
  ];
  let body: unknown;
  let parsed = false;
  try {
    body = JSON.parse(res.body);
    parsed = true;
  } catch {
    // Reported by the schema rule below, with what was seen.
  }
  const result = parsed ? schema.safeParse(body) : undefined;
  rules.push({
    rule: `${tier} body schema`,
    passed: Boolean(result?.success),
    seen: parsed ? 'JSON' : `not JSON: "${res.body.slice(0, 80).replace(/\s+/g, ' ')}"`,
    expected: 'a JSON body matching the health schema',
    ...(result && !result.success ? { reason: describeIssues(result.error) } : {}),
  });
  const evidence = [
    {
      name: `${tier} response`,
      contentType: 'text/plain',
      body: `${res.status} ${res.url}\n\n${res.body.slice(0, 2000)}`,
    },
  ];
  return assessment(`${tier} health at ${res.url}`, rules, evidence);
}
