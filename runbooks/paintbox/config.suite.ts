import { check, describe, expect, ObservationError } from 'rollgate/vitest';

/**
 * The runbook's production environment, value by value. runtime-config proves the variables are
 * set; this proves they say what the runbook says. Only these non-secret settings are read and
 * shown; the database URL and the secrets are never read into output.
 */
const EXPECTED: { name: string; expected: string; matches: (v: string) => boolean }[] = [
  { name: 'NODE_ENV', expected: 'production', matches: (v) => v === 'production' },
  { name: 'NEXT_TELEMETRY_DISABLED', expected: '1', matches: (v) => v === '1' },
  { name: 'GENERATE_SOURCEMAP', expected: 'false', matches: (v) => v === 'false' },
  {
    name: 'NODE_OPTIONS',
    expected: 'a heap limit of 1536 MB (--max-old-space-size=1536)',
    matches: (v) => /(^|\s)--max-old-space-size=1536(\s|$)/.test(v),
  },
];

describe('paintbox configuration', () => {
  check(
    'production environment variables hold the values the runbook sets',
    ({ measure, attach }) => {
      const missing = EXPECTED.filter((e) => process.env[e.name] === undefined).map((e) => e.name);
      if (missing.length)
        throw new ObservationError(`environment incomplete: ${missing.join(', ')} not set for this gate`);
      const rows = EXPECTED.map((e) => {
        const value = process.env[e.name]!.trim();
        return { ...e, value, ok: e.matches(value) };
      });
      attach('environment', 'text/plain', {
        body: rows
          .map((r) => `${r.name}=${r.value} (${r.ok ? 'as expected' : `expected ${r.expected}`})`)
          .join('\n'),
      });
      const wrong = rows.filter((r) => !r.ok);
      for (const r of rows)
        measure({ name: r.name, operator: '==', expected: r.expected }, r.ok ? r.expected : r.value);
      expect(
        wrong.map((r) => `${r.name} is "${r.value}", not ${r.expected}`),
        "variables whose value is not the runbook's",
      ).toEqual([]);
    },
    { id: 'config/environment-values' },
  );
});
