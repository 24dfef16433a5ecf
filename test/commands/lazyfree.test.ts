/**
 * lazyfreed_objects counts the values Redis frees in the background, side by side with
 * redis-server 7.0.15: UNLINK (and DEL under lazyfree-lazy-user-del) of values costing
 * more than 64 allocations, and every key of an asynchronous FLUSHDB/FLUSHALL (ASYNC, or
 * lazyfree-lazy-user-flush).
 */
import { it, expect } from 'vitest';
import { describeDifferential, type Differential } from '../support/differential.ts';

const lazy = (info: string) => /lazyfree_pending_objects:\d+\r\nlazyfreed_objects:\d+/.exec(info)?.[0];

async function sameLazyfree(d: Differential, cmds: string[][]): Promise<void> {
  await d.seq([['CONFIG', 'RESETSTAT'], ...cmds]);
  // Redis's background thread frees at its own pace: compare once it has nothing pending.
  let info = await d.both('INFO', 'memory');
  for (let i = 0; i < 200 && !/lazyfree_pending_objects:0\r\n/.test(info.real); i++) {
    await new Promise((r) => setTimeout(r, 10));
    info = await d.both('INFO', 'memory');
  }
  expect(lazy(info.ours), JSON.stringify(cmds)).toBe(lazy(info.real));
}

const members = (n: number, prefix = 'm') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describeDifferential('lazyfree', (d: () => Differential) => {
  it('UNLINK of big and small values of every type; DEL only under lazyfree-lazy-user-del', async () => {
    await sameLazyfree(d(), [['SADD', 'big', ...members(100)], ['SADD', 'small', ...members(10)], ['UNLINK', 'big', 'small', 'none']]);
    await sameLazyfree(d(), [['SADD', 'ints', ...Array.from({ length: 300 }, (_, i) => String(i))], ['UNLINK', 'ints']]);
    await sameLazyfree(d(), [['HSET', 'h', ...members(200).flatMap((m) => [m, 'v'])], ['ZADD', 'z', ...members(200).flatMap((m, i) => [String(i), m])], ['UNLINK', 'h', 'z']]);
    await sameLazyfree(d(), [['RPUSH', 'l', ...members(3000)], ['UNLINK', 'l']]);
    await sameLazyfree(d(), [['RPUSH', 'l', ...Array.from({ length: 200 }, () => 'x'.repeat(3000))], ['UNLINK', 'l']]);
    await sameLazyfree(d(), [['SADD', 'big', ...members(100)], ['DEL', 'big']]);
    await d().same('CONFIG', 'SET', 'lazyfree-lazy-user-del', 'yes');
    try {
      await sameLazyfree(d(), [['SADD', 'big', ...members(100)], ['DEL', 'big']]);
    } finally {
      await d().same('CONFIG', 'SET', 'lazyfree-lazy-user-del', 'no');
    }
  });

  it('streams: nodes and consumer groups', async () => {
    const cmds: string[][] = [['CONFIG', 'SET', 'stream-node-max-entries', '5']];
    for (let j = 0; j < 300; j++) cmds.push(['XADD', 'stream', `1-${j + 1}`, j % 10 === 0 ? 'bar' : 'foo', String(j)]);
    cmds.push(['XGROUP', 'CREATE', 'stream', 'mygroup', '0'], ['XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'COUNT', '2', 'STREAMS', 'stream', '>'], ['UNLINK', 'stream']);
    await sameLazyfree(d(), cmds);
    await sameLazyfree(d(), [['XADD', 's', '1-1', 'a', 'b'], ['XGROUP', 'CREATE', 's', 'bla', '$'], ['XGROUP', 'DESTROY', 's', 'bla'], ['UNLINK', 's']]);
    await d().same('CONFIG', 'SET', 'stream-node-max-entries', '100');
  });

  it('asynchronous flushes count every key', async () => {
    await sameLazyfree(d(), [['MSET', 'a', '1', 'b', '2', 'c', '3'], ['FLUSHALL', 'ASYNC']]);
    await sameLazyfree(d(), [['MSET', 'a', '1', 'b', '2'], ['FLUSHDB', 'ASYNC'], ['MSET', 'a', '1'], ['FLUSHDB', 'SYNC'], ['FLUSHALL']]);
    await d().same('CONFIG', 'SET', 'lazyfree-lazy-user-flush', 'yes');
    try {
      await sameLazyfree(d(), [['MSET', 'a', '1', 'b', '2'], ['FLUSHDB'], ['MSET', 'a', '1'], ['FLUSHALL'], ['MSET', 'x', '1'], ['FLUSHALL', 'SYNC']]);
    } finally {
      await d().same('CONFIG', 'SET', 'lazyfree-lazy-user-flush', 'no');
    }
  });
});

it('a set created by one big SADD counts its members in used_memory at once (and UNLINK gives it back)', async () => {
  const { startServer } = await import('../../src/index.ts');
  const s = await startServer({ port: 0, log: () => {} });
  try {
    const used = () => Number(/used_memory:(\d+)/.exec(String(s.call('INFO', 'memory')))![1]);
    const before = used();
    s.call('SADD', 'myset', ...Array.from({ length: 100000 }, (_, i) => String(i)));
    const peak = used();
    expect(peak).toBeGreaterThan(before + 1_000_000);
    expect(s.call('UNLINK', 'myset')).toBe(1);
    expect(used()).toBeLessThan(before * 2);
  } finally {
    await s.close();
  }
});
