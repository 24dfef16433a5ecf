import { test, expect } from 'vitest';
import { describeDifferential, type Differential } from '../support/differential.ts';
import type { RawClient } from '../support/raw-client.ts';

type Pair = { real: RawClient; ours: RawClient };
const show = (s: string) => s.replace(/\r\n/g, '⏎\n');
const enc = (a: string[]) => `*${a.length}\r\n${a.map((x) => `$${x.length}\r\n${x}\r\n`).join('')}`;

async function on(p: Pair, n: number, ...argv: string[]): Promise<string> {
  const [r, o] = await Promise.all([p.real.sendRaw(enc(argv), n), p.ours.sendRaw(enc(argv), n)]);
  expect(show(o), JSON.stringify(argv)).toBe(show(r));
  return r;
}
async function read(p: Pair, n = 1, ms = 2000): Promise<string> {
  const [r, o] = await Promise.all([p.real.readRaw(n, ms), p.ours.readRaw(n, ms)]);
  expect(show(o)).toBe(show(r));
  return r;
}
async function nothing(p: Pair): Promise<void> {
  const [r, o] = await Promise.all([p.real.drain(60), p.ours.drain(60)]);
  expect(show(o)).toBe(show(r));
}
async function ids(p: Pair): Promise<[string, string]> {
  const [r, o] = await Promise.all([p.real.command('CLIENT', 'ID'), p.ours.command('CLIENT', 'ID')]);
  return [String(r), String(o)];
}
async function pairs(d: () => Differential, n: number, f: (...p: Pair[]) => Promise<void>): Promise<void> {
  const ps: Pair[] = [];
  for (let i = 0; i < n; i++) ps.push(await d().pair());
  try {
    await f(...ps);
  } finally {
    for (const p of ps) {
      p.real.close();
      p.ours.close();
    }
  }
}
async function hello3(p: Pair): Promise<void> {
  await Promise.all([p.real.call('HELLO', '3'), p.ours.call('HELLO', '3')]);
}

describeDifferential('client tracking', (d) => {
  test('option errors and TRACKINGINFO / GETREDIR', async () => {
    await pairs(d, 1, async (a) => {
      await on(a, 1, 'CLIENT', 'TRACKINGINFO');
      await on(a, 1, 'CLIENT', 'GETREDIR');
      await on(a, 1, 'CLIENT', 'TRACKING', 'maybe');
      await on(a, 1, 'CLIENT', 'TRACKING', 'on', 'FOO');
      await on(a, 1, 'CLIENT', 'TRACKING', 'on', 'PREFIX', 'a');
      await on(a, 1, 'CLIENT', 'TRACKING', 'on', 'BCAST', 'OPTIN');
      await on(a, 1, 'CLIENT', 'TRACKING', 'on', 'OPTIN', 'OPTOUT');
      await on(a, 1, 'CLIENT', 'TRACKING', 'on', 'REDIRECT', '999999');
      await on(a, 1, 'CLIENT', 'TRACKING', 'on', 'REDIRECT', 'x');
      await on(a, 1, 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'ab', 'PREFIX', 'a');
      await on(a, 1, 'CLIENT', 'CACHING', 'yes');
      await on(a, 1, 'CLIENT', 'TRACKING', 'on', 'OPTIN');
      await on(a, 1, 'CLIENT', 'TRACKINGINFO');
      await on(a, 1, 'CLIENT', 'GETREDIR');
      await on(a, 1, 'CLIENT', 'CACHING', 'no');
      await on(a, 1, 'CLIENT', 'CACHING', 'maybe');
      await on(a, 1, 'CLIENT', 'CACHING', 'yes');
      await on(a, 1, 'CLIENT', 'TRACKINGINFO');
      await on(a, 1, 'CLIENT', 'TRACKING', 'on', 'OPTOUT');
      await on(a, 1, 'CLIENT', 'TRACKING', 'on', 'BCAST');
      await on(a, 1, 'CLIENT', 'TRACKING', 'off');
      await on(a, 1, 'CLIENT', 'TRACKINGINFO');
      await on(a, 1, 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'b', 'PREFIX', 'a', 'NOLOOP');
      await on(a, 1, 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'bc');
      await on(a, 1, 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'c');
      await on(a, 1, 'CLIENT', 'TRACKINGINFO');
      await on(a, 1, 'CLIENT', 'TRACKING', 'on');
      await on(a, 1, 'CLIENT', 'TRACKING', 'off');
      await on(a, 1, 'CLIENT', 'TRACKING', 'on', 'OPTOUT');
      await on(a, 1, 'CLIENT', 'CACHING', 'no');
      await on(a, 1, 'CLIENT', 'TRACKINGINFO');
      await on(a, 1, 'CLIENT', 'TRACKINGINFO');
      await on(a, 1, 'PING');
      await on(a, 1, 'CLIENT', 'TRACKINGINFO');
    });
  });

  test('RESP3 invalidation after a read; one message per read', async () => {
    await pairs(d, 2, async (a, b) => {
      await hello3(a);
      await on(a, 1, 'CLIENT', 'TRACKING', 'on');
      await on(a, 1, 'GET', 'k1');
      await on(a, 1, 'MGET', 'k2', 'k3');
      await on(b, 1, 'SET', 'k1', 'v');
      await read(a);
      await on(b, 1, 'SET', 'k1', 'v2');
      await nothing(a);
      await on(b, 1, 'MSET', 'k2', 'x', 'k3', 'y');
      await read(a, 2);
      // Own writes invalidate too (after the reply), unless NOLOOP.
      await on(a, 1, 'GET', 'k1');
      await on(a, 2, 'SET', 'k1', 'mine');
      await on(a, 1, 'CLIENT', 'TRACKING', 'on', 'NOLOOP');
      await on(a, 1, 'GET', 'k1');
      await on(a, 1, 'SET', 'k1', 'again');
      await nothing(a);
      // Flush sends a null.
      await on(a, 1, 'GET', 'k1');
      await on(b, 1, 'FLUSHALL');
      await read(a);
      await on(a, 2, 'FLUSHDB');
    });
  });

  test('EXEC: invalidations follow the EXEC reply', async () => {
    await pairs(d, 1, async (a) => {
      await hello3(a);
      await on(a, 1, 'CLIENT', 'TRACKING', 'on');
      await on(a, 1, 'GET', 'x');
      await on(a, 1, 'MULTI');
      await on(a, 1, 'SET', 'x', '1');
      await on(a, 1, 'GET', 'x');
      await on(a, 2, 'EXEC');
    });
  });

  test('OPTIN / OPTOUT', async () => {
    await pairs(d, 2, async (a, b) => {
      await hello3(a);
      await on(a, 1, 'CLIENT', 'TRACKING', 'on', 'OPTIN');
      await on(a, 1, 'GET', 'notcached');
      await on(a, 1, 'CLIENT', 'CACHING', 'yes');
      await on(a, 1, 'GET', 'cached');
      await on(b, 1, 'SET', 'notcached', '1');
      await on(b, 1, 'SET', 'cached', '1');
      await read(a);
      await on(a, 1, 'CLIENT', 'TRACKING', 'off');
      await on(a, 1, 'CLIENT', 'TRACKING', 'on', 'OPTOUT');
      await on(a, 1, 'CLIENT', 'CACHING', 'no');
      await on(a, 1, 'GET', 'skip');
      await on(a, 1, 'GET', 'keep');
      await on(b, 1, 'SET', 'skip', '1');
      await on(b, 1, 'SET', 'keep', '1');
      await read(a);
    });
  });

  test('RESP2 redirect to __redis__:invalidate, broken redirect', async () => {
    await pairs(d, 3, async (a, r, w) => {
      const [idReal, idOurs] = await ids(r);
      await on(r, 1, 'SUBSCRIBE', '__redis__:invalidate');
      const [x, y] = await Promise.all([
        a.real.call('CLIENT', 'TRACKING', 'on', 'REDIRECT', idReal),
        a.ours.call('CLIENT', 'TRACKING', 'on', 'REDIRECT', idOurs),
      ]);
      expect(y).toBe(x);
      await on(a, 1, 'GET', 'rk');
      await on(w, 1, 'SET', 'rk', '1');
      await read(r);
      await on(a, 1, 'GET', 'rk');
      await on(a, 1, 'FLUSHALL');
      await read(r);
      // The redirect target goes away.
      r.real.close();
      r.ours.close();
      await new Promise((res) => setTimeout(res, 50));
      await on(a, 1, 'GET', 'rk');
      await on(w, 1, 'SET', 'rk', '2');
      await nothing(a);
      const [ir, io] = await Promise.all([a.real.call('CLIENT', 'TRACKINGINFO'), a.ours.call('CLIENT', 'TRACKINGINFO')]);
      expect(io.replace(`:${idOurs}\r\n`, ':ID\r\n')).toBe(ir.replace(`:${idReal}\r\n`, ':ID\r\n'));
      expect(ir).toContain('broken_redirect');
    });
  });

  test('BCAST with prefixes', async () => {
    await pairs(d, 2, async (a, b) => {
      await hello3(a);
      await on(a, 1, 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'user:', 'PREFIX', 'obj:');
      await on(b, 1, 'MSET', 'user:2', 'x', 'user:1', 'y', 'other', 'z');
      await read(a);
      await on(b, 1, 'SET', 'obj:1', 'v');
      await read(a);
      await on(b, 1, 'SET', 'nomatch', 'v');
      await nothing(a);
    });
  });

  test('BCAST NOLOOP: a key its own command expired lazily is still sent (expiry is the server changing it)', async () => {
    await pairs(d, 1, async (a) => {
      await hello3(a);
      await on(a, 1, 'CLIENT', 'TRACKING', 'on', 'BCAST', 'NOLOOP');
      await on(a, 1, 'MULTI');
      await on(a, 1, 'SET', 'mykey{t}', 'v', 'PX', '1');
      await on(a, 1, 'SET', 'mykeyother{t}', 'v');
      await on(a, 1, 'DEBUG', 'SLEEP', '0.05');
      await on(a, 1, 'GET', 'mykey{t}');
      await on(a, 1, 'EXEC');
      await read(a);
      await nothing(a);
    });
  });

  test('a redirect client that QUIT is gone as soon as its +OK is read: redir-broken at once', async () => {
    await pairs(d, 3, async (a, r, b) => {
      const [idReal, idOurs] = await ids(r);
      await hello3(a);
      const [x, y] = await Promise.all([
        a.real.call('CLIENT', 'TRACKING', 'on', 'REDIRECT', idReal),
        a.ours.call('CLIENT', 'TRACKING', 'on', 'REDIRECT', idOurs),
      ]);
      expect(y).toBe(x);
      await on(b, 1, 'SET', 'key1', '1');
      await on(a, 1, 'GET', 'key1');
      await on(r, 1, 'QUIT');
      await on(b, 1, 'SET', 'key1', '2');
      const [pr, po] = await Promise.all([a.real.sendRaw(enc(['PING']), 2), a.ours.sendRaw(enc(['PING']), 2)]);
      expect(show(po.replace(`:${idOurs}\r\n`, ':ID\r\n'))).toBe(show(pr.replace(`:${idReal}\r\n`, ':ID\r\n')));
      expect(pr).toContain('tracking-redir-broken');
    });
  });

  test('a key evicted before a command runs is invalidated ahead of its reply', async () => {
    await pairs(d, 1, async (a) => {
      await hello3(a);
      await on(a, 1, 'CLIENT', 'TRACKING', 'on');
      await on(a, 1, 'SETEX', 'volatile-key', '10000', 'x');
      await on(a, 1, 'GET', 'volatile-key');
      try {
        // noeviction first, so that setting the limit evicts nothing; the next command does
        await on(a, 1, 'CONFIG', 'SET', 'maxmemory', '1');
        await on(a, 1, 'CONFIG', 'SET', 'maxmemory-policy', 'volatile-random');
        const r = await on(a, 2, 'GETBIT', 'big-key', '0');
        expect(r.startsWith('>2')).toBe(true);
      } finally {
        await on(a, 1, 'CONFIG', 'SET', 'maxmemory', '0');
        await on(a, 1, 'CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
      }
    });
  });

  test('tracking-table-max-keys: keys over the limit are invalidated before the next command', async () => {
    await pairs(d, 1, async (a) => {
      await hello3(a);
      await on(a, 1, 'CLIENT', 'TRACKING', 'on');
      await on(a, 1, 'MSET', 'tk1', '1', 'tk2', '2');
      await on(a, 1, 'MGET', 'tk1', 'tk2');
      try {
        await on(a, 1, 'CONFIG', 'SET', 'tracking-table-max-keys', '1');
        // which key goes is Redis's random pick: compare the shape with the key masked
        const [r, o] = await Promise.all([a.real.sendRaw(enc(['PING']), 2), a.ours.sendRaw(enc(['PING']), 2)]);
        const mask = (x: string) => x.replace(/tk[12]/, 'tkN');
        expect(show(mask(o))).toBe(show(mask(r)));
        expect(r).toMatch(/^>2\r\n\$10\r\ninvalidate\r\n\*1\r\n\$3\r\ntk[12]\r\n\+PONG\r\n$/);
      } finally {
        await on(a, 1, 'CONFIG', 'SET', 'tracking-table-max-keys', '1000000');
      }
      await on(a, 1, 'CLIENT', 'TRACKING', 'off');
    });
  });

  test('FLUSHALL empties the tracking table even when no client tracks any more', async () => {
    await pairs(d, 1, async (a) => {
      const info = async () => {
        const [r, o] = await Promise.all([a.real.call('INFO', 'stats'), a.ours.call('INFO', 'stats')]);
        const pick = (x: string) => x.split('\r\n').filter((l) => l.startsWith('tracking_total_')).join(',');
        expect(pick(o)).toBe(pick(r));
        return pick(r);
      };
      await on(a, 1, 'FLUSHALL');
      await on(a, 1, 'CLIENT', 'TRACKING', 'on');
      await on(a, 1, 'GET', 'fk1');
      await on(a, 1, 'CLIENT', 'TRACKING', 'off');
      expect(await info()).toContain('tracking_total_keys:1');
      await on(a, 1, 'FLUSHALL');
      expect(await info()).toContain('tracking_total_keys:0');
    });
  });

  test('scripts: a read command makes the caller track the keys the script declared', async () => {
    await pairs(d, 2, async (a, b) => {
      await hello3(a);
      await on(a, 1, 'CLIENT', 'TRACKING', 'on');
      // no read command: nothing tracked
      await on(a, 1, 'EVAL', "redis.call('set', 'key3{t}', 'bar')", '2', 'key1{t}', 'key2{t}');
      await on(b, 1, 'MSET', 'key2{t}', '1', 'key1{t}', '1');
      await nothing(a);
      // a read of another key: the declared keys are tracked
      await on(a, 1, 'EVAL', "redis.call('get', 'key3{t}')", '2', 'key1{t}', 'key2{t}');
      await on(b, 1, 'MSET', 'key2{t}', '2', 'key1{t}', '2');
      await read(a, 2);
      await on(b, 1, 'SET', 'key3{t}', 'x');
      await nothing(a);
      // read-only variants work like the others
      await on(a, 1, 'EVAL_RO', "redis.call('ping')", '2', 'key1{t}', 'key2{t}');
      await on(b, 1, 'MSET', 'key2{t}', '3', 'key1{t}', '3');
      await nothing(a);
      await on(a, 1, 'EVAL_RO', "redis.call('get', 'key1{t}')", '2', 'key1{t}', 'key2{t}');
      await on(b, 1, 'MSET', 'key2{t}', '4', 'key1{t}', '4');
      await read(a, 2);
      await on(a, 1, 'FUNCTION', 'LOAD', "#!lua name=tr\nredis.register_function('rd', function(k) return redis.call('get', 'other') end)");
      await on(a, 1, 'FCALL', 'rd', '1', 'fkey');
      await on(b, 1, 'SET', 'fkey', '1');
      await read(a, 1);
      await on(a, 1, 'FUNCTION', 'FLUSH');
      await on(a, 1, 'PING');
    });
  });
}, { 'enable-debug-command': 'yes' });
