import { describe, expect, it } from 'vitest';
import { closest, levenshtein } from '../../src/config/closest.ts';

describe('closest: the key a typo most likely meant', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(levenshtein('conections', 'connections')).toBe(1);
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('same', 'same')).toBe(0);
  });

  it('suggests the nearest candidate within 2 edits, ignoring case', () => {
    const keys = ['name', 'endpoints', 'connections', 'duration', 'warmup', 'stages'];
    expect(closest('conections', keys)).toBe('connections');
    expect(closest('Duraton', keys)).toBe('duration');
    expect(closest('stage', keys)).toBe('stages');
    expect(closest('warmUp', keys)).toBe('warmup');
  });

  it('allows a third of a long word: 4 edits in a 12-letter word, not 5', () => {
    expect(closest('requestTmout', ['requestTimeout'])).toBe('requestTimeout'); // 2 edits
    expect(closest('rqstTimeouts', ['requestTimeout'])).toBe('requestTimeout'); // 4 edits
    expect(closest('rqstTmeoutsx', ['requestTimeout'])).toBeUndefined(); // 6 edits
  });

  it('suggests nothing when nothing is near, or for a word that would have to be replaced whole', () => {
    expect(closest('colour', ['name', 'endpoints', 'stages'])).toBeUndefined();
    expect(closest('x', ['id'])).toBeUndefined();
    expect(closest('ab', ['cd'])).toBeUndefined();
    expect(closest('anything', [])).toBeUndefined();
  });

  it('prefers the nearer candidate, and the earlier one on a tie', () => {
    expect(closest('hosst', ['hosts', 'host'])).toBe('host'); // 1 edit beats 2
    expect(closest('nme', ['name', 'nmea'])).toBe('name'); // both 1 edit: the earlier wins
    expect(closest('nme', ['nmea', 'name'])).toBe('nmea');
  });
});
