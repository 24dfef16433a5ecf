import { test, expect } from 'vitest';
import { desiredHeapMb } from '../../src/cli/heap-size.ts';
import { HeapGuard } from '../../src/core/heap.ts';

const GB = 2 ** 30;

test('the CLI heap is three quarters of the machine, or sized from maxmemory', () => {
  expect(desiredHeapMb({}, 24 * GB)).toBe(18432);
  expect(desiredHeapMb({ maxmemory: '0' }, 24 * GB)).toBe(18432);
  expect(desiredHeapMb({ maxmemory: '1gb' }, 24 * GB)).toBe(2560 + 512);
  expect(desiredHeapMb({ maxmemory: '100mb' }, 24 * GB)).toBe(250 + 512);
  // never more than the machine has
  expect(desiredHeapMb({ maxmemory: '100gb' }, 24 * GB)).toBe(24 * 1024);
});

test('the heap guard keeps a reserve that grows with the largest table', () => {
  let keys = 0;
  const g = new HeapGuard(() => keys, 4 * GB + 48 * 2 ** 20);
  expect(g.oldLimit).toBe(4 * GB);
  const empty = g.threshold();
  expect(empty).toBeCloseTo(4 * GB * 0.85, -3);
  keys = 10_000_000;
  expect(empty - g.threshold()).toBe(560_000_000);
});
