import { test, expect } from 'vitest';
import { describeDifferential, type Differential } from '../support/differential.ts';
import { encodeCommand } from '../support/raw-client.ts';

/**
 * Memory in Redis's terms: MEMORY USAGE of every type and encoding within ±25% of
 * redis-server's, and used_memory moving as Redis's does when keys are added.
 */

const TOLERANCE = 0.25;

async function usage(d: Differential, key: string, ...extra: string[]): Promise<{ real: number; ours: number }> {
  const { real, ours } = await d.both('MEMORY', 'USAGE', key, ...extra);
  return { real: Number(/^:(\d+)/.exec(real)![1]), ours: Number(/^:(\d+)/.exec(ours)![1]) };
}

async function usedMemory(d: Differential): Promise<{ real: number; ours: number }> {
  const { real, ours } = await d.both('INFO', 'memory');
  const pick = (raw: string) => Number(/used_memory:(\d+)/.exec(raw)![1]);
  return { real: pick(real), ours: pick(ours) };
}

function within(ours: number, real: number, what: string): void {
  expect(Math.abs(ours - real) / real, `${what}: ours ${ours}, redis ${real}`).toBeLessThanOrEqual(TOLERANCE);
}

/** Sends the same pipeline to both servers and waits for every reply. */
async function load(d: Differential, cmds: string[][]): Promise<void> {
  for (let i = 0; i < cmds.length; i += 500) {
    const part = cmds.slice(i, i + 500);
    const bytes = Buffer.concat(part.map(encodeCommand));
    await Promise.all([d.real.sendRaw(bytes, part.length, 20_000), d.ours.sendRaw(bytes, part.length, 20_000)]);
  }
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describeDifferential('memory accounting', (d) => {
  test('used_memory: a fresh server is about 1 MB, as Redis', async () => {
    const m = await usedMemory(d());
    within(m.ours, m.real, 'empty');
  });

  const cases: [string, string, string[][]][] = [
    ['string, shared int', 's1', [['SET', 's1', '42']]],
    ['string, int', 's2', [['SET', 's2', '123456789012']]],
    ['string, short embstr', 's3', [['SET', 's3', 'hello']]],
    ['string, 44-byte embstr', 's4', [['SET', 's4', 'x'.repeat(44)]]],
    ['string, 45-byte raw', 's5', [['SET', 's5', 'x'.repeat(45)]]],
    ['string, 1000-byte raw', 's6', [['SET', 's6', 'y'.repeat(1000)]]],
    ['string, 100 KB raw', 's7', [['SET', 's7', 'z'.repeat(100_000)]]],
    ['long key', 'k'.repeat(300), [['SET', 'k'.repeat(300), 'v']]],
    ['hash, listpack, 5 fields', 'h1', [['HSET', 'h1', ...range(5).flatMap((i) => [`field:${i}`, `value:${i}`])]]],
    ['hash, listpack, 100 fields', 'h2', [['HSET', 'h2', ...range(100).flatMap((i) => [`f${i}`, String(i * 7)])]]],
    ['hash, hashtable, 500 fields', 'h3', [['HSET', 'h3', ...range(500).flatMap((i) => [`field:${i}`, `value:${i}`])]]],
    ['hash, hashtable by a long value', 'h4', [['HSET', 'h4', 'a', '1', 'b', 'x'.repeat(100)]]],
    ['set, intset, 10', 'st1', [['SADD', 'st1', ...range(10).map(String)]]],
    ['set, intset, 400 wide ints', 'st2', [['SADD', 'st2', ...range(400).map((i) => String(i * 100_000))]]],
    ['set, hashtable, 1000', 'st3', [['SADD', 'st3', ...range(1000).map((i) => `member:${i}`)]]],
    ['zset, listpack, 10', 'z1', [['ZADD', 'z1', ...range(10).flatMap((i) => [String(i), `m${i}`])]]],
    ['zset, listpack, fractional scores', 'z2', [['ZADD', 'z2', ...range(50).flatMap((i) => [String(i / 3), `member${i}`])]]],
    ['zset, skiplist, 1000', 'z3', [['ZADD', 'z3', ...range(1000).flatMap((i) => [String(i * 1.5), `member:${i}`])]]],
    ['list, 5', 'l1', [['RPUSH', 'l1', 'a', 'b', 'c', 'd', 'e']]],
    ['list, 10000', 'l2', [['RPUSH', 'l2', ...range(10000).map((i) => `element:${i}`)]]],
    ['list of numbers, 5000', 'l3', [['RPUSH', 'l3', ...range(5000).map(String)]]],
    ['stream, 100 entries', 'x1', range(100).map((i) => ['XADD', 'x1', `${i + 1}-0`, 'field', `value${i}`, 'n', String(i)])],
  ];
  for (const [name, key, cmds] of cases) {
    test(`MEMORY USAGE: ${name}`, async () => {
      await load(d(), cmds);
      const def = await usage(d(), key);
      within(def.ours, def.real, 'default samples');
      const all = await usage(d(), key, 'SAMPLES', '0');
      within(all.ours, all.real, 'SAMPLES 0');
    });
  }

  test('used_memory grows with small keys as Redis does', async () => {
    const before = await usedMemory(d());
    await load(d(), range(20000).map((i) => ['SET', `key:${String(i).padStart(8, '0')}`, `value:${i}`]));
    const mid = await usedMemory(d());
    within(mid.ours - before.ours, mid.real - before.real, '20000 SETs');
    await load(d(), range(5000).map((i) => ['EXPIRE', `key:${String(i).padStart(8, '0')}`, '1000']));
    const after = await usedMemory(d());
    within(after.ours - before.ours, after.real - before.real, 'with 5000 expires');
    await load(d(), range(200).map((i) => ['HSET', 'bighash', ...range(10).flatMap((j) => [`f${i}:${j}`, `v${j}`])]));
    const big = await usage(d(), 'bighash');
    within(big.ours, big.real, 'MEMORY USAGE of a 2000-field hash built by 200 HSETs');
    await d().same('FLUSHALL');
  });

  test('maxmemory 5mb lets writes in on an empty server and refuses them once the dataset passes it', async () => {
    await d().seq([
      ['CONFIG', 'SET', 'maxmemory', '5mb'],
      ['SET', 'first', 'v'],
    ]);
    await load(d(), range(60000).map((i) => ['SET', `key:${i}`, `value:${i}`]));
    await d().same('SET', 'last', 'v');
    await d().seq([['CONFIG', 'SET', 'maxmemory', '0'], ['FLUSHALL']]);
  });
});
