/**
 * `npx tsx bench/bgsave-turns.ts [--keys N] [--runs R]`: the longest event-loop turn of an
 * embedded server while BGSAVE walks N keys (DEBUG POPULATE), in CPU time (what the server
 * itself spends in one go: it does not count the time the OS gives other processes, which
 * dominates wall-clock pauses on a busy machine) and in wall time. Redis has no such turns to
 * compare with; bench/persistence.ts measures PING round trips beside redis-server.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../src/index.ts';
import { Conn } from './support.ts';

const args = process.argv.slice(2);
const KEYS = args.includes('--keys') ? Number(args[args.indexOf('--keys') + 1]) : 1_000_000;
const RUNS = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 3;

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bgsave-turns-'));
  const s = await startServer({ dir, save: '', log: () => {}, config: { 'enable-debug-command': 'yes' } });
  try {
    s.call('DEBUG', 'POPULATE', String(KEYS));
    const c = await Conn.open(s.port);
    console.log(`BGSAVE of ${KEYS.toLocaleString('en-US')} keys, embedded server, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}\n`);
    console.log('| run | longest turn, CPU | longest turn, wall | BGSAVE start to done |\n|---:|---:|---:|---:|');
    for (let run = 1; run <= RUNS; run++) {
      let maxCpu = 0;
      let maxWall = 0;
      let lastCpu = cpuMs();
      let lastWall = performance.now();
      let ticking = true;
      const tick = (): void => {
        const cpu = cpuMs();
        const wall = performance.now();
        maxCpu = Math.max(maxCpu, cpu - lastCpu);
        maxWall = Math.max(maxWall, wall - lastWall);
        lastCpu = cpu;
        lastWall = wall;
        if (ticking) setImmediate(tick);
      };
      const t0 = performance.now();
      lastCpu = cpuMs();
      lastWall = performance.now();
      setImmediate(tick);
      await c.call('BGSAVE');
      while (!(await c.call('INFO', 'persistence')).includes('rdb_bgsave_in_progress:0')) await new Promise((r) => setTimeout(r, 5));
      ticking = false;
      console.log(`| ${run} | ${maxCpu.toFixed(0)} ms | ${maxWall.toFixed(0)} ms | ${(performance.now() - t0).toFixed(0)} ms |`);
      await new Promise((r) => setTimeout(r, 200));
    }
    c.close();
  } finally {
    await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
