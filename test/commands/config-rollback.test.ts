/**
 * CONFIG SET is all or nothing even when applying fails, side by side with redis-server
 * 7.0.15: a port that cannot be listened on answers Redis's error and rolls back every
 * parameter of the command; a free port moves the listener.
 */
import net from 'node:net';
import { it, expect } from 'vitest';
import { describeDifferential, type Differential } from '../support/differential.ts';
import { RawClient } from '../support/raw-client.ts';

function listenAnywhere(): Promise<net.Server> {
  return new Promise((resolve) => {
    const srv = net.createServer(() => {});
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  });
}

describeDifferential('CONFIG SET rollback on apply error', (d: () => Differential) => {
  it('a busy port fails the whole CONFIG SET and keeps the old values', async () => {
    const busy = await listenAnywhere();
    const busyPort = String((busy.address() as net.AddressInfo).port);
    try {
      await d().seq([
        ['CONFIG', 'GET', 'maxmemory'],
        ['CONFIG', 'SET', 'maxmemory', '10000001', 'port', busyPort, 'client-query-buffer-limit', '10m'],
        ['CONFIG', 'GET', 'maxmemory'],
        ['CONFIG', 'GET', 'client-query-buffer-limit'],
        ['PING'],
      ]);
      const port = await d().both('CONFIG', 'GET', 'port');
      expect(port.ours).not.toContain(busyPort);
    } finally {
      busy.close();
    }
  });

  it('a free port moves the listener (ours)', async () => {
    const probe = await listenAnywhere();
    const free = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const oldPort = d().redmoon.port;
    expect(await d().ours.call('CONFIG', 'SET', 'port', String(free))).toBe('+OK\r\n');
    try {
      const c = await RawClient.connect(free);
      expect(await c.call('PING')).toBe('+PONG\r\n');
      c.close();
      await expect(RawClient.connect(oldPort)).rejects.toThrow();
    } finally {
      expect(await d().ours.call('CONFIG', 'SET', 'port', String(oldPort))).toBe('+OK\r\n');
    }
    const back = await RawClient.connect(oldPort);
    expect(await back.call('PING')).toBe('+PONG\r\n');
    back.close();
  });

  it("Redis's hidden configs: known to CONFIG GET/SET by name, absent from patterns", async () => {
    const hidden = ['use-exit-on-panic', 'rdb-key-save-delay', 'key-load-delay', 'watchdog-period', 'loading-process-events-interval-bytes'];
    for (const name of hidden) await d().same('CONFIG', 'GET', name);
    await d().seq([
      ['CONFIG', 'SET', 'key-load-delay', '10', 'loading-process-events-interval-bytes', '1024', 'use-exit-on-panic', 'yes'],
      ['CONFIG', 'GET', 'key-load-delay'],
      ['CONFIG', 'GET', 'loading-process-events-interval-bytes'],
      ['CONFIG', 'SET', 'loading-process-events-interval-bytes', '1000'],
      ['CONFIG', 'SET', 'key-load-delay', '0', 'loading-process-events-interval-bytes', '2097152', 'use-exit-on-panic', 'no'],
      ['CONFIG', 'GET', '*-delay'],
      ['CONFIG', 'GET', 'watchdog*'],
    ]);
  });
});
