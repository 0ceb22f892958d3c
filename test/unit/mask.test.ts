import { describe, expect, it } from 'vitest';
import { createMasker, maskerFromEnv } from '../../src/config/mask.ts';

describe('createMasker', () => {
  it('masks every occurrence of each declared value', () => {
    const mask = createMasker(['s3cret-token', 'hunter2']);
    expect(mask('Authorization: Bearer s3cret-token; again s3cret-token; pw=hunter2')).toBe(
      'Authorization: Bearer ***; again ***; pw=***',
    );
  });

  it('finds the same secrets in a text without escape characters as the full patterns do', () => {
    // A text with none of % + & \ holds a secret only as itself (the masker then looks for the
    // values alone); a trailing "\n%" makes it run every pattern. Both must mask alike.
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const alphabet = ['a', 'b', 'é', ' ', '-', '1', '"', '<', '/'];
    const word = (n: number) => Array.from({ length: n }, () => alphabet[rand(alphabet.length)]).join('');
    for (let round = 0; round < 200; round++) {
      const values = [word(2 + rand(4)), word(2 + rand(4))];
      const text = Array.from({ length: 6 }, () => (rand(2) ? values[rand(2)] : word(1 + rand(3)))).join('');
      const mask = createMasker(values);
      expect(mask(`${text}\n%`)).toBe(`${mask(text)}\n%`);
    }
  });

  it('leaves text without secrets unchanged', () => {
    expect(createMasker(['s3cret'])('nothing to hide here')).toBe('nothing to hide here');
  });

  it.each([
    ['postgres://app:s3cret@db/app', 'postgres://app:***@db/app'],
    [
      'postgresql://app:s3cret@db.internal:5432/app?sslmode=require',
      'postgresql://app:***@db.internal:5432/app?sslmode=require',
    ],
    ['mysql://root:pw@127.0.0.1:3306/shop', 'mysql://root:***@127.0.0.1:3306/shop'],
    ['redis://:pw@h', 'redis://:***@h'],
    ['redis://default:pw@cache:6379/0', 'redis://default:***@cache:6379/0'],
    [
      'DATABASE_URL=postgres://app:x@db/app and REDIS_URL=redis://:y@cache',
      'DATABASE_URL=postgres://app:***@db/app and REDIS_URL=redis://:***@cache',
    ],
  ])('masks URL credentials, keeping the user: %s', (input, expected) => {
    expect(createMasker([])(input)).toBe(expected);
  });

  it('leaves URLs without a password alone', () => {
    const mask = createMasker([]);
    expect(mask('postgres://app@db/app')).toBe('postgres://app@db/app');
    expect(mask('https://example.com:8443/path')).toBe('https://example.com:8443/path');
  });

  // Regression (src/config/mask.ts URL_CREDENTIALS, fixed): the password part `[^@/\s]+` stops at the first '@', so an
  // unencoded '@' in a password (which WHATWG URL and pg/mysql drivers accept: the userinfo ends at the
  // last '@') leaves the rest of the password in the output: 'postgres://app:***@ss@db/app'.
  it('masks the whole password when it contains an unencoded @', () => {
    const masked = createMasker([])('postgres://app:p@ss@db/app');
    expect(masked).not.toContain('ss@db');
    expect(masked).toBe('postgres://app:***@db/app');
  });

  it.each([[''], [undefined]])('masks nothing for an empty value (%j)', (empty) => {
    expect(createMasker([empty])('plain text')).toBe('plain text');
    expect(createMasker([empty, 'real'])('plain text with real')).toBe('plain text with ***');
  });

  it('masks a secret that contains another secret whole, whichever order they were declared in', () => {
    for (const values of [
      ['abc', 'abcdef'],
      ['abcdef', 'abc'],
    ]) {
      expect(createMasker(values)('token=abcdef and abc')).toBe('token=*** and ***');
    }
  });

  // Regression (src/config/mask.ts, fixed): secrets are masked one after the other, longest first; when two secrets
  // overlap without one containing the other ('abcd' and 'cdef' in 'abcdef'), masking the first one
  // breaks the second and its tail 'ef' stays visible: 'xx ***ef yy'.
  it('masks partially overlapping secrets without leaving a fragment of either', () => {
    const masked = createMasker(['abcd', 'cdef'])('xx abcdef yy');
    expect(masked).toBe('xx *** yy');
  });
});

describe('maskerFromEnv', () => {
  it('masks the values of the named variables, ignoring unset ones', () => {
    const mask = maskerFromEnv(['SESSION_SECRET', 'MISSING'], { SESSION_SECRET: 'xyz123', OTHER: 'visible' });
    expect(mask('session xyz123 other visible')).toBe('session *** other visible');
  });
});

describe('createMasker: every encoded form of a secret (issue 9, item 1)', () => {
  // Characters that JSON, URL, form and HTML encoding each change.
  const SECRET = 'p@ss w/"rd+&1';
  const mask = createMasker([SECRET]);

  // Written out by hand, not computed with the masker's encoders, so a wrong encoder cannot hide.
  it.each([
    ['raw', 'p@ss w/"rd+&1'],
    ['JSON-escaped', 'p@ss w/\\"rd+&1'],
    ['JSON in JSON (an expect message in a trace)', 'p@ss w/\\\\\\"rd+&1'],
    ['HTML-safe JSON', 'p@ss w/\\"rd+\\u00261'],
    ['encodeURIComponent', 'p%40ss%20w%2F%22rd%2B%261'],
    ['encodeURIComponent, lower-case hex', 'p%40ss%20w%2f%22rd%2b%261'],
    ['encodeURI', 'p@ss%20w/%22rd+&1'],
    ['form-urlencoded (a browser form post)', 'p%40ss+w%2F%22rd%2B%261'],
    ['HTML text', 'p@ss w/"rd+&amp;1'],
    ['HTML attribute', 'p@ss w/&quot;rd+&amp;1'],
    ['HTML attribute, numeric', 'p@ss w/&#34;rd+&amp;1'],
    ['JSON in an HTML attribute', 'p@ss w/\\&quot;rd+&amp;1'],
    ['PHP JSON (`/` as `\\/`)', 'p@ss w\\/\\"rd+&1'],
    ['PHP JSON in JSON', 'p@ss w\\\\\\/\\\\\\"rd+&1'],
    ['form-urlencoded, lower-case hex', 'p%40ss+w%2f%22rd%2b%261'],
    ['HTML hex entity', 'p@ss w/&#x22;rd+&#x26;1'],
    ['HTML hex entity, upper-case, zero-padded', 'p@ss w/&#X0022;rd+&AMP;1'],
    [
      'HTML decimal entities throughout',
      '&#112;&#64;&#115;&#115;&#32;&#119;&#47;&#34;&#114;&#100;&#43;&#38;&#49;',
    ],
    ['every byte percent-encoded', '%70%40%73%73%20%77%2F%22%72%64%2B%26%31'],
    ['every byte percent-encoded, lower-case', '%70%40%73%73%20%77%2f%22%72%64%2b%26%31'],
    ['percent-encoded twice', 'p%2540ss%2520w%252F%2522rd%252B%25261'],
    ['JSON \\u escapes throughout', '\\u0070\\u0040ss w/\\u0022rd\\u002b\\u00261'],
    ['JSON, then form-encoded (a JSON body in a form post)', 'p%40ss+w%2F%5C%22rd%2B%261'],
    ['HTML in JSON (a page in a trace)', 'p@ss w/\\u0026quot;rd+\\u0026amp;1'],
  ])('masks the %s form', (_form, written) => {
    expect(mask(`before ${written} after`)).toBe('before *** after');
  });

  it('masks the value inside a base64 blob at every byte alignment, whatever surrounds it', () => {
    for (const prefix of ['', 'a', 'ab']) {
      const blob = Buffer.from(`${prefix}{"password":"${SECRET}","n":1}`).toString('base64');
      const masked = mask(`token ${blob} end`);
      expect(masked).toContain('***');
      expect(Buffer.from(masked.split(' ')[1]!.replace('***', ''), 'base64').toString()).not.toContain(
        SECRET,
      );
      expect(mask(`token ${Buffer.from(`${prefix}${SECRET}`).toString('base64url')}`)).toContain('***');
    }
  });

  it('masks a secret with characters beyond ASCII in its UTF-8 percent, JSON \\u and HTML forms', () => {
    const m = createMasker(['pä€😀s']);
    for (const written of [
      'pä€😀s',
      'p%C3%A4%E2%82%AC%F0%9F%98%80s',
      'p\\u00e4\\u20ac\\ud83d\\ude00s',
      'p&#xE4;&#8364;&#x1F600;s',
    ])
      expect(m(`<${written}>`), written).toBe('<***>');
  });

  it('masks the longest encoding at either end, leaving no escape fragment', () => {
    expect(createMasker(['"x&'])('a &quot;x&amp; b \\\\\\"x\\u0026 c')).toBe('a *** b *** c');
  });

  // Speed is npm run bench's business; this only shows escape-dense text is left whole (a pattern
  // that backtracked badly would not finish within the test timeout).
  it('leaves a large escape-dense text without the secret unchanged', () => {
    const text = `${'{"a":"b\\"c%20d&amp;e\\/f"} '.repeat(150_000)}`;
    expect(mask(text)).toBe(text);
  });

  it('leaves other text alone, encoded or not', () => {
    const text = 'user=demo&next=%2Festimates {"a":"b \\"c\\""} &amp; aGVsbG8gd29ybGQ=';
    expect(mask(text)).toBe(text);
  });
});
