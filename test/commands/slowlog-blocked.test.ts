/**
 * A command that blocked is accounted when it is unblocked, side by side with redis-server
 * 7.0.15: the slowlog entry carries the arguments it was called with (BLPOP, not the LPOP
 * it became), and commandstats count the call once it is served or times out.
 */
import { it, expect } from 'vitest';
import { describeDifferential, type Differential } from '../support/differential.ts';
import { encodeCommand } from '../support/raw-client.ts';
import type { Reply } from '../support/resp-reader.ts';

/** The argument lists of the slowlog entries, newest first. */
async function slowArgs(d: Differential): Promise<{ real: Reply; ours: Reply }> {
  const [real, ours] = await Promise.all([d.real.command('SLOWLOG', 'GET'), d.ours.command('SLOWLOG', 'GET')]);
  const args = (r: Reply) => (r as Reply[][]).map((e) => e[3]);
  return { real: args(real), ours: args(ours) };
}

const calls = (info: string, cmd: string) => new RegExp(`cmdstat_${cmd}:calls=(\\d+)`).exec(info)?.[1] ?? 'none';

describeDifferential('blocked commands in the slowlog and commandstats', (d: () => Differential) => {
  it('a BLPOP served by a transaction is logged as BLPOP with its arguments', async () => {
    await d().seq([['CONFIG', 'SET', 'slowlog-log-slower-than', '0'], ['CONFIG', 'RESETSTAT']]);
    const p = await d().pair();
    try {
      const pending = [p.real.sendRaw(encodeCommand(['BLPOP', 'l', '0']), 1, 20000), p.ours.sendRaw(encodeCommand(['BLPOP', 'l', '0']), 1, 20000)];
      for (let i = 0; i < 400; i++) {
        const [a, b] = await Promise.all([d().real.call('CLIENT', 'LIST'), d().ours.call('CLIENT', 'LIST')]);
        if (a.includes('cmd=blpop') && b.includes('cmd=blpop')) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      const before = await d().both('INFO', 'commandstats');
      expect(calls(before.ours, 'blpop')).toBe(calls(before.real, 'blpop'));
      await d().seq([['MULTI'], ['LPUSH', 'l', 'foo'], ['SLOWLOG', 'RESET'], ['EXEC']]);
      const [real, ours] = await Promise.all(pending);
      expect(ours).toBe(real);
      const logged = await slowArgs(d());
      expect(logged.ours).toEqual(logged.real);
      expect((logged.ours as Reply[])[0]).toEqual(['BLPOP', 'l', '0']);
      const after = await d().both('INFO', 'commandstats');
      expect(calls(after.ours, 'blpop')).toBe(calls(after.real, 'blpop'));
      // a timeout is accounted too
      await d().seq([['SLOWLOG', 'RESET'], ['BLPOP', 'nothing', '0.01'], ['BZPOPMIN', 'nothing', '0.01']]);
      const timedOut = await slowArgs(d());
      expect(timedOut.ours).toEqual(timedOut.real);
      const last = await d().both('INFO', 'commandstats');
      for (const cmd of ['blpop', 'bzpopmin']) expect(calls(last.ours, cmd)).toBe(calls(last.real, cmd));
    } finally {
      p.real.close();
      p.ours.close();
      await d().both('CONFIG', 'SET', 'slowlog-log-slower-than', '10000');
    }
  });
});
