/**
 * The dict model behind hashtable sets and the keyspace (src/keyspace/dict-shape.ts), side by
 * side with redis-server where the figures do not depend on the hash function: table sizes,
 * when a rehash starts and whether a child process holds resizes back, and maxmemory's
 * refusal to grow the main table. Chain figures and SSCAN cursors follow each server's own
 * hash, so they are checked on redmoon alone: SSCAN still returns every member present for
 * the whole walk while the table grows, shrinks and rehashes under it.
 */
import { test, expect, describe, beforeAll, afterAll } from 'vitest';
import { describeDifferential, type Differential } from '../support/differential.ts';
import { startServer, type RunningServer } from '../../src/index.ts';

/** The text of a bulk or verbatim reply. */
const text = (raw: string) => raw.slice(raw.indexOf('\r\n') + 2);

/** HTSTATS lines that do not depend on where the hash puts entries. */
const sizes = (raw: string) =>
  text(raw)
    .split(/\r?\n/)
    .filter((l) => /^(Hash table| table size|No stats)/.test(l))
    .join('|');

const members = (from: number, to: number, prefix = 'm:') => {
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(`${prefix}${i}`);
  return out;
};

/** Lookups step the rehash on both servers until neither is rehashing (bounded). */
/** HTSTATS-KEY (or HTSTATS) on both, sizes compared; returns real's sizes. */
async function sameSizes(d: Differential, ...argv: string[]): Promise<string> {
  const { real, ours } = await d.both('DEBUG', ...argv);
  expect(sizes(ours)).toBe(sizes(real));
  return sizes(real);
}

async function settle(d: Differential, key: string): Promise<void> {
  for (let i = 0; i < 5000; i++) {
    const { real, ours } = await d.both('DEBUG', 'HTSTATS-KEY', key);
    if (!real.includes('rehashing target') && !ours.includes('rehashing target')) return;
    await d.both('SISMEMBER', key, 'absent');
  }
  throw new Error('rehash never ended');
}

describeDifferential(
  'dict shape against redis-server',
  (d) => {
    test('HTSTATS-KEY: sizes as a set grows, shrinks and rehashes', async () => {
      await d().seq([['CONFIG', 'SET', 'set-max-intset-entries', '0'], ['SADD', 's', ...members(0, 1000)]]);
      await settle(d(), 's');
      expect(await sameSizes(d(), 'HTSTATS-KEY', 's')).toBe('Hash table 0 stats (main hash table):| table size: 1024');
      // under 10% full: the table shrinks to fit (1024 -> 128 when 101 are left), one rehash at a time
      await d().same('SREM', 's', ...members(0, 899));
      // (how much has moved yet depends on where each hash put the members)
      const { real, ours } = await d().both('DEBUG', 'HTSTATS-KEY', 's');
      for (const t of [real, ours]) {
        expect(text(t)).toMatch(/^Hash table 0 stats \(main hash table\):\n table size: 1024\n/);
        expect(text(t)).toContain('Hash table 1 stats (rehashing target):');
      }
      await settle(d(), 's');
      expect(await sameSizes(d(), 'HTSTATS-KEY', 's')).toBe('Hash table 0 stats (main hash table):| table size: 128');
      await d().seq([['SCARD', 's'], ['CONFIG', 'SET', 'set-max-intset-entries', '512']]);
      // not represented as a hash table, or no key at all
      await d().seq([['SADD', 'ints', '1', '2'], ['DEBUG', 'HTSTATS-KEY', 'ints'], ['DEBUG', 'HTSTATS-KEY', 'nokey']]);
    });

    test('HTSTATS-KEY: a child process holds a shrink back, not an extreme one', async () => {
      await d().seq([['CONFIG', 'SET', 'set-max-intset-entries', '0'], ['SADD', 's', ...members(0, 2000)]]);
      await settle(d(), 's');
      await d().seq([['CONFIG', 'SET', 'rdb-key-save-delay', '1000000'], ['BGSAVE']]);
      try {
        await d().same('SREM', 's', ...members(0, 1900));
        expect(await sameSizes(d(), 'HTSTATS-KEY', 's')).toBe('Hash table 0 stats (main hash table):| table size: 2048');
      } finally {
        await d().seq([['CONFIG', 'SET', 'rdb-key-save-delay', '0'], ['CONFIG', 'SET', 'set-max-intset-entries', '512']]);
      }
      // FLUSHALL ends the child (Redis's killRDBChild); Redis resizes freely again once
      // its cron has reaped it
      await d().seq([['FLUSHALL']]);
      for (let i = 0; i < 1000; i++) {
        const { real, ours } = await d().both('INFO', 'persistence');
        if (real.includes('rdb_bgsave_in_progress:0') && ours.includes('rdb_bgsave_in_progress:0')) break;
        await new Promise((r) => setTimeout(r, 20));
      }
    });

    test('the keyspace: a key added as the table starts growing goes to the new table', async () => {
      // (without active rehashing the cron leaves the rehash where the commands took it)
      await d().seq([['CONFIG', 'SET', 'activerehashing', 'no'], ['DEBUG', 'POPULATE', '4096', '', '1'], ['SET', 'k1', 'v1']]);
      try {
        const { real, ours } = await d().both('DEBUG', 'HTSTATS', '0');
        // (how many more have moved by then depends on each hash's chains)
        expect(sizes(ours)).toBe(sizes(real));
        expect(sizes(real)).toContain('Hash table 0 stats (main hash table):| table size: 4096|Hash table 1 stats (rehashing target):| table size: 8192');
      } finally {
        await d().seq([['CONFIG', 'SET', 'activerehashing', 'yes']]);
      }
    });

    test('maxmemory: the main table does not grow past the limit', async () => {
      // (latency tracking would allocate a histogram per new command: not in the figures)
      await d().seq([['CONFIG', 'SET', 'latency-tracking', 'no'], ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-random'], ['DEBUG', 'POPULATE', '4096', '', '1']]);
      const used = async (c: { call(...argv: string[]): Promise<string> }) => {
        const info = text(await c.call('INFO', 'memory'));
        return Number(/used_memory:(\d+)/.exec(info)?.[1]);
      };
      // 10 KB of room: growing 4096 -> 8192 buckets would take 64 KB
      await d().real.call('CONFIG', 'SET', 'maxmemory', String((await used(d().real)) + 10 * 1024));
      await d().ours.call('CONFIG', 'SET', 'maxmemory', String((await used(d().ours)) + 10 * 1024));
      try {
        await d().seq([['SET', 'k1', 'v1'], ['SET', 'k2', 'v2'], ['DBSIZE']]);
        expect(await sameSizes(d(), 'HTSTATS', '0')).toContain('table size: 4096');
      } finally {
        await d().seq([['CONFIG', 'SET', 'maxmemory', '0'], ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'], ['CONFIG', 'SET', 'latency-tracking', 'yes']]);
      }
      await d().seq([['SET', 'k3', 'v3'], ['DBSIZE']]);
      // now it grows (each server's cron then finishes the rehash)
      for (let i = 0; i < 1000; i++) {
        const { real, ours } = await d().both('DEBUG', 'HTSTATS', '0');
        if (!real.includes('rehashing target') && !ours.includes('rehashing target')) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await sameSizes(d(), 'HTSTATS', '0')).toContain('table size: 8192');
    });
  },
  { 'enable-debug-command': 'yes', save: '' },
);

describe('dict shape on redmoon', () => {
  let server: RunningServer;
  const call = (...argv: string[]) => server.call(...argv) as Promise<unknown>;
  beforeAll(async () => {
    server = await startServer({ port: 0, config: { 'enable-debug-command': 'yes', 'set-max-intset-entries': '0' }, log: () => {} });
  });
  afterAll(async () => {
    await server.close();
  });

  const stats = async (key: string) => String(await call('DEBUG', 'HTSTATS-KEY', key));

  test("HTSTATS-KEY's text: both tables while rehashing, chains adding up", async () => {
    await call('DEL', 's');
    await call('SADD', 's', ...members(0, 100));
    const t = await stats('s');
    expect(t).toMatch(/^Hash table 0 stats \(main hash table\):\n table size: \d+\n number of elements: \d+\n different slots: \d+\n max chain length: \d+\n avg chain length \(counted\): \d+\.\d\d\n avg chain length \(computed\): \d+\.\d\d\n Chain length distribution:\n( {3}\d+: \d+ \(\d+\.\d\d%\)\n)+/);
    expect(t).toContain('Hash table 1 stats (rehashing target):\n table size: 128\n');
    const counts = [...t.matchAll(/number of elements: (\d+)/g)].map((m) => Number(m[1]));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(100);
    for (let i = 0; i < 200 && (await stats('s')).includes('rehashing'); i++) await call('SISMEMBER', 's', 'x');
    const done = await stats('s');
    expect(done).not.toContain('rehashing target');
    expect(done).toContain(' table size: 128\n number of elements: 100\n');
    // the distribution lines add up to the table
    const dist = [...done.matchAll(/^ {3}(\d+): (\d+) /gm)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(dist.reduce((a, [, n]) => a + n, 0)).toBe(128);
    expect(dist.reduce((a, [len, n]) => a + len * n, 0)).toBe(100);
  });

  /** A whole SSCAN walk; `between` runs after each call. */
  async function walk(key: string, between: (step: number) => Promise<void>, count = 10): Promise<Set<string>> {
    const seen = new Set<string>();
    let cursor = '0';
    for (let step = 0; step < 100_000; step++) {
      const [next, items] = (await call('SSCAN', key, cursor, 'COUNT', String(count))) as [string, string[]];
      for (const m of items) seen.add(m);
      cursor = next;
      if (cursor === '0') return seen;
      await between(step);
    }
    throw new Error('SSCAN never ended');
  }

  test('SSCAN returns every member present throughout while the table grows', async () => {
    await call('DEL', 's');
    await call('SADD', 's', ...members(0, 500));
    let added = 500;
    const seen = await walk('s', async () => {
      await call('SADD', 's', ...members(added, added + 8, 'n:'));
      added += 8;
    });
    // the table grew under the walk (512 -> 1024 buckets)
    expect(await stats('s')).toContain('table size: 1024');
    for (const m of members(0, 500)) expect(seen.has(m)).toBe(true);
  });

  test('SSCAN returns every member present throughout while the table shrinks and rehashes', async () => {
    await call('DEL', 's');
    await call('SADD', 's', ...members(0, 4000));
    const keep = members(0, 50);
    let removed = 50;
    let shrinking = false;
    const seen = await walk('s', async () => {
      if (removed < 4000) {
        await call('SREM', 's', ...members(removed, Math.min(4000, removed + 300)));
        removed += 300;
      }
      if ((await stats('s')).includes('rehashing target')) shrinking = true;
    });
    expect(shrinking).toBe(true);
    for (const m of keep) expect(seen.has(m)).toBe(true);
    expect(Number(await call('SCARD', 's'))).toBe(50);
  });

  test('SSCAN: any cursor, MATCH, and cursor 0 once a call has visited every bucket', async () => {
    await call('DEL', 's');
    await call('SADD', 's', ...members(0, 10));
    const [cursor, items] = (await call('SSCAN', 's', '0', 'COUNT', '1000')) as [string, string[]];
    expect(cursor).toBe('0');
    expect(items.sort()).toEqual(members(0, 10).sort());
    const all = await walk('s', async () => {}, 1);
    expect([...all].sort()).toEqual(members(0, 10).sort());
    // any cursor is a bucket position: a walk resumed from one never fails
    for (const c of ['5', '4294967295', '18446744073709551615', '-1']) {
      const r = (await call('SSCAN', 's', c)) as [string, string[]];
      expect(Array.isArray(r[1])).toBe(true);
    }
    const m = (await call('SSCAN', 's', '0', 'MATCH', 'm:1*', 'COUNT', '1000')) as [string, string[]];
    expect(m).toEqual(['0', ['m:1']]);
  });

  test('HSCAN and ZSCAN walk bucket order too: every entry present throughout, with its value', async () => {
    await call('DEL', 'h', 'z');
    const hargs: string[] = [];
    const zargs: string[] = [];
    for (let i = 0; i < 1000; i++) {
      hargs.push(`f:${i}`, `v:${i}`);
      zargs.push(String(i), `m:${i}`);
    }
    await call('HSET', 'h', ...hargs);
    await call('ZADD', 'z', ...zargs);
    for (const [cmd, key, add, del] of [
      ['HSCAN', 'h', (i: number) => ['HSET', 'h', `n:${i}`, 'x'], (i: number) => ['HDEL', 'h', `f:${500 + i}`]],
      ['ZSCAN', 'z', (i: number) => ['ZADD', 'z', '1', `n:${i}`], (i: number) => ['ZREM', 'z', `m:${500 + i}`]],
    ] as const) {
      const seen = new Map<string, string>();
      let cursor = '0';
      for (let step = 0; step < 10_000; step++) {
        const [next, items] = (await call(cmd, key, cursor)) as [string, string[]];
        for (let i = 0; i < items.length; i += 2) seen.set(items[i], items[i + 1]);
        cursor = next;
        if (cursor === '0') break;
        for (let k = 0; k < 3; k++) {
          await call(...add(step * 3 + k));
          if (step * 3 + k < 500) await call(...del(step * 3 + k));
        }
      }
      expect(cursor).toBe('0');
      for (let i = 0; i < 500; i++) {
        if (cmd === 'HSCAN') expect(seen.get(`f:${i}`)).toBe(`v:${i}`);
        else expect(seen.get(`m:${i}`)).toBe(String(i));
      }
    }
  });
});
