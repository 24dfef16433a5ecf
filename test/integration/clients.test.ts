import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { startServer, type RunningServer } from '../../src/index.ts';

let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ port: 0, log: () => {} });
});

afterAll(async () => {
  await server.close();
});

describe('ioredis', () => {
  test('strings, pipelines and binary values', async () => {
    const r = new Redis(server.port, server.host, { lazyConnect: true });
    await r.connect();
    try {
      expect(await r.ping()).toBe('PONG');
      expect(await r.set('k', 'v')).toBe('OK');
      expect(await r.get('k')).toBe('v');
      const bin = Buffer.from([0, 255, 128, 10, 13]);
      await r.set(Buffer.from('bin\x00key', 'latin1'), bin);
      expect(await r.getBuffer(Buffer.from('bin\x00key', 'latin1'))).toEqual(bin);
      const res = await r.pipeline().incr('n').incr('n').get('n').exec();
      expect(res).toEqual([
        [null, 1],
        [null, 2],
        [null, '2'],
      ]);
      await expect(r.call('nosuchcommand')).rejects.toThrow(/unknown command/);
    } finally {
      r.disconnect();
    }
  });

  test('select and separate databases', async () => {
    const r = new Redis({ port: server.port, host: server.host, db: 3 });
    try {
      await r.set('only-in-3', '1');
      expect(await r.exists('only-in-3')).toBe(1);
      await r.select(0);
      expect(await r.exists('only-in-3')).toBe(0);
    } finally {
      r.disconnect();
    }
  });
});

describe('node-redis', () => {
  test('RESP2 basics', async () => {
    const c = createClient({ url: server.url });
    await c.connect();
    try {
      expect(await c.ping()).toBe('PONG');
      await c.set('nr', 'x');
      expect(await c.get('nr')).toBe('x');
      expect(await c.incrBy('nr2', 5)).toBe(5);
      const multi = await c.multi().set('a', '1').get('a').exec();
      expect(multi).toEqual(['OK', '1']);
    } finally {
      await c.quit();
    }
  });

  test('RESP3 via HELLO 3', async () => {
    const c = createClient({ url: server.url, RESP: 3 });
    await c.connect();
    try {
      await c.set('r3', 'y');
      expect(await c.get('r3')).toBe('y');
    } finally {
      await c.quit();
    }
  });
});

describe('embedding', () => {
  test('several servers in one process are independent', async () => {
    const a = await startServer({ port: 0, log: () => {} });
    const b = await startServer({ port: 0, log: () => {} });
    const ra = new Redis(a.port);
    const rb = new Redis(b.port);
    try {
      await ra.set('x', 'a');
      expect(await rb.get('x')).toBeNull();
      b.flushall();
      a.flushall();
      expect(await ra.get('x')).toBeNull();
    } finally {
      ra.disconnect();
      rb.disconnect();
      await a.close();
      await b.close();
    }
  });

  // a close() that waited on the connected client would run into the test's timeout
  test('close() releases the port with a client still connected', async () => {
    const s = await startServer({ port: 0, log: () => {} });
    const r = new Redis(s.port, { lazyConnect: true, retryStrategy: () => null });
    await r.connect();
    await s.close();
    r.disconnect();
  }, 30_000);
});
