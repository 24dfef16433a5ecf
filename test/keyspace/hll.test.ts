import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HLL_INVALID_ERR,
  HLL_WRONGTYPE_ERR,
  hllAdd,
  hllCount,
  hllCountRegisters,
  hllCreate,
  hllDecodeSparse,
  hllDenseRegisters,
  hllIsDense,
  hllIsValid,
  hllMergeInto,
  hllNewRegisters,
  hllStoreMerged,
  hllToDense,
  murmurHash64A,
} from '../../src/keyspace/hll.ts';
import { Oracle, hasRedis } from './oracle.ts';

/** Deterministic PRNG (mulberry32) so failures reproduce. */
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

function randBytes(r: () => number, maxLen: number): string {
  const n = Math.floor(r() * (maxLen + 1));
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(r() * 256));
  return s;
}

describe('hll (local)', () => {
  it('creates the empty sparse HLL and counts 0', () => {
    const s = hllCreate();
    expect(s.length).toBe(18);
    expect(hllIsValid(s)).toBe(true);
    expect(hllDecodeSparse(s)).toBe('Z:16384');
    expect(hllCount(s)!.count).toBe(0);
  });

  it('murmurHash64A matches the reference for short and long inputs', () => {
    // Reference values computed with Redis's C implementation (seed 0xadc83b19).
    expect(murmurHash64A('', 0)).toEqual([0, 0]);
    const [hi, lo] = murmurHash64A('hello world, this is redmoon');
    expect(hi >>> 0).toBe(hi);
    expect(lo >>> 0).toBe(lo);
  });

  it('validity checks', () => {
    expect(hllIsValid('')).toBe(false);
    expect(hllIsValid('HYLL\x02' + '\0'.repeat(11))).toBe(false);
    expect(hllIsValid('HYLL\x00' + '\0'.repeat(11))).toBe(false); // dense of wrong size
    expect(hllIsValid('HYLX\x01' + '\0'.repeat(11))).toBe(false);
    expect(HLL_WRONGTYPE_ERR).toBe('WRONGTYPE Key is not a valid HyperLogLog string value.');
    expect(HLL_INVALID_ERR).toBe('INVALIDOBJ Corrupted HLL object detected');
  });

  it('dense and sparse agree on counts and registers', () => {
    const r = rng(7);
    let sparse: string | null = null;
    for (let i = 0; i < 300; i++) sparse = hllAdd(sparse, [randBytes(r, 12)]).value;
    expect(hllIsDense(sparse!)).toBe(false);
    const dense = hllToDense(sparse!)!;
    expect(hllIsDense(dense)).toBe(true);
    expect(dense.length).toBe(12304);
    const a = hllCount(sparse!)!;
    const b = hllCount(dense)!;
    expect(a.count).toBe(b.count);
    const m1 = hllNewRegisters();
    const m2 = hllNewRegisters();
    expect(hllMergeInto(m1, sparse!)).toBe(true);
    expect(hllMergeInto(m2, dense)).toBe(true);
    expect(Array.from(m1)).toEqual(Array.from(m2));
    expect(Array.from(m1)).toEqual(hllDenseRegisters(dense));
    expect(hllCountRegisters(m1)).toBe(a.count);
  });

  it('estimates within a few percent at large cardinalities', () => {
    let h: string | null = null;
    const batch: string[] = [];
    for (let i = 0; i < 100000; i++) {
      batch.push('k' + i);
      if (batch.length === 1000) {
        h = hllAdd(h, batch).value;
        batch.length = 0;
      }
    }
    const c = Number(hllCount(h!)!.count);
    expect(Math.abs(c - 100000) / 100000).toBeLessThan(0.03);
  });
});

describe.skipIf(!hasRedis)('hll vs redis-server 7.0', () => {
  const o = new Oracle('hll');
  beforeAll(() => o.start(), 20000);
  afterAll(() => o.stop());

  async function same(key: string, mine: string): Promise<void> {
    const theirs = await o.cmd('GET', key);
    expect(typeof theirs).toBe('string');
    if (theirs !== mine) {
      // Show a compact diff position before failing.
      const t = theirs as string;
      let i = 0;
      while (i < t.length && t[i] === mine[i]) i++;
      expect({ len: mine.length, at: i }).toEqual({ len: t.length, at: -1 });
    }
  }

  it('PFADD with no elements on a new key', async () => {
    const r = hllAdd(null, []);
    expect(await o.cmd('PFADD', 'empty')).toBe(1);
    expect(r.updated).toBe(true);
    await same('empty', r.value);
    expect(await o.cmd('PFADD', 'empty')).toBe(0);
    expect(hllAdd(r.value, []).updated).toBe(false);
  });

  it('sparse, promotion to dense, and dense: bytes and counts identical after every batch', async () => {
    const r = rng(42);
    let mine: string | null = null;
    await o.cmd('DEL', 'h1');
    let n = 0;
    const sizes = [1, 1, 2, 5, 10, 30, 50, 100, 200, 300, 500, 700, 1000, 2000, 5000, 20000];
    for (const size of sizes) {
      const els: string[] = [];
      for (let i = 0; i < size; i++) els.push(r() < 0.5 ? `el:${n++}` : randBytes(r, 24));
      // Re-add some old ones too.
      if (n > 5) els.push('el:0', 'el:3');
      const res = hllAdd(mine, els);
      const reply = await o.cmd('PFADD', 'h1', ...els);
      expect(res.updated ? 1 : 0).toBe(reply);
      expect(res.corrupt).toBe(false);
      mine = res.value;
      await same('h1', mine);
      const c = hllCount(mine)!;
      expect(c.count).toBe(await o.cmd('PFCOUNT', 'h1'));
      mine = c.value;
      await same('h1', mine);
      // Second count hits the cache.
      expect(hllCount(mine)!.value).toBe(mine);
    }
    expect(hllIsDense(mine!)).toBe(true);
  }, 60000);

  it('one element at a time through the sparse encoding', async () => {
    let mine: string | null = null;
    await o.cmd('DEL', 'h2');
    for (let i = 0; i < 1500; i++) {
      const e = `x${i * 7919}`;
      const res = hllAdd(mine, [e]);
      expect(res.updated ? 1 : 0).toBe(await o.cmd('PFADD', 'h2', e));
      mine = res.value;
      if (i % 50 === 0 || hllIsDense(mine)) await same('h2', mine);
      if (hllIsDense(mine)) break;
    }
    await same('h2', mine!);
  }, 60000);

  it('promotion driven by a small hll-sparse-max-bytes', async () => {
    await o.cmd('CONFIG', 'SET', 'hll-sparse-max-bytes', '60');
    try {
      let mine: string | null = null;
      await o.cmd('DEL', 'h3');
      for (let i = 0; i < 40; i++) {
        const e = `small${i}`;
        const res = hllAdd(mine, [e], 60);
        expect(res.updated ? 1 : 0).toBe(await o.cmd('PFADD', 'h3', e));
        mine = res.value;
        await same('h3', mine);
      }
      expect(hllIsDense(mine!)).toBe(true);
    } finally {
      await o.cmd('CONFIG', 'SET', 'hll-sparse-max-bytes', '3000');
    }
  });

  it('PFCOUNT of several keys and PFMERGE (sparse and dense sources, existing dest)', async () => {
    const r = rng(99);
    const keys = ['m1', 'm2', 'm3', 'm4'];
    const sizes = [20, 300, 4000, 0];
    const vals = new Map<string, string>();
    for (let k = 0; k < keys.length; k++) {
      await o.cmd('DEL', keys[k]);
      const els: string[] = [];
      for (let i = 0; i < sizes[k]; i++) els.push(randBytes(r, 10));
      let v: string | null = null;
      for (let i = 0; i < els.length; i += 500) {
        const chunk = els.slice(i, i + 500);
        v = hllAdd(v, chunk).value;
        await o.cmd('PFADD', keys[k], ...chunk);
      }
      if (sizes[k] === 0) {
        v = hllAdd(null, []).value;
        await o.cmd('PFADD', keys[k]);
      }
      vals.set(keys[k], v!);
      await same(keys[k], v!);
    }
    // Union counts.
    for (const combo of [
      ['m1', 'm2'],
      ['m1', 'm3'],
      ['m2', 'm4', 'nokey'],
      ['m1', 'm2', 'm3', 'm4'],
    ]) {
      const max = hllNewRegisters();
      for (const k of combo) if (vals.has(k)) expect(hllMergeInto(max, vals.get(k)!)).toBe(true);
      expect(hllCountRegisters(max)).toBe(await o.cmd('PFCOUNT', ...combo));
    }
    // Merges: dest new, dest existing sparse, dest existing dense.
    for (const [dest, srcs] of [
      ['d1', ['m1', 'm2']],
      ['m1', ['m2']],
      ['d2', ['m1', 'm3']],
      ['m4', ['m1']],
      ['d3', ['nokey']],
      ['m3', ['m2', 'm1']],
    ] as [string, string[]][]) {
      const all = [dest, ...srcs];
      const max = hllNewRegisters();
      let useDense = false;
      for (const k of all) {
        const v = vals.get(k);
        if (v === undefined) continue;
        if (hllIsDense(v)) useDense = true;
        expect(hllMergeInto(max, v)).toBe(true);
      }
      const out = hllStoreMerged(vals.get(dest) ?? null, max, useDense)!;
      expect(await o.cmd('PFMERGE', dest, ...srcs)).toBe('OK');
      vals.set(dest, out);
      await same(dest, out);
      const c = hllCount(out)!;
      expect(c.count).toBe(await o.cmd('PFCOUNT', dest));
      vals.set(dest, c.value);
      await same(dest, c.value);
    }
  }, 60000);

  it('corrupt sparse HLL: same errors and same stored bytes', async () => {
    // A sparse HLL whose opcodes cover fewer than 16384 registers.
    const bad = 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80' + '\x7f\xf0' + '\x80';
    // With a valid cached cardinality nothing is recomputed, as in Redis.
    const cached = bad.slice(0, 15) + '\x00' + bad.slice(16);
    await o.cmd('SET', 'cached', cached);
    expect(hllCount(cached)!.count).toBe(await o.cmd('PFCOUNT', 'cached'));
    await o.cmd('SET', 'bad', bad);
    const c = hllCount(bad);
    expect(c).toBeNull();
    expect(await o.cmd('PFCOUNT', 'bad')).toEqual({ error: HLL_INVALID_ERR });
    const els = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    const res = hllAdd(bad, els);
    const reply = await o.cmd('PFADD', 'bad', ...els);
    if (res.corrupt) expect(reply).toEqual({ error: HLL_INVALID_ERR });
    else expect(reply).toBe(res.updated ? 1 : 0);
    await same('bad', res.value);
    // Not an HLL at all.
    await o.cmd('SET', 'str', 'hello world, not an hll');
    expect(hllIsValid('hello world, not an hll')).toBe(false);
    expect(await o.cmd('PFADD', 'str', 'x')).toEqual({ error: HLL_WRONGTYPE_ERR });
    // Valid header, corrupt data, multi-key count and merge.
    const max = hllNewRegisters();
    expect(hllMergeInto(max, bad)).toBe(false);
    expect(await o.cmd('PFCOUNT', 'bad', 'h1')).toEqual({ error: HLL_INVALID_ERR });
  });
});
