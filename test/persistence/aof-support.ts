import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { redisServerPath } from '../support/oracle.ts';
import { RawClient } from '../support/raw-client.ts';
import type { Reply } from '../support/resp-reader.ts';
import { canConnect } from '../support/oracle.ts';

export function tempDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `redmoon-${tag}-`));
}

/** A real redis-server with its data in `dir` (AOF settings passed as `extra`). */
export interface RealServer {
  socket: string;
  child: ChildProcess;
  log(): string;
  stop(): Promise<void>;
}

export async function startReal(dir: string, extra: string[]): Promise<RealServer> {
  const bin = redisServerPath();
  if (!bin) throw new Error('redis-server is not installed');
  const socket = path.join(dir, 'redis.sock');
  const logFile = path.join(dir, 'redis.log');
  const child = spawn(bin, ['--port', '0', '--unixsocket', socket, '--save', '', '--dir', dir, '--logfile', logFile, ...extra], {
    stdio: 'ignore',
  });
  const deadline = Date.now() + 20000;
  for (;;) {
    if (await canConnect(socket)) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start: ${fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  // Redis answers -LOADING while it loads its files: wait for the dataset
  const probe = await RawClient.connect(socket);
  for (let i = 0; i < 1000 && (await probe.call('PING')).startsWith('-LOADING'); i++) await new Promise((r) => setTimeout(r, 20));
  probe.close();
  return {
    socket,
    child,
    log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

/** Runs redis-server to completion (a startup that must fail); resolves with exit code and log. */
export function runRealToExit(dir: string, extra: string[]): Promise<{ code: number | null; log: string }> {
  const bin = redisServerPath() as string;
  const logFile = path.join(dir, 'redis.log');
  const child = spawn(bin, ['--port', '0', '--unixsocket', path.join(dir, 'exit.sock'), '--save', '', '--dir', dir, '--logfile', logFile, ...extra], {
    stdio: 'ignore',
  });
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 20000);
    child.once('exit', (code) => {
      clearTimeout(t);
      resolve({ code, log: fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '' });
    });
  });
}

/** The commands of an AOF file in RESP form (annotations skipped). */
export function readAofCommands(file: string): string[][] {
  const d = fs.readFileSync(file);
  const out: string[][] = [];
  let i = 0;
  while (i < d.length) {
    if (d[i] === 0x23) {
      i = d.indexOf(10, i) + 1;
      continue;
    }
    let j = d.indexOf(13, i);
    const n = Number(d.latin1Slice(i + 1, j));
    i = j + 2;
    const argv: string[] = [];
    for (let k = 0; k < n; k++) {
      j = d.indexOf(13, i);
      const len = Number(d.latin1Slice(i + 1, j));
      i = j + 2;
      argv.push(d.latin1Slice(i, i + len));
      i += len + 2;
    }
    out.push(argv);
  }
  return out;
}

/** Every incremental file of an AOF directory, in manifest order, as commands. */
export function incrCommands(aofDir: string): string[][] {
  const manifest = fs.readFileSync(path.join(aofDir, 'appendonly.aof.manifest'), 'latin1');
  const out: string[][] = [];
  for (const line of manifest.split('\n')) {
    const m = /^file (\S+) seq \d+ type i$/.exec(line);
    if (m) out.push(...readAofCommands(path.join(aofDir, m[1])));
  }
  return out;
}

/** Millisecond timestamps near now become `<ms>`, so two servers' logs compare. */
export function normalizeTimes(cmds: string[][]): string[][] {
  const now = Date.now();
  const near = (a: string) => Math.abs(Number(a) - now) < 86400000 * 400;
  return cmds.map((argv) =>
    argv.map((a) => {
      if (/^\d{13}$/.test(a) && near(a)) return '<ms>';
      const m = /^(\d{13})-(\d+)$/.exec(a);
      // (the sequence part depends on how many IDs were made in that millisecond)
      return m !== null && near(m[1]) ? '<id>' : a;
    }),
  );
}

function sortedPairs(flat: Reply[]): string[] {
  const pairs: string[] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push(`${String(flat[i])}=${String(flat[i + 1])}`);
  return pairs.sort();
}

/** A comparable picture of every database: keys, types, values, whether they have a TTL. */
export async function keyspace(c: RawClient, dbs = 16): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (let db = 0; db < dbs; db++) {
    await c.command('SELECT', String(db));
    const listed = await c.command('KEYS', '*');
    if (!Array.isArray(listed)) throw new Error(`KEYS in db ${db}: ${JSON.stringify(listed)}`);
    const keys = (listed as string[]).sort();
    for (const k of keys) {
      const type = ((await c.command('TYPE', k)) as { simple: string }).simple;
      let value: unknown;
      if (type === 'string') value = await c.command('GET', k);
      else if (type === 'list') value = await c.command('LRANGE', k, '0', '-1');
      else if (type === 'set') value = ((await c.command('SMEMBERS', k)) as string[]).sort();
      else if (type === 'zset') value = await c.command('ZRANGE', k, '0', '-1', 'WITHSCORES');
      else if (type === 'hash') value = sortedPairs((await c.command('HGETALL', k)) as Reply[]);
      else if (type === 'stream') value = [await c.command('XRANGE', k, '-', '+'), await c.command('XINFO', 'STREAM', k, 'FULL')];
      const pttl = (await c.command('PTTL', k)) as number;
      out[`${db}:${k}`] = { type, value, ttl: pttl > 0 };
    }
  }
  await c.command('SELECT', '0');
  return out;
}
