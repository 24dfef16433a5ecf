import { describe, it, expect } from 'vitest';
import { ShardedStringSet, stringHash } from '../../src/util/sharded-set.ts';

describe('ShardedStringSet', () => {
  it('holds what was added, across shards', () => {
    const s = new ShardedStringSet(100_000, 1024);
    for (let i = 0; i < 100_000; i += 2) s.add(`key:${i}`);
    s.add('key:0');
    expect(s.size).toBe(50_000);
    for (let i = 0; i < 1000; i++) expect(s.has(`key:${i}`)).toBe(i % 2 === 0);
    // binary strings too
    s.add('\x00\xff\x80');
    expect(s.has('\x00\xff\x80')).toBe(true);
    expect(s.has('\x00\xff\x81')).toBe(false);
  });

  it('one shard for a small set', () => {
    const s = new ShardedStringSet(10);
    s.add('a');
    expect(s.has('a')).toBe(true);
    expect(s.size).toBe(1);
  });

  it('spreads keys that differ only in a few characters, or in the middle of long keys', () => {
    const families = [
      (i: number) => `key:${i}`,
      (i: number) => `user:${i}:profile`,
      (i: number) => `${'p'.repeat(40)}${i}${'s'.repeat(40)}`,
    ];
    for (const f of families) {
      const buckets = new Array<number>(64).fill(0);
      for (let i = 0; i < 64_000; i++) buckets[stringHash(f(i)) & 63]++;
      expect(Math.max(...buckets)).toBeLessThan(2000);
      expect(Math.min(...buckets)).toBeGreaterThan(500);
    }
  });
});
