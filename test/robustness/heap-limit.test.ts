import { test, expect, beforeAll, afterAll } from 'vitest';
import { ChildServer } from './child.ts';
import { RawClient, encodeCommand } from '../support/raw-client.ts';

/**
 * A server whose V8 heap is small refuses writes with Redis's OOM error before the heap
 * runs out, instead of dying with "JavaScript heap out of memory": every acknowledged key
 * is still there, and reads, DEL and FLUSHALL keep working.
 */

const OOM = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
let child: ChildServer;
let c: RawClient;

beforeAll(async () => {
  child = await ChildServer.start({}, ['--max-old-space-size=48']);
  c = await RawClient.connect(child.port);
}, 60_000);

afterAll(() => {
  c?.close();
  child?.stop();
});

/** Sends a pipeline and splits the raw replies into lines (every reply here is one line). */
async function pipeline(cmds: string[][]): Promise<string[]> {
  const raw = await c.sendRaw(Buffer.concat(cmds.map(encodeCommand)), cmds.length, 30_000);
  return raw.split('\r\n').slice(0, -1).map((l) => l + '\r\n');
}

test('fills with small keys until OOM, without crashing or losing a key', async () => {
  const acked: number[] = [];
  let next = 0;
  let refusals = 0;
  // Bounded: a 48 MB heap holds a few hundred thousand such keys. Go on a while after the
  // first refusal: a collection may let a few more writes in, never a crash.
  for (let batch = 0; batch < 2000 && refusals < 5_000; batch++) {
    const cmds: string[][] = [];
    for (let i = 0; i < 1000; i++) cmds.push(['SET', `key:${next + i}`, `value:${next + i}`]);
    const replies = await pipeline(cmds);
    expect(replies.length).toBe(1000);
    for (const r of replies) {
      if (r === '+OK\r\n') acked.push(next);
      else {
        expect(r).toBe(OOM);
        refusals++;
      }
      next++;
    }
  }
  expect(refusals).toBeGreaterThan(0);
  expect(child.exited).toBe(null);
  expect(await c.call('DBSIZE')).toBe(`:${acked.length}\r\n`);
  // Every acknowledged key holds its value (checked in pipelined MGETs of 1000).
  for (let start = 0; start < acked.length; start += 1000) {
    const ids = acked.slice(start, start + 1000);
    const raw = await c.sendRaw(encodeCommand(['MGET', ...ids.map((i) => `key:${i}`)]), 1, 30_000);
    let expected = `*${ids.length}\r\n`;
    for (const i of ids) expected += `$${`value:${i}`.length}\r\nvalue:${i}\r\n`;
    expect(raw === expected, `keys from ${ids[0]}`).toBe(true);
  }
  // Reads and deletions still run; writes are refused.
  expect(await c.call('GET', 'key:0')).toBe('$7\r\nvalue:0\r\n');
  expect(await c.call('DEL', 'key:0')).toBe(':1\r\n');
  expect(await c.call('LPUSH', 'list', 'x')).toBe(OOM);
  // FLUSHALL frees the heap: writes are accepted again.
  expect(await c.call('FLUSHALL')).toBe('+OK\r\n');
  let reply = '';
  for (let i = 0; i < 50 && reply !== '+OK\r\n'; i++) {
    reply = await c.call('SET', 'again', '1');
    if (reply !== '+OK\r\n') await new Promise((r) => setTimeout(r, 200));
  }
  expect(reply).toBe('+OK\r\n');
  expect(child.exited).toBe(null);
}, 300_000);
