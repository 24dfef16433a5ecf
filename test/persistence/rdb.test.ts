/**
 * RDB files against real redis-server 7.0.15: the same dataset built on both, then each
 * server's file loaded by the other, compared by DEBUG DIGEST (values and TTL presence),
 * each key's encoding, TTLs, stream groups and function libraries; redis-check-rdb must
 * accept our files; corrupt and truncated files stop startup as in Redis.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { redisServerPath, startOracle, type Oracle } from '../support/oracle.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type RunningServer } from '../../src/index.ts';
import { RdbLoadError } from '../../src/persistence/rdb-loader.ts';
import { call, datasetCommands, describeData, run } from './dataset.ts';

const hasRedis = redisServerPath() !== null;
const d = hasRedis ? describe : describe.skip;
if (!hasRedis) console.log('SKIP rdb differential tests: redis-server is not installed');

const DEBUG = ['--enable-debug-command', 'yes', '--enable-protected-configs', 'yes'];

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-rdb-'));
}

async function withOracle<T>(extra: string[], f: (c: RawClient) => Promise<T>): Promise<T> {
  const o = await startOracle([...DEBUG, ...extra]);
  const c = await RawClient.connect(o.socket);
  try {
    return await f(c);
  } finally {
    c.close();
    await o.stop();
  }
}

async function withRedmoon<T>(opts: Parameters<typeof startServer>[0], f: (c: RawClient, s: RunningServer) => Promise<T>): Promise<T> {
  const s = await startServer({ log: () => {}, ...opts, config: { 'enable-debug-command': 'yes', ...(opts?.config ?? {}) } });
  const c = await RawClient.connect(s.port);
  try {
    return await f(c, s);
  } finally {
    c.close();
    await s.close();
  }
}

function checkRdb(file: string): string {
  const r = spawnSync('redis-check-rdb', [file], { encoding: 'utf8' });
  return r.stdout + r.stderr;
}

d('RDB files, both ways with redis-server', () => {
  let dir: string;
  let oracle: Oracle;
  let real: RawClient;
  let expected: Record<string, string>;

  beforeAll(async () => {
    dir = tmpdir();
    oracle = await startOracle(DEBUG);
    real = await RawClient.connect(oracle.socket);
    await run(real, datasetCommands());
    expected = await describeData(real);
  }, 60_000);

  afterAll(async () => {
    real?.close();
    await oracle?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the same commands give the same digest and encodings as Redis', async () => {
    await withRedmoon({}, async (c) => {
      await run(c, datasetCommands());
      expect(await describeData(c)).toEqual(expected);
    });
  });

  for (const [name, config] of [
    ['compressed, with checksum', {}],
    ['rdbcompression no, rdbchecksum no', { rdbcompression: 'no', rdbchecksum: 'no' }],
    ['LRU idle times', { 'maxmemory-policy': 'allkeys-lru' }],
    ['LFU counters', { 'maxmemory-policy': 'allkeys-lfu' }],
  ] as const) {
    it(`Redis loads our file (${name}) and sees the same keyspace; redis-check-rdb accepts it`, async () => {
      const sub = fs.mkdtempSync(path.join(dir, 'ours-'));
      await withRedmoon({ dir: sub, save: '', config }, async (c) => {
        await run(c, datasetCommands());
        expect(await call(c, 'SAVE')).toBe('+OK\r\n');
      });
      const file = path.join(sub, 'dump.rdb');
      expect(checkRdb(file)).toContain('RDB looks OK');
      const seen = await withOracle(['--dir', sub], (c) => describeData(c));
      expect(seen).toEqual(expected);
    }, 60_000);
  }

  it("we load Redis's file and see the same keyspace, then save it back for Redis", async () => {
    const sub = fs.mkdtempSync(path.join(dir, 'theirs-'));
    expect(await call(real, 'CONFIG', 'SET', 'dir', sub)).toBe('+OK\r\n');
    expect(await call(real, 'SAVE')).toBe('+OK\r\n');
    const copy = path.join(sub, 'fixture.rdb');
    fs.copyFileSync(path.join(sub, 'dump.rdb'), copy);
    fs.rmSync(path.join(sub, 'dump.rdb'));
    await withRedmoon({ rdb: copy, dir: sub, save: '' }, async (c) => {
      expect(await describeData(c)).toEqual(expected);
      expect(await call(c, 'DEBUG', 'RELOAD')).toBe('+OK\r\n');
      expect(await describeData(c)).toEqual(expected);
    });
    expect(checkRdb(path.join(sub, 'dump.rdb'))).toContain('RDB looks OK');
    const seen = await withOracle(['--dir', sub], (c) => describeData(c));
    expect(seen).toEqual(expected);
  }, 60_000);
});

/** A hand-made RDB 9 file (Redis 6's format) with the encodings 7.0 no longer writes. */
function oldFormatFile(): Buffer {
  const le = (n: number, w: number) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt(n));
    return b.subarray(0, w).toString('latin1');
  };
  const str = (s: string) => (s.length < 64 ? String.fromCharCode(s.length) : String.fromCharCode(0x40 | (s.length >> 8), s.length & 0xff)) + s;
  // ziplist entries: strings and every integer encoding
  const zlEntry = (prev: number, v: string | number): string => {
    const prevLen = prev < 254 ? String.fromCharCode(prev) : '\xfe' + le(prev, 4);
    let enc: string;
    if (typeof v === 'string') enc = String.fromCharCode(v.length) + v;
    else if (v >= 0 && v <= 12) enc = String.fromCharCode(0xf1 + v);
    else if (v >= -128 && v <= 127) enc = '\xfe' + le(v & 0xff, 1);
    else if (v >= -32768 && v <= 32767) enc = '\xc0' + le(v & 0xffff, 2);
    else if (v >= -8388608 && v <= 8388607) enc = '\xf0' + le(v & 0xffffff, 3);
    else enc = '\xd0' + Buffer.from(new Int32Array([v]).buffer).toString('latin1');
    return prevLen + enc;
  };
  const ziplist = (items: (string | number)[]): string => {
    let body = '';
    let prev = 0;
    let tail = 10;
    for (const it of items) {
      const e = zlEntry(prev, it);
      tail = 10 + body.length;
      body += e;
      prev = e.length;
    }
    const total = 10 + body.length + 1;
    return le(total, 4) + le(tail, 4) + le(items.length, 2) + body + '\xff';
  };
  const zipmap = (pairs: string[]): string => {
    let s = String.fromCharCode(pairs.length / 2);
    for (let i = 0; i < pairs.length; i += 2) s += String.fromCharCode(pairs[i].length) + pairs[i] + String.fromCharCode(pairs[i + 1].length) + '\x00' + pairs[i + 1];
    return s + '\xff';
  };
  let f = 'REDIS0009';
  f += '\xfa' + str('redis-ver') + str('6.2.14');
  f += '\xfe\x00';
  f += '\x0a' + str('list:zl') + str(ziplist(['a', 5, -100, 1000, 100000, 5000000, 'bcd']));
  f += '\x0e' + str('list:ql') + '\x02' + str(ziplist(['n1', 'n2'])) + str(ziplist([7, 'n4']));
  f += '\x0d' + str('hash:zl') + str(ziplist(['f1', 'v1', 'f2', 22]));
  f += '\x09' + str('hash:zm') + str(zipmap(['a', '1', 'bb', 'two']));
  f += '\x0c' + str('zset:zl') + str(ziplist(['m1', '1.5', 'm2', 3, 'm3', '-0.25']));
  f += '\xfc' + le(4102444800000, 8) + '\x00' + str('str:ttl') + str('later');
  f += '\xfc' + le(1000000000000, 8) + '\x00' + str('str:expired') + str('gone');
  f += '\xfd' + le(2000000000, 4) + '\x00' + str('str:secs') + str('v');
  f += '\xff' + '\x00'.repeat(8);
  return Buffer.from(f, 'latin1');
}

d('older RDB files (Redis 6: ziplist, zipmap, quicklist of ziplists)', () => {
  it('load as in Redis 7.0: same digest and encodings, expired keys skipped', async () => {
    const dir = tmpdir();
    try {
      fs.writeFileSync(path.join(dir, 'dump.rdb'), oldFormatFile());
      const dbs = [0];
      const theirs = await withOracle(['--dir', dir], async (c) => ({ data: await describeData(c, dbs), info: await call(c, 'INFO', 'persistence') }));
      expect(theirs.data['digest']).not.toBe('0'.repeat(40));
      await withRedmoon({ dir, save: '' }, async (c) => {
        expect(await describeData(c, dbs)).toEqual(theirs.data);
        const info = await call(c, 'INFO', 'persistence');
        for (const field of ['rdb_last_load_keys_expired', 'rdb_last_load_keys_loaded']) {
          expect(info.match(new RegExp(`${field}:\\d+`))?.[0]).toBe(theirs.info.match(new RegExp(`${field}:\\d+`))?.[0]);
        }
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('corrupt and truncated files', () => {
  let good: Buffer;
  let dir: string;

  beforeAll(async () => {
    dir = tmpdir();
    await withRedmoon({ dir, save: '' }, async (c) => {
      await run(c, datasetCommands());
      await call(c, 'SAVE');
    });
    good = fs.readFileSync(path.join(dir, 'dump.rdb'));
  }, 60_000);

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function startWith(data: Buffer): Promise<string[]> {
    const file = path.join(dir, 'bad.rdb');
    fs.writeFileSync(file, data);
    try {
      const s = await startServer({ rdb: file, log: () => {} });
      await s.close();
      return [];
    } catch (e) {
      expect(e).toBeInstanceOf(RdbLoadError);
      return (e as RdbLoadError).lines;
    }
  }

  it('a file cut anywhere is a short read', async () => {
    for (const at of [9, 30, 200, Math.floor(good.length / 2), good.length - 9, good.length - 1]) {
      const lines = await startWith(good.subarray(0, at));
      expect(lines[0], `cut at ${at}`).toMatch(/^Short read or OOM loading DB\. Unrecoverable error, aborting now\.$|^Internal error in RDB reading/);
    }
  });

  it('a flipped byte is caught (checksum or format), the keyspace never half loaded', async () => {
    const bad = Buffer.from(good);
    bad[Math.floor(bad.length * 0.7)] ^= 0x01;
    const lines = await startWith(bad);
    expect(lines.length).toBeGreaterThan(0);
    const crc = Buffer.from(good);
    crc[crc.length - 1] ^= 0x55;
    expect((await startWith(crc))[0]).toMatch(/^Wrong RDB checksum expected: \([0-9a-f]+\) but got \([0-9a-f]+\)\. Aborting now\.$/);
    expect(await startWith(Buffer.from('JUNKJUNKJUNK'))).toEqual(['Wrong signature trying to load DB from file']);
    expect(await startWith(Buffer.from('REDIS0011\xff', 'latin1'))).toEqual(["Can't handle RDB format version 0011"]);
  });
});
