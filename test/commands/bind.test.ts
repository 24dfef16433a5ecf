/**
 * Listening as redis-server does: `bind` takes several addresses, CONFIG SET bind moves the
 * listeners (or rolls back with Redis's error when it cannot), an empty `bind` listens on no
 * TCP address, and protected mode turns away non-loopback clients while the default user
 * has no password. Parameters that cannot change while loading get LOADING.
 */
import net from 'node:net';
import os from 'node:os';
import { describe, test, expect } from 'vitest';
import { startServer } from '../../src/index.ts';
import { RawClient } from '../support/raw-client.ts';

function canConnect(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, host);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** An IPv4 address of this machine other than loopback, if it has one. */
function outsideAddress(): string | null {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

describe('bind', () => {
  test('CONFIG SET bind to an address that cannot be bound fails and keeps listening as before', async () => {
    const s = await startServer({ port: 0, log: () => {} });
    const c = await RawClient.connect(s.port);
    try {
      expect(await c.call('CONFIG', 'SET', 'bind', '999.999.999.999')).toBe(
        "-ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.\r\n",
      );
      expect(await c.call('CONFIG', 'GET', 'bind')).toBe('*2\r\n$4\r\nbind\r\n$6\r\n* -::*\r\n');
      expect(await canConnect(s.port, '127.0.0.1')).toBe(true);
      const many = Array.from({ length: 17 }, (_, i) => String(i + 1)).join(' ');
      expect(await c.call('CONFIG', 'SET', 'bind', many)).toBe(
        "-ERR CONFIG SET failed (possibly related to argument 'bind') - Too many bind addresses specified.\r\n",
      );
    } finally {
      c.close();
      await s.close();
    }
  });

  test('an empty bind listens on no TCP address; setting one listens again', async () => {
    const s = await startServer({ port: 0, log: () => {} });
    const c = await RawClient.connect(s.port);
    try {
      expect(await c.call('CONFIG', 'SET', 'bind', '')).toBe('+OK\r\n');
      expect(await c.call('CONFIG', 'GET', 'bind')).toBe('*2\r\n$4\r\nbind\r\n$0\r\n\r\n');
      expect(await canConnect(s.port, '127.0.0.1')).toBe(false);
      expect(await c.call('PING')).toBe('+PONG\r\n'); // connections stay
      expect(await c.call('CONFIG', 'SET', 'bind', '127.0.0.1 -::1')).toBe('+OK\r\n');
      expect(await canConnect(s.port, '127.0.0.1')).toBe(true);
    } finally {
      c.close();
      await s.close();
    }
  });

  const outside = outsideAddress();
  test.skipIf(outside === null)('protected mode: no password, no clients from other addresses', async () => {
    const s = await startServer({ port: 0, config: { bind: '*' }, log: () => {} });
    const local = await RawClient.connect(s.port);
    try {
      const far = await RawClient.connect(s.port, outside!);
      // (two replies asked for: the read ends when the server closes the connection)
      expect(await far.readRaw(2, 5000)).toMatch(/^-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user\. /);
      expect(far.closed).toBe(true);
      expect(await local.call('CONFIG', 'SET', 'requirepass', 'secret')).toBe('+OK\r\n');
      const withPass = await RawClient.connect(s.port, outside!);
      expect(await withPass.call('AUTH', 'secret')).toBe('+OK\r\n');
      withPass.close();
      expect(await local.call('AUTH', 'secret')).toBe('+OK\r\n');
      expect(await local.call('CONFIG', 'SET', 'requirepass', '', 'protected-mode', 'no')).toBe('+OK\r\n');
      const open = await RawClient.connect(s.port, outside!);
      expect(await open.call('PING')).toBe('+PONG\r\n');
      open.close();
    } finally {
      local.close();
      await s.close();
    }
  });
});

test('CONFIG SET of a parameter that cannot change while loading answers LOADING', async () => {
  const s = await startServer({ port: 0, log: () => {} });
  const c = await RawClient.connect(s.port);
  try {
    s.server.loading = true;
    expect(await c.call('CONFIG', 'SET', 'appendonly', 'yes')).toBe('-LOADING Redis is loading the dataset in memory\r\n');
  } finally {
    s.server.loading = false;
    c.close();
    await s.close();
  }
});
