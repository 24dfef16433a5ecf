/**
 * Runs files of Redis's Tcl suite one at a time, in either of its modes:
 * - normal: the framework starts (and restarts) src/redis-server itself, with its own config
 *   files; the shim makes that redmoon, or real Redis for baselines;
 * - external: `--host/--port` against a server started here, fresh for every file.
 * Each run's output goes to a log file; the [ok]/[err]/... lines give the per-file counts.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { replicationTests } from './replication.ts';
import { suiteHeapMb } from './tree.ts';

export type Mode = 'normal' | 'external';

/** Tags left out everywhere: replication, cluster and modules are outside redmoon's scope. */
export const DEFAULT_DENY_TAGS = ['-repl', '-needs:repl', '-cluster', '-modules'];

/** Every unit/ file of the default run (minus cluster and replication-only ones) and the integration files of issue 10. */
export const DEFAULT_FILES = [
  'unit/printver', 'unit/dump', 'unit/auth', 'unit/protocol', 'unit/keyspace', 'unit/scan', 'unit/info',
  'unit/info-command', 'unit/type/string', 'unit/type/incr', 'unit/type/list', 'unit/type/list-2',
  'unit/type/list-3', 'unit/type/set', 'unit/type/zset', 'unit/type/hash', 'unit/type/stream',
  'unit/type/stream-cgroups', 'unit/sort', 'unit/expire', 'unit/other', 'unit/multi', 'unit/quit',
  'unit/aofrw', 'unit/acl', 'unit/acl-v2', 'unit/latency-monitor', 'unit/pubsub', 'unit/pubsubshard',
  'unit/slowlog', 'unit/scripting', 'unit/functions', 'unit/maxmemory', 'unit/introspection',
  'unit/introspection-2', 'unit/limits', 'unit/obuf-limits', 'unit/bitops', 'unit/bitfield', 'unit/geo',
  'unit/memefficiency', 'unit/hyperloglog', 'unit/lazyfree', 'unit/pause', 'unit/querybuf',
  'unit/pendingquerybuf', 'unit/tracking', 'unit/oom-score-adj', 'unit/shutdown', 'unit/networking',
  'unit/client-eviction', 'unit/violations', 'unit/replybufsize',
  'integration/redis-cli', 'integration/logging', 'integration/shutdown',
  'integration/convert-ziplist-hash-on-load', 'integration/convert-ziplist-zset-on-load',
  'integration/convert-zipmap-hash-on-load', 'integration/corrupt-dump',
  'integration/rdb', 'integration/aof', 'integration/aof-multi-part',
];

export interface FileResult {
  file: string;
  ok: number;
  err: number;
  /** tests skipped by tag or by the framework ([skip] and [ignore] lines) */
  skipped: number;
  /** the test client died ([exception]), or the file hit its time limit */
  exception: boolean;
  timedOut: boolean;
  seconds: number;
  failed: string[];
}

export interface RunOptions {
  /** the cached tests tree (scripts/redis-suite/tree.ts) */
  dir: string;
  file: string;
  mode: Mode;
  /** 'redmoon', or the path of a real redis-server for baselines */
  server: 'redmoon' | string;
  /** bundled redmoon (dist/cli.cjs) the shim and the external mode start */
  entry: string;
  /** where the runtest output goes */
  logFile: string;
  tags?: string[];
  /** the file's wall-clock limit, seconds */
  timeoutSec?: number;
  /** extra runtest arguments (--only, --skiptest...) */
  extraArgs?: string[];
  /** external mode: a server someone else already runs (host, port) instead of one started here */
  external?: { host: string; port: number };
}

/** A TCP port nobody listens on right now (the kernel's pick). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let buf = '';
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(2000, () => done(false));
    sock.on('error', () => done(false));
    sock.on('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
  });
}

/** Waits until a server answers PING on the port (bounded). */
export async function waitForPing(port: number, seconds = 60): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await pingOnce(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no server answered on port ${port}`);
}

/** Starts the server an external-mode run talks to, as Redis's own CI does for its external runs. */
async function startExternalServer(opts: RunOptions, workDir: string): Promise<{ port: number; proc: ChildProcess }> {
  const port = await freePort();
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', workDir, '--save', '', '--appendonly', 'no',
    '--enable-debug-command', 'yes', '--enable-protected-configs', 'yes', '--enable-module-command', 'yes',
    '--logfile', path.join(workDir, 'server.log'),
  ];
  const [cmd, cmdArgs] = opts.server === 'redmoon' ? [process.execPath, [`--max-old-space-size=${suiteHeapMb()}`, opts.entry, ...args]] : [opts.server, args];
  const proc = spawn(cmd, cmdArgs, { stdio: 'ignore', cwd: workDir });
  await waitForPing(port);
  return { port, proc };
}

function stopProcess(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    const t = setTimeout(() => proc.kill('SIGKILL'), 10000);
    proc.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** Counts the framework's per-test lines in a runtest log. */
export function parseLog(text: string, file: string): Omit<FileResult, 'timedOut' | 'seconds'> {
  const r = { file, ok: 0, err: 0, skipped: 0, exception: false, failed: [] as string[] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(ANSI, '');
    if (line.startsWith('[TIMEOUT]')) {
      r.exception = true;
      r.failed.push('timeout: a test did not finish in time');
    }
    const m = /^\[(ok|err|skip|ignore|exception)\]:\s?(.*)$/s.exec(line);
    if (!m) continue;
    if (m[1] === 'ok') r.ok++;
    else if (m[1] === 'err') {
      r.err++;
      r.failed.push(m[2].replace(/ in tests\/.*$/, ''));
    } else if (m[1] === 'exception') {
      r.exception = true;
      r.failed.push(`exception: ${m[2]}`);
    } else r.skipped++;
  }
  if (!r.exception && !text.includes(`[1/1 done]: ${file} `)) {
    r.exception = true;
    r.failed.push('the run did not complete');
  }
  return r;
}

/**
 * A private view of the cached tree for one run: the framework wipes tests/tmp when it starts,
 * so concurrent runs must not share it. Everything else is a symlink to the cache.
 */
function privateTree(dir: string, workDir: string): string {
  const root = path.join(workDir, 'tree');
  fs.mkdirSync(path.join(root, 'tests', 'tmp'), { recursive: true });
  fs.symlinkSync(path.join(dir, 'src'), path.join(root, 'src'));
  for (const e of fs.readdirSync(path.join(dir, 'tests'))) {
    if (e !== 'tmp') fs.symlinkSync(path.join(dir, 'tests', e), path.join(root, 'tests', e));
  }
  return root;
}

/** Runs one file of the suite; resolves with its counts (never rejects for test failures). */
export async function runFile(opts: RunOptions): Promise<FileResult> {
  const t0 = Date.now();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-suite-'));
  let external: { port: number; proc: ChildProcess } | null = null;
  const tags = opts.tags ?? DEFAULT_DENY_TAGS;
  const args = ['tests/test_helper.tcl', '--clients', '1', '--single', opts.file, '--timeout', String(opts.timeoutSec ?? 900)];
  if (tags.length) args.push('--tags', tags.join(' '));
  if (opts.mode === 'external') {
    if (opts.external) args.push('--host', opts.external.host, '--port', String(opts.external.port));
    else {
      external = await startExternalServer(opts, workDir);
      args.push('--host', '127.0.0.1', '--port', String(external.port));
    }
  }
  const skips = replicationTests(opts.dir, opts.file);
  if (skips.length) {
    const skipfile = path.join(workDir, 'skip-replication.txt');
    fs.writeFileSync(skipfile, skips.join('\n') + '\n');
    args.push('--skipfile', skipfile);
  }
  args.push(...(opts.extraArgs ?? []));
  fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, REDMOON_SUITE_NODE: process.execPath, REDMOON_SUITE_ENTRY: opts.entry };
  delete env.REDMOON_SUITE_SERVER_BIN;
  if (opts.server !== 'redmoon') env.REDMOON_SUITE_SERVER_BIN = opts.server;
  delete env.TERM; // no colour codes in the log
  let timedOut = false;
  try {
    const tree = privateTree(opts.dir, workDir);
    for (let attempt = 0; attempt < 4; attempt++) {
      // Other runs may share the machine (the framework's default ports are fixed): a random
      // block of 200 ports between 12000 and 22000 (their cluster-bus twins, +10000, stay
      // below the ephemeral range), the framework's own test-server port just below it.
      const baseport = 12050 + 250 * Math.floor(Math.random() * 39);
      timedOut = await runTclsh([...args, '--baseport', String(baseport), '--portcount', '200'], tree, env, opts);
      if (!fs.readFileSync(opts.logFile, 'latin1').includes("couldn't open socket: address already in use")) break;
    }
  } finally {
    if (external) await stopProcess(external.proc);
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  const parsed = parseLog(fs.readFileSync(opts.logFile, 'latin1'), opts.file);
  return { ...parsed, timedOut, seconds: Math.round((Date.now() - t0) / 1000) };
}

/** One runtest process (its whole process group killed at the time limit); true when it timed out. */
async function runTclsh(args: string[], cwd: string, env: NodeJS.ProcessEnv, opts: RunOptions): Promise<boolean> {
  const out = fs.openSync(opts.logFile, 'w');
  let timedOut = false;
  try {
    const child = spawn('tclsh', args, { cwd, env, stdio: ['ignore', out, out], detached: true });
    const limit = ((opts.timeoutSec ?? 900) + 60) * 1000;
    const timer = setTimeout(() => {
      timedOut = true;
      // the whole group: tclsh, its test clients and the servers they spawned
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, limit);
    await new Promise<void>((resolve) => child.once('exit', () => resolve()));
    clearTimeout(timer);
    // servers the framework spawned and left behind (a test client that died)
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* none */
    }
  } finally {
    fs.closeSync(out);
  }
  return timedOut;
}
