/**
 * CLIENT INFO / CLIENT LIST query buffer figures side by side with redis-server 7.0.15:
 * qbuf (the bytes read and not yet trimmed, the running command included), qbuf-free (the
 * rest of the buffer's allocation) and argv-mem; the buffer grows for a big argument and the
 * cron shrinks it towards the recent peak, and to nothing once the client is idle.
 */
import { it, expect } from 'vitest';
import { describeDifferential, type Differential } from '../support/differential.ts';
import { encodeCommand, type RawClient } from '../support/raw-client.ts';

const fields = (line: string) => /qbuf=\d+ qbuf-free=\d+ argv-mem=\d+/.exec(line)?.[0];

/** qbuf + qbuf-free of the client named `name`, from another connection's CLIENT LIST. */
async function queryBuffer(c: RawClient, name: string): Promise<number> {
  const list = await c.call('CLIENT', 'LIST');
  const line = list.split('\n').find((l) => l.includes(`name=${name} `)) ?? '';
  const m = /qbuf=(\d+) qbuf-free=(\d+)/.exec(line);
  return m ? Number(m[1]) + Number(m[2]) : -1;
}

describeDifferential('query buffer', (d: () => Differential) => {
  it('qbuf, qbuf-free and argv-mem of the running command, alone and pipelined', async () => {
    const p = await d().pair();
    try {
      for (const argv of [['CLIENT', 'INFO'], ['ECHO', 'e'.repeat(50)], ['CLIENT', 'INFO']]) {
        const [real, ours] = await Promise.all([p.real.call(...argv), p.ours.call(...argv)]);
        expect(fields(ours)).toBe(fields(real));
        if (argv[0] === 'CLIENT') expect(fields(ours)).toBeDefined();
      }
      const pipeline = Buffer.concat([encodeCommand(['SET', 'k', 'v'.repeat(100)]), encodeCommand(['CLIENT', 'INFO']), encodeCommand(['PING'])]);
      const [real, ours] = await Promise.all([p.real.sendRaw(pipeline, 3), p.ours.sendRaw(pipeline, 3)]);
      expect(fields(ours)).toBe(fields(real));
    } finally {
      p.real.close();
      p.ours.close();
    }
  });

  it('a big argument grows the buffer; the cron trims it to the recent peak, then to nothing when idle', async () => {
    const p = await d().pair();
    try {
      const sides = [
        { c: p.real, other: d().real },
        { c: p.ours, other: d().ours },
      ];
      await Promise.all(sides.map((s) => s.c.call('CLIENT', 'SETNAME', 'qbclient')));
      for (const s of sides) {
        const fresh = await queryBuffer(s.other, 'qbclient');
        expect(fresh).toBeGreaterThanOrEqual(16384);
        expect(fresh).toBeLessThan(32768);
      }
      await Promise.all(sides.map((s) => s.c.call('SET', 'x', 'A'.repeat(400000))));
      const big: number[] = [];
      for (const s of sides) big.push(await queryBuffer(s.other, 'qbclient'));
      for (const b of big) expect(b).toBeGreaterThan(32768);
      // small commands let the peak fall: the cron trims the buffer, but not to nothing
      for (const [i, s] of sides.entries()) {
        let now = big[i];
        for (let t = 0; t < 100 && now >= big[i]; t++) {
          await s.c.call('SET', 'x', 'A'.repeat(100));
          await new Promise((r) => setTimeout(r, 20));
          now = await queryBuffer(s.other, 'qbclient');
        }
        expect(now).toBeGreaterThan(0);
        expect(now).toBeLessThan(big[i]);
      }
      // idle for more than 2 seconds: (almost) nothing left
      for (const s of sides) {
        let now = -1;
        for (let t = 0; t < 100 && !(now >= 0 && now < 1024); t++) {
          await new Promise((r) => setTimeout(r, 100));
          now = await queryBuffer(s.other, 'qbclient');
        }
        expect(now).toBeGreaterThanOrEqual(0);
        expect(now).toBeLessThan(1024);
      }
    } finally {
      p.real.close();
      p.ours.close();
    }
  }, 60000);
});
