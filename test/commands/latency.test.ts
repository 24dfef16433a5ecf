/**
 * The latency monitor side by side with redis-server 7.0.15: events recorded at
 * latency-monitor-threshold (a slow command), LATENCY LATEST / HISTORY / RESET / DOCTOR,
 * and LATENCY HISTOGRAM for commands and a container's subcommands. Times differ between
 * any two servers, so the shapes and counts are compared.
 */
import { it, expect } from 'vitest';
import { describeDifferential, type Differential } from '../support/differential.ts';
import type { Reply } from '../support/resp-reader.ts';

async function both(d: Differential, ...argv: string[]): Promise<{ real: Reply; ours: Reply }> {
  const [real, ours] = await Promise.all([d.real.command(...argv), d.ours.command(...argv)]);
  return { real, ours };
}

/** A reply with its numbers blanked (timestamps and milliseconds). */
function shape(r: Reply): unknown {
  if (Array.isArray(r)) return r.map(shape);
  if (typeof r === 'number' || typeof r === 'bigint') return 'N';
  return r;
}

describeDifferential(
  'latency monitor',
  (d: () => Differential) => {
    it('records a slow command, and LATEST / HISTORY / RESET / DOCTOR answer as Redis', async () => {
      await d().seq([['LATENCY', 'RESET'], ['LATENCY', 'LATEST'], ['LATENCY', 'HISTORY', 'command'], ['LATENCY', 'GRAPH', 'command']]);
      await d().seq([['CONFIG', 'SET', 'latency-monitor-threshold', '200']]);
      try {
        await d().seq([['LATENCY', 'DOCTOR'], ['DEBUG', 'SLEEP', '0.3']]);
        const latest = await both(d(), 'LATENCY', 'LATEST');
        expect(shape(latest.ours)).toEqual(shape(latest.real));
        expect(((latest.ours as Reply[])[0] as Reply[])[0]).toBe('command');
        const history = await both(d(), 'LATENCY', 'HISTORY', 'command');
        expect(shape(history.ours)).toEqual(shape(history.real));
        const ms = Number(((history.ours as Reply[])[0] as Reply[])[1]);
        expect(ms).toBeGreaterThanOrEqual(250);
        const doctor = await both(d(), 'LATENCY', 'DOCTOR');
        expect(String(doctor.ours).split('\n')[0]).toBe(String(doctor.real).split('\n')[0]);
        expect(String(doctor.ours)).toMatch(/1\. command: 1 latency spikes \(average \d+ms, mean deviation 0ms, period [\d.]+ sec\)\. Worst all time event \d+ms\./);
        await d().seq([['LATENCY', 'HISTORY', 'blabla'], ['LATENCY', 'RESET', 'blabla'], ['LATENCY', 'RESET', 'command', 'command'], ['LATENCY', 'LATEST'], ['LATENCY', 'RESET']]);
      } finally {
        await d().both('CONFIG', 'SET', 'latency-monitor-threshold', '0');
      }
      await d().same('LATENCY', 'DOCTOR');
    });

    it('LATENCY HISTOGRAM: commands, subsets, and a container standing for its subcommands', async () => {
      await d().seq([['CONFIG', 'RESETSTAT']]);
      await d().both('CLIENT', 'ID');
      await d().both('CLIENT', 'LIST');
      await d().seq([['SET', 'a', 'b'], ['GET', 'a']]);
      const keys = (r: Reply) => {
        const flat = r as Reply[];
        const names: string[] = [];
        for (let i = 0; i < flat.length; i += 2) names.push(String(flat[i]));
        return names.sort();
      };
      for (const args of [['client'], ['client|id'], ['set', 'hset', 'get'], ['blabla', 'set'], ['blabla']]) {
        const h = await both(d(), 'LATENCY', 'HISTOGRAM', ...args);
        expect(keys(h.ours), JSON.stringify(args)).toEqual(keys(h.real));
      }
    });
  },
  { 'enable-debug-command': 'yes' },
);
