/**
 * AOF loading between event-loop turns, as Redis processes events while it loads: other
 * clients get LOADING, INFO shows the progress, a slow script in the files is a busy script,
 * and the files are read a chunk at a time (bounded memory whatever their size).
 */
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, Server } from '../../src/index.ts';
import { Aof } from '../../src/persistence/aof.ts';
import { RawClient } from '../support/raw-client.ts';
import { call } from './dataset.ts';
import { tempDir } from './aof-support.ts';

const LOADING = '-LOADING Redis is loading the dataset in memory\r\n';

function resp(argv: string[]): string {
  return `*${argv.length}\r\n${argv.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('')}`;
}

function infoField(info: string, name: string): string | undefined {
  return new RegExp(`^${name}:(.*)\\r?$`, 'm').exec(info)?.[1]?.trim();
}

/** An AOF directory of one incremental file holding `body` (commands in RESP form). */
function writeIncrOnly(dir: string, body: string | Buffer): string {
  const aofDir = path.join(dir, 'appendonlydir');
  fs.mkdirSync(aofDir, { recursive: true });
  const file = path.join(aofDir, 'appendonly.aof.1.incr.aof');
  fs.writeFileSync(file, body);
  fs.writeFileSync(path.join(aofDir, 'appendonly.aof.manifest'), 'file appendonly.aof.1.incr.aof seq 1 type i\n');
  return file;
}

/**
 * A script that runs for at least `ms` of real time (TIME moves on while it runs), mostly in
 * plain Lua so that the count hook (every 100,000 instructions) comes often.
 */
function slowScript(ms: number): string {
  return `redis.call('set', KEYS[1], 'y'); local t = redis.call('time'); local s = t[1] * 1000000 + t[2]; local x = 0
repeat for i = 1, 1000 do x = x + i end local n = redis.call('time') until n[1] * 1000000 + n[2] - s > ${ms * 1000}
return 'ok'`;
}

async function waitFor(cond: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('loading serves other clients', () => {
  it('DEBUG LOADAOF with a slow script: LOADING for others, the slow-script log line, then OK', async () => {
    const dir = tempDir('aofload');
    const lines: string[] = [];
    const s = await startServer({ dir, save: '', log: (line) => lines.push(line), config: { 'enable-debug-command': 'yes', 'lua-time-limit': '10' } });
    const a = await RawClient.connect(s.port);
    const b = await RawClient.connect(s.port);
    try {
      const file = writeIncrOnly(dir, resp(['SELECT', '9']) + resp(['EVAL', slowScript(3000), '1', 'x']) + resp(['SET', 'after', 'script']));
      const reply = call(a, 'DEBUG', 'LOADAOF');
      // (the first PING may still come before the load started)
      let seen = '';
      await waitFor(async () => (seen = await call(b, 'PING')) === LOADING, 'LOADING');
      expect(seen).toBe(LOADING);
      // INFO may run while loading, but not while a script is busy (the BUSY check comes after
      // LOADING's); SCRIPT KILL has no `loading` flag. (Each holds only if the load was still on
      // after it: on a busy machine the script may end in between.)
      const info = await call(b, 'INFO', 'persistence');
      if ((await call(b, 'PING')) === LOADING) expect(info).toBe('-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n');
      const kill = await call(b, 'SCRIPT', 'KILL');
      if ((await call(b, 'PING')) === LOADING) expect(kill).toBe(LOADING);
      expect(await reply).toBe('+OK\r\n');
      expect(lines.some((l) => l.includes('Slow script detected: still in execution after'))).toBe(true);
      expect(await call(b, 'SELECT', '9')).toBe('+OK\r\n');
      expect(await call(b, 'GET', 'x')).toBe('$1\r\ny\r\n');
      expect(await call(b, 'GET', 'after')).toBe('$6\r\nscript\r\n');
      expect(infoField(await call(b, 'INFO', 'persistence'), 'loading')).toBe('0');
    } finally {
      a.close();
      b.close();
      await s.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('at startup: an AOF with an RDB base answers LOADING (and INFO loading fields) until it is in', async () => {
    const dir = tempDir('aofload');
    try {
      const a = await startServer({ dir, save: '', appendonly: true, log: () => {}, config: { 'enable-debug-command': 'yes' } });
      a.call('DEBUG', 'POPULATE', '20000');
      // (DEBUG POPULATE is not logged: the keys reach the AOF in a new base; from the in-process
      // client, as in MULTI, the rewrite is scheduled for the cron)
      a.call('BGREWRITEAOF');
      const rewriting = () => /aof_rewrite_(in_progress|scheduled):1/.test(a.call<string>('INFO', 'persistence'));
      for (let i = 0; i < 3000 && rewriting(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(rewriting()).toBe(false);
      a.call('SET', 'tail', 'incr');
      await a.close();
      const aofDir = path.join(dir, 'appendonlydir');
      const total = fs.readdirSync(aofDir).filter((f) => !f.endsWith('.manifest')).reduce((n, f) => n + fs.statSync(path.join(aofDir, f)).size, 0);
      const sock = path.join(dir, 'redmoon.sock');
      // 100 us per key of the base: about two seconds of loading
      const server = new Server({ port: 0, dir, save: '', appendonly: true, log: () => {}, config: { unixsocket: sock, 'key-load-delay': '100' } });
      const listening = server.listen();
      let c: RawClient | null = null;
      for (let i = 0; i < 500 && c === null; i++) {
        c = await RawClient.connect(sock).catch(() => null);
        if (c === null) await new Promise((r) => setTimeout(r, 10));
      }
      expect(c).not.toBeNull();
      expect(await call(c!, 'GET', 'key:1')).toBe(LOADING);
      const info = await call(c!, 'INFO', 'persistence');
      expect(infoField(info, 'loading')).toBe('1');
      expect(Number(infoField(info, 'loading_total_bytes'))).toBe(total);
      await listening;
      expect(await call(c!, 'GET', 'key:1')).toBe('$7\r\nvalue:1\r\n');
      expect(await call(c!, 'GET', 'tail')).toBe('$4\r\nincr\r\n');
      expect(await call(c!, 'DBSIZE')).toBe(':20001\r\n');
      c!.close();
      await server.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('SHUTDOWN while loading saves nothing (the dataset is partial) and stops the load', async () => {
    const dir = tempDir('aofload');
    try {
      const a = await startServer({ dir, save: '', log: () => {}, config: { 'enable-debug-command': 'yes' } });
      a.call('DEBUG', 'POPULATE', '20000');
      a.call('SAVE');
      await a.close();
      const file = path.join(dir, 'dump.rdb');
      const before = fs.readFileSync(file);
      const sock = path.join(dir, 'redmoon.sock');
      // save points set: a shutdown would save, but not a partial dataset
      const server = new Server({ port: 0, dir, save: '1 1', log: () => {}, config: { unixsocket: sock, 'key-load-delay': '100' } });
      const listening = server.listen().then(
        () => 'loaded',
        () => 'stopped',
      );
      let c: RawClient | null = null;
      for (let i = 0; i < 500 && c === null; i++) {
        c = await RawClient.connect(sock).catch(() => null);
        if (c === null) await new Promise((r) => setTimeout(r, 10));
      }
      expect(await call(c!, 'GET', 'key:1')).toBe(LOADING);
      await c!.sendRaw('*2\r\n$8\r\nSHUTDOWN\r\n$4\r\nSAVE\r\n', 1, 30_000);
      expect(await listening).toBe('stopped');
      expect(fs.readFileSync(file).equals(before)).toBe(true);
      c!.close();
      await server.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('DEBUG RELOAD loads the RDB file between event-loop turns: LOADING and INFO loading fields for others', async () => {
    const dir = tempDir('aofload');
    const s = await startServer({ dir, save: '', log: () => {}, config: { 'enable-debug-command': 'yes' } });
    const a = await RawClient.connect(s.port);
    const b = await RawClient.connect(s.port);
    try {
      s.call('DEBUG', 'POPULATE', '10000');
      const digest = s.call<string>('DEBUG', 'DIGEST');
      // 100 us per key: about one second of loading
      s.call('CONFIG', 'SET', 'key-load-delay', '100');
      const reply = call(a, 'DEBUG', 'RELOAD');
      let seen = '';
      await waitFor(async () => (seen = await call(b, 'GET', 'key:1')) === LOADING, 'LOADING');
      expect(seen).toBe(LOADING);
      const info = await call(b, 'INFO', 'persistence');
      expect(infoField(info, 'loading')).toBe('1');
      expect(Number(infoField(info, 'loading_total_bytes'))).toBe(fs.statSync(path.join(dir, 'dump.rdb')).size);
      expect(Number(infoField(info, 'loading_rdb_used_mem'))).toBeGreaterThan(0);
      expect(await reply).toBe('+OK\r\n');
      s.call('CONFIG', 'SET', 'key-load-delay', '0');
      expect(s.call('DEBUG', 'DIGEST')).toBe(digest);
      expect(await call(b, 'GET', 'key:1')).toBe('$7\r\nvalue:1\r\n');
    } finally {
      a.close();
      b.close();
      await s.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a large AOF loads a chunk at a time: the read buffer stays bounded, arguments larger than a chunk included', async () => {
    const dir = tempDir('aofload');
    const s = await startServer({ dir, save: '', log: () => {}, config: { 'enable-debug-command': 'yes' } });
    const c = await RawClient.connect(s.port);
    try {
      // about 24 MB of SETs over 1000 keys, one value of 3 MB in the middle, and a MULTI
      const value = 'v'.repeat(100);
      const parts: string[] = [];
      const n = 160_000;
      for (let i = 0; i < n; i++) {
        parts.push(resp(['SET', `k${i % 1000}`, `${i}:${value}`]));
        if (i === n / 2) parts.push(resp(['SET', 'big', 'b'.repeat(3 << 20)]));
      }
      parts.push(resp(['MULTI']), resp(['INCR', 'counter']), resp(['INCR', 'counter']), resp(['EXEC']));
      const file = writeIncrOnly(dir, Buffer.from(parts.join(''), 'latin1'));
      const size = fs.statSync(file).size;
      expect(size).toBeGreaterThan(20 << 20);
      const aof = Aof.of(s.server);
      aof.readChunk = 64 << 10;
      expect(await call(c, 'DEBUG', 'LOADAOF')).toBe('+OK\r\n');
      // one chunk, or the one argument larger than a chunk (with its CRLF), never the file
      expect(aof.lastLoadPeakReadBytes).toBeLessThanOrEqual((3 << 20) + 2);
      expect(aof.lastLoadPeakReadBytes).toBeLessThan(size / 4);
      expect(await call(c, 'DBSIZE')).toBe(':1002\r\n');
      expect(await call(c, 'GET', 'k999')).toBe(`$${`${n - 1}:${value}`.length}\r\n${n - 1}:${value}\r\n`);
      expect(await call(c, 'STRLEN', 'big')).toBe(`:${3 << 20}\r\n`);
      expect(await call(c, 'GET', 'counter')).toBe('$1\r\n2\r\n');
      // the same through the in-process API (no connection: loaded in one go)
      aof.readChunk = 4096;
      s.call('DEBUG', 'LOADAOF');
      expect(s.call('DBSIZE')).toBe(1002);
      expect(s.call('STRLEN', 'big')).toBe(3 << 20);
    } finally {
      c.close();
      await s.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a truncated command at a chunk boundary is cut off as with the whole file', async () => {
    const dir = tempDir('aofload');
    const s = await startServer({ dir, save: '', log: () => {}, config: { 'enable-debug-command': 'yes' } });
    try {
      let body = '';
      for (let i = 0; i < 2000; i++) body += resp(['SET', `k${i}`, 'x'.repeat(i % 50)]);
      const whole = body.length;
      body += resp(['SET', 'cut', 'y'.repeat(5000)]).slice(0, 3000);
      const file = writeIncrOnly(dir, Buffer.from(body, 'latin1'));
      Aof.of(s.server).readChunk = 1024;
      // (DEBUG LOADAOF treats a truncated file as a failure, as Redis does, after loading it)
      expect(() => s.call('DEBUG', 'LOADAOF')).toThrow('ERR Error loading the append only file');
      expect(s.call('DBSIZE')).toBe(2000);
      expect(fs.statSync(file).size).toBe(whole);
    } finally {
      await s.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
