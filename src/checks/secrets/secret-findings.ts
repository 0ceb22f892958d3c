/** One credential a scan found; the value itself is never kept. */
export interface SecretFinding {
  /** Relative to the root when inside it, else absolute. */
  file: string;
  /** 1-based. */
  line: number;
  column: number;
  /** e.g. `@secretlint/secretlint-rule-aws`, `rollgate/url-credentials`, `custom/<id>`. */
  rule: string;
  messageId: string;
  /** Masked: says what was found, never the value. */
  message: string;
  /** The line up to the value, with the value and any credential shown as `***`. */
  excerpt: string;
}

/** Findings a failure message lists; the rest are counted and live in the evidence. */
export const SHOWN_FINDINGS = 4;

/** `demo/deploy/fly.toml:12:30 rollgate/url-credentials: found a password … (DATABASE_URL = "postgres://app:***)` */
export function describeFinding(f: SecretFinding): string {
  return `${f.file}:${f.line}:${f.column} ${f.rule}: ${f.message} (${f.excerpt})`;
}

/**
 * The failure reason of a scan: every finding counted, the first {@link SHOWN_FINDINGS} listed
 * (a HOLD line has room for a few), the rest left to the evidence, which lists them all.
 * @example "7 credentials in config files, 4 shown, 3 more in the evidence (values masked; …):"
 */
export function describeFindings(findings: readonly SecretFinding[], shown = SHOWN_FINDINGS): string {
  const n = findings.length;
  const more = n > shown ? `, ${shown} shown, ${n - shown} more in the evidence` : '';
  return [
    `${n} credential${n === 1 ? '' : 's'} in config files${more} (values masked; move them to the secret store):`,
    ...findings.slice(0, shown).map(describeFinding),
  ].join('\n');
}
