import { test, expect, type TestContext } from 'vitest';
import { describeDifferential, type Differential } from '../support/differential.ts';

/** Skips a test whose setup needs commands other families have not implemented yet (TODO). */
function needs(d: Differential, ctx: TestContext, ...names: string[]): void {
  for (const n of names) if (!d.redmoon.server.table.lookup(n)?.handler) ctx.skip();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeDifferential('expire commands', (d) => {
  test('EXPIRE family options and errors', async () => {
    await d().seq([
      ['EXPIRE', 'nokey', '100'],
      ['SET', 'k', 'v'],
      ['EXPIRE', 'k', 'abc'],
      ['EXPIRE', 'k', '1.5'],
      ['EXPIRE', 'k', '100', 'FOO'],
      ['EXPIRE', 'k', 'abc', 'FOO'],
      ['EXPIRE', 'k', '100', 'NX', 'XX'],
      ['EXPIRE', 'k', '100', 'NX', 'GT'],
      ['EXPIRE', 'k', '100', 'lt', 'nx'],
      ['EXPIRE', 'k', '100', 'GT', 'LT'],
      ['EXPIRE', 'k', '100', 'XX'],
      ['EXPIRE', 'k', '100', 'GT'],
      ['TTL', 'k'],
      ['EXPIRE', 'k', '100', 'LT'],
      ['TTL', 'k'],
      ['EXPIRE', 'k', '200', 'NX'],
      ['EXPIRE', 'k', '200', 'XX'],
      ['TTL', 'k'],
      ['EXPIRE', 'k', '100', 'GT'],
      ['EXPIRE', 'k', '300', 'gt'],
      ['TTL', 'k'],
      ['EXPIRE', 'k', '300', 'LT'],
      ['EXPIRE', 'k', '250', 'LT'],
      ['TTL', 'k'],
      // 249, not 250: an equal TTL set a millisecond later would already be greater
      ['EXPIRE', 'k', '249', 'XX', 'GT'],
      ['EXPIRE', 'k', '260', 'XX', 'GT'],
      ['TTL', 'k'],
      ['PERSIST', 'k'],
      ['PERSIST', 'k'],
      ['PERSIST', 'nokey'],
      ['TTL', 'k'],
      ['PTTL', 'k'],
      ['EXPIRETIME', 'k'],
      ['PEXPIRETIME', 'k'],
      ['TTL', 'nokey'],
      ['PTTL', 'nokey'],
      ['EXPIRETIME', 'nokey'],
      ['PEXPIRETIME', 'nokey'],
      ['EXPIRE', 'k'],
      ['TTL'],
    ]);
  });

  test('overflow checks', async () => {
    await d().seq([
      ['SET', 'k', 'v'],
      ['EXPIRE', 'k', '9223372036854775807'],
      ['EXPIRE', 'k', '-9223372036854775808'],
      ['EXPIRE', 'k', '9223372036854775'],
      ['EXPIRE', 'k', '9223372036854776'],
      ['EXPIRE', 'k', '9223372036854775808'],
      ['PEXPIRE', 'k', '9223372036854775807'],
      ['PEXPIRE', 'k', '9223372036854770000'],
      ['EXPIREAT', 'k', '9223372036854776'],
      ['EXPIREAT', 'k', '9223372036854775'],
      ['EXISTS', 'k'],
      ['PEXPIREAT', 'k', '9223372036854775000'],
      ['EXPIRETIME', 'k'],
      // Known divergence: expiry times are doubles, so PEXPIRETIME beyond 2^54 is rounded.
      ['PEXPIREAT', 'k', '9223370399119966'],
      ['PEXPIRETIME', 'k'],
      ['EXPIRE', 'k', '-9223372036854775'],
      ['EXISTS', 'k'],
      ['SET', 'k', 'v'],
      ['PEXPIRE', 'k', '-9223372036854775808'],
      ['EXISTS', 'k'],
      ['EXPIRE', 'nokey', '9223372036854775807'],
    ]);
  });

  test('absolute and relative times agree', async () => {
    const t = Math.floor(Date.now() / 1000) + 1000;
    await d().seq([
      ['SET', 'k', 'v'],
      ['EXPIREAT', 'k', String(t)],
      ['EXPIRETIME', 'k'],
      ['PEXPIRETIME', 'k'],
      ['TTL', 'k'],
      ['PEXPIREAT', 'k', String(t * 1000 + 123)],
      ['PEXPIRETIME', 'k'],
      ['EXPIRETIME', 'k'],
      ['PEXPIREAT', 'k', String(t * 1000 + 123), 'GT'],
      ['PEXPIREAT', 'k', String(t * 1000 + 124), 'GT'],
      ['PEXPIRETIME', 'k'],
    ]);
    const { real, ours } = await d().both('PTTL', 'k');
    expect(Math.abs(Number(ours.slice(1)) - Number(real.slice(1)))).toBeLessThan(200);
  });

  test('times in the past delete the key with a del event', async (ctx) => {
    needs(d(), ctx, 'psubscribe', 'config');
    const p = await d().pair();
    try {
      await d().same('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
      await Promise.all([p.real.call('PSUBSCRIBE', '*'), p.ours.call('PSUBSCRIBE', '*')]);
      await d().seq([
        ['SET', 'a', '1'],
        ['EXPIRE', 'a', '0'],
        ['EXISTS', 'a'],
        ['SET', 'a', '1'],
        ['PEXPIRE', 'a', '-5'],
        ['SET', 'a', '1'],
        ['EXPIREAT', 'a', '1'],
        ['SET', 'a', '1'],
        ['PEXPIREAT', 'a', '0'],
        ['SET', 'a', '1'],
        ['EXPIRE', 'a', '100'],
        ['EXPIRE', 'a', '-1', 'LT'],
        ['EXISTS', 'a'],
      ]);
      const [real, ours] = await Promise.all([p.real.drain(300), p.ours.drain(300)]);
      expect(ours).toBe(real);
    } finally {
      await d().both('CONFIG', 'SET', 'notify-keyspace-events', '');
      p.real.close();
      p.ours.close();
    }
  });

  test('keys vanish on access after their TTL (lazy expiry)', async () => {
    await d().seq([
      ['SET', 'a', '1'],
      ['PEXPIRE', 'a', '50'],
      ['SET', 'b', '1'],
      ['PEXPIRE', 'b', '50'],
      ['SET', 'c', '1'],
      ['PEXPIRE', 'c', '50'],
    ]);
    await sleep(120);
    await d().seq([['GET', 'a'], ['TTL', 'b'], ['EXISTS', 'c'], ['KEYS', '*']]);
  });

  test('active expiry removes keys without them being touched; DBSIZE reflects it', async () => {
    const cmds: string[][] = [];
    // TTLs long enough that the first DBSIZE runs before any of them passes on a busy machine
    for (let i = 0; i < 50; i++) cmds.push(['SET', `t${i}`, 'v'], ['PEXPIRE', `t${i}`, '400']);
    cmds.push(['SET', 'keep', 'v'], ['DBSIZE']);
    await d().seq(cmds);
    await sleep(1500);
    await d().same('DBSIZE');
  });

  test('SET clears the TTL, RENAME keeps it, PERSIST events', async () => {
    await d().seq([
      ['SET', 'k', 'v'],
      ['EXPIRE', 'k', '100'],
      ['SET', 'k', 'w'],
      ['TTL', 'k'],
      ['EXPIRE', 'k', '100'],
      ['RENAME', 'k', 'j'],
      ['TTL', 'j'],
    ]);
    await d().both('HELLO', '3');
    await d().seq([
      ['TTL', 'j'],
      ['PERSIST', 'j'],
      ['TTL', 'j'],
    ]);
    await d().both('HELLO', '2');
  });
});
