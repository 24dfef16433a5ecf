import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { startServer, type RunningServer } from '../../src/index.ts';

describe('real clients: pub/sub, blocking, tracking', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ port: 0, log: () => {} });
  });
  afterAll(async () => {
    await server.close();
  });

  test('ioredis subscribe / psubscribe / publish', async () => {
    const sub = new Redis(server.port, server.host);
    const pub = new Redis(server.port, server.host);
    try {
      const got: string[] = [];
      sub.on('message', (ch, msg) => got.push(`${ch}:${msg}`));
      sub.on('pmessage', (pat, ch, msg) => got.push(`${pat}|${ch}:${msg}`));
      expect(await sub.subscribe('news', 'sport')).toBe(2);
      expect(await sub.psubscribe('n*')).toBe(3);
      expect(await pub.publish('news', 'hello')).toBe(2);
      expect(await pub.publish('sport', 'goal')).toBe(1);
      await new Promise((r) => setTimeout(r, 50));
      expect(got.sort()).toEqual(['n*|news:hello', 'news:hello', 'sport:goal']);
      expect(await pub.pubsub('NUMSUB', 'news')).toEqual(['news', 1]);
      // (ioredis waits forever on a bare UNSUBSCRIBE while patterns remain, with Redis too.)
      await sub.punsubscribe('n*');
      await sub.unsubscribe();
      expect(await sub.get('nothing')).toBeNull();
    } finally {
      sub.disconnect();
      pub.disconnect();
    }
  });

  test('node-redis RESP2 and RESP3 subscribers', async () => {
    const pub = createClient({ url: server.url });
    const s2 = createClient({ url: server.url });
    const s3 = createClient({ url: server.url, RESP: 3 });
    await Promise.all([pub.connect(), s2.connect(), s3.connect()]);
    try {
      const got: string[] = [];
      await s2.subscribe('ch', (m) => got.push(`2:${m}`));
      await s3.subscribe('ch', (m) => got.push(`3:${m}`));
      await s3.pSubscribe('c*', (m, ch) => got.push(`3p:${ch}:${m}`));
      // RESP3 connections keep working for normal commands while subscribed.
      expect(await s3.set('k', 'v')).toBe('OK');
      expect(await pub.publish('ch', 'm1')).toBe(3);
      await new Promise((r) => setTimeout(r, 50));
      expect(got.sort()).toEqual(['2:m1', '3:m1', '3p:ch:m1']);
      expect(await s3.get('k')).toBe('v');
    } finally {
      await Promise.all([pub.quit(), s2.quit(), s3.quit()]);
    }
  });

  test('ioredis blocking pops', async () => {
    const a = new Redis(server.port, server.host);
    const b = new Redis(server.port, server.host);
    try {
      const p1 = a.blpop('bq', 0);
      const p2 = b.bzpopmin('bz', 0);
      await new Promise((r) => setTimeout(r, 30));
      const c = new Redis(server.port, server.host);
      await c.rpush('bq', 'x');
      await c.zadd('bz', 5, 'm');
      expect(await p1).toEqual(['bq', 'x']);
      expect(await p2).toEqual(['bz', 'm', '5']);
      expect(await a.brpop('none', 0.05)).toBeNull();
      expect(await a.blmove('none', 'd', 'LEFT', 'RIGHT', 0.05)).toBeNull();
      c.disconnect();
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });

  test('node-redis blocking on an isolated connection and MULTI', async () => {
    const c = createClient({ url: server.url });
    const iso = c.duplicate();
    await Promise.all([c.connect(), iso.connect()]);
    try {
      const blocked = iso.blPop('nq', 0);
      await new Promise((r) => setTimeout(r, 30));
      await c.rPush('nq', 'v');
      expect(await blocked).toEqual({ key: 'nq', element: 'v' });
      const res = await c.multi().set('t', '1').incr('t').blPop('empty', 0).exec();
      expect(res).toEqual(['OK', 2, null]);
    } finally {
      await Promise.all([c.quit(), iso.quit()]);
    }
  });

  test('node-redis RESP3 client-side tracking invalidations', async () => {
    const c = createClient({ url: server.url, RESP: 3 });
    const w = createClient({ url: server.url });
    await Promise.all([c.connect(), w.connect()]);
    try {
      const raw = await c.sendCommand(['CLIENT', 'TRACKING', 'ON']);
      expect(raw).toBe('OK');
      await c.get('tk');
      await w.set('tk', '1');
      // The server sent an invalidate push; the connection stays usable.
      await new Promise((r) => setTimeout(r, 30));
      expect(await c.get('tk')).toBe('1');
    } finally {
      await Promise.all([c.quit(), w.quit()]);
    }
  });

  test('ioredis RESP2 tracking via redirect', async () => {
    const sub = new Redis(server.port, server.host);
    const c = new Redis(server.port, server.host);
    try {
      const id = await sub.client('ID');
      const keys: string[] = [];
      sub.on('message', (_ch, msg) => keys.push(String(msg)));
      await sub.subscribe('__redis__:invalidate');
      await c.call('CLIENT', 'TRACKING', 'ON', 'REDIRECT', String(id));
      await c.get('rk');
      await c.set('rk', 'x');
      await new Promise((r) => setTimeout(r, 50));
      expect(keys.length).toBe(1);
    } finally {
      sub.disconnect();
      c.disconnect();
    }
  });
});
