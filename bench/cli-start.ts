/**
 * Start-to-PONG of the installed `redmoon` bin beside redis-server's, in the same run: the
 * package is packed (dist/ as `npm run bench` just built it) and installed into a scratch
 * project, then node_modules/.bin/redmoon (which serves from a worker thread with a heap
 * sized from the machine's memory) and redis-server are started in turn, RUNS times each;
 * the clock runs from spawn until a PING on a fresh connection gets +PONG.
 *
 * Beside them: the floor of any Node server on the machine (a node process answering PONG
 * from a five-line script), the same server in a worker thread with the heap limits the
 * CLI's worker gets (the floor of serving from a worker), and the bin's first start, which
 * has no compile cache yet
 * (src/cli/code-cache.ts). When NODE_EXTRA_CA_CERTS is set (node then parses the CA
 * bundle before running any JavaScript), the Node rows are measured without it too.
 * `npx tsx bench/cli-start.ts` runs it alone.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = 21;
const NODE_FLOOR = "require('net').createServer((s) => s.on('data', () => s.write('+PONG\\r\\n'))).listen(+process.argv.at(-1), '127.0.0.1')";
/** The same server in a worker thread with the CLI's heap limits: what the worker itself costs. */
const WORKER_FLOOR = `new (require('worker_threads').Worker)(${JSON.stringify(NODE_FLOOR)}, { eval: true, argv: [process.argv.at(-1)], resourceLimits: { maxOldGenerationSizeMb: Math.floor(require('os').totalmem() * 0.75 / 2 ** 20), maxYoungGenerationSizeMb: 12 } })`;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('error', () => resolve(false));
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (d) => {
      s.destroy();
      resolve(String(d) === '+PONG\r\n');
    });
  });
}

interface Kind {
  label: string;
  cmd: string;
  args: (port: number) => string[];
  env: NodeJS.ProcessEnv;
  times: number[];
}

async function startToPong(k: Kind, linger = 0): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const p = spawn(k.cmd, k.args(port), { stdio: 'ignore', env: k.env });
  for (let i = 0; i < 20_000 && !(await pingOnce(port)); i++) await new Promise((r) => setTimeout(r, 1));
  const ms = performance.now() - t0;
  await new Promise((r) => setTimeout(r, linger));
  p.kill('SIGKILL');
  await new Promise((r) => p.once('exit', r));
  return ms;
}

/** Installs the packed package into a scratch project; returns the path of its bin. */
function installBin(dir: string): string {
  const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' });
  if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  const tgz = fs.readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "private": true }\n');
  const inst = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', `./${tgz}`], { cwd: dir, encoding: 'utf8' });
  if (inst.status !== 0) throw new Error(`npm install failed: ${inst.stderr}`);
  return path.join(dir, 'node_modules', '.bin', 'redmoon');
}

const median = (t: number[]) => [...t].sort((a, b) => a - b)[t.length >> 1];
const best = (t: number[]) => Math.min(...t);

export async function cliStartBench(): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-cli-bench-'));
  const bin = installBin(dir);
  const cache = path.join(dir, 'compile-cache');
  const moonArgs = (port: number) => ['--port', String(port), '--save', '', '--appendonly', 'no'];
  const env: NodeJS.ProcessEnv = { ...process.env, REDMOON_COMPILE_CACHE: cache };
  const { NODE_EXTRA_CA_CERTS: caCerts, ...envNoCa } = env;
  const kinds: Kind[] = [
    { label: 'redis-server', cmd: 'redis-server', args: moonArgs, env, times: [] },
    { label: 'redmoon (installed bin)', cmd: bin, args: moonArgs, env, times: [] },
    { label: 'node floor (5-line PONG server)', cmd: process.execPath, args: (port) => ['-e', NODE_FLOOR, String(port)], env, times: [] },
    { label: 'node floor in a worker thread (the CLI\'s heap limits)', cmd: process.execPath, args: (port) => ['-e', WORKER_FLOOR, String(port)], env, times: [] },
  ];
  if (caCerts !== undefined) {
    kinds.push(
      { label: 'redmoon (installed bin), NODE_EXTRA_CA_CERTS unset', cmd: bin, args: moonArgs, env: envNoCa, times: [] },
      { label: 'node floor, NODE_EXTRA_CA_CERTS unset', cmd: process.execPath, args: (port) => ['-e', NODE_FLOOR, String(port)], env: envNoCa, times: [] },
    );
  }
  // The first start compiles the server and writes the cache the others read.
  // (alive long enough for the cache to be written again with the first PING's functions)
  const first = await startToPong(kinds[1], 2500);
  // Interleaved, so that a change in the machine's load reaches every kind alike.
  for (let i = 0; i < RUNS; i++) for (const k of kinds) k.times.push(await startToPong(k));
  fs.rmSync(dir, { recursive: true, force: true });
  const redis = median(kinds[0].times);
  const lines = [
    `| start-to-PONG (ms, ${RUNS} runs each, interleaved) | median | best | median / redis-server |`,
    '|---|---:|---:|---:|',
    ...kinds.map((k) => `| ${k.label} | ${median(k.times).toFixed(1)} | ${best(k.times).toFixed(1)} | ${(median(k.times) / redis).toFixed(1)}x |`),
    `| redmoon (installed bin), first start: no compile cache yet | ${first.toFixed(1)} | | ${(first / redis).toFixed(1)}x |`,
  ];
  return lines;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  for (const line of await cliStartBench()) console.log(line);
}
