import { readFileSync, statSync } from 'node:fs';
import { lintSource } from '@secretlint/core';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';
import type { SecretLintCoreResultMessage } from '@secretlint/types';
import { displayPath, expandGlobs } from '../../config/glob.ts';
import { createMasker } from '../../config/mask.ts';
import type { Measurement } from '../../model/measurement.ts';
import { ObservationError } from '../authoring/errors.ts';
import { type BudgetSpec, evaluate } from '../budget.ts';
import { customPatternRule, parseSecretPatterns, type SecretPattern } from './custom-pattern-rule.ts';
import { KEY_VALUE_RULE_ID, keyValueCredentialsRule } from './key-value-rule.ts';
import { allowedBy, parseAllowlist, type SecretAllowlistEntry } from './secret-allowlist.ts';
import type { SecretFinding } from './secret-findings.ts';
import {
  onlyPlaceholderPasswords,
  QUERY_CREDENTIALS_RULE_ID,
  queryCredentialsRule,
  URL_CREDENTIALS_RULE_ID,
  urlCredentialsRule,
} from './url-credentials-rule.ts';

export { describeFinding, describeFindings, type SecretFinding, SHOWN_FINDINGS } from './secret-findings.ts';

export interface SecretScanResult {
  /** Files scanned, as findings name them. */
  files: string[];
  findings: SecretFinding[];
  /** Findings an allowlist entry accepted, with its reason. */
  allowed: (SecretFinding & { reason: string })[];
  /** `secret-findings == 0` over the files scanned. */
  measurement: Measurement;
}

export interface SecretScanOptions {
  /** Config file globs (`fly.toml`, `docker-compose*.yml`, `.env*`), relative to root unless absolute. */
  files: readonly string[];
  /** Default: the working directory. */
  root?: string;
  /** Validated here: an entry without a reason is a configuration error. */
  allowlist?: unknown;
  /** The runbook's own patterns (target `secretPatterns`), validated here like the allowlist. */
  patterns?: unknown;
}

/** Config files are small; a huge one is more likely a mistake in the globs than a config. */
const MAX_BYTES = 2 * 1024 * 1024;
const EXCERPT_CHARS = 60;

export const SECRET_FINDINGS: BudgetSpec = { name: 'secret-findings', operator: '==', expected: 0 };

/** secretlint's recommended rules, then ours for what they miss in real configs. */
const RULES = [
  { id: '@secretlint/secretlint-rule-preset-recommend', rule: recommended },
  { id: URL_CREDENTIALS_RULE_ID, rule: urlCredentialsRule },
  { id: QUERY_CREDENTIALS_RULE_ID, rule: queryCredentialsRule },
  { id: KEY_VALUE_RULE_ID, rule: keyValueCredentialsRule },
];

/** One finding per secret: where rules overlap (secretlint's whole URL, our password), the narrower range wins. */
function oneFindingPerSecret(
  messages: readonly SecretLintCoreResultMessage[],
): SecretLintCoreResultMessage[] {
  const kept: SecretLintCoreResultMessage[] = [];
  const byWidth = [...messages].sort((a, b) => a.range[1] - a.range[0] - (b.range[1] - b.range[0]));
  for (const m of byWidth) {
    if (!kept.some((k) => m.range[0] < k.range[1] && k.range[0] < m.range[1])) kept.push(m);
  }
  return kept.sort((a, b) => a.range[0] - b.range[0]);
}

function lineAt(content: string, offset: number): { line: number; start: number; text: string } {
  const start = content.lastIndexOf('\n', offset - 1) + 1;
  const endNl = content.indexOf('\n', offset);
  const text = content.slice(start, endNl < 0 ? content.length : endNl).replace(/\r$/, '');
  let line = 1;
  for (let i = content.indexOf('\n'); i >= 0 && i < start; i = content.indexOf('\n', i + 1)) line++;
  return { line, start, text };
}

/**
 * Lints one file's text with secretlint's recommended rules, ours (credentialed URLs, query
 * parameters, KEY=value) and the runbook's patterns. The values found never leave this function:
 * messages come masked and excerpts stop at the value.
 */
export async function scanText(
  file: string,
  content: string,
  allowlist: readonly SecretAllowlistEntry[] = [],
  patterns: readonly SecretPattern[] = [],
): Promise<{ findings: SecretFinding[]; allowed: (SecretFinding & { reason: string })[] }> {
  let messages: SecretLintCoreResultMessage[];
  try {
    const result = await lintSource({
      source: { content, filePath: file, contentType: 'text' },
      options: { maskSecrets: true, config: { rules: [...RULES, ...patterns.map(customPatternRule)] } },
    });
    // secretlint's own URL rules do not know placeholders: `postgres://app:changeme@db` is not a leak.
    const real = result.messages.filter(
      (m) => m.type === 'message' && !onlyPlaceholderPasswords(content.slice(m.range[0], m.range[1])),
    );
    messages = oneFindingPerSecret(real);
  } catch (error) {
    // The error text could quote the file; only its kind and a masked first line are shown.
    const first = createMasker([])(String((error as Error)?.message ?? error).split('\n')[0] ?? '');
    throw new ObservationError(`${file}: secretlint could not scan it: ${first.slice(0, 160)}`);
  }
  const values = messages.map((m) => content.slice(m.range[0], m.range[1]));
  const mask = createMasker(values);
  const findings: SecretFinding[] = [];
  const allowed: (SecretFinding & { reason: string })[] = [];
  messages.forEach((m, i) => {
    const at = lineAt(content, m.range[0]);
    const column = m.range[0] - at.start + 1;
    const prefix = mask(at.text.slice(0, column - 1));
    const shown = prefix.length > EXCERPT_CHARS ? `…${prefix.slice(-EXCERPT_CHARS)}` : prefix;
    const finding: SecretFinding = {
      file,
      line: at.line,
      column,
      rule: m.ruleId,
      messageId: m.messageId,
      message: mask(m.message),
      excerpt: `${shown}***`,
    };
    const entry = allowedBy(allowlist, { rule: m.ruleId, file, line: at.text, value: values[i]! });
    if (entry) allowed.push({ ...finding, reason: entry.reason });
    else findings.push(finding);
  });
  return { findings, allowed };
}

/**
 * Scans the config files a target declares. Fails closed: no file matched is an
 * ObservationError (a typo in a glob must not pass as "no secrets"), as is a file that cannot be read.
 * @example const r = await scanSecrets({ files: ['fly.toml', '.env*'] }); r.measurement.passed
 */
export async function scanSecrets(opts: SecretScanOptions): Promise<SecretScanResult> {
  const root = opts.root ?? process.cwd();
  const allowlist = parseAllowlist(opts.allowlist);
  const patterns = parseSecretPatterns(opts.patterns);
  const { files, matches } = expandGlobs(opts.files, root);
  if (files.length === 0) {
    const patterns = Object.keys(matches).join(', ') || '(none declared)';
    throw new ObservationError(
      `no config files matched: ${patterns} under ${root}; declare the files the deployment ships with`,
      'ROLLGATE_NO_CONFIG_FILES',
    );
  }
  const result: SecretScanResult = { files: [], findings: [], allowed: [], measurement: undefined! };
  for (const abs of files) {
    const shown = displayPath(abs, root);
    let content: string;
    try {
      if (statSync(abs).size > MAX_BYTES) {
        throw new ObservationError(`${shown}: larger than ${MAX_BYTES} bytes; is it really a config file?`);
      }
      content = readFileSync(abs, 'utf8');
    } catch (error) {
      if (error instanceof ObservationError) throw error;
      throw new ObservationError(
        `${shown}: cannot read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
    const r = await scanText(shown, content, allowlist, patterns);
    result.files.push(shown);
    result.findings.push(...r.findings);
    result.allowed.push(...r.allowed);
  }
  result.measurement = evaluate(SECRET_FINDINGS, result.findings.length, result.files.length);
  return result;
}
