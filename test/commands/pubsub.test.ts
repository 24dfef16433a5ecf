import { test, expect } from 'vitest';
import { describeDifferential, type Differential } from '../support/differential.ts';
import type { RawClient } from '../support/raw-client.ts';

type Pair = { real: RawClient; ours: RawClient };
const enc = (a: string[]) => `*${a.length}\r\n${a.map((x) => `$${x.length}\r\n${x}\r\n`).join('')}`;

const show = (s: string) => s.replace(/\r\n/g, '⏎\n');

/** Sends a command on both sides of a pair, compares the next n replies. */
async function on(p: Pair, n: number, ...argv: string[]): Promise<void> {
  const [r, o] = await Promise.all([p.real.sendRaw(enc(argv), n), p.ours.sendRaw(enc(argv), n)]);
  expect(show(o), JSON.stringify(argv)).toBe(show(r));
}

/** Compares the next n replies already on their way. */
async function read(p: Pair, n: number): Promise<void> {
  const [r, o] = await Promise.all([p.real.readRaw(n), p.ours.readRaw(n)]);
  expect(show(o)).toBe(show(r));
}

async function withPair(d: () => Differential, f: (a: Pair, b: Pair) => Promise<void>): Promise<void> {
  const a = await d().pair();
  const b = await d().pair();
  try {
    await f(a, b);
  } finally {
    a.real.close();
    a.ours.close();
    b.real.close();
    b.ours.close();
  }
}

describeDifferential('pub/sub', (d) => {
  test('subscribe, publish, unsubscribe (RESP2)', async () => {
    await withPair(d, async (a, b) => {
      await on(a, 2, 'SUBSCRIBE', 'ch1', 'ch2');
      await on(a, 1, 'SUBSCRIBE', 'ch1');
      await on(a, 1, 'PSUBSCRIBE', 'c*');
      await on(b, 1, 'PUBLISH', 'ch1', 'hello');
      await read(a, 2);
      await on(b, 1, 'PUBLISH', 'other', 'x');
      await on(b, 1, 'PUBLISH', 'cx', 'y\x00z');
      await read(a, 1);
      await on(a, 1, 'PING');
      await on(a, 1, 'PING', 'msg');
      await on(a, 1, 'GET', 'x');
      await on(a, 1, 'CLIENT', 'LIST');
      await on(a, 1, 'UNSUBSCRIBE', 'ch1');
      await on(a, 1, 'UNSUBSCRIBE', 'nope');
      await on(a, 1, 'PUNSUBSCRIBE');
      await on(a, 1, 'PUNSUBSCRIBE');
      await on(a, 1, 'UNSUBSCRIBE');
      await on(a, 1, 'UNSUBSCRIBE');
      await on(a, 1, 'PING');
      await on(a, 1, 'GET', 'x');
    });
  });

  test('RESP3 pushes interleave with replies', async () => {
    await withPair(d, async (a, b) => {
      await Promise.all([a.real.call('HELLO', '3'), a.ours.call('HELLO', '3')]);
      await on(a, 1, 'SUBSCRIBE', 'n');
      await on(a, 1, 'SET', 'k', 'v');
      await on(a, 1, 'PING');
      await on(a, 2, 'PUBLISH', 'n', 'self');
      await on(b, 1, 'PUBLISH', 'n', 'other');
      await read(a, 1);
      await on(a, 1, 'GET', 'k');
      await on(a, 1, 'UNSUBSCRIBE');
      await on(a, 1, 'UNSUBSCRIBE');
      await on(a, 1, 'PUNSUBSCRIBE', 'x');
      await on(a, 1, 'SSUBSCRIBE', 's1');
      await on(b, 1, 'SPUBLISH', 's1', 'm');
      await read(a, 1);
      await on(a, 1, 'SUNSUBSCRIBE');
      await on(a, 1, 'SUNSUBSCRIBE');
    });
  });

  test('shard channels', async () => {
    await withPair(d, async (a, b) => {
      await on(a, 2, 'SSUBSCRIBE', 's1', 's2');
      await on(a, 1, 'SUBSCRIBE', 'c');
      await on(b, 1, 'SPUBLISH', 's1', 'x');
      await read(a, 1);
      await on(b, 1, 'PUBLISH', 's1', 'x');
      await d().sameUnordered('PUBSUB', 'SHARDCHANNELS');
      await on(b, 1, 'PUBSUB', 'SHARDNUMSUB', 's1', 'nope');
      await on(b, 1, 'PUBSUB', 'SHARDCHANNELS', 's2*');
      await on(a, 1, 'SUNSUBSCRIBE', 's1');
      await on(a, 1, 'SUNSUBSCRIBE', 's2');
      await on(a, 1, 'SUNSUBSCRIBE');
      await on(a, 1, 'UNSUBSCRIBE');
    });
  });

  test('PUBSUB introspection', async () => {
    await withPair(d, async (a, b) => {
      await on(a, 1, 'SUBSCRIBE', 'news');
      await on(a, 2, 'PSUBSCRIBE', 'a*', 'b*');
      await on(b, 1, 'SUBSCRIBE', 'news');
      await d().seq([
        ['PUBSUB', 'CHANNELS'],
        ['PUBSUB', 'CHANNELS', 'n*'],
        ['PUBSUB', 'CHANNELS', 'x*'],
        ['PUBSUB', 'NUMSUB', 'news', 'none'],
        ['PUBSUB', 'NUMSUB'],
        ['PUBSUB', 'NUMPAT'],
        ['PUBSUB', 'SHARDNUMSUB'],
        ['PUBSUB', 'SHARDCHANNELS'],
        ['PUBSUB', 'HELP'],
        ['PUBSUB', 'help'],
        ['PUBSUB'],
        ['PUBSUB', 'FOO'],
        ['PUBSUB', 'CHANNELS', 'a', 'b'],
        ['PUBSUB', 'NUMPAT', 'x'],
        ['PUBLISH', 'news', 'm'],
        ['PUBLISH', 'a1', 'm'],
        ['PUBLISH'],
        ['SUBSCRIBE'],
        ['SPUBLISH', 'x'],
      ]);
      await read(a, 2);
    });
  });

  test('RESET leaves subscribed mode; QUIT allowed', async () => {
    await withPair(d, async (a) => {
      await on(a, 1, 'SUBSCRIBE', 'x');
      await on(a, 1, 'RESET');
      await on(a, 1, 'GET', 'x');
      await on(a, 1, 'PUBSUB', 'NUMSUB', 'x');
      await on(a, 1, 'SUBSCRIBE', 'x');
      await on(a, 1, 'QUIT');
    });
  });

  test('pushes are delivered under CLIENT REPLY OFF', async () => {
    await withPair(d, async (a, b) => {
      const off = enc(['CLIENT', 'REPLY', 'OFF']) + enc(['SUBSCRIBE', 'q']);
      a.real.sock.write(off);
      a.ours.sock.write(off);
      await read(a, 1);
      await on(b, 1, 'PUBLISH', 'q', 'm');
      await read(a, 1);
    });
  });

  test('SUBSCRIBE inside MULTI', async () => {
    await withPair(d, async (a) => {
      await on(a, 1, 'MULTI');
      await on(a, 1, 'SUBSCRIBE', 'x');
      await on(a, 1, 'EXEC');
      await read(a, 1);
      await on(a, 1, 'UNSUBSCRIBE');
    });
  });
});
