import { test, expect } from 'vitest';
import { describeDifferential, type Differential } from '../support/differential.ts';
import { encodeCommand, type RawClient } from '../support/raw-client.ts';
import { closedWithin, infoField, clientField } from '../support/client-probes.ts';

/**
 * The memory of a client that stops reading, as CLIENT LIST (omem, tot-mem) and INFO
 * (mem_clients_normal) show it, and client eviction counted command by command, so it comes
 * before key eviction: side by side with redis-server.
 */

/** `n` GETs of `key` in one write. */
function gets(key: string, n: number): Buffer {
  return Buffer.concat(Array.from({ length: n }, () => encodeCommand(['GET', key])));
}

describeDifferential('output memory of clients that do not read', (d) => {
  test('omem, tot-mem and mem_clients_normal count the replies a client does not read', async () => {
    // 1 MB values, 40 of them: far more than the kernel's socket buffers absorb
    await d().same('SETRANGE', 'om:big', '1048575', 'x');
    const p = await d().pair();
    try {
      for (const c of [p.real, p.ours]) {
        await c.call('CLIENT', 'SETNAME', 'sleeper');
        c.sock.pause();
        c.sock.write(gets('om:big', 40));
      }
      let l = { real: '', ours: '' };
      for (let i = 0; i < 300; i++) {
        l = await d().both('CLIENT', 'LIST');
        if ((clientField(l.real, 'sleeper', 'omem') ?? 0) >= 20e6 && (clientField(l.ours, 'sleeper', 'omem') ?? 0) >= 20e6) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      for (const which of ['real', 'ours'] as const) {
        const omem = clientField(l[which], 'sleeper', 'omem')!;
        expect([which, omem >= 20e6]).toEqual([which, true]);
        expect([which, clientField(l[which], 'sleeper', 'tot-mem')! >= omem]).toEqual([which, true]);
        // Redis folds a client's memory into INFO's per-class sum from its cron, not at once
        let sum = 0;
        for (let i = 0; i < 100; i++) {
          sum = await infoField(d(), which, 'mem_clients_normal');
          if (sum >= omem) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        expect([which, sum >= omem]).toEqual([which, true]);
      }
    } finally {
      p.real.close();
      p.ours.close();
      await d().same('DEL', 'om:big');
    }
  }, 60000);

  test('a client over maxmemory-clients goes before its next command, and before any key is evicted', async () => {
    await d().same('CLIENT', 'NO-EVICT', 'on');
    await d().same('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    await d().same('CONFIG', 'SET', 'maxmemory', '40mb');
    await d().same('CONFIG', 'SET', 'maxmemory-clients', '2mb');
    for (let i = 0; i < 10; i++) await d().same('SETRANGE', `om:k${i}`, '99999', 'x');
    const before = {
      real: { clients: await infoField(d(), 'real', 'evicted_clients'), keys: await infoField(d(), 'real', 'evicted_keys') },
      ours: { clients: await infoField(d(), 'ours', 'evicted_clients'), keys: await infoField(d(), 'ours', 'evicted_keys') },
    };
    const p = await d().pair();
    try {
      // 60 replies of 100 KB pass 2 MB long before the SET at the end of the same read
      const pipeline = Buffer.concat([gets('om:k0', 60), encodeCommand(['SET', 'om:after', '1'])]);
      for (const c of [p.real, p.ours]) {
        c.sock.pause();
        c.sock.write(pipeline);
      }
      expect(await closedWithin(p.real, 10000)).toBe(true);
      expect(await closedWithin(p.ours, 10000)).toBe(true);
      await d().same('EXISTS', 'om:after');
      await d().same('DBSIZE');
      for (const which of ['real', 'ours'] as const) {
        expect([which, (await infoField(d(), which, 'evicted_clients')) - before[which].clients]).toEqual([which, 1]);
        expect([which, (await infoField(d(), which, 'evicted_keys')) - before[which].keys]).toEqual([which, 0]);
      }
    } finally {
      p.real.close();
      p.ours.close();
      await d().same('CONFIG', 'SET', 'maxmemory-clients', '0');
      await d().same('CONFIG', 'SET', 'maxmemory', '0');
      await d().same('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
      await d().same('CLIENT', 'NO-EVICT', 'off');
    }
  }, 60000);
});
