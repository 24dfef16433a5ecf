/**
 * Start-to-PONG of the installed `redmoon` bin beside redis-server's, in the same run:
 * the package is packed (dist/ as `npm run bench` just built it) and installed into a
 * scratch project, then node_modules/.bin/redmoon and redis-server are each started 11
 * times; the clock runs from spawn until a PING on a fresh connection gets +PONG.
 * `npx tsx bench/cli-start.ts` runs it alone.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = 11;

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

async function startToPong(cmd: string, args: string[]): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const p = spawn(cmd, [...args, '--port', String(port)], { stdio: 'ignore' });
  for (let i = 0; i < 20_000 && !(await pingOnce(port)); i++) await new Promise((r) => setTimeout(r, 1));
  const ms = performance.now() - t0;
  p.kill('SIGKILL');
  await new Promise((r) => p.once('exit', r));
  return ms;
}

async function median(cmd: string, args: string[]): Promise<{ median: number; best: number }> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await startToPong(cmd, args));
  times.sort((a, b) => a - b);
  return { median: times[RUNS >> 1], best: times[0] };
}

/** Installs the packed package into a scratch project; returns the path of its bin. */
function installBin(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-cli-bench-'));
  const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' });
  if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  const tgz = fs.readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "private": true }\n');
  const inst = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', `./${tgz}`], { cwd: dir, encoding: 'utf8' });
  if (inst.status !== 0) throw new Error(`npm install failed: ${inst.stderr}`);
  return path.join(dir, 'node_modules', '.bin', 'redmoon');
}

export async function cliStartBench(): Promise<string[]> {
  const bin = installBin();
  const redis = await median('redis-server', ['--save', '', '--appendonly', 'no']);
  const moon = await median(bin, ['--save', '', '--appendonly', 'no']);
  fs.rmSync(path.dirname(path.dirname(path.dirname(bin))), { recursive: true, force: true });
  return [
    '| start-to-PONG (ms, median of 11) | redis-server | redmoon (installed bin) | ratio | target |',
    '|---|---:|---:|---:|---|',
    `| median | ${redis.median.toFixed(1)} | ${moon.median.toFixed(1)} | ${(moon.median / redis.median).toFixed(2)}x | ≤ 100 ms |`,
    `| best | ${redis.best.toFixed(1)} | ${moon.best.toFixed(1)} | ${(moon.best / redis.best).toFixed(2)}x |  |`,
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  for (const line of await cliStartBench()) console.log(line);
}
