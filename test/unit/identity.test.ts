import { describe, expect, it } from 'vitest';
import { checkIdentity, matchesPattern, slug, suiteStem } from '../../src/engine/identity.ts';

describe('suiteStem', () => {
  it.each([
    ['runbooks/preflight.suite.ts', 'preflight'],
    ['smoke/golden-paths.spec.ts', 'golden-paths'],
    ['test/x.test.mjs', 'x'],
    ['runbooks/plain.ts', 'plain'],
  ])('%s → %s', (file, stem) => {
    expect(suiteStem(file)).toBe(stem);
  });
});

describe('slug', () => {
  it('lower-cases, drops tags and joins words with dashes', () => {
    expect(slug('Deep Health answers 200 @canary @prod!')).toBe('deep-health-answers-200');
  });
});

describe('checkIdentity', () => {
  it('uses a declared trailing [id] and removes it from the title', () => {
    expect(
      checkIdentity('runbooks/probes.suite.ts', [
        'probes',
        'deployed version equals the release [version-matches]',
      ]),
    ).toEqual({
      id: 'version-matches',
      title: 'probes › deployed version equals the release',
    });
  });

  it('accepts ids with slashes, dots and colons', () => {
    expect(checkIdentity('smoke/golden-paths.spec.ts', ['log in @canary [golden/login]']).id).toBe(
      'golden/login',
    );
    expect(checkIdentity('x.suite.ts', ['t [backup:pg.v2]']).id).toBe('backup:pg.v2');
  });

  it('derives the id from the suite stem and the slug of the title path', () => {
    expect(checkIdentity('runbooks/preflight.suite.ts', ['Configuration', 'SESSION_SECRET is set'])).toEqual({
      id: 'preflight/configuration-session-secret-is-set',
      title: 'Configuration › SESSION_SECRET is set',
    });
  });

  it('strips Playwright @tags from id and title', () => {
    expect(checkIdentity('smoke/golden-paths.spec.ts', ['login works @canary'])).toEqual({
      id: 'golden-paths/login-works',
      title: 'login works',
    });
    expect(
      checkIdentity('smoke/golden-paths.spec.ts', ['Auth @smoke', 'login works @canary @Prod']).title,
    ).toBe('Auth › login works');
  });

  it('gives the same id whether or not a title is tagged', () => {
    const a = checkIdentity('smoke/golden-paths.spec.ts', ['login works @canary']);
    const b = checkIdentity('smoke/golden-paths.spec.ts', ['login works']);
    expect(a.id).toBe(b.id);
  });

  it('changes the derived id when a describe block is renamed', () => {
    const a = checkIdentity('runbooks/probes.suite.ts', ['health', 'answers']);
    const b = checkIdentity('runbooks/probes.suite.ts', ['liveness', 'answers']);
    expect(a.id).not.toBe(b.id);
  });

  it('falls back to "untitled" and the file for a title with no words', () => {
    expect(checkIdentity('runbooks/probes.suite.ts', ['@canary'])).toEqual({
      id: 'probes/untitled',
      title: 'runbooks/probes.suite.ts',
    });
  });
});

describe('matchesPattern', () => {
  it('matches exact ids only without a star', () => {
    expect(matchesPattern('golden/login', 'golden/login')).toBe(true);
    expect(matchesPattern('golden/login-2', 'golden/login')).toBe(false);
    expect(matchesPattern('golden', 'golden/login')).toBe(false);
  });

  it('matches by prefix with a trailing star', () => {
    expect(matchesPattern('golden-paths/login', 'golden-paths/*')).toBe(true);
    expect(matchesPattern('golden-paths/', 'golden-paths/*')).toBe(true);
    expect(matchesPattern('probes/golden-paths', 'golden-paths/*')).toBe(false);
    expect(matchesPattern('anything', '*')).toBe(true);
  });
});
