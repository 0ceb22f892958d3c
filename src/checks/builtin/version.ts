import type { VersionSource } from '../../model/declarations.ts';
import { ObservationError } from '../authoring/errors.ts';
import type { TargetDeclaration } from '../authoring/target-context.ts';
import { ABSENT, assessment, type RuleResult } from '../probes/assessment.ts';
import type { HttpResult } from '../probes/http.ts';
import {
  atPath,
  type BuiltinAssessment,
  type BuiltinRun,
  declaredRegExp,
  excerpt,
  REQUEST_TIMEOUT_MS,
  targetRequester,
} from './run.ts';

/** The declared source with its defaults: a bare path answers JSON with `version`. */
export function versionSource(declaration: Pick<TargetDeclaration, 'version'>): VersionSource {
  const v = declaration.version;
  if (v === undefined) throw new ObservationError('the target declares no version source', 'ROLLGATE_CONFIG');
  return typeof v === 'string' ? { path: v, signedIn: false } : v;
}

/** Where the version was looked for, in words: `JSON path version`, `header X-App-Version`. */
export function describeSource(s: VersionSource): string {
  if (s.header) return `header ${s.header}`;
  if (s.pattern !== undefined) return `pattern /${s.pattern}/`;
  return `JSON path ${s.json ?? 'version'}`;
}

/** Reads the version from a response as the source says, or says why it is not there. */
export function readVersion(res: HttpResult, s: VersionSource): { version?: string; why?: string } {
  if (s.header) {
    const v = res.headers.get(s.header)?.trim();
    return v ? { version: v } : { why: `no ${s.header} header` };
  }
  if (s.pattern !== undefined) {
    const m = declaredRegExp(s.pattern, 'version.pattern').exec(res.body);
    if (!m) return { why: `/${s.pattern}/ does not match the body ${excerpt(res.body)}` };
    return { version: (m[1] ?? m[0]).trim() };
  }
  const path = s.json ?? 'version';
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    return { why: `the body is not JSON: ${excerpt(res.body)}` };
  }
  const v = atPath(body, path);
  if (typeof v === 'string' && v.trim()) return { version: v.trim() };
  if (typeof v === 'number') return { version: String(v) };
  return { why: v === undefined ? `no ${path} in the JSON body` : `${path} is not a string` };
}

/**
 * The deployed version (`probes/version-matches`) from the declared source (JSON path, header or
 * pattern), compared with the release under test; signed in when declared so. Its first
 * measurement is `version`, actual against the release.
 */
export async function checkVersion(
  declaration: TargetDeclaration,
  run: BuiltinRun,
): Promise<BuiltinAssessment> {
  const s = versionSource(declaration);
  const request = targetRequester(declaration, run, s.signedIn, 'the version check');
  const url = run.baseURL + s.path;
  const res = await request(url, { timeoutMs: run.requestTimeoutMs ?? REQUEST_TIMEOUT_MS });
  const { version, why } = readVersion(res, s);
  const rules: RuleResult[] = [
    {
      rule: 'version',
      passed: version === run.release,
      seen: version ?? ABSENT,
      expected: run.release,
      reason:
        version === undefined ? `read from ${describeSource(s)}: ${why}` : `read from ${describeSource(s)}`,
    },
    { rule: 'status', passed: res.status === 200, seen: res.status, expected: 200 },
  ];
  return assessment(`version at ${url}`, rules, [
    {
      name: 'response',
      contentType: 'text/plain',
      body: `${res.status} ${url}\n\n${res.body.slice(0, 2000)}`,
    },
  ]);
}
