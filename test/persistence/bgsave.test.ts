/**
 * BGSAVE without fork: the file holds the dataset as it was when BGSAVE started, whatever
 * the clients change meanwhile; replies, INFO persistence and LASTSAVE as Redis gives them.
 */
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { redisServerPath, startOracle } from '../support/oracle.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, Server } from '../../src/index.ts';
import { call, datasetCommands, run } from './dataset.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function infoField(info: string, field: string): string | undefined {
  return new RegExp(`^${field}:(.*)\\r$`, 'm').exec(info)?.[1];
}

async function waitBgsaveDone(c: RawClient): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const info = await call(c, 'INFO', 'persistence');
    if (infoField(info, 'rdb_bgsave_in_progress') === '0') return info;
    await sleep(50);
  }
  throw new Error('BGSAVE did not finish');
}

describe('BGSAVE', () => {
  it('writes the dataset as it was at the start while clients change it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-bgsave-'));
    const s = await startServer({ dir, save: '', log: () => {}, config: { 'enable-debug-command': 'yes' } });
    const c = await RawClient.connect(s.port);
    try {
      await run(c, datasetCommands());
      await run(c, [['DEBUG', 'POPULATE', '3000'], ['SELECT', '1'], ['DEBUG', 'POPULATE', '500', 'one'], ['SELECT', '0']]);
      const before = await call(c, 'DEBUG', 'DIGEST');
      // about 200 us per key: the save stays in progress for a while
      await run(c, [['CONFIG', 'SET', 'rdb-key-save-delay', '200']]);
      expect(await call(c, 'BGSAVE')).toBe('+Background saving started\r\n');
      const during = await call(c, 'INFO', 'persistence');
      expect(infoField(during, 'rdb_bgsave_in_progress')).toBe('1');
      expect(Number(infoField(during, 'current_save_keys_total'))).toBeGreaterThan(3500);
      expect(await call(c, 'BGSAVE')).toBe('-ERR Background save already in progress\r\n');
      expect(await call(c, 'BGSAVE', 'SCHEDULE')).toBe('-ERR Background save already in progress\r\n');
      expect(await call(c, 'SAVE')).toBe('-ERR Background save already in progress\r\n');
      // changes of every kind, early and late in the walk
      await run(c, [
        ['SET', 'key:1', 'changed'],
        ['DEL', 'key:2', 'key:2999'],
        ['SET', 'brand:new', 'x'],
        ['EXPIRE', 'key:3', '1000'],
        ['PERSIST', 's:ttl'],
        ['RPUSH', 'l:small', 'pushed'],
        ['HSET', 'h:big', 'field-1', 'changed'],
        ['ZADD', 'z:skip', '1000', 'new'],
        ['SADD', 'set:int16', '99'],
        ['XADD', 'x:s', '*', 'f', 'late'],
        ['XREADGROUP', 'GROUP', 'g1', 'dave', 'COUNT', '2', 'STREAMS', 'x:s', '>'],
        ['EVAL', "redis.call('incr', KEYS[1]) redis.call('del', KEYS[2])", '2', 's:int:0', 'key:2500'],
        ['RENAME', 'key:2998', 'renamed'],
        ['MULTI'],
        ['SET', 'key:2997', 'in multi'],
        ['EXEC'],
        ['SELECT', '9'],
        ['FLUSHDB'],
        ['SELECT', '0'],
        ['SWAPDB', '0', '1'],
        ['SWAPDB', '0', '1'],
        ['FUNCTION', 'FLUSH'],
      ]);
      const after = await call(c, 'DEBUG', 'DIGEST');
      expect(after).not.toBe(before);
      const info = await waitBgsaveDone(c);
      expect(infoField(info, 'rdb_last_bgsave_status')).toBe('ok');
      expect(infoField(info, 'rdb_saves')).toBe('1');
      const loaded = await startServer({ rdb: path.join(dir, 'dump.rdb'), log: () => {}, config: { 'enable-debug-command': 'yes' } });
      const lc = await RawClient.connect(loaded.port);
      expect(await call(lc, 'DEBUG', 'DIGEST')).toBe(before);
      expect(await call(lc, 'FCALL', 'persisted_fn', '0')).toBe('$2\r\nok\r\n');
      lc.close();
      await loaded.close();
      expect(fs.readdirSync(dir).filter((f) => f.startsWith('temp-'))).toEqual([]);
    } finally {
      c.close();
      await s.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  const d = redisServerPath() !== null ? it : it.skip;
  d('replies, dirty counting, INFO persistence and LASTSAVE as in Redis', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-bgsave-'));
    const o = await startOracle(['--dir', dir, '--dbfilename', 'real.rdb', '--enable-debug-command', 'yes']);
    const s = await startServer({ dir, dbfilename: 'ours.rdb', save: '', log: () => {}, config: { 'enable-debug-command': 'yes' } });
    const real = await RawClient.connect(o.socket);
    const ours = await RawClient.connect(s.port);
    const fields = ['rdb_changes_since_last_save', 'rdb_bgsave_in_progress', 'rdb_last_bgsave_status', 'rdb_saves', 'rdb_current_bgsave_time_sec'];
    const both = async (...argv: string[]) => {
      const [a, b] = await Promise.all([call(real, ...argv), call(ours, ...argv)]);
      expect(b, JSON.stringify(argv)).toBe(a);
      return a;
    };
    const sameInfo = async () => {
      const [a, b] = await Promise.all([call(real, 'INFO', 'persistence'), call(ours, 'INFO', 'persistence')]);
      for (const f of fields) expect(infoField(b, f), f).toBe(infoField(a, f));
      // whole seconds elapsed, as time(NULL) differences: -1 before any BGSAVE, then 0 or 1
      expect(Number(infoField(b, 'rdb_last_bgsave_time_sec')) < 0).toBe(Number(infoField(a, 'rdb_last_bgsave_time_sec')) < 0);
    };
    try {
      await sameInfo();
      await both('SET', 'a', '1');
      await both('LPUSH', 'l', '1', '2', '3');
      await both('HSET', 'h', 'a', '1', 'b', '2');
      await both('DEL', 'nothere');
      await both('INCR', 'a');
      await both('MSET', 'x', '1', 'y', '2');
      await sameInfo();
      const last = Number((await call(ours, 'LASTSAVE')).slice(1));
      await sleep(1100);
      await both('SAVE');
      await sameInfo();
      expect(Number((await call(ours, 'LASTSAVE')).slice(1))).toBeGreaterThan(last);
      await both('SET', 'b', '2');
      await both('BGSAVE', 'SCHEDULE');
      await Promise.all([waitBgsaveDone(real), waitBgsaveDone(ours)]);
      await sameInfo();
      await both('MULTI');
      await both('BGSAVE');
      await both('EXEC');
      await sleep(300);
      await Promise.all([waitBgsaveDone(real), waitBgsaveDone(ours)]);
      await sameInfo();
      await both('BGSAVE', 'NOW');
      expect(fs.existsSync(path.join(dir, 'ours.rdb'))).toBe(true);
      // FLUSHALL with save points saves the empty dataset at once
      await both('CONFIG', 'SET', 'save', '3600 1');
      await both('SET', 'c', '3');
      await both('FLUSHALL');
      await sameInfo();
      await both('DEBUG', 'RELOAD');
      await both('DBSIZE');
      await sameInfo();
    } finally {
      real.close();
      ours.close();
      await s.close();
      await o.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  d('a failed BGSAVE stops writes with MISCONF while save points are set, as in Redis', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-bgsave-'));
    const o = await startOracle(['--dir', dir, '--dbfilename', 'real.rdb']);
    const s = await startServer({ dir, dbfilename: 'ours.rdb', save: '', log: () => {} });
    const real = await RawClient.connect(o.socket);
    const ours = await RawClient.connect(s.port);
    // Redis accepts connections before it has looked for its RDB file: a reply says it has
    // (otherwise the directory below could be what it tries to load, and it exits)
    await call(real, 'PING');
    // a directory where the file should go: the final rename fails
    fs.mkdirSync(path.join(dir, 'real.rdb'));
    fs.mkdirSync(path.join(dir, 'ours.rdb'));
    const both = async (...argv: string[]) => {
      const [a, b] = await Promise.all([call(real, ...argv), call(ours, ...argv)]);
      expect(b, JSON.stringify(argv)).toBe(a);
      return a;
    };
    try {
      await both('CONFIG', 'SET', 'save', '3600 1');
      await both('SET', 'k', 'v');
      await both('BGSAVE');
      const [ri, oi] = await Promise.all([waitBgsaveDone(real), waitBgsaveDone(ours)]);
      expect(infoField(oi, 'rdb_last_bgsave_status')).toBe('err');
      expect(infoField(ri, 'rdb_last_bgsave_status')).toBe('err');
      expect(await both('SET', 'k', 'v2')).toMatch(/^-MISCONF /);
      await both('PING');
      await both('GET', 'k');
      await both('MULTI');
      await both('SET', 'k', 'v3');
      await both('EXEC');
      await both('CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'no');
      await both('SET', 'k', 'v4');
      await both('CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'yes');
      await both('DEL', 'k');
      await both('CONFIG', 'SET', 'save', '');
      await both('SET', 'k', 'v5');
    } finally {
      real.close();
      ours.close();
      await s.close();
      await o.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  d('DEBUG RELOAD and its options, as in Redis', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-reload-'));
    const o = await startOracle(['--dir', dir, '--dbfilename', 'real.rdb', '--enable-debug-command', 'yes']);
    const s = await startServer({ dir, dbfilename: 'ours.rdb', save: '', log: () => {}, config: { 'enable-debug-command': 'yes' } });
    const real = await RawClient.connect(o.socket);
    const ours = await RawClient.connect(s.port);
    const both = async (...argv: string[]) => {
      const [a, b] = await Promise.all([call(real, ...argv), call(ours, ...argv)]);
      expect(b, JSON.stringify(argv)).toBe(a);
      return a;
    };
    try {
      await both('SET', 'a', '1');
      await both('RPUSH', 'l', 'x', 'y');
      await both('FUNCTION', 'LOAD', "#!lua name=lib\nredis.register_function('f', function() return 1 end)");
      await both('DEBUG', 'RELOAD');
      await both('FCALL', 'f', '0');
      await both('INFO', 'keyspace');
      await both('SET', 'a', '2');
      await both('SET', 'b', '1');
      await both('DEBUG', 'RELOAD', 'NOSAVE');
      await both('MGET', 'a', 'b');
      await both('SET', 'a', '3');
      await both('SET', 'c', '1');
      await both('DEBUG', 'RELOAD', 'NOSAVE', 'NOFLUSH', 'MERGE');
      await both('MGET', 'a', 'b', 'c');
      await both('LRANGE', 'l', '0', '-1');
      await both('DEBUG', 'RELOAD', 'FAST');
      await both('DEBUG', 'DIGEST');
    } finally {
      real.close();
      ours.close();
      await s.close();
      await o.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('loading at startup', () => {
  it('listens first: clients get LOADING and INFO loading fields until the file is in', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-loading-'));
    try {
      const a = await startServer({ dir, save: '', log: () => {}, config: { 'enable-debug-command': 'yes' } });
      const ca = await RawClient.connect(a.port);
      await call(ca, 'DEBUG', 'POPULATE', '20000');
      await call(ca, 'SAVE');
      ca.close();
      await a.close();
      const sock = path.join(dir, 'redmoon.sock');
      // 100 us per key: about two seconds of loading
      const server = new Server({ port: 0, dir, save: '', log: () => {}, config: { unixsocket: sock, 'key-load-delay': '100' } });
      const listening = server.listen();
      let c: RawClient | null = null;
      for (let i = 0; i < 500 && c === null; i++) {
        c = await RawClient.connect(sock).catch(() => null);
        if (c === null) await sleep(10);
      }
      expect(c).not.toBeNull();
      expect(await call(c!, 'GET', 'key:1')).toBe('-LOADING Redis is loading the dataset in memory\r\n');
      let info = await call(c!, 'INFO', 'persistence');
      expect(infoField(info, 'loading')).toBe('1');
      // (the file itself is still being read at first)
      for (let i = 0; i < 200 && infoField(info, 'loading_total_bytes') === undefined; i++) {
        await sleep(10);
        info = await call(c!, 'INFO', 'persistence');
      }
      expect(Number(infoField(info, 'loading_total_bytes'))).toBe(fs.statSync(path.join(dir, 'dump.rdb')).size);
      await listening;
      expect(await call(c!, 'GET', 'key:1')).toBe('$7\r\nvalue:1\r\n');
      expect(infoField(await call(c!, 'INFO', 'persistence'), 'rdb_last_load_keys_loaded')).toBe('20000');
      c!.close();
      await server.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
