import { test, expect } from 'vitest';
import net from 'node:net';
import { startServer } from '../../src/index.ts';

/**
 * A client that has not authenticated may hold only a little unread output (Redis: 1 KB,
 * checked as replies are written): one that sends commands without reading the NOAUTH
 * errors is disconnected instead of piling them up.
 */
test('an unauthenticated client that does not read its replies is disconnected', async () => {
  const s = await startServer({ port: 0, config: { requirepass: 'pw' }, log: () => {} });
  const sock = net.connect(s.port, '127.0.0.1');
  sock.on('error', () => {});
  await new Promise<void>((r) => sock.once('connect', () => r()));
  sock.pause(); // never reads
  let closed = false;
  sock.once('close', () => (closed = true));
  const batch = Buffer.from('SET x 5\r\n'.repeat(10_000));
  // Bounded: 200 batches would make 68 MB of errors, far past any socket buffer.
  for (let i = 0; i < 200 && !closed; i++) {
    await new Promise<void>((r) => sock.write(batch, () => r()));
    await new Promise((r) => setImmediate(r));
  }
  for (let i = 0; i < 100 && !closed; i++) await new Promise((r) => setTimeout(r, 20));
  expect(closed).toBe(true);
  expect(s.server.stats.outputBufferLimitDisconnections).toBe(1);
  sock.destroy();
  await s.close();
}, 60_000);
