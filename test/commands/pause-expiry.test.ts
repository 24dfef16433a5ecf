/**
 * While clients are paused the dataset stays constant, side by side with redis-server
 * 7.0.15: expired keys read as missing but are neither removed (passively or by the
 * active cycle) nor counted as expired until the pause ends.
 */
import { it, expect } from 'vitest';
import { describeDifferential, type Differential } from '../support/differential.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const expiredKeys = (info: string) => /expired_keys:(\d+)/.exec(info)![1];

describeDifferential('expiry during CLIENT PAUSE', (d: () => Differential) => {
  it('neither passive nor active expiry removes keys while paused', async () => {
    await d().seq([['CONFIG', 'RESETSTAT'], ['MULTI'], ['SET', 'foo{t}', 'bar', 'PX', '10'], ['SET', 'bar{t}', 'foo', 'PX', '10'], ['CLIENT', 'PAUSE', '50000', 'WRITE'], ['EXEC']]);
    try {
      // several active expire cycles' worth of time (RANDOMKEY is left out: Redis loops forever here)
      await sleep(300);
      await d().seq([['GET', 'foo{t}'], ['EXISTS', 'bar{t}'], ['DBSIZE'], ['SCAN', '0']]);
      const info = await d().both('INFO', 'stats');
      expect(expiredKeys(info.ours)).toBe(expiredKeys(info.real));
      expect(expiredKeys(info.ours)).toBe('0');
    } finally {
      await d().both('CLIENT', 'UNPAUSE');
    }
    await d().seq([['GET', 'foo{t}'], ['GET', 'bar{t}'], ['DBSIZE']]);
    const info = await d().both('INFO', 'stats');
    expect(expiredKeys(info.ours)).toBe(expiredKeys(info.real));
  });
});
