import { test, expect, type TestContext } from 'vitest';
import { describeDifferential, type Differential } from '../support/differential.ts';

/** Skips a test whose setup needs commands other families have not implemented yet (TODO). */
function needs(d: Differential, ctx: TestContext, ...names: string[]): void {
  for (const n of names) if (!d.redmoon.server.table.lookup(n)?.handler) ctx.skip();
}

describeDifferential('generic keyspace commands', (d) => {
  test('DEL, UNLINK, EXISTS, TYPE, TOUCH', async () => {
    await d().seq([
      ['SET', 'a', '1'],
      ['SET', 'b\x00\xff', 'x'],
      ['RPUSH', 'l', 'x'],
      ['EXISTS', 'a', 'a', 'nokey', 'b\x00\xff'],
      ['TYPE', 'a'],
      ['TYPE', 'l'],
      ['TYPE', 'nokey'],
      ['TOUCH', 'a', 'l', 'nokey'],
      ['DEL', 'a', 'a', 'nokey'],
      ['UNLINK', 'b\x00\xff', 'l'],
      ['EXISTS', 'a', 'b\x00\xff', 'l'],
      ['DEL'],
      ['EXISTS'],
      ['TYPE'],
      ['TOUCH'],
    ]);
  });

  test('RENAME and RENAMENX', async () => {
    await d().seq([
      ['RENAME', 'nokey', 'x'],
      ['RENAMENX', 'nokey', 'x'],
      ['SET', 'a', 'va'],
      ['RENAME', 'a', 'a'],
      ['RENAMENX', 'a', 'a'],
      ['SET', 'b', 'vb'],
      ['RENAMENX', 'a', 'b'],
      ['PEXPIRE', 'a', '100000'],
      ['RENAME', 'a', 'b'],
      ['GET', 'b'],
      ['EXISTS', 'a'],
      ['TTL', 'b'],
      ['RENAMENX', 'b', 'c\x00'],
      ['TTL', 'c\x00'],
      ['GET', 'c\x00'],
      ['RPUSH', 'l', '1', '2'],
      ['RENAME', 'l', 'c\x00'],
      ['TYPE', 'c\x00'],
      ['RENAME', 'x'],
    ]);
  });

  test('MOVE', async () => {
    await d().seq([
      ['SET', 'a', 'va'],
      ['MOVE', 'a', '0'],
      ['MOVE', 'a', '16'],
      ['MOVE', 'a', '-1'],
      ['MOVE', 'a', 'x'],
      ['MOVE', 'a', '99999999999'],
      ['MOVE', 'a', '99999999999999999999'],
      ['COPY', 'a', 'b', 'DB', '99999999999'],
      ['SWAPDB', '0', '99999999999'],
      ['MOVE', 'nokey', '1'],
      ['PEXPIRE', 'a', '100000'],
      ['MOVE', 'a', '1'],
      ['EXISTS', 'a'],
      ['SELECT', '1'],
      ['GET', 'a'],
      ['TTL', 'a'],
      ['SET', 'b', 'x'],
      ['SELECT', '0'],
      ['SET', 'b', 'y'],
      ['MOVE', 'b', '1'],
      ['GET', 'b'],
    ]);
  });

  test('COPY', async () => {
    await d().seq([
      ['SET', 'a', 'va'],
      ['COPY', 'a', 'a'],
      ['COPY', 'a', 'a', 'DB', '0'],
      ['COPY', 'a', 'a', 'DB', '1'],
      ['COPY', 'a', 'b', 'DB'],
      ['COPY', 'a', 'b', 'DB', 'x'],
      ['COPY', 'a', 'b', 'DB', '16'],
      ['COPY', 'a', 'b', 'foo'],
      ['COPY', 'nokey', 'b'],
      ['COPY', 'a', 'b'],
      ['GET', 'b'],
      ['SET', 'a', 'new'],
      ['COPY', 'a', 'b'],
      ['COPY', 'a', 'b', 'REPLACE'],
      ['GET', 'b'],
      ['PEXPIRE', 'a', '100000'],
      ['COPY', 'a', 'c', 'db', '2', 'replace'],
      ['SELECT', '2'],
      ['GET', 'c'],
      ['TTL', 'c'],
      ['SELECT', '0'],
      ['RPUSH', 'l', '1', '2', '3'],
      ['COPY', 'l', 'l2'],
      ['RPUSH', 'l2', '4'],
      ['LRANGE', 'l', '0', '-1'],
      ['LRANGE', 'l2', '0', '-1'],
    ]);
  });

  test('SWAPDB', async () => {
    await d().seq([
      ['SET', 'a', '0'],
      ['SELECT', '1'],
      ['SET', 'b', '1'],
      ['SWAPDB', '0', '1'],
      ['GET', 'a'],
      ['GET', 'b'],
      ['SWAPDB', '1', '1'],
      ['SWAPDB', 'x', '1'],
      ['SWAPDB', '1', 'x'],
      ['SWAPDB', '0', '16'],
      ['SWAPDB', '-1', '0'],
      ['SWAPDB', '0'],
      ['SELECT', '0'],
      ['GET', 'b'],
    ]);
  });

  test('SWAPDB breaks a WATCH on a key existing in either db', async (ctx) => {
    needs(d(), ctx, 'watch', 'multi', 'exec');
    const p = await d().pair();
    try {
      for (const c of [p.real, p.ours]) {
        await c.call('SELECT', '1');
        await c.call('SET', 'w', '1');
      }
      await d().seq([['WATCH', 'w'], ['MULTI'], ['PING']]);
      await Promise.all([p.real.call('SWAPDB', '0', '1'), p.ours.call('SWAPDB', '0', '1')]);
      await d().same('EXEC');
    } finally {
      p.real.close();
      p.ours.close();
    }
  });

  test('KEYS', async () => {
    await d().seq([['SET', 'one', '1'], ['SET', 'two', '2'], ['SET', 'three', '3'], ['SET', 'x\x00y', '4']]);
    await d().sameUnordered('KEYS', '*');
    await d().sameUnordered('KEYS', 't*');
    await d().sameUnordered('KEYS', '*o');
    await d().sameUnordered('KEYS', 't[wh]*');
    await d().sameUnordered('KEYS', 'x?y');
    await d().sameUnordered('KEYS', 'nomatch');
    await d().sameUnordered('KEYS', '');
    await d().seq([['KEYS'], ['KEYS', 'a', 'b']]);
  });

  test('KEYS: a pattern nesting more than 1000 stars matches nothing', async () => {
    await d().same('SET', 'a'.repeat(1200), 'v');
    for (const n of [999, 1000, 1001, 1002]) await d().same('KEYS', '*a'.repeat(n));
    await d().same('KEYS', '*?'.repeat(50000));
  });

  test('SCAN whole keyspace in one call, MATCH and TYPE', async () => {
    await d().seq([['SET', 'one', '1'], ['SET', 'two', '2'], ['RPUSH', 'list', 'a'], ['SET', 'k\x00', 'v']]);
    await d().sameUnordered('SCAN', '0', 'COUNT', '1000');
    await d().sameUnordered('SCAN', '0', 'MATCH', 't*', 'COUNT', '1000');
    await d().sameUnordered('SCAN', '0', 'TYPE', 'list', 'COUNT', '1000');
    await d().sameUnordered('SCAN', '0', 'TYPE', 'STRING', 'COUNT', '1000', 'MATCH', '*e');
    await d().sameUnordered('SCAN', '0', 'TYPE', 'nosuchtype', 'COUNT', '1000');
    await d().seq([
      ['SCAN', 'x'],
      ['SCAN', ' 1'],
      ['SCAN', '18446744073709551616'],
      ['SCAN', '0', 'COUNT', '0'],
      ['SCAN', '0', 'COUNT', '-1'],
      ['SCAN', '0', 'COUNT', 'x'],
      ['SCAN', '0', 'COUNT'],
      ['SCAN', '0', 'MATCH'],
      ['SCAN', '0', 'TYPE'],
      ['SCAN', '0', 'FOO', 'bar'],
      ['SCAN'],
    ]);
    await d().sameUnordered('SCAN', '0');
    await d().sameUnordered('SCAN', '');
    await d().sameUnordered('SCAN', '+0');
  });

  test('SCAN guarantees every key present throughout, despite churn', async () => {
    const client = d().ours;
    for (let i = 0; i < 500; i++) await client.call('SET', `k${i}`, 'v');
    const seen = new Set<string>();
    let cursor = '0';
    let round = 0;
    do {
      const reply = await client.call('SCAN', cursor, 'COUNT', '7');
      const m = /^\*2\r\n\$\d+\r\n(\d+)\r\n\*(\d+)\r\n/.exec(reply)!;
      cursor = m[1];
      const body = reply.slice(m[0].length);
      for (const part of body.split('\r\n')) if (part.startsWith('k')) seen.add(part);
      // Churn: delete some keys not yet seen, add new ones, delete and re-add seen ones.
      await client.call('DEL', `k${499 - round}`);
      await client.call('SET', `new${round}`, 'v');
      await client.call('DEL', `k${round}`);
      await client.call('SET', `k${round}`, 'v');
      round++;
    } while (cursor !== '0' && round < 1000);
    expect(cursor).toBe('0');
    // Keys present for the whole scan: k_i with round <= i <= 499 - round (at the end).
    for (let i = round; i <= 499 - round; i++) expect(seen.has(`k${i}`), `k${i}`).toBe(true);
    // An unknown cursor restarts safely from the beginning.
    const r = await client.call('SCAN', '123456789', 'COUNT', '100000');
    expect(r.startsWith('*2\r\n$1\r\n0\r\n')).toBe(true);
  });

  test('RANDOMKEY and DBSIZE', async () => {
    await d().seq([['RANDOMKEY'], ['DBSIZE'], ['SET', 'only', '1'], ['RANDOMKEY'], ['DBSIZE'], ['RANDOMKEY', 'x'], ['DBSIZE', 'x']]);
  });

  test('FLUSHDB and FLUSHALL', async () => {
    await d().seq([
      ['SET', 'a', '1'],
      ['SELECT', '1'],
      ['SET', 'b', '1'],
      ['FLUSHDB', 'foo'],
      ['FLUSHDB', 'ASYNC', 'x'],
      ['FLUSHDB', 'sync'],
      ['DBSIZE'],
      ['SELECT', '0'],
      ['DBSIZE'],
      ['FLUSHALL', 'bar'],
      ['FLUSHALL', 'ASYNC'],
      ['DBSIZE'],
      ['SET', 'a', '1'],
      ['FLUSHALL'],
      ['DBSIZE'],
      ['FLUSHDB'],
    ]);
  });

  test('OBJECT ENCODING, REFCOUNT, FREQ, HELP', async () => {
    await d().seq([
      ['SET', 'i', '12345'],
      ['SET', 'small', '12'],
      ['SET', 'neg', '-9223372036854775808'],
      ['SET', 'big', '9223372036854775808'],
      ['SET', 'lead0', '0123'],
      ['SET', 'e44', 'x'.repeat(44)],
      ['SET', 'r45', 'x'.repeat(45)],
      ['SET', 'num21', '1'.repeat(21)],
      ['SET', 'ap', 'a'],
      ['APPEND', 'ap', 'b'],
      ['RPUSH', 'l', 'a'],
      ['OBJECT', 'ENCODING', 'i'],
      ['OBJECT', 'ENCODING', 'small'],
      ['OBJECT', 'ENCODING', 'neg'],
      ['OBJECT', 'ENCODING', 'big'],
      ['OBJECT', 'ENCODING', 'lead0'],
      ['OBJECT', 'ENCODING', 'e44'],
      ['OBJECT', 'ENCODING', 'r45'],
      ['OBJECT', 'ENCODING', 'num21'],
      ['OBJECT', 'ENCODING', 'ap'],
      ['OBJECT', 'ENCODING', 'l'],
      ['OBJECT', 'ENCODING', 'nokey'],
      ['OBJECT', 'REFCOUNT', 'small'],
      ['OBJECT', 'REFCOUNT', 'i'],
      ['OBJECT', 'REFCOUNT', 'e44'],
      ['OBJECT', 'REFCOUNT', 'l'],
      ['OBJECT', 'REFCOUNT', 'nokey'],
      ['OBJECT', 'IDLETIME', 'nokey'],
      ['OBJECT', 'FREQ', 'i'],
      ['OBJECT', 'FREQ', 'nokey'],
      ['OBJECT', 'HELP'],
      ['object', 'help', 'x'],
      ['OBJECT', 'foo', 'i'],
      ['OBJECT', 'ENCODING'],
      ['OBJECT', 'ENCODING', 'a', 'b'],
      ['OBJECT'],
    ]);
    await d().both('HELLO', '3');
    await d().seq([
      ['OBJECT', 'ENCODING', 'nokey'],
      ['OBJECT', 'HELP'],
    ]);
    await d().both('HELLO', '2');
    // Redis's LRU clock ticks in whole seconds, so a key set a moment ago may read 0 or 1
    const idle = await d().both('OBJECT', 'IDLETIME', 'i');
    expect(idle.ours).toMatch(/^:[01]\r\n$/);
    expect(idle.real).toMatch(/^:[01]\r\n$/);
  });

  test('OBJECT IDLETIME grows while the key is untouched; TYPE does not touch, GET does', async () => {
    await d().seq([['SET', 'k', 'v'], ['SET', 'g', 'v']]);
    await new Promise((r) => setTimeout(r, 2100));
    await d().seq([['TYPE', 'k'], ['EXISTS', 'k'], ['TTL', 'k'], ['GET', 'g']]);
    const { real, ours } = await d().both('OBJECT', 'IDLETIME', 'k');
    expect(ours).toMatch(/^:[23]\r\n$/);
    expect(real).toMatch(/^:[23]\r\n$/);
    const touched = await d().both('OBJECT', 'IDLETIME', 'g');
    expect(touched.ours).toMatch(/^:[01]\r\n$/);
    expect(touched.real).toMatch(/^:[01]\r\n$/);
  }, 10000);

  test('keyspace events', async (ctx) => {
    needs(d(), ctx, 'psubscribe', 'config');
    const p = await d().pair();
    try {
      await d().same('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
      const sub = ['PSUBSCRIBE', '__key*__:*'];
      await Promise.all([p.real.call(...sub), p.ours.call(...sub)]);
      await d().seq([
        ['SET', 'a', '1'],
        ['RENAME', 'a', 'b'],
        ['MOVE', 'b', '1'],
        ['SET', 'c', '1'],
        ['COPY', 'c', 'd'],
        ['EXPIRE', 'c', '100'],
        ['PERSIST', 'c'],
        ['EXPIRE', 'c', '-1'],
        ['DEL', 'd', 'nokey'],
      ]);
      await d().same('PING');
      const [real, ours] = await Promise.all([p.real.drain(300), p.ours.drain(300)]);
      expect(ours).toBe(real);
    } finally {
      await d().both('CONFIG', 'SET', 'notify-keyspace-events', '');
      p.real.close();
      p.ours.close();
    }
  });
});

describeDifferential('DUMP and RESTORE', (d) => {
  /** DUMP on the real server, as the payload bytes. */
  async function realDump(key: string): Promise<string> {
    const r = await d().real.call('DUMP', key);
    const m = /^\$(\d+)\r\n/.exec(r)!;
    return r.slice(m[0].length, m[0].length + Number(m[1]));
  }

  test('DUMP of strings is byte-identical (int encodings, LZF)', async () => {
    const values = ['', 'a', '12', '-128', '127', '128', '-32769', '2147483647', '2147483648', '012', '-0', 'x'.repeat(21), 'ab'.repeat(40), 'the quick brown fox '.repeat(20), 'x\x00\xff'.repeat(9)];
    const cmds: string[][] = [];
    values.forEach((v, i) => cmds.push(['SET', `s${i}`, v], ['DUMP', `s${i}`]));
    await d().seq([...cmds, ['DUMP', 'nokey'], ['CONFIG', 'SET', 'rdbcompression', 'no'], ['DUMP', 's12'], ['CONFIG', 'SET', 'rdbcompression', 'yes']]);
  });

  test('DUMP of lists and small hashes is byte-identical', async () => {
    await d().seq([
      ['RPUSH', 'l', 'a', '1', '-5000', '70000', '9999999999', 'x'.repeat(70), 'b'],
      ['DUMP', 'l'],
      ['HSET', 'h', 'f', 'v', 'n', '12'],
      ['DUMP', 'h'],
    ]);
  });

  test('DUMP of zsets and intsets is byte-identical', async (ctx) => {
    needs(d(), ctx, 'zadd', 'sadd'); // TODO: runs once ZADD lands
    await d().seq([
      ['ZADD', 'z', '1', 'a', '2.5', 'b', '-3', 'c'],
      ['DUMP', 'z'],
      ['SADD', 'si', '1', '-70000', '5'],
      ['DUMP', 'si'],
      ['SADD', 'sb', '1', '99999999999'],
      ['DUMP', 'sb'],
    ]);
  });

  test('RESTORE payloads from real Redis, options and errors', async () => {
    await d().seq([['SET', 'src', 'hello world hello world hello world'], ['RPUSH', 'lsrc', 'a', 'b', '3']]);
    const p = await realDump('src');
    const pl = await realDump('lsrc');
    await d().seq([
      ['RESTORE', 'k', '0', p],
      ['GET', 'k'],
      ['RESTORE', 'k', '0', p],
      ['RESTORE', 'k', '0', p, 'REPLACE'],
      ['RESTORE', 'k2', '-1', p],
      ['RESTORE', 'k2', 'x', p],
      ['RESTORE', 'k2', '0', p, 'FOO'],
      ['RESTORE', 'k2', '0', p, 'IDLETIME', '-1'],
      ['RESTORE', 'k2', '0', p, 'IDLETIME', 'x'],
      ['RESTORE', 'k2', '0', p, 'FREQ', '256'],
      ['RESTORE', 'k2', '0', p, 'FREQ', '1', 'IDLETIME', '5'],
      ['RESTORE', 'k2', '0', p, 'IDLETIME', '5', 'FREQ', '1'],
      ['RESTORE', 'k2', '0', 'garbage'],
      ['RESTORE', 'k2', '0', ''],
      ['RESTORE', 'k2', '0', p.slice(0, -1) + String.fromCharCode(p.charCodeAt(p.length - 1) ^ 1)],
      ['RESTORE', 'k2', '0', '\x63\x0a\x00' + p.slice(-8)],
      ['RESTORE', 'k3', '100000', p],
      ['TTL', 'k3'],
      ['RESTORE', 'k4', String(Date.now() + 100000), p, 'ABSTTL'],
      ['TTL', 'k4'],
      ['RESTORE', 'k5', '1', p, 'ABSTTL'],
      ['EXISTS', 'k5'],
      ['RESTORE', 'k', '1', p, 'ABSTTL', 'REPLACE'],
      ['EXISTS', 'k'],
      ['RESTORE', 'k6', '0', p, 'IDLETIME', '1000'],
      ['OBJECT', 'IDLETIME', 'k6'],
      ['RESTORE', 'l', '0', pl],
      ['LRANGE', 'l', '0', '-1'],
      ['OBJECT', 'ENCODING', 'l'],
      ['DUMP', 'l'],
      ['RESTORE'],
    ]);
  });

  const roundTrips: [string, string[], string[]][] = [
    ['hash', ['HSET'], ['HGETALL']],
    ['set', ['SADD'], ['SMEMBERS']],
    ['zset', ['ZADD'], ['ZRANGE', '0', '-1', 'WITHSCORES']],
    ['list', ['RPUSH'], ['LRANGE', '0', '-1']],
  ];
  for (const [type, add, read] of roundTrips) {
    test(`DUMP/RESTORE round trips: big ${type}`, async (ctx) => {
      needs(d(), ctx, add[0].toLowerCase());
      const args: string[] = [];
      for (let i = 0; i < 300; i++) args.push(type === 'zset' ? String(i) : `m${i}`, type === 'zset' ? `e${i}` : String(i));
      await d().seq([[add[0], 'k', ...args]]);
      const p = await realDump('k');
      await d().seq([['RESTORE', 'k2', '0', p], ['OBJECT', 'ENCODING', 'k2'], ['TYPE', 'k2']]);
      await d().sameUnordered(read[0], 'k2', ...read.slice(1));
      // Our payload restores on the real server to the same value.
      const ours = await d().ours.call('DUMP', 'k');
      const m = /^\$(\d+)\r\n/.exec(ours)!;
      const op = ours.slice(m[0].length, m[0].length + Number(m[1]));
      expect(await d().real.call('RESTORE', 'k3', '0', op)).toBe('+OK\r\n');
      const a = (await d().real.call(read[0], 'k3', ...read.slice(1))).split('\r\n').sort();
      const b = (await d().real.call(read[0], 'k', ...read.slice(1))).split('\r\n').sort();
      expect(a).toEqual(b);
    });
  }
});
