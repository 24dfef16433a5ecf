import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { redisServerPath } from '../support/oracle.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type RunningServer } from '../../src/index.ts';
import { startReal, tempDir, incrCommands, normalizeTimes, type RealServer } from './aof-support.ts';

const HAVE_REDIS = redisServerPath() !== null;

/**
 * Propagation, side by side: the same commands go to real redis-server and to redmoon,
 * both with the AOF on; their incremental files must hold the same commands (timestamps
 * aside), which is what Redis replicates and what a restart replays.
 */
describe.skipIf(!HAVE_REDIS)('AOF propagation matches redis-server', () => {
  const AOF = { appendonly: 'yes', 'aof-use-rdb-preamble': 'no', 'enable-debug-command': 'yes', appendfsync: 'always' };
  let realDir: string;
  let ourDir: string;
  let real: RealServer;
  let ours: RunningServer;
  let rc: RawClient;
  let oc: RawClient;

  beforeAll(async () => {
    realDir = tempDir('aofprop-real');
    ourDir = tempDir('aofprop-ours');
    real = await startReal(realDir, Object.entries(AOF).flatMap(([k, v]) => [`--${k}`, v]));
    ours = await startServer({ port: 0, config: { ...AOF, dir: ourDir }, log: () => {} });
    rc = await RawClient.connect(real.socket);
    oc = await RawClient.connect(ours.port);
  }, 30000);

  afterAll(async () => {
    rc?.close();
    oc?.close();
    await real?.stop();
    await ours?.close();
    fs.rmSync(realDir, { recursive: true, force: true });
    fs.rmSync(ourDir, { recursive: true, force: true });
  });

  /** Runs commands on both servers, then compares what each logged since the last check. */
  let realSeen = 0;
  let ourSeen = 0;
  async function same(cmds: string[][], clients?: { real: RawClient; ours: RawClient }): Promise<void> {
    const r = clients?.real ?? rc;
    const o = clients?.ours ?? oc;
    for (const argv of cmds) {
      if (argv[0] === '__sleep') {
        await new Promise((res) => setTimeout(res, Number(argv[1])));
        continue;
      }
      const a = await r.call(...argv);
      const b = await o.call(...argv);
      // generated stream IDs and idle times differ between the two servers
      const norm = (x: string) => x.replace(/\d{13}-\d+/g, '<id>').replace(/\$\d+\r\n<id>/g, '$?<id>');
      if (!argv[0].toLowerCase().startsWith('spop')) expect(norm(b), argv.join(' ')).toBe(norm(a));
    }
    await settle();
    const realLog = normalizeTimes(incrCommands(path.join(realDir, 'appendonlydir')));
    const ourLog = normalizeTimes(incrCommands(path.join(ourDir, 'appendonlydir')));
    const [rs, os] = [realSeen, ourSeen];
    realSeen = realLog.length;
    ourSeen = ourLog.length;
    expect(ourLog.slice(os).map((a) => a.join(' ')), JSON.stringify(cmds)).toEqual(realLog.slice(rs).map((a) => a.join(' ')));
  }

  /** appendfsync always: a reply means the write is in the file; a PING round trip is enough. */
  async function settle(): Promise<void> {
    await rc.call('PING');
    await oc.call('PING');
  }

  test('active expiry off on both (deterministic lazy expiry)', async () => {
    await same([['DEBUG', 'SET-ACTIVE-EXPIRE', '0']]);
  });

  test('strings: relative expiries become PXAT / PEXPIREAT, GET dropped, GETSET as SET', async () => {
    await same([
      ['SET', 'k', 'v'],
      ['set', 'k', 'v', 'ex', '100'],
      ['SET', 'k', 'v', 'PX', '100000', 'GET'],
      ['SET', 'k', 'v2', 'GET'],
      ['set', 'k2', 'v', 'nx', 'get'],
      ['SET', 'k3', 'v', 'EXAT', '99999999999'],
      ['SET', 'k3', 'v', 'KEEPTTL'],
      ['SETEX', 's', '100', 'v'],
      ['PSETEX', 'p', '100000', 'v'],
      ['SETNX', 'nx', 'v'],
      ['SETNX', 'nx', 'v'],
      ['GETEX', 'k', 'EX', '100'],
      ['GETEX', 'k', 'PERSIST'],
      ['GETEX', 'k', 'PERSIST'],
      ['GETEX', 'k', 'PXAT', '1'],
      ['GETDEL', 'k2'],
      ['GETDEL', 'k2'],
      ['GETSET', 'g', '1'],
      ['INCRBYFLOAT', 'f', '1.5'],
      ['INCRBYFLOAT', 'f', '1e3'],
      ['INCR', 'i'],
      ['APPEND', 'i', 'x'],
      ['MSET', 'm1', '1', 'm2', '2'],
    ]);
  });

  test('keys: EXPIRE family as PEXPIREAT (options kept), expired deadlines as DEL, no-ops not logged', async () => {
    await same([
      ['EXPIRE', 'nokey', '100'],
      ['SET', 'e', '1'],
      ['EXPIRE', 'e', '100', 'NX'],
      ['EXPIRE', 'e', '100', 'NX'],
      ['pexpire', 'e', '100000'],
      ['EXPIREAT', 'e', '99999999999'],
      ['pexpireat', 'e', '99999999999999', 'gt'],
      ['PERSIST', 'e'],
      ['PERSIST', 'e'],
      ['EXPIRE', 'e', '-1'],
      ['SET', 'r1', 'x'],
      ['RENAME', 'r1', 'r2'],
      ['DEL', 'r2', 'nothing'],
      ['DEL', 'nothing'],
      ['UNLINK', 'nothing'],
      ['HINCRBYFLOAT', 'h', 'f', '2.5'],
      ['HSET', 'h', 'a', '1'],
      ['HDEL', 'h', 'zz'],
    ]);
  });

  test('lists, sorted sets: MPOP and non-blocking blocking pops as LPOP/RPOP/LMOVE/ZPOP*', async () => {
    await same([
      ['LPUSH', 'l', 'a', 'b', 'c'],
      ['LMPOP', '1', 'l', 'LEFT', 'COUNT', '10'],
      ['LMPOP', '1', 'l', 'LEFT'],
      ['RPUSH', 'l2', 'a', 'b', 'c', 'd'],
      ['BLPOP', 'l2', '0'],
      ['BRPOP', 'none', 'l2', '0'],
      ['BLMPOP', '0', '1', 'l2', 'RIGHT', 'COUNT', '5'],
      ['RPUSH', 'l3', 'a', 'b', 'c'],
      ['BLMOVE', 'l3', 'l4', 'left', 'right', '0'],
      ['BRPOPLPUSH', 'l3', 'l4', '0'],
      ['LMOVE', 'l3', 'l4', 'LEFT', 'LEFT'],
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd'],
      ['ZMPOP', '1', 'z', 'MIN', 'COUNT', '2'],
      ['BZPOPMAX', 'z', '0'],
      ['ZADD', 'z', '1', 'a', '2', 'b'],
      ['BZMPOP', '0', '1', 'z', 'MAX', 'COUNT', '5'],
      ['ZADD', 'z2', '1', 'a'],
      ['BZPOPMIN', 'z2', '0'],
    ]);
  });

  test('SPOP: a lone member as SREM, the whole set as DEL', async () => {
    await same([
      ['SADD', 'one', 'x'],
      ['SPOP', 'one'],
      ['SADD', 'two', 'a', 'b'],
      ['SPOP', 'two', '5'],
      ['SPOP', 'two', '5'],
    ]);
  });

  test('scripts and functions by their effects, MULTI/EXEC when several, nothing without writes', async () => {
    await same([
      ['EVAL', "redis.call('set','x','1'); redis.call('incr','x')", '0'],
      ['EVAL', 'return 1', '0'],
      ['EVAL', "return redis.call('get','x')", '0'],
      ['EVAL', "redis.call('set','y','1')", '0'],
      ['EVAL', "redis.call('select','5'); redis.call('set','y','1'); redis.call('select','0'); redis.call('set','y2','2')", '0'],
      ['EVAL', "redis.call('set','t',1); redis.call('expire','t',100)", '0'],
      ['EVAL', "redis.call('incrbyfloat','fl','0.5'); redis.call('incrbyfloat','fl','0.25')", '0'],
      ['FUNCTION', 'LOAD', "#!lua name=lib\nredis.register_function('f', function(keys, args) redis.call('set', keys[1], args[1]); return redis.call('incr', 'cnt') end)"],
      ['FCALL', 'f', '1', 'fk', 'fv'],
      ['FUNCTION', 'DELETE', 'lib'],
      ['SCRIPT', 'FLUSH'],
    ]);
  });

  test('transactions: one write alone, several wrapped, SELECT inside', async () => {
    await same([['MULTI'], ['SET', 'q', '1'], ['EXEC']]);
    await same([['MULTI'], ['SET', 'q', '1'], ['SET', 'r', '2'], ['GET', 'q'], ['EXEC']]);
    await same([['MULTI'], ['GET', 'q'], ['EXEC']]);
    await same([['MULTI'], ['SET', 'q', '1'], ['SELECT', '3'], ['SET', 'q', '3'], ['INCRBYFLOAT', 'q', '1'], ['EXEC'], ['SET', 'in3', 'x'], ['SELECT', '0']]);
    await same([['MULTI'], ['SPOP', 'nosuch'], ['SET', 'after', '1'], ['EXEC']]);
  });

  test('lazy expiry: the DEL before the command that found the key expired', async () => {
    await same([
      ['SET', 'lz', 'v', 'PX', '1'],
      ['__sleep', '20'],
      ['GET', 'lz'],
      ['SET', 'lz2', 'v', 'PX', '1'],
      ['__sleep', '20'],
      ['SET', 'lz2', 'new'],
      ['SET', 'lz3', 'v', 'PX', '1'],
      ['__sleep', '20'],
      ['EVAL', "redis.call('get', KEYS[1]); redis.call('set','after','1')", '1', 'lz3'],
      ['SET', 'lz4', 'v', 'PX', '1'],
      ['__sleep', '20'],
      ['EXISTS', 'lz4'],
    ]);
  });

  test('flushes are logged even on empty databases', async () => {
    await same([['SELECT', '9'], ['FLUSHDB'], ['SELECT', '0'], ['FLUSHALL']]);
  });

  test('streams: generated IDs written out, approximate trims made exact, group reads as XCLAIM / XGROUP SETID', async () => {
    await same([
      ['XADD', 'st', '1-1', 'a', '1'],
      ['XADD', 'st', '2-*', 'a', '2'],
      ['XADD', 'st', '*', 'a', '3'],
      ['XADD', 'st', 'MAXLEN', '~', '1', '*', 'a', '4'],
      ['XADD', 'st', 'MAXLEN', '=', '10', '*', 'a', '5'],
      ['XTRIM', 'st', 'MAXLEN', '~', '1'],
      ['XTRIM', 'st', 'MAXLEN', '100'],
      ['XGROUP', 'CREATE', 'st', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '2', 'STREAMS', 'st', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'bob', 'NOACK', 'STREAMS', 'st', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 'st', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'carol', 'STREAMS', 'st', '>'],
      ['XCLAIM', 'st', 'g', 'bob', '0', '1-1', 'JUSTID'],
      ['XCLAIM', 'st', 'g', 'bob', '0', '1-1', '2-0', 'LASTID', '9999999999999-0'],
      ['XAUTOCLAIM', 'st', 'g', 'dave', '0', '0', 'COUNT', '1'],
      ['XACK', 'st', 'g', '1-1'],
      ['XDEL', 'st', '2-0'],
      ['XGROUP', 'CREATECONSUMER', 'st', 'g', 'erin'],
      ['XGROUP', 'DELCONSUMER', 'st', 'g', 'erin'],
      ['XGROUP', 'SETID', 'st', 'g', '0'],
      ['XSETID', 'st', '9999999999999-5'],
    ]);
  });

  test('blocked clients served later: the push, then the pop or move', async () => {
    const b = { real: await RawClient.connect(real.socket), ours: await RawClient.connect(ours.port) };
    for (const [blocking, push] of [
      [['BLPOP', 'bl', '0'], ['LPUSH', 'bl', 'x', 'y']],
      [['BLMPOP', '0', '1', 'bl2', 'RIGHT', 'COUNT', '5'], ['RPUSH', 'bl2', 'x', 'y']],
      [['BLMOVE', 'bl3', 'bl4', 'RIGHT', 'LEFT', '0'], ['RPUSH', 'bl3', 'x']],
      [['BRPOPLPUSH', 'bl5', 'bl6', '0'], ['RPUSH', 'bl5', 'x']],
      [['BZPOPMIN', 'bz', '0'], ['ZADD', 'bz', '1', 'a', '2', 'b']],
      [['BZMPOP', '0', '1', 'bz2', 'MAX', 'COUNT', '1'], ['ZADD', 'bz2', '1', 'a', '2', 'b']],
    ] as string[][][]) {
      const raw = (await import('../support/raw-client.ts')).encodeCommand(blocking);
      b.real.sock.write(raw);
      b.ours.sock.write(raw);
      await new Promise((r) => setTimeout(r, 50));
      await same([push]);
      expect(await b.ours.readRaw(1, 5000)).toBe(await b.real.readRaw(1, 5000));
      await same([]);
    }
    b.real.close();
    b.ours.close();
  });
});
