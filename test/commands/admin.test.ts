import { test, expect } from 'vitest';
import { describeDifferential } from '../support/differential.ts';
import { startServer } from '../../src/index.ts';
import { RawClient } from '../support/raw-client.ts';

function bulkBody(raw: string): string {
  return raw.slice(raw.indexOf('\r\n') + 2, -2);
}

describeDifferential('server admin commands', (d) => {
  test('deterministic replies and errors', async () => {
    await d().seq([
      ['ROLE'],
      ['WAIT', '0', '0'],
      ['WAIT', 'x', '0'],
      ['WAIT', '0', '-1'],
      ['WAIT', '0', 'x'],
      ['WAIT', '1', '10'],
      ['BGSAVE', 'foo'],
      ['BGSAVE', 'SCHEDULE', 'x'],
      ['BGREWRITEAOF'],
      ['SAVE'],
      ['SHUTDOWN', 'foo'],
      ['SHUTDOWN', 'ABORT'],
      ['SHUTDOWN', 'NOSAVE', 'SAVE'],
      ['SHUTDOWN', 'ABORT', 'NOW'],
      ['TIME', 'x'],
      ['LASTSAVE', 'x'],
      ['LOLWUT', 'VERSION', 'x'],
      ['LOLWUT'],
      ['LOLWUT', 'VERSION', '7'],
      ['LOLWUT', 'foo'],
      ['LOLWUT', 'VERSION', '5', 'x'],
      ['SLOWLOG', 'GET', 'x'],
      ['SLOWLOG', 'GET', '-2'],
      ['SLOWLOG', 'HELP'],
      ['SLOWLOG', 'RESET'],
      ['SLOWLOG', 'NOSUCH'],
      ['LATENCY', 'LATEST'],
      ['LATENCY', 'HISTORY', 'foo'],
      ['LATENCY', 'RESET'],
      ['LATENCY', 'DOCTOR'],
      ['LATENCY', 'GRAPH', 'foo'],
      ['LATENCY', 'HELP'],
      ['LATENCY', 'HISTOGRAM', 'nosuch'],
      ['MEMORY', 'USAGE', 'nokey'],
      ['MEMORY', 'USAGE', 'a', 'SAMPLES', 'x'],
      ['MEMORY', 'USAGE', 'a', 'foo'],
      ['MEMORY', 'DOCTOR'],
      ['MEMORY', 'PURGE'],
      ['MEMORY', 'HELP'],
    ]);
  });

  test('TIME and LASTSAVE shape', async () => {
    const t = await d().ours.call('TIME');
    expect(t).toMatch(/^\*2\r\n\$10\r\n\d{10}\r\n\$\d\r\n\d{1,6}\r\n$/);
    const secs = Number(t.split('\r\n')[2]);
    expect(Math.abs(secs - Date.now() / 1000)).toBeLessThan(2);
    expect(await d().ours.call('LASTSAVE')).toMatch(/^:\d{10}\r\n$/);
  });

  test('LOLWUT VERSION 5 and 6 look like Redis', async () => {
    const five = bulkBody(await d().ours.call('LOLWUT', 'VERSION', '5'));
    expect(five.endsWith('\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. 7.0.15\n')).toBe(true);
    const six = bulkBody(await d().ours.call('LOLWUT', 'VERSION', '6', '40', '10'));
    expect(six).toContain('Redis ver. 7.0.15\n');
  });

  test('SLOWLOG records commands slower than the threshold', async () => {
    await d().both('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    await d().both('CLIENT', 'SETNAME', 'slowpoke');
    await d().both('PING', 'x'.repeat(200));
    const { real, ours } = await d().both('SLOWLOG', 'GET', '2');
    const shape = (s: string) =>
      s
        .replace(/\$\d+\r\n(127\.0\.0\.1:\d+|\/[^\r]*:0)\r\n/g, 'ADDR')
        .replace(/:\d+\r\n/g, ':N\r\n');
    expect(shape(ours)).toBe(shape(real));
    expect(ours).toContain('... (72 more bytes)');
    await d().both('AUTH', 'a', 'b', 'c');
    await d().both('AUTH', 'a');
    await d().both('CONFIG', 'SET', 'requirepass', '', 'hz', '10');
    await d().both('ECHO', ...Array.from({ length: 40 }, (_, i) => `a${i}`));
    const red = await d().both('SLOWLOG', 'GET', '4');
    expect(shape(red.ours)).toBe(shape(red.real));
    await d().seq([['CONFIG', 'SET', 'slowlog-log-slower-than', '10000'], ['SLOWLOG', 'RESET'], ['SLOWLOG', 'LEN']]);
    await d().both('CLIENT', 'SETNAME', '');
  });

  test('MEMORY USAGE and STATS shapes', async () => {
    await d().both('SADD', 's', 'a', 'b');
    const u = await d().ours.call('MEMORY', 'USAGE', 's');
    expect(u).toMatch(/^:\d+\r\n$/);
    const real = (await d().real.command('MEMORY', 'STATS')) as unknown[];
    const ours = (await d().ours.command('MEMORY', 'STATS')) as unknown[];
    expect(ours.filter((_, i) => i % 2 === 0)).toEqual(real.filter((_, i) => i % 2 === 0));
  });

  test('MONITOR output format', async () => {
    const p = await d().pair();
    try {
      expect(await p.ours.call('MONITOR')).toBe('+OK\r\n');
      expect(await p.real.call('MONITOR')).toBe('+OK\r\n');
      await d().both('SADD', 'a b', 'x"y\\z\x01\n');
      await d().both('CONFIG', 'GET', 'hz');
      await d().both('AUTH', 'secret');
      await d().both('HELLO', '2', 'AUTH', 'default', 'pw');
      await d().both('SELECT', '2');
      await d().both('SADD', 'k', 'v');
      await d().both('SELECT', '0');
      await d().both('PING');
      const real = await p.real.readRaw(7, 1000);
      const ours = await p.ours.readRaw(7, 1000);
      const norm = (s: string) => s.replace(/^\+\d+\.\d{6} \[(\d+) [^\]]+\]/gm, '+T [$1 A]');
      expect(norm(ours)).toBe(norm(real));
      expect(ours).toMatch(/^\+\d{10}\.\d{6} \[0 127\.0\.0\.1:\d+\] "SADD" "a b" "x\\"y\\\\z\\x01\\n"\r\n/);
    } finally {
      p.ours.close();
      p.real.close();
    }
  });

  test('a MONITOR client sees its own commands and may not touch the keyspace', async () => {
    const p = await d().pair();
    try {
      const script = '*1\r\n$7\r\nMONITOR\r\n*2\r\n$3\r\nGET\r\n$1\r\nx\r\n*1\r\n$4\r\nPING\r\n*1\r\n$7\r\nMONITOR\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n';
      const [real, ours] = await Promise.all([p.real.sendRaw(script, 6), p.ours.sendRaw(script, 6)]);
      const norm = (s: string) => s.replace(/^\+\d+\.\d{6} \[(\d+) [^\]]+\]/gm, '+T [$1 A]');
      expect(norm(ours)).toBe(norm(real));
    } finally {
      p.ours.close();
      p.real.close();
    }
  });

  test('DEBUG is refused unless enable-debug-command allows it', async () => {
    await d().seq([['DEBUG', 'SLEEP', '0'], ['DEBUG'], ['DEBUG', 'HELP']]);
  });
});

describeDifferential(
  'DEBUG with enable-debug-command yes',
  (d) => {
    test('DEBUG subcommands', async () => {
      await d().seq([
        ['DEBUG', 'HELP'],
        ['DEBUG', 'SLEEP', '0'],
        ['DEBUG', 'SLEEP', 'x'],
        ['DEBUG', 'SET-ACTIVE-EXPIRE', '0'],
        ['DEBUG', 'SET-ACTIVE-EXPIRE', '1'],
        ['DEBUG', 'OBJECT', 'nokey'],
        ['DEBUG', 'CHANGE-REPL-ID'],
        ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '100'],
        ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', 'x'],
        ['DEBUG', 'foo'],
        ['DEBUG', 'jmap'],
        ['DEBUG', 'ERROR', 'boom'],
        ['DEBUG', 'ERROR', '-CUSTOM boom'],
        ['DEBUG', 'DIGEST'],
        ['DEBUG', 'DIGEST-VALUE', 'nokey'],
        ['DEBUG', 'RELOAD'],
        ['DEBUG', 'POPULATE', '-1'],
        ['DEBUG', 'POPULATE', 'x'],
        ['DEBUG', 'POPULATE', '3'],
        ['DEBUG', 'POPULATE', '2', 'p', '12'],
        ['DEBUG', 'POPULATE', '2', 'q', '3'],
        ['DEBUG', 'POPULATE', '1', 'p', '-1'],
        ['DEBUG', 'POPULATE', '1', 'p', '1', 'x'],
        ['DBSIZE'],
        ['GET', 'key:2'],
        ['GET', 'p:1'],
        ['GET', 'q:0'],
      ]);
      for (const t of ['string', 'integer', 'double', 'bignum', 'null', 'array', 'set', 'map', 'attrib', 'push', 'verbatim', 'true', 'false', 'foo']) {
        await d().same('DEBUG', 'PROTOCOL', t);
      }
      await d().both('HELLO', '3');
      for (const t of ['double', 'bignum', 'null', 'set', 'map', 'push', 'verbatim', 'true']) {
        await d().same('DEBUG', 'PROTOCOL', t);
        // PUSH is followed by a second, separate reply.
        if (t === 'push') expect(await d().ours.readRaw(1)).toBe(await d().real.readRaw(1));
      }
      await d().both('HELLO', '2');
    });

    test('DEBUG PROTOCOL attrib sends a RESP3 attribute before its reply', async () => {
      const p = await d().pair();
      try {
        const bytes = '*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n*3\r\n$5\r\nDEBUG\r\n$8\r\nPROTOCOL\r\n$6\r\nattrib\r\n*1\r\n$4\r\nPING\r\n';
        const ends = (s: string) => s.endsWith('+PONG\r\n');
        const read = async (c: typeof p.real) => {
          c.sendRaw(bytes, 1).catch(() => {});
          let all = '';
          for (let i = 0; i < 100 && !ends(all); i++) all += await c.drain(50);
          return all.slice(all.indexOf('|'));
        };
        expect(await read(p.ours)).toBe(await read(p.real));
      } finally {
        p.real.close();
        p.ours.close();
      }
    });

    test('DEBUG OBJECT sees a key that expired but was not yet removed', async () => {
      await d().seq([['DEBUG', 'SET-ACTIVE-EXPIRE', '0'], ['SET', 'gone', 'v', 'PX', '1']]);
      await new Promise((r) => setTimeout(r, 20));
      const [real, ours] = [await d().real.call('DEBUG', 'OBJECT', 'gone'), await d().ours.call('DEBUG', 'OBJECT', 'gone')];
      expect(ours.slice(0, 9)).toBe(real.slice(0, 9));
      await d().seq([['EXISTS', 'gone'], ['DEBUG', 'OBJECT', 'gone'], ['DEBUG', 'SET-ACTIVE-EXPIRE', '1']]);
    });

    test('DEBUG HTSTATS-KEY: errors as Redis, the stats of a hash table value', async () => {
      await d().seq([
        ['SADD', 'small', '1', '2'],
        ['SET', 'str', 'x'],
        ['SADD', 'ht', 'a', 'b', 'c'],
        ['DEBUG', 'HTSTATS-KEY', 'nokey'],
        ['DEBUG', 'HTSTATS-KEY', 'str'],
        ['DEBUG', 'HTSTATS-KEY', 'small'],
      ]);
      const ours = await d().ours.call('DEBUG', 'HTSTATS-KEY', 'ht');
      expect(ours).toMatch(/^\$\d+\r\nHash table 0 stats \(main hash table\):\n table size: 4\n number of elements: 3\n/);
    });

    test('DEBUG OBJECT shape and DEBUG SLEEP blocks', async () => {
      await d().both('SADD', 's', '1', '2');
      const o = await d().ours.call('DEBUG', 'OBJECT', 's');
      expect(o).toMatch(/^\+Value at:0x[0-9a-f]+ refcount:1 encoding:intset serializedlength:\d+ lru:\d+ lru_seconds_idle:\d+/);
      const t0 = Date.now();
      await d().ours.call('DEBUG', 'SLEEP', '0.2');
      expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    });
  },
  { 'enable-debug-command': 'yes' },
);

test('SHUTDOWN closes the server and calls onShutdown', async () => {
  const srv = await startServer({ port: 0, log: () => {} });
  let called = false;
  srv.server.onShutdown = () => {
    called = true;
  };
  const c = await RawClient.connect(srv.port);
  const r = await c.sendRaw('*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n', 1, 500);
  expect(r).toBe('');
  await new Promise((res) => setTimeout(res, 100));
  expect(called).toBe(true);
  expect(c.closed).toBe(true);
});
