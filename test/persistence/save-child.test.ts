/**
 * Background saves and AOF rewrites run in a child process, as Redis's forks do: it has a
 * pid whose parent is the server, writes `temp-<pid>.rdb` (`temp-rewriteaof-<pid>.aof`), and
 * killing it fails the save: rdb_last_bgsave_status:err, and with stop-writes-on-bgsave-error
 * writes (scripts' too) get MISCONF until a save succeeds.
 */
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { RawClient } from '../support/raw-client.ts';
import { startServer } from '../../src/index.ts';
import { SaveChild } from '../../src/persistence/save-child.ts';
import { call, run } from './dataset.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function infoField(info: string, field: string): string | undefined {
  return new RegExp(`^${field}:(.*)\\r$`, 'm').exec(info)?.[1];
}

async function waitInfo(c: RawClient, field: string, value: string): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const info = await call(c, 'INFO', 'persistence');
    if (infoField(info, field) === value) return info;
    await sleep(50);
  }
  throw new Error(`${field} never became ${value}`);
}

/** The pid a "... started by pid N" log line names. */
async function childPid(lines: string[], text: string): Promise<number> {
  for (let i = 0; i < 200; i++) {
    for (const l of lines) {
      const m = new RegExp(`${text} by pid (\\d+)`).exec(l);
      if (m !== null) return Number(m[1]);
    }
    await sleep(10);
  }
  throw new Error(`no "${text}" line`);
}

function parentOf(pid: number): number {
  return Number(execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' }).trim());
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await sleep(25);
  }
  return false;
}

describe('the child process of a background save', () => {
  it('has its own pid and temp file; killing it fails the save and MISCONF refuses writes until a save succeeds', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-child-'));
    const lines: string[] = [];
    // save points set: stop-writes-on-bgsave-error applies only then
    const s = await startServer({ dir, save: '900 1', log: (l) => lines.push(l), config: { 'enable-debug-command': 'yes' } });
    const c = await RawClient.connect(s.port);
    try {
      await run(c, [['DEBUG', 'POPULATE', '100'], ['SET', 'x', 'x'], ['CONFIG', 'SET', 'rdb-key-save-delay', '10000000']]);
      expect(await call(c, 'BGSAVE')).toBe('+Background saving started\r\n');
      const pid = await childPid(lines, 'Background saving started');
      expect(pid).not.toBe(process.pid);
      expect(parentOf(pid)).toBe(process.pid);
      expect(fs.existsSync(path.join(dir, `temp-${pid}.rdb`))).toBe(true);
      const info = await call(c, 'INFO');
      expect(infoField(info, 'rdb_bgsave_in_progress')).toBe('1');
      expect(Number(infoField(info, 'total_forks'))).toBe(1);
      process.kill(pid, 'SIGKILL');
      const after = await waitInfo(c, 'rdb_bgsave_in_progress', '0');
      expect(infoField(after, 'rdb_last_bgsave_status')).toBe('err');
      expect(lines.some((l) => l.includes('Background saving terminated by signal 9'))).toBe(true);
      expect(fs.existsSync(path.join(dir, `temp-${pid}.rdb`))).toBe(false);
      expect(fs.existsSync(path.join(dir, 'dump.rdb'))).toBe(false);
      const misconf = '-MISCONF Redis is configured to save RDB snapshots';
      expect(await call(c, 'GET', 'x')).toBe('$1\r\nx\r\n');
      expect(await call(c, 'SET', 'x', 'y')).toMatch(new RegExp(`^${misconf}`));
      expect(await call(c, 'EVAL', "return redis.call('set','x',1)", '1', 'x')).toMatch(new RegExp(`^${misconf}`));
      expect(await call(c, 'EVAL', "#!lua\nreturn redis.call('set','x',1)", '1', 'x')).toMatch(new RegExp(`^${misconf}`));
      expect(await call(c, 'EVAL', "#!lua flags=no-writes\nreturn redis.call('get','x')", '1', 'x')).toBe('$1\r\nx\r\n');
      await run(c, [['CONFIG', 'SET', 'rdb-key-save-delay', '0']]);
      expect(await call(c, 'BGSAVE')).toBe('+Background saving started\r\n');
      const ok = await waitInfo(c, 'rdb_bgsave_in_progress', '0');
      expect(infoField(ok, 'rdb_last_bgsave_status')).toBe('ok');
      expect(await call(c, 'SET', 'x', 'y')).toBe('+OK\r\n');
      expect(fs.existsSync(path.join(dir, 'dump.rdb'))).toBe(true);
    } finally {
      c.close();
      await s.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60000);

  it('FLUSHALL stops the child and removes its temp file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-child-'));
    const lines: string[] = [];
    const s = await startServer({ dir, save: '', log: (l) => lines.push(l), config: { 'enable-debug-command': 'yes' } });
    const c = await RawClient.connect(s.port);
    try {
      await run(c, [['DEBUG', 'POPULATE', '100'], ['CONFIG', 'SET', 'rdb-key-save-delay', '10000000']]);
      await call(c, 'BGSAVE');
      const pid = await childPid(lines, 'Background saving started');
      expect(await call(c, 'FLUSHALL')).toBe('+OK\r\n');
      expect(infoField(await call(c, 'INFO', 'persistence'), 'rdb_bgsave_in_progress')).toBe('0');
      expect(await gone(pid)).toBe(true);
      expect(fs.existsSync(path.join(dir, `temp-${pid}.rdb`))).toBe(false);
      // a save stopped by the server itself is no failure
      expect(infoField(await call(c, 'INFO', 'persistence'), 'rdb_last_bgsave_status')).toBe('ok');
    } finally {
      c.close();
      await s.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60000);

  it('an AOF rewrite child killed leaves no temp file, counts a failure, and the next rewrite succeeds', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-child-'));
    const lines: string[] = [];
    const s = await startServer({ dir, save: '', appendonly: true, log: (l) => lines.push(l), config: { 'enable-debug-command': 'yes' } });
    const c = await RawClient.connect(s.port);
    try {
      await run(c, [['SET', 'k', 'v'], ['CONFIG', 'SET', 'rdb-key-save-delay', '10000000']]);
      expect(await call(c, 'BGREWRITEAOF')).toBe('+Background append only file rewriting started\r\n');
      const pid = await childPid(lines, 'Background append only file rewriting started');
      expect(parentOf(pid)).toBe(process.pid);
      process.kill(pid, 'SIGKILL');
      const info = await waitInfo(c, 'aof_rewrite_in_progress', '0');
      expect(infoField(info, 'aof_last_bgrewrite_status')).toBe('err');
      expect(infoField(info, 'aof_rewrites_consecutive_failures')).toBe('1');
      expect(fs.existsSync(path.join(dir, `temp-rewriteaof-bg-${pid}.aof`))).toBe(false);
      expect(fs.existsSync(path.join(dir, `temp-rewriteaof-${pid}.aof`))).toBe(false);
      await run(c, [['CONFIG', 'SET', 'rdb-key-save-delay', '0']]);
      await call(c, 'BGREWRITEAOF');
      const ok = await waitInfo(c, 'aof_rewrite_in_progress', '0');
      expect(infoField(ok, 'aof_last_bgrewrite_status')).toBe('ok');
      expect(infoField(ok, 'aof_rewrites_consecutive_failures')).toBe('0');
      expect(await call(c, 'DEBUG', 'LOADAOF')).toBe('+OK\r\n');
      expect(await call(c, 'GET', 'k')).toBe('$1\r\nv\r\n');
    } finally {
      c.close();
      await s.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60000);

  it('a stream that ends without its length trailer is never renamed into place', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-child-'));
    try {
      const child = SaveChild.start({ dir, tempName: 'temp-%d.part', finalName: 'final.bin', title: 'test-save' });
      expect(child).not.toBeNull();
      const ch = child as SaveChild;
      expect(await ch.write(Buffer.alloc(100000, 7))).toBe(true);
      // as when the parent dies mid-save: the pipe just closes
      (ch as unknown as { stdin: NodeJS.WritableStream }).stdin.end();
      const exit = await ch.exited;
      expect(exit.code).toBe(1);
      expect(fs.readdirSync(dir)).toEqual([]);

      const good = SaveChild.start({ dir, tempName: 'temp-%d.part', finalName: 'final.bin', title: 'test-save' }) as SaveChild;
      await good.write(Buffer.alloc(100000, 7));
      good.commit();
      expect((await good.exited).code).toBe(0);
      expect(fs.readdirSync(dir)).toEqual(['final.bin']);
      expect(fs.statSync(path.join(dir, 'final.bin')).size).toBe(100000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30000);
});
