/**
 * The built command (scripts/build.mjs: the launcher dist/cli.cjs and the server bundle
 * dist/cli-serve.cjs), built into a directory outside the tree, so it must not read files
 * relative to itself. Started without a heap size, it serves from a worker thread sized
 * from the machine's memory (src/cli/worker-host.ts): signals, SHUTDOWN, exit codes, the
 * process id and the working directory behave as a single-threaded server's, and the
 * second start runs from the compile cache the first one wrote.
 */
import { test, expect, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitReady } from '../support/cli-ready.ts';
import { RawClient } from '../support/raw-client.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
let dir = '';
let out = '';
let cache = '';

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-bundle-'));
  out = path.join(dir, 'dist');
  cache = path.join(dir, 'cache');
  fs.mkdirSync(out);
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  const b = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--outdir', out], { cwd: ROOT, encoding: 'utf8' });
  expect(b.status, b.stderr).toBe(0);
}, 120_000);

afterAll(() => {
  if (dir !== '') fs.rmSync(dir, { recursive: true, force: true });
});

interface Cli {
  port: number;
  pid: number;
  log: () => string;
  exit: Promise<number | null>;
  kill: (sig: NodeJS.Signals) => void;
}

/** Starts the built command in its own working directory (dump.rdb lands there). */
async function start(args: string[]): Promise<Cli> {
  const cwd = fs.mkdtempSync(path.join(dir, 'run-'));
  const env = { ...process.env, NODE_OPTIONS: '', REDMOON_COMPILE_CACHE: cache };
  const child = spawn(process.execPath, [path.join(out, 'cli.cjs'), '--port', '0', '--loglevel', 'verbose', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env });
  const { port, log, exit } = await waitReady(child);
  return { port, pid: child.pid!, log, exit, kill: (sig) => child.kill(sig) };
}

test('serves from a worker with a sized heap; SIGTERM saves and exits 0', async () => {
  const cli = await start(['--maxmemory', '100mb']);
  // 2.5 x 100 MB + 512 MB of old space (src/cli/heap-size.ts), plus the young generation
  expect(cli.log()).toMatch(/V8 heap limit \d+ MB \(worker thread\)/);
  const mb = Number(/V8 heap limit (\d+) MB/.exec(cli.log())![1]);
  expect(mb).toBeGreaterThanOrEqual(762);
  expect(mb).toBeLessThan(762 + 100);
  const c = await RawClient.connect(cli.port);
  expect(await c.call('PING')).toBe('+PONG\r\n');
  expect(await c.call('SET', 'k', 'v')).toBe('+OK\r\n');
  expect(await c.call('EVAL', "return redis.call('GET', KEYS[1])", '1', 'k')).toBe('$1\r\nv\r\n');
  // the worker shares the process: INFO's process_id is the pid a supervisor signals
  expect(await c.call('INFO', 'server')).toContain(`process_id:${cli.pid}\r\n`);
  // CONFIG GET dir: the worker asked the main thread to chdir to it
  const cwdReply = await c.call('CONFIG', 'GET', 'dir');
  c.close();
  cli.kill('SIGTERM');
  expect(await cli.exit).toBe(0);
  expect(cli.log()).toContain('Received SIGTERM scheduling shutdown...');
  expect(cli.log()).toContain('ready to exit, bye bye...');
  const dirValue = /\$\d+\r\n([^\r]*)\r\n$/.exec(cwdReply)![1];
  expect(fs.existsSync(path.join(dirValue, 'dump.rdb'))).toBe(true);
}, 120_000);

test('SHUTDOWN, a crash and a bad dir end the process with redis-server exit codes', async () => {
  const a = await start([]);
  const c = await RawClient.connect(a.port);
  await c.call('SHUTDOWN', 'NOSAVE').catch(() => '');
  c.close();
  expect(await a.exit).toBe(0);

  const b = await start(['--enable-debug-command', 'yes']);
  const d = await RawClient.connect(b.port);
  await d.call('DEBUG', 'SEGFAULT').catch(() => '');
  d.close();
  expect(await b.exit).toBe(139);
  expect(b.log()).toContain('REDMOON BUG REPORT END');

  const bad = spawnSync(process.execPath, [path.join(out, 'cli.cjs'), '--port', '0', '--dir', path.join(dir, 'no-such-dir')], { encoding: 'utf8', env: { ...process.env, REDMOON_COMPILE_CACHE: cache } });
  expect(bad.status).toBe(1);
}, 120_000);

test('the compile cache is written once and used by later starts', async () => {
  const files = () => fs.readdirSync(cache).filter((f) => f.endsWith('.bin'));
  expect(files().length).toBeGreaterThan(0);
  const before = files().map((f) => fs.statSync(path.join(cache, f)).mtimeMs);
  const cli = await start([]);
  cli.kill('SIGTERM');
  expect(await cli.exit).toBe(0);
  expect(files().map((f) => fs.statSync(path.join(cache, f)).mtimeMs)).toEqual(before);
}, 120_000);
