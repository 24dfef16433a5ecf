import net from 'node:net';
import { test, expect } from 'vitest';
import { describeDifferential, type Differential } from '../support/differential.ts';
import { RawClient, encodeCommand } from '../support/raw-client.ts';
import { closedWithin } from '../support/client-probes.ts';

/**
 * The connection limits Redis enforces, side by side with redis-server: a protocol error
 * closes the connection once its reply is out, client-output-buffer-limit disconnects a
 * client whose unsent output passes its class's limit, maxclients refuses with Redis's text.
 */

/** Waits (bounded) until the client's socket is closed by the server. */
async function statOf(d: Differential, which: 'real' | 'ours', field: string): Promise<string | undefined> {
  const raw = (await d[which].command('INFO', 'stats')) as string;
  const m = new RegExp(`^${field}:(\\d+)`, 'm').exec(raw);
  return m?.[1];
}

describeDifferential('connection limits', (d) => {
  for (const [name, bytes] of [
    ['bad bulk length', '*1\r\n$x\r\n'],
    ['too long multibulk count', '*' + '1'.repeat(70000)],
    ['inline request without a newline', 'x'.repeat(70000)],
  ] as const) {
    test(`a protocol error (${name}) closes the connection after the error reply`, async () => {
      const p = await d().pair();
      try {
        const [r, o] = await Promise.all([p.real.sendRaw(bytes, 1, 3000), p.ours.sendRaw(bytes, 1, 3000)]);
        expect(o).toBe(r);
        expect(await closedWithin(p.real, 5000)).toBe(true);
        expect(await closedWithin(p.ours, 5000)).toBe(true);
      } finally {
        p.real.close();
        p.ours.close();
      }
    });
  }

  test('input that keeps coming after a protocol error is not read', async () => {
    const before = Number(await statOf(d(), 'ours', 'total_net_input_bytes'));
    // A peer that half-closes nothing and keeps writing after the error reply.
    const sock = net.connect({ port: d().redmoon.port, host: '127.0.0.1', allowHalfOpen: true });
    sock.on('error', () => {});
    await new Promise((r) => sock.once('connect', r));
    sock.write('*1\r\n$x\r\n');
    const chunk = Buffer.alloc(64 * 1024, 'a');
    for (let i = 0; i < 64 && !sock.destroyed; i++) {
      sock.write(chunk);
      await new Promise((r) => setTimeout(r, 5));
    }
    sock.destroy();
    const after = Number(await statOf(d(), 'ours', 'total_net_input_bytes'));
    expect(after - before).toBeLessThan(1024 * 1024);
  });

  test('nothing sent after a protocol error is executed', async () => {
    const p = await d().pair();
    try {
      const bytes = '*1\r\n$x\r\n*3\r\n$3\r\nSET\r\n$5\r\nafter\r\n$1\r\n1\r\n';
      const [r, o] = await Promise.all([p.real.sendRaw(bytes, 2, 1000), p.ours.sendRaw(bytes, 2, 1000)]);
      expect(o).toBe(r);
      await d().same('EXISTS', 'after');
    } finally {
      p.real.close();
      p.ours.close();
    }
  });

  test('pubsub hard limit disconnects a subscriber that does not read', async () => {
    await d().same('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 100000 0 0');
    const p = await d().pair();
    try {
      await d().both('CLIENT', 'SETNAME', 'publisher');
      for (const c of [p.real, p.ours]) {
        await c.call('CLIENT', 'SETNAME', 'slowsub');
        await c.call('SUBSCRIBE', 'ch');
        c.sock.pause(); // never reads again: the kernel buffers fill, then the server's
      }
      const msg = 'm'.repeat(4096);
      const burst = Buffer.concat(Array.from({ length: 200 }, () => encodeCommand(['PUBLISH', 'ch', msg])));
      for (let round = 0; round < 40; round++) {
        await Promise.all([d().real.sendRaw(burst, 200, 5000), d().ours.sendRaw(burst, 200, 5000)]);
        const lists = await d().both('CLIENT', 'LIST');
        if (!lists.real.includes('name=slowsub') && !lists.ours.includes('name=slowsub')) break;
      }
      const lists = await d().both('CLIENT', 'LIST');
      expect(lists.real).not.toContain('name=slowsub');
      expect(lists.ours).not.toContain('name=slowsub');
      expect(await statOf(d(), 'ours', 'client_output_buffer_limit_disconnections')).toBe('1');
    } finally {
      p.real.close();
      p.ours.close();
      await d().same('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 33554432 8388608 60');
    }
  });

  test('normal hard limit disconnects a client that pipelines big replies without reading', async () => {
    await d().same('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 200000 0 0');
    await d().same('SET', 'big', 'v'.repeat(100000));
    const p = await d().pair();
    try {
      const burst = Buffer.concat(Array.from({ length: 50 }, () => encodeCommand(['GET', 'big'])));
      for (const c of [p.real, p.ours]) {
        await c.call('CLIENT', 'SETNAME', 'reader');
        c.sock.pause();
      }
      for (let round = 0; round < 40; round++) {
        for (const c of [p.real, p.ours]) if (!c.closed) c.sock.write(burst);
        await new Promise((r) => setTimeout(r, 50));
        const lists = await d().both('CLIENT', 'LIST');
        if (!lists.real.includes('name=reader') && !lists.ours.includes('name=reader')) break;
      }
      const lists = await d().both('CLIENT', 'LIST');
      expect(lists.real).not.toContain('name=reader');
      expect(lists.ours).not.toContain('name=reader');
    } finally {
      p.real.close();
      p.ours.close();
      await d().same('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0');
      await d().same('DEL', 'big');
    }
  });

  test('pubsub soft limit disconnects only after the soft seconds pass', async () => {
    await d().same('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 0 100000 1');
    const p = await d().pair();
    try {
      for (const c of [p.real, p.ours]) {
        await c.call('CLIENT', 'SETNAME', 'softsub');
        await c.call('SUBSCRIBE', 'ch');
        c.sock.pause();
      }
      const burst = Buffer.concat(Array.from({ length: 100 }, () => encodeCommand(['PUBLISH', 'ch', 'm'.repeat(4096)])));
      // Fill past the soft limit once: both keep the client for now.
      for (let round = 0; round < 20; round++) {
        await Promise.all([d().real.sendRaw(burst, 100, 5000), d().ours.sendRaw(burst, 100, 5000)]);
      }
      // Keep publishing for over two seconds: both close it.
      const deadline = Date.now() + 15000;
      while (Date.now() < deadline) {
        await Promise.all([d().real.sendRaw(encodeCommand(['PUBLISH', 'ch', 'x']), 1), d().ours.sendRaw(encodeCommand(['PUBLISH', 'ch', 'x']), 1)]);
        const lists = await d().both('CLIENT', 'LIST');
        if (!lists.real.includes('name=softsub') && !lists.ours.includes('name=softsub')) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const lists = await d().both('CLIENT', 'LIST');
      expect(lists.real).not.toContain('name=softsub');
      expect(lists.ours).not.toContain('name=softsub');
    } finally {
      p.real.close();
      p.ours.close();
      await d().same('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 33554432 8388608 60');
    }
  });

  test('maxclients refuses one more connection with the error Redis sends', async () => {
    const count = async (c: RawClient) => ((await c.command('INFO', 'clients')) as string).match(/connected_clients:(\d+)/)![1];
    const [nr, no] = [Number(await count(d().real)), Number(await count(d().ours))];
    await d().real.command('CONFIG', 'SET', 'maxclients', String(nr + 1));
    await d().ours.command('CONFIG', 'SET', 'maxclients', String(no + 1));
    const p = await d().pair();
    const q = await d().pair();
    try {
      await d().same('PING');
      expect(await p.ours.call('PING')).toBe(await p.real.call('PING'));
      const [r, o] = await Promise.all([q.real.readRaw(1, 3000), q.ours.readRaw(1, 3000)]);
      expect(o).toBe(r);
      expect(o).toBe('-ERR max number of clients reached\r\n');
      expect(await closedWithin(q.ours, 5000)).toBe(true);
      expect(await closedWithin(q.real, 5000)).toBe(true);
    } finally {
      for (const c of [p.real, p.ours, q.real, q.ours]) c.close();
      await d().same('CONFIG', 'SET', 'maxclients', '10000');
    }
  });
});
