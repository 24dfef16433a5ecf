/**
 * The CLI as a process: redis-server's defaults (dump.rdb in the working directory, a
 * final save on SIGTERM when save points are set, loading at startup), a kill -9 during
 * BGSAVE leaving the previous dump intact, and a corrupt file stopping startup.
 */
import { describe, it, expect } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RawClient } from '../support/raw-client.ts';
import { ExitedBeforeReady, waitReady } from '../support/cli-ready.ts';
import { call } from './dataset.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
// `--import tsx` would resolve from the child's working directory, a temp dir
const TSX_LOADER = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Proc {
  child: ChildProcess;
  port: number;
  log: () => string;
  exit: Promise<number | null>;
}

/** Starts `redmoon args...` in `cwd`; resolves once it is ready, or with its exit code. */
function startCli(cwd: string, args: string[]): Promise<Proc | { code: number | null; log: string }> {
  // A heap size given, so the CLI serves in this process instead of running itself again
  // (a SIGKILL must reach the server).
  const child = spawn(process.execPath, ['--max-old-space-size=1024', '--import', TSX_LOADER, path.join(ROOT, 'src/cli.ts'), '--port', '0', ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return waitReady(child, 30_000).then(
    (up) => ({ child, ...up }),
    (e: unknown) => {
      if (e instanceof ExitedBeforeReady) return { code: e.code, log: e.log };
      throw e;
    },
  );
}

function ready(p: Proc | { code: number | null; log: string }): Proc {
  if (!('port' in p)) throw new Error(`exited ${p.code}: ${p.log}`);
  return p;
}

describe('redmoon as a process', () => {
  it('saves dump.rdb in its working directory on SIGTERM, loads it at startup, refuses a corrupt one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-proc-'));
    try {
      const a = ready(await startCli(dir, []));
      const c = await RawClient.connect(a.port);
      expect(await call(c, 'CONFIG', 'GET', 'save')).toBe('*2\r\n$4\r\nsave\r\n$23\r\n3600 1 300 100 60 10000\r\n');
      expect(await call(c, 'RPUSH', 'l', 'a', 'b')).toBe(':2\r\n');
      c.close();
      a.child.kill('SIGTERM');
      expect(await a.exit).toBe(0);
      expect(a.log()).toContain('Saving the final RDB snapshot before exiting.');
      expect(a.log()).toContain('DB saved on disk');
      expect(fs.existsSync(path.join(dir, 'dump.rdb'))).toBe(true);

      const b = ready(await startCli(dir, []));
      expect(b.log()).toMatch(/Done loading RDB, keys loaded: 1, keys expired: 0\./);
      const c2 = await RawClient.connect(b.port);
      expect(await call(c2, 'LRANGE', 'l', '0', '-1')).toBe('*2\r\n$1\r\na\r\n$1\r\nb\r\n');
      c2.close();
      b.child.kill('SIGKILL');
      await b.exit;

      const good = fs.readFileSync(path.join(dir, 'dump.rdb'));
      fs.writeFileSync(path.join(dir, 'dump.rdb'), good.subarray(0, good.length - 12));
      const bad = await startCli(dir, []);
      expect('code' in bad && bad.code).toBe(1);
      expect(bad.log).toContain('Short read or OOM loading DB. Unrecoverable error, aborting now.');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('a kill -9 during BGSAVE leaves the previous dump intact', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-proc-'));
    try {
      const p = ready(await startCli(dir, ['--save', '', '--enable-debug-command', 'yes']));
      const c = await RawClient.connect(p.port);
      expect(await call(c, 'DEBUG', 'POPULATE', '1000')).toBe('+OK\r\n');
      expect(await call(c, 'SAVE')).toBe('+OK\r\n');
      const before = fs.readFileSync(path.join(dir, 'dump.rdb'));
      expect(await call(c, 'DEBUG', 'POPULATE', '1000', 'more')).toBe('+OK\r\n');
      expect(await call(c, 'CONFIG', 'SET', 'rdb-key-save-delay', '10000')).toBe('+OK\r\n');
      expect(await call(c, 'BGSAVE')).toBe('+Background saving started\r\n');
      // wait until the save has written part of its temp file
      for (let i = 0; i < 200; i++) {
        const temp = fs.readdirSync(dir).filter((f) => f.startsWith('temp-'));
        if (temp.length === 1 && fs.statSync(path.join(dir, temp[0])).size > 0) break;
        await sleep(50);
      }
      expect((await call(c, 'INFO', 'persistence')).includes('rdb_bgsave_in_progress:1')).toBe(true);
      c.close();
      p.child.kill('SIGKILL');
      await p.exit;
      expect(fs.readFileSync(path.join(dir, 'dump.rdb')).equals(before)).toBe(true);
      const check = spawnSync('redis-check-rdb', [path.join(dir, 'dump.rdb')], { encoding: 'utf8' });
      if (check.error === undefined) expect(check.stdout).toContain('RDB looks OK');
      // the orphaned child sees its stream cut short: it removes its temp file, renames nothing
      for (let i = 0; i < 200 && fs.readdirSync(dir).some((f) => f.startsWith('temp-')); i++) await sleep(50);
      expect(fs.readdirSync(dir)).toEqual(['dump.rdb']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('a shutdown signal waits for the cron: SHUTDOWN ABORT cancels it; a second SIGINT during the final save exits at once', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-proc-'));
    try {
      const p = ready(await startCli(dir, ['--enable-debug-command', 'yes']));
      const c = await RawClient.connect(p.port);
      expect(await call(c, 'SHUTDOWN', 'ABORT')).toBe('-ERR No shutdown in progress.\r\n');
      expect(await call(c, 'DEBUG', 'PAUSE-CRON', '1')).toBe('+OK\r\n');
      p.child.kill('SIGTERM');
      for (let i = 0; i < 200 && !p.log().includes('Received SIGTERM scheduling shutdown...'); i++) await sleep(25);
      expect(await call(c, 'SHUTDOWN', 'ABORT')).toBe('+OK\r\n');
      expect(p.log()).toContain('Shutdown manually aborted.');
      expect(await call(c, 'DEBUG', 'PAUSE-CRON', '0')).toBe('+OK\r\n');
      expect(await call(c, 'PING')).toBe('+PONG\r\n');

      // 20 keys at 100 ms each: the final save takes 2 s, and the process still hears signals
      for (let i = 0; i < 20; i++) await call(c, 'SET', String(i), String(i));
      expect(await call(c, 'CONFIG', 'SET', 'rdb-key-save-delay', '100000')).toBe('+OK\r\n');
      const temp = path.join(dir, `temp-${p.child.pid}.rdb`);
      p.child.kill('SIGINT');
      for (let i = 0; i < 400 && !fs.existsSync(temp); i++) await sleep(10);
      expect(fs.existsSync(temp)).toBe(true);
      p.child.kill('SIGINT');
      expect(await p.exit).toBe(1);
      expect(p.log()).toContain('You insist... exiting now.');
      expect(fs.existsSync(temp)).toBe(false);
      expect(fs.existsSync(path.join(dir, 'dump.rdb'))).toBe(false);
      c.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
