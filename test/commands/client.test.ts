import { test, expect } from 'vitest';
import { describeDifferential } from '../support/differential.ts';
import { encodeCommand } from '../support/raw-client.ts';

/** Field names of a CLIENT LIST/INFO line, in order. */
function fieldNames(line: string): string[] {
  return line
    .trim()
    .split(' ')
    .map((kv) => kv.slice(0, kv.indexOf('=')));
}

function bulkBody(raw: string): string {
  return raw.slice(raw.indexOf('\r\n') + 2, -2);
}

describeDifferential('CLIENT', (d) => {
  test('SETNAME, GETNAME, ID shape, errors', async () => {
    await d().seq([
      ['CLIENT', 'GETNAME'],
      ['CLIENT', 'SETNAME', 'my-name'],
      ['CLIENT', 'GETNAME'],
      ['CLIENT', 'SETNAME', 'bad name'],
      ['CLIENT', 'SETNAME', 'bad\nname'],
      ['CLIENT', 'SETNAME', ''],
      ['CLIENT', 'GETNAME'],
      ['CLIENT', 'SETNAME'],
      ['CLIENT', 'GETNAME', 'x'],
      ['CLIENT', 'NOSUCH'],
      ['CLIENT', 'HELP'],
      ['CLIENT', 'LIST', 'TYPE', 'bogus'],
      ['CLIENT', 'LIST', 'ID', 'abc'],
      ['CLIENT', 'LIST', 'ID', '999999'],
      ['CLIENT', 'LIST', 'foo'],
      ['CLIENT', 'LIST', 'TYPE', 'master'],
      ['CLIENT', 'LIST', 'TYPE', 'replica'],
      ['CLIENT', 'KILL', '1.2.3.4:5'],
      ['CLIENT', 'KILL', 'ID', '0'],
      ['CLIENT', 'KILL', 'ID', 'abc'],
      ['CLIENT', 'KILL', 'ID', '999999'],
      ['CLIENT', 'KILL', 'TYPE', 'bogus'],
      ['CLIENT', 'KILL', 'USER', 'nobody'],
      ['CLIENT', 'KILL', 'SKIPME', 'maybe'],
      ['CLIENT', 'KILL', 'ADDR', '1.2.3.4:5', 'SKIPME'],
      ['CLIENT', 'KILL', 'FOO', 'bar'],
      ['CLIENT', 'NO-EVICT', 'on'],
      ['CLIENT', 'NO-EVICT', 'off'],
      ['CLIENT', 'NO-EVICT', 'maybe'],
      ['CLIENT', 'PAUSE', 'abc'],
      ['CLIENT', 'PAUSE', '-1'],
      ['CLIENT', 'PAUSE', '10', 'bogus'],
      ['CLIENT', 'PAUSE', '10', 'WRITE', 'x'],
      ['CLIENT', 'KILL', 'MAXAGE', '10'],
      ['CLIENT', 'KILL', 'ID', '5', 'MAXAGE'],
      ['CLIENT', 'LIST', 'ID'],
      ['CLIENT', 'LIST', 'ID', '1', 'abc'],
      ['CLIENT', 'UNPAUSE'],
      ['CLIENT', 'REPLY', 'bogus'],
      ['CLIENT', 'REPLY', 'ON'],
    ]);
    const id = await d().both('CLIENT', 'ID');
    expect(id.ours).toMatch(/^:\d+\r\n$/);
  });

  test('CLIENT REPLY OFF and SKIP', async () => {
    const script = [
      ['CLIENT', 'REPLY', 'SKIP'],
      ['PING', 'skipped'],
      ['PING', 'seen'],
      ['CLIENT', 'REPLY', 'OFF'],
      ['PING', 'hidden'],
      ['CLIENT', 'REPLY', 'SKIP'],
      ['PING', 'hidden2'],
      ['CLIENT', 'REPLY', 'ON'],
      ['PING', 'back'],
    ];
    const bytes = Buffer.concat(script.map((a) => encodeCommand(a))).toString('latin1');
    await d().sameRaw(bytes, 3);
  });

  test('CLIENT LIST and INFO have Redis fields in order', async () => {
    const real = bulkBody(await d().real.call('CLIENT', 'INFO'));
    const ours = bulkBody(await d().ours.call('CLIENT', 'INFO'));
    expect(fieldNames(ours)).toEqual(fieldNames(real));
    expect(ours).toMatch(/ cmd=client\|info user=default redir=-1 resp=2\n$/);
    const list = bulkBody(await d().ours.call('CLIENT', 'LIST'));
    for (const line of list.trim().split('\n')) expect(fieldNames(line)).toEqual(fieldNames(real));
    const { ours: own } = await d().both('CLIENT', 'ID');
    const byId = bulkBody(await d().ours.call('CLIENT', 'LIST', 'ID', own.slice(1, -2)));
    expect(byId).toMatch(new RegExp(`^id=${own.slice(1, -2)} `));
    await d().both('CLIENT', 'SETNAME', 'named');
    expect(bulkBody(await d().ours.call('CLIENT', 'INFO'))).toContain(' name=named ');
    await d().both('HELLO', '3');
    const v = await d().ours.call('CLIENT', 'INFO');
    expect(v.startsWith('=')).toBe(true);
    expect(v).toContain('\r\ntxt:id=');
    await d().both('HELLO', '2');
    await d().both('CLIENT', 'SETNAME', '');
    const flags = async (...setup: string[][]) => {
      const p = await d().pair();
      try {
        for (const cmd of setup) await Promise.all([p.real.call(...cmd), p.ours.call(...cmd)]);
        await Promise.all([p.real.drain(50), p.ours.drain(50)]);
        const get = (s: string) => / flags=(\S+) .* sub=(\d+) psub=(\d+) ssub=(\d+) multi=(-?\d+) .* redir=(-?\d+)/.exec(bulkBody(s))!.slice(1).join(' ');
        const [r, o] = await Promise.all([p.real.call('CLIENT', 'INFO'), p.ours.call('CLIENT', 'INFO')]);
        // The oracle listens on a unix socket (flag U); redmoon on TCP.
        const unixless = (x: string) => x.replace(/^(\S*)U/, '$1').replace(/^ /, 'N ');
        expect(get(o), JSON.stringify(setup)).toBe(unixless(get(r)));
      } finally {
        p.real.close();
        p.ours.close();
      }
    };
    await flags(['HELLO', '3'], ['SUBSCRIBE', 'a', 'b'], ['PSUBSCRIBE', 'p*']);
    await flags(['CLIENT', 'NO-EVICT', 'on']);
    await flags(['HELLO', '3'], ['CLIENT', 'TRACKING', 'on', 'BCAST']);
    await flags(['CLIENT', 'TRACKING', 'on']);
  });

  test('CLIENT KILL by id and addr', async () => {
    const p = await d().pair();
    const other = await p.ours.call('CLIENT', 'ID');
    const id = other.slice(1, -2);
    const info = bulkBody(await p.ours.call('CLIENT', 'INFO'));
    const addr = /addr=(\S+)/.exec(info)![1];
    expect(await d().ours.call('CLIENT', 'KILL', 'ADDR', addr, 'SKIPME', 'yes')).toBe(':1\r\n');
    await new Promise((r) => setTimeout(r, 50));
    expect(p.ours.closed).toBe(true);
    expect(await d().ours.call('CLIENT', 'KILL', 'ID', id)).toBe(':0\r\n');
    expect(await d().ours.call('CLIENT', 'KILL', addr)).toBe('-ERR No such client\r\n');
    p.real.close();
  });

  test('CLIENT PAUSE WRITE delays writes, not reads; UNPAUSE releases them', async () => {
    const p = await d().pair();
    try {
      expect(await d().ours.call('CLIENT', 'PAUSE', '5000', 'WRITE')).toBe('+OK\r\n');
      expect(await p.ours.call('PING')).toBe('+PONG\r\n');
      const pending = p.ours.sendRaw(encodeCommand(['SADD', 'pausedkey', 'x']), 1, 3000);
      await new Promise((r) => setTimeout(r, 100));
      expect(await d().ours.call('EXISTS', 'pausedkey')).toBe(':0\r\n');
      expect(await d().ours.call('CLIENT', 'UNPAUSE')).toBe('+OK\r\n');
      expect(await pending).toBe(':1\r\n');
      expect(await d().ours.call('EXISTS', 'pausedkey')).toBe(':1\r\n');
    } finally {
      p.ours.close();
      p.real.close();
    }
  });

  test('CLIENT PAUSE ALL delays everything until the timeout', async () => {
    const p = await d().pair();
    try {
      const t0 = Date.now();
      expect(await d().ours.call('CLIENT', 'PAUSE', '200', 'ALL')).toBe('+OK\r\n');
      expect(await p.ours.call('PING')).toBe('+PONG\r\n');
      expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    } finally {
      p.ours.close();
      p.real.close();
    }
  });
});
