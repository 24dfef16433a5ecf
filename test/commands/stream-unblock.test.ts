/**
 * Clients blocked in XREADGROUP are unblocked with an error when their stream goes away
 * (deleted, overwritten with another type, flushed, swapped out), side by side with
 * redis-server 7.0.15; plain XREAD readers keep waiting.
 */
import { it, expect } from 'vitest';
import { describeDifferential, type Differential } from '../support/differential.ts';
import { encodeCommand, type RawClient } from '../support/raw-client.ts';

/** Blocks a fresh connection of each server with `block`, runs `change` on the main ones, returns both blocked replies. */
async function unblockedBy(d: Differential, setup: string[][], block: string[], change: string[][], after: string[][] = []): Promise<string> {
  await d.seq(setup);
  const p = await d.pair();
  try {
    const start = (c: RawClient) => c.sendRaw(encodeCommand(block), 1, 20000);
    const pending = [start(p.real), start(p.ours)];
    // the blocked connection shows in CLIENT LIST as blocked before the change
    for (const side of ['real', 'ours'] as const) {
      for (let i = 0; i < 400; i++) {
        const list = side === 'real' ? await d.real.call('CLIENT', 'LIST') : await d.ours.call('CLIENT', 'LIST');
        if (/cmd=xread/.test(list)) break;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    await d.seq(change);
    await d.seq(after);
    const [real, ours] = await Promise.all(pending);
    expect(ours).toBe(real);
    return real;
  } finally {
    p.real.close();
    p.ours.close();
  }
}

const group = [
  ['DEL', 'mystream'],
  ['XADD', 'mystream', '666', 'f', 'v'],
  ['XGROUP', 'CREATE', 'mystream', 'mygroup', '$'],
];
const readGroup = ['XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'BLOCK', '0', 'STREAMS', 'mystream', '>'];

describeDifferential('XREADGROUP unblocked when its stream goes away', (d: () => Differential) => {
  it('key deleted', async () => {
    expect(await unblockedBy(d(), group, readGroup, [['DEL', 'mystream']])).toBe('-UNBLOCKED the stream key no longer exists\r\n');
  });

  it('key type changed with SET, and in a transaction', async () => {
    await unblockedBy(d(), group, readGroup, [['SET', 'mystream', 'val1']]);
    await unblockedBy(d(), group, readGroup, [['MULTI'], ['DEL', 'mystream'], ['SADD', 'mystream', 'e1'], ['EXEC']]);
  });

  it('flushed, and swapped out by SWAPDB', async () => {
    await unblockedBy(d(), group, readGroup, [['FLUSHALL']]);
    await unblockedBy(d(), [['SELECT', '4'], ['FLUSHDB'], ['SELECT', '0'], ...group], readGroup, [['SWAPDB', '4', '0']]);
    await unblockedBy(d(), [['SELECT', '4'], ['FLUSHDB'], ['LPUSH', 'mystream', 'e1'], ['SELECT', '0'], ...group], readGroup, [['SWAPDB', '4', '0']]);
    await d().same('SELECT', '0');
  });

  it('group destroyed: NOGROUP', async () => {
    await unblockedBy(d(), group, readGroup, [['XGROUP', 'DESTROY', 'mystream', 'mygroup']]);
  });

  it('plain XREAD keeps waiting through a delete or a SET, and gets the next entry', async () => {
    const xread = ['XREAD', 'BLOCK', '0', 'STREAMS', 'mystream', '$'];
    await unblockedBy(d(), group, xread, [['DEL', 'mystream']], [['XADD', 'mystream', '667', 'f', 'v']]);
    await unblockedBy(d(), group, xread, [['SET', 'mystream', 'val1'], ['DEL', 'mystream']], [['XADD', 'mystream', '668', 'f', 'v']]);
  });
});
