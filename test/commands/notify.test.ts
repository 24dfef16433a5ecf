import { test, expect } from 'vitest';
import { describeDifferential } from '../support/differential.ts';
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

describeDifferential('keyspace notifications', (d) => {
  test('flag parsing and canonical CONFIG GET form', async () => {
    for (const f of ['', 'g', 'K', 'KA', 'AKE', 'KEA', 'Kg$lshzxetd', 'KEAm', 'Em', 'n', 'm', 'gK', 'x', 'E$l', 'Q', 'KEAq']) {
      await d().seq([
        ['CONFIG', 'SET', 'notify-keyspace-events', f],
        ['CONFIG', 'GET', 'notify-keyspace-events'],
      ]);
    }
    await d().both('CONFIG', 'SET', 'notify-keyspace-events', '');
  });

  test('keyspace and keyevent messages', async () => {
    const p = await d().pair();
    try {
      await d().seq([['CONFIG', 'SET', 'notify-keyspace-events', 'KEA']]);
      await on(p, 1, 'PSUBSCRIBE', '__key*__:*');
      await d().seq([['SET', 'a', '1'], ['DEL', 'a'], ['RPUSH', 'l', 'x'], ['LPOP', 'l'], ['DEL', 'nokey']]);
      await read(p, 10);
      // Only keyevent, only the list class.
      await d().seq([['CONFIG', 'SET', 'notify-keyspace-events', 'El'], ['SET', 'b', '1'], ['LPUSH', 'l2', 'y']]);
      await read(p, 1);
      // A class off: nothing at all.
      await d().seq([['CONFIG', 'SET', 'notify-keyspace-events', 'K'], ['SET', 'c', '1']]);
      expect(await p.ours.drain(50)).toBe('');
    } finally {
      await d().both('CONFIG', 'SET', 'notify-keyspace-events', '');
      p.real.close();
      p.ours.close();
    }
  });

  test('new-key events come before the command event', async () => {
    const p = await d().pair();
    try {
      await d().seq([['CONFIG', 'SET', 'notify-keyspace-events', 'KEn$l']]);
      await on(p, 1, 'PSUBSCRIBE', '*');
      await d().seq([['SET', 'fresh', '1'], ['SET', 'fresh', '2'], ['RPUSH', 'nl', 'a'], ['RPUSH', 'nl', 'b']]);
      await read(p, 14);
    } finally {
      await d().both('CONFIG', 'SET', 'notify-keyspace-events', '');
      p.real.close();
      p.ours.close();
    }
  });

  test('expired fires from lazy and active expiry', async () => {
    const p = await d().pair();
    try {
      await d().seq([['CONFIG', 'SET', 'notify-keyspace-events', 'Ex'], ['SELECT', '3']]);
      await on(p, 1, 'SUBSCRIBE', '__keyevent@3__:expired');
      // Active expiry (hz 10: within ~100ms of the deadline).
      await d().seq([['SET', 'act', '1', 'PX', '20']]);
      await read(p, 1, 1500);
      // Lazy expiry: active expiry off, the key is removed on access.
      await d().seq([['DEBUG', 'SET-ACTIVE-EXPIRE', '0'], ['SET', 'lazy', '1', 'PX', '5']]);
      await new Promise((r) => setTimeout(r, 40));
      await d().seq([['GET', 'lazy']]);
      await read(p, 1);
    } finally {
      await d().both('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
      await d().both('CONFIG', 'SET', 'notify-keyspace-events', '');
      p.real.close();
      p.ours.close();
    }
  });

  test('events reach a RESP3 subscriber as pushes before the reply', async () => {
    await d().both('HELLO', '3');
    try {
      await d().seq([['CONFIG', 'SET', 'notify-keyspace-events', 'KEg$']]);
      const [r, o] = await Promise.all([d().real.sendRaw(enc(['SUBSCRIBE', '__keyspace@0__:k']), 1), d().ours.sendRaw(enc(['SUBSCRIBE', '__keyspace@0__:k']), 1)]);
      expect(o).toBe(r);
      const [r2, o2] = await Promise.all([d().real.sendRaw(enc(['SET', 'k', 'v']), 2), d().ours.sendRaw(enc(['SET', 'k', 'v']), 2)]);
      expect(show(o2)).toBe(show(r2));
      await d().seq([['UNSUBSCRIBE']]);
    } finally {
      await d().both('CONFIG', 'SET', 'notify-keyspace-events', '');
      await d().both('HELLO', '2');
    }
  });
}, { 'enable-debug-command': 'yes' });
