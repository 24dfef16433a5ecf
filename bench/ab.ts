/**
 * Before/after on a shared machine: `npx tsx bench/ab.ts <distA> <distB> [--only x]
 * [--rounds n] [--n requests]` runs redis-benchmark's pipelined workloads against
 * redis-server and two redmoon builds (directories made by `node scripts/build.mjs
 * --outdir DIR`; inside the repository, so fengari resolves), round-robin in the same run,
 * and prints each server's median CPU per request and its ratio to redis-server's.
 * The CPU per request moves far less with the machine's load than requests per second.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServerProcess, stopServerProcess, type ServerProcess } from './support.ts';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const dists = args.filter((a, i) => !a.startsWith('--') && (i === 0 || !args[i - 1].startsWith('--')));
if (dists.length === 0) {
  console.log('usage: npx tsx bench/ab.ts <distA> [distB...] [--only x] [--rounds n] [--n requests]');
  process.exit(1);
}
const ONLY = opt('--only') ?? '';
const ROUNDS = Number(opt('--rounds') ?? 3);
const N = Number(opt('--n') ?? 400_000);
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

function cpuSeconds(pid: number): number {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / CLOCK_TICKS;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function run(p: ServerProcess, extra: string[], n: number): { rps: number; cpuUs: number } {
  const cpu0 = cpuSeconds(p.child.pid!);
  const r = spawnSync('redis-benchmark', ['-p', String(p.port), '-n', String(n), '--csv', ...extra], { encoding: 'utf8' });
  const cpuUs = ((cpuSeconds(p.child.pid!) - cpu0) * 1e6) / n;
  const lines = r.stdout.trim().split('\n');
  const rps = Number(/^"(?:[^"]|"")*","([\d.]+)"/.exec(lines[lines.length - 1] ?? '')?.[1]);
  return { rps, cpuUs };
}

function call(p: ServerProcess, ...argv: string[]): string {
  return spawnSync('redis-cli', ['-p', String(p.port), ...argv], { encoding: 'utf8' }).stdout.trim();
}

// (no snapshots, and none in the working directory, where the tests' redis-server would load them)
const conf = ['--save', '', '--appendonly', 'no', '--dir', fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ab-'))];
const servers: { name: string; p: ServerProcess }[] = [{ name: 'redis', p: await startServerProcess('redis', '', conf) }];
for (const d of dists) servers.push({ name: path.basename(d), p: await startServerProcess('redmoon', path.resolve(d, 'cli.cjs'), [...conf, '--loglevel', 'notice']) });

const incr = "return redis.call('incr', KEYS[1])";
const sha = servers.map((s) => call(s.p, 'SCRIPT', 'LOAD', incr))[0];
const P = ['-c', '50', '-P', '16'];
const workloads: [string, string[]][] = [
  ['SET', [...P, '-t', 'set']],
  ['GET', [...P, '-t', 'get']],
  ['SET -r 1M', [...P, '-r', '1000000', '-t', 'set']],
  ['GET -r 1M', [...P, '-r', '1000000', '-t', 'get']],
  ['INCR', [...P, '-t', 'incr']],
  ['LPUSH', [...P, '-t', 'lpush']],
  ['RPOP', [...P, '-t', 'rpop']],
  ['HSET', [...P, '-t', 'hset']],
  ['SADD', [...P, '-t', 'sadd']],
  ['ZADD', [...P, '-t', 'zadd']],
  ['ZRANGE 0 9', [...P, 'ZRANGE', 'myzset', '0', '9']],
  ['EVALSHA incr', [...P, 'EVALSHA', sha, '1', 'counter']],
];
// warm-up: the JIT, and the keys the reads find
for (const s of servers) run(s.p, [...P, '-q', '-t', 'set,get,incr,lpush,rpop,sadd,hset,zadd'], 100_000);
for (const s of servers) run(s.p, [...P, 'EVALSHA', sha, '1', 'counter'], 50_000);

console.log(`| workload | ${servers.map((s) => `${s.name} µs/req`).join(' | ')} | ${servers.slice(1).map((s) => `${s.name} CPU ratio`).join(' | ')} | ${servers.map((s) => `${s.name} rps`).join(' | ')} |`);
console.log(`|---|${servers.map(() => '---:|').join('')}${servers.slice(1).map(() => '---:|').join('')}${servers.map(() => '---:|').join('')}`);
for (const [name, extra] of workloads) {
  if (ONLY && !name.toLowerCase().includes(ONLY.toLowerCase())) continue;
  const cpu: number[][] = servers.map(() => []);
  const rps: number[][] = servers.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < servers.length; k++) {
      // rotate who goes first
      const i = (k + round) % servers.length;
      const r = run(servers[i].p, extra, name.startsWith('EVAL') ? N / 2 : N);
      cpu[i].push(r.cpuUs);
      rps[i].push(r.rps);
    }
  }
  const c = cpu.map(median);
  const q = rps.map(median);
  console.log(`| ${name} | ${c.map((v) => v.toFixed(3)).join(' | ')} | ${c.slice(1).map((v) => (c[0] / v).toFixed(2) + 'x').join(' | ')} | ${q.map((v) => Math.round(v).toLocaleString('en-US')).join(' | ')} |`);
}
for (const s of servers) await stopServerProcess(s.p);
