import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globMatch, globMatcher } from '../../src/util/glob.ts';
import { Oracle, hasRedis } from './oracle.ts';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('globMatch (local)', () => {
  const cases: [string, string, boolean][] = [
    // stringmatchlen never matches an empty string against '*' (KEYS/SCAN special-case '*').
    ['*', '', false],
    ['**', '', false],
    ['*', 'anything', true],
    ['', '', true],
    ['', 'a', false],
    ['a', '', false],
    ['h?llo', 'hello', true],
    ['h?llo', 'hllo', false],
    ['h*llo', 'hllo', true],
    ['h*llo', 'heeeello', true],
    ['h[ae]llo', 'hallo', true],
    ['h[ae]llo', 'hillo', false],
    ['h[^e]llo', 'hallo', true],
    ['h[^e]llo', 'hello', false],
    ['h[a-b]llo', 'hbllo', true],
    ['h[b-a]llo', 'hallo', true],
    ['h\\*llo', 'h*llo', true],
    ['h\\*llo', 'hello', false],
    ['[abc', 'a', true],
    ['[abc', 'c', true],
    ['[a-', 'a', true],
    ['[\\]]', ']', true],
    ['a\\', 'a\\', true],
    ['**a**', 'xxa', true],
    ['*a*b', 'aaaab', true],
    ['*a*b', 'aaaa', false],
    ['[^', 'z', true],
  ];
  for (const [p, s, want] of cases) {
    it(`${JSON.stringify(p)} ~ ${JSON.stringify(s)} = ${want}`, () => {
      expect(globMatch(p, s)).toBe(want);
      expect(globMatcher(p)(s)).toBe(want);
    });
  }

  it('nocase folds A-Z only', () => {
    expect(globMatch('HeLLo', 'hello', true)).toBe(true);
    expect(globMatch('h[A-Z]llo', 'hello', true)).toBe(true);
    expect(globMatch('\xc9', '\xe9', true)).toBe(false);
    expect(globMatch('maxmemory*', 'MAXMEMORY-policy', true)).toBe(true);
    expect(globMatcher('ABC', true)('abc')).toBe(true);
  });

  // an exponential matcher would not finish within the test's timeout
  it('pathological patterns finish', () => {
    const s = 'a'.repeat(50);
    const p = '*a'.repeat(30) + 'b';
    expect(globMatch(p, s)).toBe(false);
  }, 30_000);
});

describe.skipIf(!hasRedis)('globMatch vs KEYS on redis-server 7.0', () => {
  const o = new Oracle('glob');
  beforeAll(() => o.start(), 20000);
  afterAll(() => o.stop());

  const alphabet = ['a', 'b', 'A', '-', '^', ']', '[', '\\', '*', '?', '\x80', '\xff', '\x00', 'z'];

  it('random patterns select exactly the keys Redis selects', async () => {
    const r = rng(5);
    const keys = new Set<string>();
    while (keys.size < 300) {
      const n = Math.floor(r() * 6);
      let k = '';
      for (let i = 0; i < n; i++) k += alphabet[Math.floor(r() * alphabet.length)];
      keys.add(k);
    }
    await o.cmd('FLUSHALL');
    for (const k of keys) await o.cmd('SET', k, '1');
    const fixed = [
      '[a-\xff]',
      '[\xff-a]',
      '[\x80-\xff]',
      '[\x00-\x80]',
      '[^\x80]*',
      '*\\',
      '\\',
      '[',
      '[]',
      '[]a]',
      '[^]',
      '[a-]*',
      '[-a]',
      '*[\\',
      '?*?',
      '[\\a-b]',
      '[a-\\]',
    ];
    const patterns = [...fixed];
    for (let i = 0; i < 400; i++) {
      const n = 1 + Math.floor(r() * 6);
      let p = '';
      for (let j = 0; j < n; j++) p += alphabet[Math.floor(r() * alphabet.length)];
      patterns.push(p);
    }
    for (const p of patterns) {
      const theirs = ((await o.cmd('KEYS', p)) as string[]).slice().sort();
      // KEYS short-circuits exactly '*' to every key (even the empty one).
      const mine = [...keys].filter(p === '*' ? () => true : globMatcher(p)).sort();
      expect({ p, keys: mine }).toEqual({ p, keys: theirs });
    }
  }, 60000);
});
