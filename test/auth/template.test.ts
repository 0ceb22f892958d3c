import { describe, expect, test } from 'vitest';
import { ObservationError } from '../../src/checks/authoring/errors.ts';
import type { TargetDeclaration } from '../../src/checks/authoring/target-context.ts';
import { formLogin } from '../../src/checks/builtin/policy.ts';
import { resolveHeaders } from '../../src/checks/probes/http-target.ts';
import { secretLookingValues } from '../../src/config/mask.ts';
import { FormAuth } from '../../src/model/declarations.ts';
import { fillTemplate, MIN_SECRET_LENGTH, templateNames, templateSecrets } from '../../src/model/template.ts';

/** `${NAME}`: a template reading the environment. */
const t = (name: string) => `\${${name}}`;

describe('one template filler: a missing variable is never filled silently', () => {
  test('fillTemplate fills from env, collects what it read, and lets the caller decide on a missing or empty variable', () => {
    const read: string[] = [];
    const refuse = (n: string): string => {
      throw new Error(`${n} is not set`);
    };
    expect(
      fillTemplate(`Bearer ${t('TOKEN')} for ${t('WHO')}`, { TOKEN: 'abc', WHO: 'me' }, refuse, read),
    ).toBe('Bearer abc for me');
    expect(read).toEqual(['abc', 'me']);
    expect(() => fillTemplate(t('TOKEN'), {}, refuse)).toThrow('TOKEN is not set');
    expect(() => fillTemplate(t('TOKEN'), { TOKEN: '' }, refuse)).toThrow('TOKEN is not set');
    expect(fillTemplate(`a${t('X')}b`, {}, (n) => `<${n}>`)).toBe('a<X>b');
    expect(templateNames(`${t('A')}-${t('B_2')}-\${lower}`)).toEqual(['A', 'B_2']);
  });

  test('the CSRF and session-cookie built-ins refuse a login field whose variable is not set (it was posted as "")', () => {
    const auth = FormAuth.parse({
      type: 'form',
      path: '/login',
      usernameEnv: 'U',
      passwordEnv: 'P',
      fields: { tenant: `acme-${t('TENANT')}` },
    });
    const declaration = { auth } as TargetDeclaration;
    const env = { U: 'demo', P: 'pa55word' };
    expect(formLogin(declaration, { ...env, TENANT: 'eu' }).fields).toEqual({ tenant: 'acme-eu' });
    let error: unknown;
    try {
      formLogin(declaration, env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ObservationError);
    expect(error).toMatchObject({
      code: 'ROLLGATE_MISSING_ENV',
      message: `TENANT is not set: this check logs in through the form at /login, whose auth.fields.tenant reads ${t('TENANT')}`,
    });
  });

  test('target headers still name the header and the variable', () => {
    expect(() => resolveHeaders({ 'X-Key': t('KEY') }, {})).toThrow(
      'target header X-Key needs the environment variable KEY, which is not set',
    );
    expect(resolveHeaders({ 'X-Key': `k ${t('KEY')}` }, { KEY: 'v1' })).toEqual({
      headers: { 'X-Key': 'k v1' },
      secrets: ['v1'],
    });
  });

  test('template values are secrets from the length secret-named variables are (secretLookingValues)', () => {
    const short = 'x'.repeat(MIN_SECRET_LENGTH - 1);
    const long = 'x'.repeat(MIN_SECRET_LENGTH);
    expect(secretLookingValues({ A_TOKEN: short, B_TOKEN: long })).toEqual([long]);
    expect(templateSecrets([short, long, undefined, ''])).toEqual([long]);
  });
});
