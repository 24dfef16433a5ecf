/**
 * In-process DEBUG POPULATE: `npx tsx bench/populate.ts [keys]` (default 2,000,000); time,
 * heap and RSS per key. For profiling: `node --cpu-prof --import tsx bench/populate.ts`.
 */
import fs from 'node:fs';
import { Server } from '../src/server.ts';

const N = Number(process.argv[2] ?? 2_000_000);
const rss = (): number => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
const server = new Server({ log: () => {}, config: { 'enable-debug-command': 'yes' } });
const c = server.createClient();
const r0 = rss();
const h0 = process.memoryUsage().heapUsed;
const t0 = performance.now();
const cpu0 = process.cpuUsage();
server.execute(c, ['DEBUG', 'POPULATE', String(N)]);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
await new Promise((r) => setTimeout(r, 300));
console.log(`DEBUG POPULATE ${N}: ${ms.toFixed(0)} ms, ${((ms * 1e6) / N).toFixed(0)} ns/key (CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms); heap ${((process.memoryUsage().heapUsed - h0) / N).toFixed(0)} B/key, RSS ${((rss() - r0) / N).toFixed(0)} B/key`);
