import { test, expect } from 'vitest';
import { describeDifferential } from '../support/differential.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer } from '../../src/index.ts';

describeDifferential('cluster commands on a standalone server', (d) => {
  test('CLUSTER, READONLY, READWRITE, ASKING', async () => {
    await d().seq([
      ['CLUSTER', 'INFO'],
      ['CLUSTER', 'HELP'],
      ['CLUSTER', 'KEYSLOT', 'x'],
      ['CLUSTER', 'KEYSLOT'],
      ['CLUSTER', 'SLOTS'],
      ['CLUSTER', 'SHARDS'],
      ['CLUSTER', 'NODES'],
      ['CLUSTER', 'MYID'],
      ['CLUSTER', 'RESET', 'HARD'],
      ['CLUSTER', 'SETSLOT', '1', 'NODE', 'x'],
      ['CLUSTER', 'NOSUCH'],
      ['CLUSTER'],
      ['READONLY'],
      ['READWRITE'],
      ['ASKING'],
      ['ASKING', 'x'],
    ]);
  });

  test('MIGRATE argument errors and NOKEY', async () => {
    await d().seq([
      ['MIGRATE'],
      ['MIGRATE', '127.0.0.1', '1', 'k', '0', '1000'],
      ['MIGRATE', '127.0.0.1', '1', 'k', 'x', '1000'],
      ['MIGRATE', '127.0.0.1', '1', 'k', '0', 'x'],
      ['MIGRATE', '127.0.0.1', '1', 'k', '0', '1000', 'KEYS', 'a'],
      ['MIGRATE', '127.0.0.1', '1', '', '0', '1000', 'KEYS', 'a', 'b'],
      ['MIGRATE', '127.0.0.1', '1', 'k', '0', '1000', 'BOGUS'],
      ['MIGRATE', '127.0.0.1', '1', 'k', '0', '1000', 'AUTH'],
      ['MIGRATE', '127.0.0.1', '1', 'k', '0', '1000', 'AUTH2', 'a'],
      ['MIGRATE', '127.0.0.1', '1', 'k', '0', '-5'],
      ['MIGRATE', '127.0.0.1', '1', 'k', '0', '1000', 'COPY', 'REPLACE', 'AUTH2', 'a', 'b'],
      ['MIGRATE', '127.0.0.1', 'x', 'k', '0', '1000'],
      ['SET', 'k', 'v'],
      ['MIGRATE', '127.0.0.1', '1', 'k', 'x', '1000'],
      ['MIGRATE', '127.0.0.1', '1', 'k', '0', '1000', 'BOGUS'],
      ['MIGRATE', '127.0.0.1', '1', 'k', '0', '1000', 'KEYS', 'k'],
      ['MIGRATE', '127.0.0.1', '1', 'k', '0', '1000'],
      ['MIGRATE', '127.0.0.1', '1', '', '0', '1000', 'KEYS', 'nokey', 'k'],
      ['GET', 'k'],
      ['RESTORE-ASKING', 'k', '0', 'x'],
      ['RESTORE-ASKING', 'k', '0', 'x', 'REPLACE'],
      ['RESTORE-ASKING', 'k'],
    ]);
  });

  test('MIGRATE transfers keys (both servers migrate to one redmoon target)', async () => {
    const target = await startServer({ port: 0, log: () => {} });
    const t = await RawClient.connect(target.port);
    try {
      const port = String(target.port);
      await d().seq([
        ['RPUSH', 'l', 'a', 'b', 'c'],
        ['SET', 's', 'v', 'PX', '100000'],
        ['HSET', 'h', 'f', 'v'],
        ['SELECT', '3'],
        ['SET', 'other', '1'],
        ['SELECT', '0'],
      ]);
      // The real server migrates into db 1 of the target, redmoon into db 2.
      const run = async (...tail: string[]): Promise<void> => {
        const [r, o] = await Promise.all([
          d().real.call('MIGRATE', '127.0.0.1', port, ...tail.slice(0, 1), '1', ...tail.slice(1)),
          d().ours.call('MIGRATE', '127.0.0.1', port, ...tail.slice(0, 1), '2', ...tail.slice(1)),
        ]);
        expect(o, JSON.stringify(tail)).toBe(r);
      };
      await run('l', '1000');
      await d().seq([['EXISTS', 'l']]);
      await run('s', '1000', 'COPY');
      await d().seq([['EXISTS', 's']]);
      await run('s', '1000');
      await run('', '1000', 'KEYS', 'h', 'nokey');
      await d().seq([['DBSIZE']]);
      await d().seq([['SET', 'l', 'again']]);
      await run('l', '1000');
      await run('l', '1000', 'REPLACE');
      await run('l', '1000', 'AUTH', 'nopass');
      await d().seq([['GET', 'l']]);
      const contents: string[][] = [];
      for (const db of ['1', '2']) {
        await t.call('SELECT', db);
        contents.push([await t.call('LRANGE', 'l', '0', '-1'), await t.call('GET', 's'), await t.call('HGETALL', 'h')]);
        const ttl = Number((await t.call('PTTL', 's')).slice(1));
        expect(ttl > 90000 && ttl <= 100000).toBe(true);
      }
      expect(contents[1]).toEqual(contents[0]);
      expect(contents[0].slice(1)).toEqual(['$1\r\nv\r\n', '*2\r\n$1\r\nf\r\n$1\r\nv\r\n']);
    } finally {
      t.close();
      await target.close();
    }
  });
});
