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
/** Sends without waiting for a reply (the command blocks). */
function send(p: Pair, ...argv: string[]): void {
  p.real.sock.write(Buffer.from(enc(argv), 'latin1'));
  p.ours.sock.write(Buffer.from(enc(argv), 'latin1'));
}
async function read(p: Pair, n = 1, ms = 2000): Promise<string> {
  const [r, o] = await Promise.all([p.real.readRaw(n, ms), p.ours.readRaw(n, ms)]);
  expect(show(o)).toBe(show(r));
  return r;
}
const tick = (ms = 50) => new Promise((r) => setTimeout(r, ms));

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

describeDifferential('blocking commands', (d) => {
  test('non-blocking paths and argument errors', async () => {
    await d().seq([
      ['RPUSH', 'l', 'a', 'b', 'c'],
      ['BLPOP', 'nokey', 'l', '0'],
      ['BRPOP', 'l', '0'],
      ['SET', 's', 'x'],
      ['BLPOP', 's', 'l', '0'],
      ['BLPOP', 'l', '-1'],
      ['BLPOP', 'l', 'abc'],
      ['BLPOP', 'l', 'inf'],
      ['BLPOP', 'l', 'nan'],
      ['BLPOP', 'l', '1e16'],
      ['BLPOP', 'l', '0.5'],
      ['BLPOP', 'l'],
      ['RPUSH', 'l', 'a', 'b', 'c'],
      ['BLMOVE', 'l', 'd', 'LEFT', 'RIGHT', '0'],
      ['BLMOVE', 'l', 'd', 'UP', 'RIGHT', '0'],
      ['BLMOVE', 'l', 'd', 'LEFT', 'RIGHT', '-1'],
      ['BLMOVE', 'l', 's', 'LEFT', 'RIGHT', '0'],
      ['BLMOVE', 's', 'd', 'LEFT', 'RIGHT', '0'],
      ['BRPOPLPUSH', 'l', 'd', '0'],
      ['LRANGE', 'd', '0', '-1'],
      ['BLMPOP', '0', '2', 'nokey', 'd', 'LEFT', 'COUNT', '5'],
      ['RPUSH', 'l', 'a', 'b', 'c'],
      ['BLMPOP', '0', '1', 'l', 'RIGHT'],
      ['BLMPOP', '0', '0', 'l', 'RIGHT'],
      ['BLMPOP', '0', '1', 'l'],
      ['BLMPOP', '0', '1', 'l', 'MIDDLE'],
      ['BLMPOP', '0', '1', 'l', 'LEFT', 'COUNT', '0'],
      ['BLMPOP', '0', '1', 'l', 'LEFT', 'COUNT', '1', 'COUNT', '1'],
      ['BLMPOP', '-1', '1', 'l', 'LEFT'],
      ['BLMPOP', 'x', '1', 'l', 'LEFT'],
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
      ['BZPOPMIN', 'nokey', 'z', '0'],
      ['BZPOPMAX', 'z', '0'],
      ['BZPOPMIN', 's', '0'],
      ['BZPOPMIN', 'z', '-1'],
      ['BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '10'],
      ['ZADD', 'z', '1', 'a', '2', 'b'],
      ['BZMPOP', '0', '1', 'z', 'MAX'],
      ['BZMPOP', '0', '1', 'z', 'FOO'],
      ['BZMPOP', '0', '1', 'z'],
    ]);
  });

  test('RESP3 replies', async () => {
    await d().both('HELLO', '3');
    try {
      await d().seq([
        ['ZADD', 'z', '1.5', 'a', '2', 'b'],
        ['BZPOPMIN', 'z', '0'],
        ['BZMPOP', '0', '1', 'z', 'MAX', 'COUNT', '3'],
        ['RPUSH', 'l', 'a'],
        ['BLPOP', 'l', '0'],
        ['MULTI'],
        ['BLPOP', 'l', '0'],
        ['BLMOVE', 'l', 'd', 'LEFT', 'LEFT', '0'],
        ['BZPOPMAX', 'z', '0'],
        ['EXEC'],
      ]);
    } finally {
      await d().both('HELLO', '2');
    }
  });

  test('inside MULTI they do not block', async () => {
    await d().seq([
      ['MULTI'],
      ['BLPOP', 'l', '0'],
      ['BRPOPLPUSH', 'l', 'd', '0'],
      ['BLMOVE', 'l', 'd', 'LEFT', 'LEFT', '0'],
      ['BLMPOP', '0', '1', 'l', 'LEFT'],
      ['BZPOPMIN', 'z', '0'],
      ['BZMPOP', '0', '1', 'z', 'MIN'],
      ['EXEC'],
    ]);
  });

  test('block then served by a push, FIFO order', async () => {
    await pairs(d, 3, async (a, b, c) => {
      send(a, 'BLPOP', 'q1', 'q2', '0');
      await tick();
      send(b, 'BRPOP', 'q2', '0');
      await tick();
      await on(c, 1, 'RPUSH', 'q2', 'x', 'y', 'z');
      await read(a);
      await read(b);
      await on(c, 1, 'LRANGE', 'q2', '0', '-1');
    });
  });

  test('timeouts', async () => {
    await pairs(d, 1, async (a) => {
      await on(a, 1, 'BLPOP', 'q', '0.05');
      await on(a, 1, 'BLMOVE', 'q', 'd', 'LEFT', 'LEFT', '0.05');
      await on(a, 1, 'BRPOPLPUSH', 'q', 'd', '0.05');
      await on(a, 1, 'BZPOPMIN', 'q', '0.05');
      await on(a, 1, 'BLMPOP', '0.05', '1', 'q', 'LEFT');
      await on(a, 1, 'BZMPOP', '0.05', '1', 'q', 'MIN');
    });
  });

  test('pipelined commands run after the blocked one', async () => {
    await pairs(d, 2, async (a, b) => {
      const both = Buffer.from(enc(['BLPOP', 'q', '0']) + enc(['PING']) + enc(['LLEN', 'q']), 'latin1');
      a.real.sock.write(both);
      a.ours.sock.write(both);
      await tick();
      await on(b, 1, 'LPUSH', 'q', 'v1', 'v2');
      await read(a, 3);
    });
  });

  test('BLMOVE chains serve clients blocked on the destination', async () => {
    await pairs(d, 3, async (a, b, c) => {
      send(a, 'BLMOVE', 'src', 'mid', 'RIGHT', 'LEFT', '0');
      await tick();
      send(b, 'BRPOP', 'mid', '0');
      await tick();
      await on(c, 1, 'LPUSH', 'src', 'e1');
      await read(a);
      await read(b);
      await on(c, 1, 'EXISTS', 'src', 'mid');
    });
  });

  test('served after EXEC, wrong type keeps waiting', async () => {
    await pairs(d, 2, async (a, b) => {
      send(a, 'BLPOP', 'k', '0');
      await tick();
      await on(b, 1, 'SET', 'k', 'str');
      await on(b, 1, 'DEL', 'k');
      await on(b, 1, 'MULTI');
      await on(b, 1, 'RPUSH', 'k', '1');
      await on(b, 1, 'RPUSH', 'k', '2');
      await on(b, 1, 'LPOP', 'k');
      await on(b, 1, 'EXEC');
      await read(a);
      await on(b, 1, 'LRANGE', 'k', '0', '-1');
    });
  });

  test('list emptied in the same EXEC does not serve', async () => {
    await pairs(d, 2, async (a, b) => {
      send(a, 'BLPOP', 'k', '0.3');
      await tick();
      await on(b, 1, 'MULTI');
      await on(b, 1, 'RPUSH', 'k', '1');
      await on(b, 1, 'DEL', 'k');
      await on(b, 1, 'EXEC');
      await read(a, 1, 2000);
    });
  });

  test('BLMOVE to a wrong-type destination unblocks with the error', async () => {
    await pairs(d, 2, async (a, b) => {
      await on(b, 1, 'SET', 'dst', 'x');
      send(a, 'BLMOVE', 'src', 'dst', 'LEFT', 'LEFT', '0');
      await tick();
      await on(b, 1, 'RPUSH', 'src', 'v');
      await read(a);
      await on(b, 1, 'LRANGE', 'src', '0', '-1');
    });
  });

  test('sorted sets', async () => {
    await pairs(d, 3, async (a, b, c) => {
      send(a, 'BZPOPMAX', 'z1', 'z2', '0');
      await tick();
      send(b, 'BZMPOP', '0', '1', 'z2', 'MIN', 'COUNT', '2');
      await tick();
      await on(c, 1, 'ZADD', 'z2', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
      await read(a);
      await read(b);
      await on(c, 1, 'ZRANGE', 'z2', '0', '-1', 'WITHSCORES');
    });
  });

  test('BLMPOP served with count', async () => {
    await pairs(d, 2, async (a, b) => {
      send(a, 'BLMPOP', '0', '2', 'x', 'y', 'RIGHT', 'COUNT', '2');
      await tick();
      await on(b, 1, 'RPUSH', 'y', '1', '2', '3');
      await read(a);
    });
  });

  test('CLIENT UNBLOCK', async () => {
    await pairs(d, 2, async (a, b) => {
      const [idR, idO] = await Promise.all([a.real.command('CLIENT', 'ID'), a.ours.command('CLIENT', 'ID')]);
      const unblock = async (...rest: string[]) => {
        const [r, o] = await Promise.all([
          b.real.call('CLIENT', 'UNBLOCK', String(idR), ...rest),
          b.ours.call('CLIENT', 'UNBLOCK', String(idO), ...rest),
        ]);
        expect(o).toBe(r);
      };
      send(a, 'BLPOP', 'k', '0');
      await tick();
      await unblock();
      await read(a);
      send(a, 'BZPOPMIN', 'k', '0');
      await tick();
      await unblock('ERROR');
      await read(a);
      send(a, 'BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '0');
      await tick();
      await unblock('TIMEOUT');
      await read(a);
      await unblock();
      await unblock('FOO');
      await on(b, 1, 'CLIENT', 'UNBLOCK', 'abc');
      await on(b, 1, 'CLIENT', 'UNBLOCK', '99999');
    });
  });
});
