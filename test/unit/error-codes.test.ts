import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ObservationError } from '../../src/checks/authoring/errors.ts';
import { RollgateError } from '../../src/config/errors.ts';
import {
  EngineErrorCode,
  ERROR_CODES,
  ErrorCode,
  errorCodeInfo,
  ObservationErrorCode,
  StartErrorCode,
} from '../../src/model/error-codes.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const LISTING = 'src/model/error-codes.ts';

/** `ROLLGATE_…` names that are environment variables rollgate reads, not error codes. */
const ENVIRONMENT = new Set([
  'ROLLGATE_BACKUP_DIR',
  'ROLLGATE_BASELINE_URL',
  'ROLLGATE_BASE_URL',
  'ROLLGATE_CHROMIUM',
  'ROLLGATE_CONTEXT',
  // Not read by rollgate: the GitLab template's schedule variable that selects the nightly drill job.
  'ROLLGATE_DRILL',
  'ROLLGATE_LEDGER_URL',
  'ROLLGATE_NOW',
  'ROLLGATE_PROMETHEUS',
  'ROLLGATE_PROMTOOL',
  'ROLLGATE_PW_SETTINGS',
  'ROLLGATE_RAW_FILE',
  'ROLLGATE_RELEASE',
  'ROLLGATE_REPORT_URL',
  'ROLLGATE_REPORTS_DIR',
  'ROLLGATE_RETAIN_RUNS',
  'ROLLGATE_RUNBOOK',
  'ROLLGATE_RUN_ID',
  'ROLLGATE_SCRATCH_URL',
  'ROLLGATE_SESSION_HEADERS',
  'ROLLGATE_SIGNER',
  'ROLLGATE_SIGNING_KEY',
  'ROLLGATE_SIGNING_KEY_FILE',
  'ROLLGATE_TEST_UNREDACTED_COPY',
  'ROLLGATE_TIMEOUT_MS',
  'ROLLGATE_VERIFY_KEY',
  'ROLLGATE_VITEST_SETTINGS',
]);

const NAME = /\bROLLGATE_[A-Z0-9]+(?:_[A-Z0-9]+)*\b/g;
/** A code written as a string literal: what an error type or a check is given. */
const LITERAL = /(['"`])(ROLLGATE_[A-Z0-9]+(?:_[A-Z0-9]+)*)\1/g;

/** Every .ts file under src/, path (with `/`) → text. */
function sources(dir = path.join(ROOT, 'src'), out = new Map<string, string>()): Map<string, string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) sources(full, out);
    else if (entry.name.endsWith('.ts'))
      out.set(path.relative(ROOT, full).split(path.sep).join('/'), readFileSync(full, 'utf8'));
  }
  return out;
}

const listed = new Set<string>(ErrorCode.options);

/** `file: NAME` for each `ROLLGATE_…` name in `files` that is neither a listed code nor a known variable. */
function unlisted(files: Map<string, string>): string[] {
  const out = new Set<string>();
  for (const [file, text] of files)
    for (const [name] of text.matchAll(NAME))
      if (!listed.has(name) && !ENVIRONMENT.has(name)) out.add(`${file}: ${name}`);
  return [...out];
}

/** Listed codes no file in `files` (besides the listing) writes as a string literal. */
function unused(files: Map<string, string>): string[] {
  const used = new Set<string>();
  for (const [file, text] of files)
    if (file !== LISTING) for (const m of text.matchAll(LITERAL)) used.add(m[2]!);
  return ErrorCode.options.filter((c) => !used.has(c));
}

describe('the listed error codes', () => {
  const files = sources();

  test('every ROLLGATE_ code in src/ is listed (or is an environment variable rollgate reads)', () => {
    expect(unlisted(files)).toEqual([]);
  });

  test('every listed code is used in src/', () => {
    expect(unused(files)).toEqual([]);
  });

  test('the scans can fail: an unlisted code, an unknown variable and an unused code are named', () => {
    const planted = new Map([
      ['src/checks/x.ts', "throw new ObservationError('x', 'ROLLGATE_MADE_UP'); env.ROLLGATE_UNKNOWN_VAR"],
      ['src/engine/y.ts', "code: 'ROLLGATE_NO_RESULT' // ROLLGATE_INTERRUPTED only in a comment"],
    ]);
    expect(unlisted(planted)).toEqual([
      'src/checks/x.ts: ROLLGATE_MADE_UP',
      'src/checks/x.ts: ROLLGATE_UNKNOWN_VAR',
    ]);
    const notUsed = unused(planted);
    expect(notUsed).toContain('ROLLGATE_INTERRUPTED');
    expect(notUsed).not.toContain('ROLLGATE_NO_RESULT');
  });

  test('no environment variable name is also a code, and no code is in two groups', () => {
    expect([...ENVIRONMENT].filter((n) => listed.has(n))).toEqual([]);
    const groups = [StartErrorCode, ObservationErrorCode, EngineErrorCode].flatMap((g) => g.options);
    expect(groups).toHaveLength(new Set(groups).size);
    expect(new Set(groups)).toEqual(listed);
  });

  test('each code says what it means and the fix, and which error type carries it', () => {
    for (const code of ErrorCode.options) {
      const info = ERROR_CODES[code];
      expect(info.code).toBe(code);
      expect(info.means.length, code).toBeGreaterThan(10);
      expect(info.fix.length, code).toBeGreaterThan(10);
    }
    expect(ERROR_CODES.ROLLGATE_STORE_CORRUPT.carrier).toBe('RollgateError');
    expect(ERROR_CODES.ROLLGATE_NO_DATA.carrier).toBe('ObservationError');
    expect(ERROR_CODES.ROLLGATE_NO_RESULT.carrier).toBe('engine');
    expect(errorCodeInfo('ROLLGATE_K6_MISSING')?.fix).toBe('set K6_BIN or put k6 on PATH');
    expect(errorCodeInfo('ENOENT')).toBeUndefined();
    expect(errorCodeInfo(undefined)).toBeUndefined();
  });

  test('each layer’s one error type takes only its own group of codes (held by tsc)', () => {
    expect(StartErrorCode.options).toContain(new RollgateError('ROLLGATE_BAD_ARGUMENT', 'x').code);
    expect(ObservationErrorCode.options).toContain(new ObservationError('x').code);
    // tsc fails if these type-check: an unlisted code, or a code of another layer's error type.
    // @ts-expect-error not a listed code
    expect(new ObservationError('x', 'ROLLGATE_MADE_UP').code).toBe('ROLLGATE_MADE_UP');
    // @ts-expect-error a RollgateError code, not an ObservationError one
    expect(new ObservationError('x', 'ROLLGATE_BAD_ARGUMENT').code).toBe('ROLLGATE_BAD_ARGUMENT');
    // @ts-expect-error an ObservationError code, not a RollgateError one
    expect(new RollgateError('ROLLGATE_NO_DATA', 'x').code).toBe('ROLLGATE_NO_DATA');
  });
});
