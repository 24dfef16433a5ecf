import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZSet, parseLexBound } from '../../src/keyspace/zset.ts';
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

type Pair = [string, number];
const cmp = (a: Pair, b: Pair) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

describe('ZSet (local)', () => {
  it('basic ordering by score then member bytes', () => {
    const z = new ZSet();
    expect(z.add('b', 1)).toBe(true);
    expect(z.add('a', 1)).toBe(true);
    expect(z.add('\xff', 0)).toBe(true);
    expect(z.add('aa', 1)).toBe(true);
    expect(z.add('c', -Infinity)).toBe(true);
    expect([...z].map((p) => p[0])).toEqual(['c', '\xff', 'a', 'aa', 'b']);
    expect(z.rank('aa')).toBe(3);
    expect(z.rank('zz')).toBe(-1);
    expect(z.add('c', 5)).toBe(false);
    expect([...z].map((p) => p[0])).toEqual(['\xff', 'a', 'aa', 'b', 'c']);
    expect(z.remove('a')).toBe(true);
    expect(z.remove('a')).toBe(false);
    expect(z.size).toBe(4);
    z.checkInvariants();
  });

  it('-0 and 0 are equal; updating 0 to -0 is a no-op like Redis', () => {
    const z = new ZSet();
    z.add('a', 0);
    z.add('b', -0);
    expect([...z].map((p) => p[0])).toEqual(['a', 'b']);
    z.add('a', -0);
    expect(Object.is(z.score('a'), 0)).toBe(true);
  });

  it('score and lex ranges', () => {
    const z = new ZSet();
    for (let i = 0; i < 10; i++) z.add(String.fromCharCode(97 + i), i);
    expect(z.scoreRangeRanks(2, false, 5, false)).toEqual([2, 5]);
    expect(z.scoreRangeRanks(2, true, 5, true)).toEqual([3, 4]);
    expect(z.scoreRangeRanks(-Infinity, false, Infinity, false)).toEqual([0, 9]);
    expect(z.scoreRangeRanks(5, false, 2, false)).toEqual([5, 2]);
    const y = new ZSet();
    for (const m of ['a', 'b', 'c', 'd', 'e']) y.add(m, 0);
    expect(y.lexRangeRanks(parseLexBound('[b')!, parseLexBound('(d')!)).toEqual([1, 2]);
    expect(y.lexRangeRanks(parseLexBound('-')!, parseLexBound('+')!)).toEqual([0, 4]);
    expect(y.lexRangeRanks(parseLexBound('+')!, parseLexBound('-')!)).toEqual([5, -1]);
    expect(parseLexBound('x')).toBeNull();
    expect(parseLexBound('')).toBeNull();
    expect(parseLexBound('-x')).toBeNull();
  });

  it('matches a sorted-array model under random operations (deep trees)', () => {
    const r = rng(3);
    const z = new ZSet();
    const model = new Map<string, number>();
    const sorted = () => [...model.entries()].sort(cmp);
    for (let step = 0; step < 40000; step++) {
      const op = r();
      const m = 'm' + Math.floor(r() * 3000);
      const s = Math.floor(r() * 50) - 25 + (r() < 0.1 ? 0.5 : 0);
      if (op < 0.55) {
        expect(z.add(m, s)).toBe(!model.has(m));
        model.set(m, s);
      } else if (op < 0.85) {
        expect(z.remove(m)).toBe(model.delete(m));
      } else if (op < 0.86) {
        // Bulk removal by rank.
        const srt = sorted();
        const a = Math.floor(r() * (srt.length + 1));
        const b = a + Math.floor(r() * 300);
        const removed = z.removeRankRange(a, b);
        const gone = srt.slice(a, b + 1);
        expect(removed).toBe(gone.length);
        for (const [mm] of gone) model.delete(mm);
      }
      if (step % 500 === 0) {
        z.checkInvariants();
        const srt = sorted();
        expect([...z]).toEqual(srt);
        for (let k = 0; k < 20 && srt.length; k++) {
          const i = Math.floor(r() * srt.length);
          expect(z.rank(srt[i][0])).toBe(i);
          expect(z.memberAt(i)).toBe(srt[i][0]);
          expect(z.scoreAt(i)).toBe(srt[i][1]);
          const x = Math.floor(r() * 60) - 30;
          expect(z.countScoreBelow(x, false)).toBe(srt.filter((p) => p[1] < x).length);
          expect(z.countScoreBelow(x, true)).toBe(srt.filter((p) => p[1] <= x).length);
          const a = Math.floor(r() * srt.length);
          const b = Math.floor(r() * srt.length);
          const rev = r() < 0.5;
          const got: Pair[] = [];
          z.forEachInRankRange(a, b, rev, (mm, ss) => void got.push([mm, ss]));
          const want = a > b ? [] : srt.slice(a, b + 1);
          expect(got).toEqual(rev ? want.reverse() : want);
        }
      }
    }
    // Drain everything to exercise merges down to a single leaf.
    for (const m of [...model.keys()]) {
      z.remove(m);
      model.delete(m);
      if (model.size % 97 === 0) z.checkInvariants();
    }
    expect(z.size).toBe(0);
    z.checkInvariants();
  });

  it('small sets (no member Map) behave as big ones, across the size where the Map appears', () => {
    const r = rng(5);
    const z = new ZSet();
    const model = new Map<string, number>();
    for (let step = 0; step < 6000; step++) {
      const m = 'm' + Math.floor(r() * 60);
      const s = Math.floor(r() * 10);
      if (r() < 0.5) {
        expect(z.add(m, s)).toBe(!model.has(m));
        model.set(m, s);
      } else {
        expect(z.remove(m)).toBe(model.delete(m));
      }
      expect(z.size).toBe(model.size);
      expect(z.score(m)).toBe(model.get(m));
      expect(z.has(m)).toBe(model.has(m));
      if (step % 100 === 0) {
        z.checkInvariants();
        expect(new Map(z.dict)).toEqual(model);
        const c = z.clone();
        c.checkInvariants();
        expect([...c]).toEqual([...z]);
      }
    }
    z.clear();
    expect(z.size).toBe(0);
    expect(z.add('a', 1)).toBe(true);
    expect(z.rank('a')).toBe(0);
  });

  it('ascending and descending inserts keep the tree balanced', () => {
    const z = new ZSet();
    for (let i = 0; i < 20000; i++) z.add('k' + i, i);
    for (let i = 0; i < 20000; i++) z.add('n' + i, -i);
    z.checkInvariants();
    expect(z.rank('k0')).toBe(19999); // k0 (0) sorts before n0 (-0 == 0)
    expect(z.memberAt(0)).toBe('n19999');
    for (let i = 0; i < 20000; i += 2) z.remove('k' + i);
    z.checkInvariants();
    expect(z.size).toBe(30000);
  });

  it('fromSorted and clone build valid trees of every size', () => {
    for (const n of [0, 1, 15, 16, 17, 47, 48, 49, 63, 64, 65, 100, 1000, 3071, 3072, 3073, 50000]) {
      const members: string[] = [];
      const scores: number[] = [];
      for (let i = 0; i < n; i++) {
        members.push('m' + String(i).padStart(6, '0'));
        scores.push(Math.floor(i / 3));
      }
      const z = ZSet.fromSorted(members, scores);
      z.checkInvariants();
      expect(z.size).toBe(n);
      if (n) expect(z.rank(members[n - 1])).toBe(n - 1);
      const c = z.clone();
      c.checkInvariants();
      c.add('zzz', -1);
      expect(c.size).toBe(n + 1);
      expect(z.size).toBe(n);
      for (let i = 0; i < n; i += 7) c.remove(members[i]);
      c.checkInvariants();
    }
  });

  it('encoding follows the listpack -> skiplist rule and never goes back', () => {
    const z = new ZSet();
    expect(z.encoding()).toBe('listpack');
    z.add('a', 1);
    z.convertIfNeeded(128, 64, 1);
    expect(z.encoding()).toBe('listpack');
    z.add('x'.repeat(65), 1);
    z.convertIfNeeded(128, 64, 65);
    expect(z.encoding()).toBe('skiplist');
    z.remove('x'.repeat(65));
    z.convertIfNeeded(128, 64);
    expect(z.encoding()).toBe('skiplist');
    expect(z.clone().encoding()).toBe('skiplist');
  });

  it('lex counts on equal scores', () => {
    const r = rng(11);
    const z = new ZSet();
    const ms = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      let s = '';
      const n = Math.floor(r() * 4);
      for (let j = 0; j < n; j++) s += String.fromCharCode(Math.floor(r() * 256));
      ms.add(s);
      z.add(s, 7);
    }
    const all = [...ms].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect([...z].map((p) => p[0])).toEqual(all);
    for (let k = 0; k < 200; k++) {
      const probe = String.fromCharCode(Math.floor(r() * 256));
      expect(z.countLexBelow(probe, false)).toBe(all.filter((m) => m < probe).length);
      expect(z.countLexBelow(probe, true)).toBe(all.filter((m) => m <= probe).length);
    }
  });
});

describe.skipIf(!hasRedis)('ZSet vs redis-server 7.0', () => {
  const o = new Oracle('zset');
  beforeAll(() => o.start(), 20000);
  afterAll(() => o.stop());

  it('same order, ranks, score and lex counts', async () => {
    const r = rng(21);
    const z = new ZSet();
    await o.cmd('DEL', 'z');
    const scores = ['0', '-0', '1', '-1', '1.5', 'inf', '-inf', '3', '1e300', '-2.5'];
    const args: string[] = [];
    for (let i = 0; i < 600; i++) {
      let m = '';
      const n = Math.floor(r() * 4);
      for (let j = 0; j < n; j++) m += String.fromCharCode(Math.floor(r() * 256));
      const s = scores[Math.floor(r() * scores.length)];
      args.push(s, m);
    }
    for (let i = 0; i < args.length; i += 2) z.add(args[i + 1], Number(args[i].replace('inf', 'Infinity')));
    await o.cmd('ZADD', 'z', ...args);
    expect(await o.cmd('ZCARD', 'z')).toBe(z.size);
    const theirs = (await o.cmd('ZRANGE', 'z', 0, -1)) as string[];
    expect([...z].map((p) => p[0])).toEqual(theirs);
    for (let k = 0; k < 50; k++) {
      const m = theirs[Math.floor(r() * theirs.length)];
      expect(z.rank(m)).toBe(await o.cmd('ZRANK', 'z', m));
    }
    for (const [min, max] of [
      ['-inf', '+inf'],
      ['0', '1'],
      ['(0', '1'],
      ['0', '(1'],
      ['(-inf', '(inf'],
      ['-1', '-0'],
      ['2', '1'],
    ]) {
      const minex = min.startsWith('(');
      const maxex = max.startsWith('(');
      const num = (x: string) => Number(x.replace('(', '').replace('+inf', 'Infinity').replace('-inf', '-Infinity').replace('inf', 'Infinity'));
      const [a, b] = z.scoreRangeRanks(num(min), minex, num(max), maxex);
      expect(Math.max(0, b - a + 1)).toBe(await o.cmd('ZCOUNT', 'z', min, max));
      const got = z.rangeByRank(a, b).members;
      expect(got).toEqual(await o.cmd('ZRANGEBYSCORE', 'z', min, max));
    }
    // Lex on equal scores.
    await o.cmd('DEL', 'l');
    const lz = new ZSet();
    const largs: string[] = [];
    for (let i = 0; i < 300; i++) {
      let m = '';
      const n = Math.floor(r() * 3);
      for (let j = 0; j < n; j++) m += String.fromCharCode(Math.floor(r() * 256));
      largs.push('0', m);
      lz.add(m, 0);
    }
    await o.cmd('ZADD', 'l', ...largs);
    for (const [min, max] of [
      ['-', '+'],
      ['[a', '(b'],
      ['(\x80', '[\xff'],
      ['[', '(\x01'],
      ['+', '-'],
      ['(\x10', '(\x10'],
    ]) {
      const [a, b] = lz.lexRangeRanks(parseLexBound(min)!, parseLexBound(max)!);
      expect(Math.max(0, b - a + 1)).toBe(await o.cmd('ZLEXCOUNT', 'l', min, max));
      expect(lz.rangeByRank(a, b).members).toEqual(await o.cmd('ZRANGEBYLEX', 'l', min, max));
    }
  }, 30000);
});
