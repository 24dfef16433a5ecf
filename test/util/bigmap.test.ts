import { test, expect } from 'vitest';
import { BigMap, BigSet } from '../../src/util/bigmap.ts';
import { Rng } from '../property/harness.ts';

// A chunk size of 4 stands in for V8's 2^24 limit: the same code paths, tiny data.

test('BigMap spills into chunks past the threshold and behaves as one Map', () => {
  const m = new BigMap<string, number>(null, 4);
  for (let i = 0; i < 10; i++) m.set(`k${i}`, i);
  expect(m.size).toBe(10);
  expect(m.chunkCount).toBe(3);
  expect([...m.keys()]).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`));
  expect(m.get('k9')).toBe(9);
  expect(m.has('k5')).toBe(true);
  m.set('k5', 50); // overwrite in place: no new entry, order kept
  expect(m.size).toBe(10);
  expect([...m.entries()][5]).toEqual(['k5', 50]);
  expect(m.delete('k1')).toBe(true);
  expect(m.delete('k1')).toBe(false);
  m.set('new', 1); // goes into the last chunk with room
  expect(m.size).toBe(10);
  expect(m.get('new')).toBe(1);
  const seen: string[] = [];
  m.forEach((_v, k) => seen.push(k));
  expect(seen.length).toBe(10);
  m.clear();
  expect(m.size).toBe(0);
  expect(m.chunkCount).toBe(1);
  expect(Object.prototype.toString.call(m)).toBe('[object Map]');
});

test('BigMap: values that are undefined are found, and copies are independent', () => {
  const m = new BigMap<string, number | undefined>(null, 2);
  for (let i = 0; i < 5; i++) m.set(`k${i}`, i === 3 ? undefined : i);
  expect(m.has('k3')).toBe(true);
  expect(m.get('k3')).toBe(undefined);
  const c = BigMap.from(m);
  c.set('k0', 100);
  c.delete('k4');
  expect(m.get('k0')).toBe(0);
  expect(m.size).toBe(5);
  expect(c.size).toBe(4);
  expect([...c.keys()]).toEqual(['k0', 'k1', 'k2', 'k3']);
});

test('BigMap: an iteration sees entries added after its cursor, not deleted ones', () => {
  const m = new BigMap<number, number>(null, 3);
  for (let i = 0; i < 6; i++) m.set(i, i);
  const out: number[] = [];
  for (const [k] of m) {
    out.push(k);
    if (k === 1) m.delete(4);
    if (k === 2) m.set(100, 100);
  }
  expect(out).toEqual([0, 1, 2, 3, 5, 100]);
});

test('BigMap and BigSet follow a native Map and Set under random operations', () => {
  const rng = new Rng(12);
  for (const chunk of [1, 3, 8]) {
    const big = new BigMap<string, number>(null, chunk);
    const ref = new Map<string, number>();
    const bigSet = new BigSet<string>(null, chunk);
    const refSet = new Set<string>();
    for (let step = 0; step < 3000; step++) {
      const k = `k${rng.int(60)}`;
      const op = rng.int(4);
      if (op <= 1) {
        big.set(k, step);
        ref.set(k, step);
        bigSet.add(k);
        refSet.add(k);
      } else if (op === 2) {
        expect(big.delete(k)).toBe(ref.delete(k));
        expect(bigSet.delete(k)).toBe(refSet.delete(k));
      } else {
        expect(big.get(k)).toBe(ref.get(k));
        expect(bigSet.has(k)).toBe(refSet.has(k));
      }
      expect(big.size).toBe(ref.size);
      expect(bigSet.size).toBe(refSet.size);
    }
    expect(new Map(big)).toEqual(ref);
    expect(new Set(bigSet)).toEqual(refSet);
    expect([...bigSet.keys()].sort()).toEqual([...refSet].sort());
  }
});

test('BigMap.setNew appends to the last chunk without lookups', () => {
  const m = new BigMap<string, number>(null, 3);
  for (let i = 0; i < 8; i++) m.setNew(`k${i}`, i);
  expect(m.size).toBe(8);
  expect(m.chunkCount).toBe(3);
  expect([...m.keys()]).toEqual(Array.from({ length: 8 }, (_, i) => `k${i}`));
  expect(m.get('k7')).toBe(7);
  m.delete('k0');
  m.setNew('k8', 8); // the last chunk has room: no new chunk
  expect(m.chunkCount).toBe(3);
  expect(m.size).toBe(8);
});
