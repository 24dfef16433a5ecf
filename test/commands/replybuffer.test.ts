import { test, expect } from 'vitest';
import { startServer } from '../../src/index.ts';
import { RawClient } from '../support/raw-client.ts';

/**
 * The modelled reply buffer (CLIENT LIST rbs=): an idle client's buffer shrinks to 1 KB once
 * its peak is forgotten (DEBUG REPLYBUFFER PEAK-RESET-TIME), and a client whose replies fill
 * it sees it doubled by the cron up to 16 KB while the peak is kept (NEVER).
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rbs(admin: RawClient, name: string): Promise<number> {
  const list = await admin.command('CLIENT', 'LIST');
  const line = String(list).split('\n').find((l) => l.includes(`name=${name} `)) ?? '';
  return Number(/ rbs=(\d+)/.exec(line)?.[1] ?? -1);
}

test('DEBUG REPLYBUFFER PEAK-RESET-TIME drives the reply buffer shrinking and growing', async () => {
  const s = await startServer({ port: 0, config: { 'enable-debug-command': 'yes' }, log: () => {} });
  const admin = await RawClient.connect(s.port);
  const tc = await RawClient.connect(s.port);
  try {
    expect(await admin.call('DEBUG', 'REPLYBUFFER', 'PEAK-RESET-TIME', '100')).toBe('+OK\r\n');
    expect(await admin.call('DEBUG', 'REPLYBUFFER', 'PEAK-RESET-TIME', 'x')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(await admin.call('DEBUG', 'REPLYBUFFER', 'NOSUCH', '1')).toBe(
      "-ERR unknown subcommand or wrong number of arguments for 'REPLYBUFFER'. Try DEBUG HELP.\r\n",
    );
    await tc.call('CLIENT', 'SETNAME', 'tc');
    let size = 0;
    for (let i = 0; i < 100 && !((size = await rbs(admin, 'tc')) >= 1024 && size < 2048); i++) await sleep(50);
    expect(size).toBe(1024);
    await admin.call('SET', 'bigval', 'x'.repeat(32768));
    expect(await admin.call('DEBUG', 'REPLYBUFFER', 'PEAK-RESET-TIME', 'never')).toBe('+OK\r\n');
    for (let i = 0; i < 100; i++) {
      await tc.call('GET', 'bigval');
      if ((size = await rbs(admin, 'tc')) >= 16384) break;
      await sleep(50);
    }
    expect(size).toBe(16384);
    expect(await admin.call('DEBUG', 'REPLYBUFFER', 'PEAK-RESET-TIME', 'reset')).toBe('+OK\r\n');
  } finally {
    admin.close();
    tc.close();
    await s.close();
  }
}, 60_000);
