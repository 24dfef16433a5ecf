import { test, expect, beforeAll, afterAll } from 'vitest';
import { crc64 } from '../../src/keyspace/rdb.ts';
import { Rng } from '../property/harness.ts';
import { ChildServer } from './child.ts';
import { StrictConn, encode } from './conn.ts';

/**
 * RESTORE of damaged payloads (bytes flipped, truncated, lengths and counts replaced by huge
 * values, all re-sealed with a valid CRC) for every value type and encoding: the reply is OK
 * or `ERR Bad data format`, never an internal error; whatever is accepted can be read and
 * dumped again; the server stays up. Runs in a child process (a crash or hang cannot stall
 * the runner).
 */

let child: ChildServer;
beforeAll(async () => {
  child = await ChildServer.start();
});
afterAll(() => child?.stop());

const SOURCES: string[][] = [
  ['SET', 'v', 'hello'],
  ['SET', 'v', '12345'],
  ['SET', 'v', 'x'.repeat(300)],
  ['RPUSH', 'v', 'a', '1', 'bb', '-77777', 'y'.repeat(100)],
  ['SADD', 'v', '1', '2', '3'],
  ['SADD', 'v', 'a', 'b', 'c', ...Array.from({ length: 200 }, (_, i) => `m${i}`)],
  ['HSET', 'v', 'f', '1', 'g', 'two'],
  ['HSET', 'v', ...Array.from({ length: 300 }, (_, i) => `f${i}`)],
  ['ZADD', 'v', '1', 'a', '2.5', 'b'],
  ['ZADD', 'v', ...Array.from({ length: 300 }, (_, i) => [String(i / 3), `z${i}`]).flat()],
  ['XADD', 'v', '1-1', 'f', 'v', 'g', '2'],
  ['PFADD', 'v', 'a', 'b', 'c'],
];

function damage(r: Rng, body: string): string {
  const n = body.length;
  switch (r.int(5)) {
    case 0: {
      const i = r.range(0, n - 1);
      return body.slice(0, i) + String.fromCharCode(r.int(256)) + body.slice(i + 1);
    }
    case 1:
      return body.slice(0, r.range(1, n));
    case 2: {
      // A 64-bit or 32-bit length where a small one was.
      const i = r.range(1, n - 1);
      const big = r.chance(0.5) ? '\x81' + '\xff\xff\xff\xff\xff\xff\xff\xf0' : '\x80\x7f\xff\xff\xff';
      return body.slice(0, i) + big + body.slice(i + 1);
    }
    case 3: {
      const i = r.range(0, n - 1);
      return body.slice(0, i) + r.bytes(8) + body.slice(i);
    }
    default: {
      const i = r.range(0, n - 2);
      const j = r.range(i + 1, n - 1);
      return body.slice(0, i) + body.slice(j);
    }
  }
}

test.each(['no', 'yes'])('damaged DUMP payloads are refused or loaded cleanly, never crash (sanitize-dump-payload %s)', async (mode) => {
  const r = new Rng(Number(process.env.FUZZ_SEED ?? 4242));
  const c = await StrictConn.connect(child.port);
  expect(await c.call(['CONFIG', 'SET', 'sanitize-dump-payload', mode], 5000)).toBe('+OK\r\n');
  const problems: string[] = [];
  for (const src of SOURCES) {
    c.sock.write(Buffer.concat([encode(['FLUSHALL']), encode(src), encode(['DUMP', 'v'])]));
    const rs = await c.read(3, 5000);
    expect(rs).not.toBeNull();
    const raw = rs![2];
    const payload = raw.slice(raw.indexOf('\r\n') + 2, raw.length - 2);
    const body = payload.slice(0, payload.length - 10);
    const footer = payload.slice(payload.length - 10, payload.length - 8);
    for (let t = 0; t < 120; t++) {
      const b = damage(r, body) + footer;
      const p = b + crc64(b);
      const reply = await c.call(['RESTORE', 'x', '0', p, 'REPLACE'], 5000);
      if (reply === null) {
        problems.push(`${src[0]}: no reply to RESTORE of ${JSON.stringify(p.slice(0, 80))}`);
        break;
      }
      if (reply !== '+OK\r\n' && !reply.startsWith('-ERR Bad data format')) problems.push(`${src[0]}: ${reply.trim()}`);
      if (reply === '+OK\r\n') {
        for (const cmd of [['TYPE', 'x'], ['DUMP', 'x'], ['OBJECT', 'ENCODING', 'x'], ['SORT', 'x', 'ALPHA'], ['XINFO', 'STREAM', 'x', 'FULL'], ['PFCOUNT', 'x']]) {
          const rr = await c.call(cmd, 5000);
          if (rr === null || rr.startsWith('-ERR internal error')) problems.push(`${src[0]} then ${cmd.join(' ')}: ${rr}`);
        }
      }
    }
  }
  c.close();
  const p = await StrictConn.connect(child.port);
  expect(await p.call(['PING'], 3000)).toBe('+PONG\r\n');
  p.close();
  expect(problems, problems.slice(0, 20).join('\n')).toEqual([]);
}, 60000);
