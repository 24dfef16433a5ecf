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

test('the heap guard collects once a quiet server has grown by a quarter', () => {
  const MB = 2 ** 20;
  let size = 100 * MB;
  let collections = 0;
  const g = new HeapGuard(() => 0, 4 * GB, () => size, () => {
    collections++;
    size = 110 * MB;
  });
  g.idleTick(1, 0);
  size = 120 * MB; // grown, but not by a quarter
  g.idleTick(1, 10_000);
  expect(collections).toBe(0);
  size = 140 * MB;
  g.idleTick(2, 10_000); // a command ran: quiet again from now
  g.idleTick(2, 12_000);
  expect(collections).toBe(0);
  g.idleTick(2, 15_000);
  expect(collections).toBe(1);
  // measured from the size after that collection (110 MB), not before
  size = 130 * MB;
  g.idleTick(2, 30_000);
  expect(collections).toBe(1);
  size = 140 * MB;
  g.idleTick(2, 31_000);
  expect(collections).toBe(2);
});
