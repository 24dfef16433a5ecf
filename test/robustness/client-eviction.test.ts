import { test, expect } from 'vitest';
import { describeDifferential, type Differential } from '../support/differential.ts';
import type { RawClient } from '../support/raw-client.ts';
import { closedWithin, infoField, clientField } from '../support/client-probes.ts';

/**
 * Output buffer limits checked as output is added (one command's reply, or one read's
 * pipeline, is cut off before anything is sent), and client eviction (maxmemory-clients,
 * tot-mem, CLIENT NO-EVICT, evicted_clients), side by side with redis-server.
 */

/** Sends the start of a command whose one argument is `n` bytes, all but its final CRLF. */
function openBulk(c: RawClient, n: number): void {
  c.sock.write(`*2\r\n$${n}\r\n`);
  c.sock.write(Buffer.alloc(n, 'v'));
}

/** Waits (bounded) until both servers show the client's query buffer at `n` bytes. */
async function qbufReaches(d: Differential, name: string, n: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const l = await d.both('CLIENT', 'LIST');
    if ((clientField(l.real, name, 'qbuf') ?? 0) >= n && (clientField(l.ours, name, 'qbuf') ?? 0) >= n) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describeDifferential('output buffer limits as output is added, and client eviction', (d) => {
  test('one reply over the normal hard limit closes the client before any of it is sent', async () => {
    await d().same('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 100000 0 0');
    for (let i = 0; i < 150; i++) await d().same('RPUSH', 'obuf:list', 'x'.repeat(1000));
    const p = await d().pair();
    try {
      const [r, o] = await Promise.all([p.real.sendRaw('*4\r\n$6\r\nLRANGE\r\n$9\r\nobuf:list\r\n$1\r\n0\r\n$2\r\n-1\r\n', 1, 1500), p.ours.sendRaw('*4\r\n$6\r\nLRANGE\r\n$9\r\nobuf:list\r\n$1\r\n0\r\n$2\r\n-1\r\n', 1, 1500)]);
      expect(o).toBe(r);
      expect(o).toBe('');
      expect(await closedWithin(p.ours, 5000)).toBe(true);
    } finally {
      p.real.close();
      p.ours.close();
      await d().same('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0');
      await d().same('DEL', 'obuf:list');
    }
  });

  test('a reply growing without end (HRANDFIELD with a huge negative count, KEYS) stops where the limit is passed', async () => {
    await d().same('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1000000 0 0');
    await d().same('HSET', 'obuf:h', 'a', 'b');
    const p = await d().pair();
    try {
      const cmd = '*3\r\n$10\r\nHRANDFIELD\r\n$6\r\nobuf:h\r\n$10\r\n-999999999\r\n';
      const [r, o] = await Promise.all([p.real.sendRaw(cmd, 1, 3000), p.ours.sendRaw(cmd, 1, 3000)]);
      expect(o).toBe(r);
      expect(await closedWithin(p.ours, 10000)).toBe(true);
      expect(await infoField(d(), 'ours', 'client_output_buffer_limit_disconnections')).toBeGreaterThan(0);
      await d().same('PING');
    } finally {
      p.real.close();
      p.ours.close();
      await d().same('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0');
      await d().same('DEL', 'obuf:h');
    }
  });

  test('tot-mem counts a big argument being read as Redis does', async () => {
    const p = await d().pair();
    try {
      for (const c of [p.real, p.ours]) {
        await c.call('CLIENT', 'SETNAME', 'bigarg');
        openBulk(c, 220200);
      }
      await qbufReaches(d(), 'bigarg', 220200);
      const l = await d().both('CLIENT', 'LIST');
      for (const f of ['qbuf', 'qbuf-free']) expect([f, clientField(l.ours, 'bigarg', f)]).toEqual([f, clientField(l.real, 'bigarg', f)]);
      // (the reply buffer, rbs, is resized by each server's cron at its own moment)
      const rest = (l: string) => clientField(l, 'bigarg', 'tot-mem')! - clientField(l, 'bigarg', 'rbs')!;
      expect(rest(l.ours)).toBe(rest(l.real));
    } finally {
      p.real.close();
      p.ours.close();
    }
  });

  test('maxmemory-clients evicts a client over it, counts it, and spares CLIENT NO-EVICT clients', async () => {
    await d().same('CLIENT', 'NO-EVICT', 'on');
    await d().same('CONFIG', 'SET', 'maxmemory-clients', '1mb');
    const before = { real: await infoField(d(), 'real', 'evicted_clients'), ours: await infoField(d(), 'ours', 'evicted_clients') };
    const keep = await d().pair();
    const big = await d().pair();
    try {
      for (const c of [keep.real, keep.ours]) {
        await c.call('CLIENT', 'SETNAME', 'keeper');
        await c.call('CLIENT', 'NO-EVICT', 'on');
        openBulk(c, 700000);
      }
      await qbufReaches(d(), 'keeper', 700000);
      for (const c of [big.real, big.ours]) {
        await c.call('CLIENT', 'SETNAME', 'hog');
        openBulk(c, 700000);
      }
      expect(await closedWithin(big.real, 5000)).toBe(true);
      expect(await closedWithin(big.ours, 5000)).toBe(true);
      const l = await d().both('CLIENT', 'LIST');
      expect(clientField(l.ours, 'keeper', 'qbuf')).toBe(clientField(l.real, 'keeper', 'qbuf'));
      expect(clientField(l.ours, 'hog', 'qbuf')).toBe(null);
      expect(l.ours).toMatch(/name=keeper .*flags=e /);
      expect((await infoField(d(), 'ours', 'evicted_clients')) - before.ours).toBe((await infoField(d(), 'real', 'evicted_clients')) - before.real);
    } finally {
      for (const c of [keep.real, keep.ours, big.real, big.ours]) c.close();
      await d().same('CONFIG', 'SET', 'maxmemory-clients', '0');
      await d().same('CLIENT', 'NO-EVICT', 'off');
    }
  });

  test('lowering maxmemory-clients evicts the biggest clients first, and only until under it', async () => {
    await d().same('CLIENT', 'NO-EVICT', 'on');
    const sizes = [40000, 300000, 900000];
    const clients: RawClient[] = [];
    try {
      for (let i = 0; i < sizes.length; i++) {
        const p = await d().pair();
        for (const c of [p.real, p.ours]) {
          clients.push(c);
          await c.call('CLIENT', 'SETNAME', `size${i}`);
          openBulk(c, sizes[i]);
        }
        await qbufReaches(d(), `size${i}`, sizes[i]);
      }
      for (const which of ['real', 'ours'] as const) {
        const list = (await d()[which].command('CLIENT', 'LIST')) as string;
        let total = 0;
        for (const line of list.split('\n')) total += Number(/ tot-mem=(\d+)/.exec(line)?.[1] ?? 0);
        // Room for all but the biggest: only it goes.
        await d()[which].command('CONFIG', 'SET', 'maxmemory-clients', String(total - clientField(list, 'size2', 'tot-mem')! + 1));
      }
      const l = await d().both('CLIENT', 'LIST');
      for (const name of ['size0', 'size1', 'size2']) expect([name, clientField(l.ours, name, 'qbuf')]).toEqual([name, clientField(l.real, name, 'qbuf')]);
      expect(clientField(l.ours, 'size2', 'qbuf')).toBe(null);
      expect(clientField(l.ours, 'size1', 'qbuf')).toBe(300000);
    } finally {
      for (const c of clients) c.close();
      await d().same('CONFIG', 'SET', 'maxmemory-clients', '0');
      await d().same('CLIENT', 'NO-EVICT', 'off');
    }
  });
});
