import { test, expect } from 'vitest';
import { PackedMap, packEntry, entryField, entryValue } from '../../src/util/packed-map.ts';
import { HashValue } from '../../src/keyspace/hash.ts';
import { PackedPairs } from '../../src/util/packed-pairs.ts';
import { Rng } from '../property/harness.ts';

test('entries pack field and value into one string, long fields included', () => {
  for (const [f, v] of [
    ['', ''],
    ['f', ''],
    ['', 'v'],
    ['field:1', 'val:1'],
    ['x'.repeat(254), 'y'],
    ['x'.repeat(255), 'y'.repeat(3)],
    ['\u00ff\u0000' + 'z'.repeat(70000), '\u00ff'],
  ]) {
    const e = packEntry(f, v);
    expect(entryField(e)).toBe(f);
    expect(entryValue(e)).toBe(v);
  }
});

/** Compares a PackedMap with a native Map under random operations. */
function exercise(hash: ((f: string) => number) | undefined, chunk: number | undefined, seed: number): void {
  const rng = new Rng(seed);
  const p = new PackedMap(null, chunk, hash);
  const m = new Map<string, string>();
  for (let i = 0; i < 3000; i++) {
    const f = `f${rng.int(400)}`;
    const op = rng.int(10);
    if (op < 5) {
      const v = `v${i}`;
      expect(p.put(f, v)).toBe(!m.has(f));
      m.set(f, v);
    } else if (op < 8) {
      expect(p.delete(f)).toBe(m.delete(f));
    } else {
      expect(p.get(f)).toBe(m.get(f));
      expect(p.has(f)).toBe(m.has(f));
    }
    expect(p.size).toBe(m.size);
  }
  const sorted = (it: Iterable<[string, string]>) => [...it].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  expect(sorted(p.entries())).toEqual(sorted(m.entries()));
  expect([...p.keys()].sort()).toEqual([...m.keys()].sort());
  expect([...p.values()].sort()).toEqual([...m.values()].sort());
  const c = p.clone();
  c.set('only-in-clone', 'x');
  for (const f of [...c.keys()].slice(0, 50)) c.delete(f);
  expect(p.has('only-in-clone')).toBe(false);
  expect(sorted(p)).toEqual(sorted(m.entries()));
}

test('PackedMap behaves as a Map (seeded hash, no collisions expected)', () => {
  exercise(undefined, undefined, 1);
});

test('PackedMap behaves as a Map when every field collides with others', () => {
  exercise((f) => f.length, undefined, 2); // a handful of slots, each a Map
  exercise((f) => f.charCodeAt(f.length - 1) & 3, 2, 3); // collisions and a chunked table
});

test('PackedMap iteration is live: unvisited deletions are skipped, present entries all seen', () => {
  for (const hash of [undefined, (f: string) => f.length & 1]) {
    const p = new PackedMap(null, undefined, hash);
    for (let i = 0; i < 100; i++) p.set(`k${i}`, `v${i}`);
    const seen = new Set<string>();
    let n = 0;
    for (const [f, v] of p) {
      expect(v).toBe(`v${f.slice(1)}`);
      seen.add(f);
      if (n++ === 10) for (let i = 50; i < 60; i++) p.delete(`k${i}`);
    }
    for (let i = 0; i < 100; i++) if (i < 50 || i >= 60) expect(seen.has(`k${i}`)).toBe(true);
    for (const f of seen) expect(p.has(f) || /^k5\d$/.test(f)).toBe(true);
  }
});

test('HashValue: hashtable encoding packs its fields, listpack keeps insertion order', () => {
  const h = new HashValue();
  for (let i = 0; i < 5; i++) h.set(`f${i}`, `v${i}`);
  h.set('f1', 'again');
  expect(h.encoding()).toBe('listpack');
  expect([...h.map]).toEqual([['f0', 'v0'], ['f1', 'again'], ['f2', 'v2'], ['f3', 'v3'], ['f4', 'v4']]);
  h.checkEntries(4);
  expect(h.encoding()).toBe('hashtable');
  expect(h.map).toBeInstanceOf(PackedMap);
  expect(h.get('f1')).toBe('again');
  expect(h.set('f5', 'v5')).toBe(true);
  expect(h.set('f5', 'v6')).toBe(false);
  expect(h.size).toBe(6);
  const c = h.clone();
  expect(c.encoding()).toBe('hashtable');
  c.delete('f0');
  expect(h.has('f0')).toBe(true);
  for (let i = 0; i < 50; i++) expect(h.has(h.randomField())).toBe(true);
  h.checkLen(100, 64); // never goes back
  expect(h.encoding()).toBe('hashtable');
});

test('PackedPairs behaves as an insertion-ordered Map', () => {
  const rng = new Rng(7);
  const p = new PackedPairs();
  const m = new Map<string, string>();
  for (let i = 0; i < 2000; i++) {
    const f = rng.int(20) === 0 ? 'L'.repeat(300 + rng.int(3)) : `f${rng.int(40)}`;
    const op = rng.int(10);
    if (op < 5) {
      const v = rng.int(20) === 0 ? 'V'.repeat(255 + rng.int(3)) : rng.int(5) === 0 ? '' : `v${i}`;
      expect(p.put(f, v)).toBe(!m.has(f));
      m.set(f, v);
    } else if (op < 8) {
      expect(p.delete(f)).toBe(m.delete(f));
    } else {
      expect(p.get(f)).toBe(m.get(f));
      expect(p.has(f)).toBe(m.has(f));
    }
    expect(p.size).toBe(m.size);
    if (i % 50 === 0) expect([...p]).toEqual([...m]);
  }
  expect([...p.keys()]).toEqual([...m.keys()]);
  expect([...p.values()]).toEqual([...m.values()]);
  const c = p.clone();
  c.clear();
  expect([...p]).toEqual([...m]);
});

test('HashValue: a listpack hash grown past its flat array keeps order and encoding', () => {
  const h = new HashValue();
  expect(h.map).toBeInstanceOf(PackedPairs);
  for (let i = 0; i < 300; i++) h.set(`f${i}`, `v${i}`);
  expect(h.encoding()).toBe('listpack');
  expect(h.map).not.toBeInstanceOf(PackedPairs);
  expect([...h.map.keys()].slice(0, 3)).toEqual(['f0', 'f1', 'f2']);
  const big = new HashValue();
  big.set('a', '1');
  big.set('b', '2');
  big.listpack = false;
  big.listpack = true; // RDB load may set it back on a fresh hash
  expect(big.get('a')).toBe('1');
});

test('PackedPairs: past 254 entries, built from entries, iterated while written', () => {
  const p = new PackedPairs();
  const m = new Map<string, string>();
  for (let i = 0; i < 300; i++) {
    expect(p.put(`f${i}`, `v${i}`)).toBe(true);
    m.set(`f${i}`, `v${i}`);
  }
  expect(p.size).toBe(300);
  for (let i = 0; i < 300; i += 7) {
    p.delete(`f${i}`);
    m.delete(`f${i}`);
  }
  expect(p.size).toBe(m.size);
  expect([...p]).toEqual([...m]);
  // duplicates keep the first place and the last value, as repeated puts do
  const q = new PackedPairs([
    ['a', '1'],
    ['b', '2'],
    ['a', '3'],
  ]);
  expect([...q]).toEqual([
    ['a', '3'],
    ['b', '2'],
  ]);
  expect(new PackedPairs(q).get('a')).toBe('3');
  // an iteration sees the entries as they were when it started
  const seen: string[] = [];
  for (const [f] of q) {
    seen.push(f);
    q.delete('b');
    q.put('c', 'x');
  }
  expect(seen).toEqual(['a', 'b']);
  expect([...q.keys()]).toEqual(['a', 'c']);
  q.delete('a');
  q.delete('c');
  expect(q.size).toBe(0);
  expect([...q]).toEqual([]);
});
