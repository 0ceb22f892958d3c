import { lintSource } from '@secretlint/core';
import { describe, expect, it } from 'vitest';
import { isPlaceholder } from '../../src/checks/secrets/secret-placeholders.ts';
import { scanText } from '../../src/checks/secrets/secret-scan.ts';
import {
  findParameterCredentials,
  findUrlCredentials,
  URL_CREDENTIALS_RULE_ID,
  urlCredentialsRule,
} from '../../src/checks/secrets/url-credentials-rule.ts';

const PASSWORD = 'pw-9XkQ2mRt';

/** Runs only our rule through secretlint's engine, as a rule module is run in production. */
async function lintWithRuleOnly(content: string) {
  const r = await lintSource({
    source: { content, filePath: '/virtual/app.env', contentType: 'text' },
    options: {
      maskSecrets: true,
      config: { rules: [{ id: URL_CREDENTIALS_RULE_ID, rule: urlCredentialsRule }] },
    },
  });
  return r.messages;
}

/** Any scheme: the datastores' own, driver-qualified ones, and plain HTTP(S). */
const SCHEMES = [
  'postgres',
  'postgresql',
  'postgresql+asyncpg',
  'mysql',
  'mariadb',
  'redis',
  'rediss',
  'mongodb',
  'mongodb+srv',
  'amqp',
  'amqps',
  'clickhouse',
  'https',
  'ftp',
];
const forms = SCHEMES.flatMap((scheme) => [
  { scheme, url: `${scheme}://app:${PASSWORD}@db.internal:5432/app` },
  { scheme, url: `${scheme}://:${PASSWORD}@cache.internal` },
]);

describe('the url-credentials secretlint rule', () => {
  it.each(forms)('reports the password of $url, and only the password', async ({ scheme, url }) => {
    const content = `# config\nURL = "${url}"\n`;
    const messages = await lintWithRuleOnly(content);
    expect(messages).toHaveLength(1);
    const [m] = messages;
    expect(m!.ruleId).toBe(URL_CREDENTIALS_RULE_ID);
    expect(m!.loc.start.line).toBe(2);
    expect(content.slice(m!.range[0], m!.range[1])).toBe(PASSWORD);
    expect(m!.message).toContain(`${scheme}://`);
    expect(JSON.stringify(m)).not.toContain(PASSWORD);
  });

  it('finds every form in one file through the full scanner, each on its own line', async () => {
    const content = forms.map((f, i) => `URL_${i}=${f.url}`).join('\n');
    const { findings } = await scanText('all.env', content);
    expect(findings.map((f) => f.line)).toEqual(forms.map((_, i) => i + 1));
    expect(JSON.stringify(findings)).not.toContain(PASSWORD);
  });

  it('takes the password up to the last @ before the host, as drivers do', () => {
    const text = 'redis://user:p@ss:w0rd@cache:6379/0';
    const [c] = findUrlCredentials(text);
    expect(text.slice(c!.start, c!.end)).toBe('p@ss:w0rd');
  });

  it('finds a second URL on the same line, whatever separates them', () => {
    for (const line of [
      `A=redis://:${PASSWORD}@c1,https://u:${PASSWORD}@h2`,
      `A=redis://:${PASSWORD}@c1 B=mariadb://u:${PASSWORD}@h2/db`,
      `["postgres://u:${PASSWORD}@h1/a","amqp://u:${PASSWORD}@h2"]`,
    ]) {
      const found = findUrlCredentials(line);
      expect(found, line).toHaveLength(2);
      for (const c of found) expect(line.slice(c.start, c.end)).toBe(PASSWORD);
    }
  });

  it.each([
    `postgres://app:\${DB_PASSWORD}@db/app`,
    `postgres://app:\${DB_PASSWORD:-}@db/app`,
    'redis://:$REDIS_PASSWORD@cache',
    'amqps://user:<password>@mq/vhost',
    'mysql://app:***@db/app',
    'mysql://app:changeme@db/app',
    'https://user:{{ .Values.password }}@example.com/',
    'postgres://app@db/app',
    'postgres://app:@db/app',
    'mongodb://db.internal:27017/app',
    'git+ssh://git@github.com/org/repo',
    'http://localhost:8080/path?next=/x',
  ])('does not report %s', (url) => {
    expect(findUrlCredentials(`X="${url}"`)).toEqual([]);
  });

  it('finds credentials passed as query or connection-string parameters, not placeholders', () => {
    const line = `https://h/x?user=a&password=${PASSWORD}&PWD=${PASSWORD};Password=${PASSWORD}&token=%24%7BT%7D`;
    const found = findParameterCredentials(line);
    expect(found.map((c) => [c.scheme, line.slice(c.start, c.end)])).toEqual([
      ['password', PASSWORD],
      ['PWD', PASSWORD],
      ['Password', PASSWORD],
    ]);
    expect(findParameterCredentials('https://h/?page=2&sort=name&token=')).toEqual([]);
  });

  it('treats changeme and its kind as placeholders: they say "fill me in", not a credential', () => {
    for (const p of ['changeme', 'CHANGE_ME', `\${A}\${B}`, '<password>', 'xxx', '***', '', '%(pw)s']) {
      expect(isPlaceholder(p), p).toBe(true);
    }
    for (const real of ['hunter2-prod', 'my-s3cret-pw', 'Tr0ub4dor&3'])
      expect(isPlaceholder(real), real).toBe(false);
  });
});
