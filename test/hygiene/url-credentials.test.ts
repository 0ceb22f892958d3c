import { lintSource } from '@secretlint/core';
import { describe, expect, it } from 'vitest';
import { scanText } from '../../src/checks/secret-scan.ts';
import {
  CREDENTIAL_URL_SCHEMES,
  findUrlCredentials,
  isSecretReference,
  URL_CREDENTIALS_RULE_ID,
  urlCredentialsRule,
} from '../../src/checks/url-credentials-rule.ts';

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

const forms = CREDENTIAL_URL_SCHEMES.flatMap((scheme) => [
  { scheme, url: `${scheme}://app:${PASSWORD}@db.internal:5432/app` },
  { scheme, url: `${scheme}://:${PASSWORD}@cache.internal` },
]);

describe('the url-credentials secretlint rule', () => {
  it('covers the nine schemes', () => {
    expect(CREDENTIAL_URL_SCHEMES).toEqual([
      'postgres',
      'postgresql',
      'mysql',
      'redis',
      'rediss',
      'mongodb',
      'mongodb+srv',
      'amqp',
      'amqps',
    ]);
  });

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

  it.each([
    `postgres://app:\${DB_PASSWORD}@db/app`,
    `postgres://app:\${DB_PASSWORD:-}@db/app`,
    'redis://:$REDIS_PASSWORD@cache',
    'amqps://user:<password>@mq/vhost',
    'mysql://app:***@db/app',
    'postgres://app@db/app',
    'postgres://app:@db/app',
    'mongodb://db.internal:27017/app',
    'https://user:pw@example.com/not-a-datastore',
    'xpostgres://app:pw@db/app',
  ])('does not report %s', (url) => {
    expect(findUrlCredentials(`X="${url}"`)).toEqual([]);
  });

  it('reports a weak literal such as changeme: shipped as is, it is a real credential', () => {
    expect(findUrlCredentials('postgres://app:changeme@db/app')).toHaveLength(1);
    expect(isSecretReference('changeme')).toBe(false);
    expect(isSecretReference(`\${A}\${B}`)).toBe(true);
  });
});
