import { describe, test, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.ts';
import { RawClient } from '../support/raw-client.ts';

/** Resolves once `check` holds, polling; fails after a generous bound. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('timed out waiting');
}

describe('faults', () => {
  let s: RunningServer;
  const clients: RawClient[] = [];
  async function connect(): Promise<RawClient> {
    const c = await RawClient.connect(s.port);
    clients.push(c);
    return c;
  }
  beforeAll(async () => {
    s = await startServer({ port: 0, log: () => {} });
  });
  afterAll(async () => {
    await s.close();
  });
  beforeEach(() => {
    s.faults.clear();
    s.flushall();
    for (const c of clients.splice(0)) c.close();
  });

  test('error replaces the reply and the command does not run', async () => {
    const c = await connect();
    const h = s.faults.inject({ command: 'set', error: 'READONLY You can\'t write against a read only replica.' });
    expect(await c.call('SET', 'k', 'v')).toBe("-READONLY You can't write against a read only replica.\r\n");
    expect(s.call('EXISTS', 'k')).toBe(0);
    expect(await c.call('GET', 'k')).toBe('$-1\r\n');
    expect(h.fired).toBe(1);
    h.remove();
    expect(h.active).toBe(false);
    expect(await c.call('SET', 'k', 'v')).toBe('+OK\r\n');
  });

  test('names match in any case, subcommands and RegExps too; match filters on arguments', async () => {
    const c = await connect();
    s.faults.inject({ command: 'GET', match: (args) => args[0] === 'bad', error: 'ERR bad key' });
    s.faults.inject({ command: /^h/, error: 'ERR no hashes today' });
    s.faults.inject({ command: 'config get', error: 'ERR no config' });
    expect(await c.call('get', 'good')).toBe('$-1\r\n');
    expect(await c.call('get', 'bad')).toBe('-ERR bad key\r\n');
    expect(await c.call('HSET', 'h', 'f', 'v')).toBe('-ERR no hashes today\r\n');
    expect(await c.call('CONFIG', 'GET', 'port')).toBe('-ERR no config\r\n');
    expect(await c.call('CONFIG', 'RESETSTAT')).toBe('+OK\r\n');
    expect(await c.call('SET', 'x', '1')).toBe('+OK\r\n');
  });

  test('the predicate sees the arguments UTF-8 decoded; one that throws does not match', async () => {
    const c = await connect();
    const seen: string[][] = [];
    s.faults.inject({ command: 'set', match: (args) => (seen.push(args), false), error: 'ERR x' });
    s.faults.inject({
      command: 'get',
      match: () => {
        throw new Error('oops');
      },
      error: 'ERR y',
    });
    await c.call('SET', Buffer.from('ключ').latin1Slice(), 'v');
    expect(seen).toEqual([['ключ', 'v']]);
    expect(await c.call('GET', 'k')).toBe('$-1\r\n');
  });

  test('times limits the firings; clear removes everything; the first match wins', async () => {
    const c = await connect();
    const a = s.faults.inject({ command: 'ping', error: 'ERR first', times: 2 });
    const b = s.faults.inject({ command: 'ping', error: 'ERR second' });
    expect(await c.call('PING')).toBe('-ERR first\r\n');
    expect(await c.call('PING')).toBe('-ERR first\r\n');
    expect(a.active).toBe(false);
    expect(await c.call('PING')).toBe('-ERR second\r\n');
    s.faults.clear();
    expect(b.active).toBe(false);
    expect(await c.call('PING')).toBe('+PONG\r\n');
    expect(() => s.faults.inject({ command: 'ping' })).toThrow(TypeError);
    expect(() => s.faults.inject({ command: 'ping', error: 'ERR', times: 0 })).toThrow(TypeError);
    expect(() => s.faults.inject({ command: '', error: 'ERR' })).toThrow(TypeError);
    expect(() => s.faults.inject({ command: 'ping', delayMs: -1 })).toThrow(TypeError);
  });

  test('delayMs holds the reply while other clients are served, and keeps order', async () => {
    const slow = await connect();
    const other = await connect();
    s.faults.inject({ command: 'incr', delayMs: 300, times: 1 });
    // Pipelined: the reply before the faulted one is not held; the ones after wait behind it.
    slow.sock.write('*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n*2\r\n$3\r\nGET\r\n$1\r\nn\r\n');
    expect(await slow.readRaw(1)).toBe('+PONG\r\n');
    // The command itself ran at once: its effect is visible to others before its reply.
    expect(await other.call('GET', 'n')).toBe('$1\r\n1\r\n');
    expect(await other.call('PING')).toBe('+PONG\r\n');
    expect(await slow.readRaw(2, 10_000)).toBe(':1\r\n$1\r\n1\r\n');
  });

  test('a delayed blocking command is served at once but answers late; a disconnect meanwhile unblocks it', async () => {
    const c = await connect();
    s.faults.inject({ command: 'blpop', delayMs: 200 });
    const pop = c.sendRaw('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n', 1, 10_000);
    await until(() => s.call<string>('INFO', 'clients').includes('blocked_clients:1'));
    s.call('RPUSH', 'q', 'a');
    expect(s.call('LLEN', 'q')).toBe(0);
    expect(await pop).toBe('*2\r\n$1\r\nq\r\n$1\r\na\r\n');

    const d = await connect();
    d.sock.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$5\r\nafter\r\n$1\r\n1\r\n');
    await until(() => s.call<string>('INFO', 'clients').includes('blocked_clients:1'));
    d.close();
    await until(() => s.call<string>('INFO', 'clients').includes('blocked_clients:0'));
    s.call('RPUSH', 'q', 'kept');
    expect(s.call('LRANGE', 'q', 0, -1)).toEqual(['kept']);
    // Past the delay, the closed client's pipelined command still never runs.
    await new Promise((r) => setTimeout(r, 300));
    expect(s.call('EXISTS', 'after')).toBe(0);
  });

  test('a client that disconnects while its reply is held runs nothing more', async () => {
    const c = await connect();
    const pings = () => Number(/cmdstat_ping:calls=(\d+)/.exec(s.call<string>('INFO', 'commandstats'))?.[1] ?? 0);
    const before = pings();
    s.faults.inject({ command: 'ping', delayMs: 100, times: 1 });
    c.sock.write('*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$5\r\nafter\r\n$1\r\n1\r\n');
    await until(() => pings() > before);
    c.close();
    await new Promise((r) => setTimeout(r, 200));
    expect(s.call('EXISTS', 'after')).toBe(0);
  });

  test('disconnect closes the connection without a reply, and the command does not run', async () => {
    const c = await connect();
    s.faults.inject({ command: 'set', disconnect: true });
    c.sock.write('*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*1\r\n$4\r\nPING\r\n');
    expect(await c.readRaw(3, 10_000)).toBe('+PONG\r\n');
    expect(c.closed).toBe(true);
    expect(s.call('EXISTS', 'k')).toBe(0);
  });

  test('delay then disconnect: a timeout as clients see it', async () => {
    const c = await connect();
    s.faults.inject({ command: 'get', delayMs: 100, disconnect: true });
    expect(await c.call('GET', 'k').then(() => c.closed)).toBe(true);
  });

  test('ioredis reconnects after an injected disconnect and retries', async () => {
    const r = new Redis({ port: s.port, host: s.host, retryStrategy: () => 10 });
    try {
      await r.set('k', '1');
      s.faults.inject({ command: 'incr', disconnect: true, times: 1 });
      expect(await r.incr('k')).toBe(2);
    } finally {
      r.disconnect();
    }
  });

  describe('inside MULTI/EXEC', () => {
    test('queued commands meet their faults at EXEC: an error takes that command\'s slot', async () => {
      const c = await connect();
      s.faults.inject({ command: 'incr', match: (a) => a[0] === 'b', error: 'ERR injected' });
      expect(await c.call('MULTI')).toBe('+OK\r\n');
      expect(await c.call('INCR', 'a')).toBe('+QUEUED\r\n');
      expect(await c.call('INCR', 'b')).toBe('+QUEUED\r\n');
      expect(await c.call('INCR', 'c')).toBe('+QUEUED\r\n');
      expect(await c.call('EXEC')).toBe('*3\r\n:1\r\n-ERR injected\r\n:1\r\n');
      expect(s.call('MGET', 'a', 'b', 'c')).toEqual(['1', null, '1']);
    });

    test('a delay on a queued command holds the EXEC reply', async () => {
      const c = await connect();
      const other = await connect();
      s.faults.inject({ command: 'set', delayMs: 200 });
      await c.call('MULTI');
      await c.call('SET', 'k', 'v');
      const exec = c.sendRaw('*1\r\n$4\r\nEXEC\r\n', 1, 10_000);
      for (let i = 0; i < 500 && s.call('EXISTS', 'k') === 0; i++) await new Promise((r) => setTimeout(r, 5));
      // The transaction ran; only its reply waits.
      expect(await other.call('GET', 'k')).toBe('$1\r\nv\r\n');
      expect(await exec).toBe('*1\r\n+OK\r\n');
    });

    test('delays on EXEC and on a queued command overlap: the reply comes once both passed', async () => {
      const c = await connect();
      s.faults.inject({ command: 'exec', delayMs: 150, times: 1 });
      s.faults.inject({ command: 'incr', delayMs: 50, times: 1 });
      await c.call('MULTI');
      await c.call('INCR', 'n');
      expect(await c.sendRaw('*1\r\n$4\r\nEXEC\r\n*1\r\n$4\r\nPING\r\n', 2, 10_000)).toBe('*1\r\n:1\r\n+PONG\r\n');
    });

    test('a delayed EXEC whose queued command disconnects closes the connection', async () => {
      const c = await connect();
      s.faults.inject({ command: 'exec', delayMs: 100, times: 1 });
      s.faults.inject({ command: 'incr', disconnect: true, times: 1 });
      await c.call('MULTI');
      await c.call('INCR', 'n');
      expect(await c.sendRaw('*1\r\n$4\r\nEXEC\r\n', 1, 10_000)).toBe('');
      expect(c.closed).toBe(true);
      expect(s.call('EXISTS', 'n')).toBe(0);
    });

    test('a disconnect on a queued command drops the connection and the transaction', async () => {
      const c = await connect();
      s.faults.inject({ command: 'set', disconnect: true });
      await c.call('MULTI');
      await c.call('INCR', 'n');
      await c.call('SET', 'k', 'v');
      expect(await c.call('EXEC')).toBe('');
      expect(c.closed).toBe(true);
      expect(s.call('EXISTS', 'n', 'k')).toBe(0);
    });

    test('faulting EXEC itself: an error discards the transaction', async () => {
      const c = await connect();
      s.faults.inject({ command: 'exec', error: 'ERR exec refused', times: 1 });
      await c.call('MULTI');
      await c.call('SET', 'k', 'v');
      expect(await c.call('EXEC')).toBe('-ERR exec refused\r\n');
      expect(await c.call('EXEC')).toBe('-ERR EXEC without MULTI\r\n');
      expect(s.call('EXISTS', 'k')).toBe(0);
    });

    test('MULTI and EXEC themselves are not queued, so a fault on them fires at once', async () => {
      const c = await connect();
      s.faults.inject({ command: 'multi', error: 'ERR no transactions' });
      expect(await c.call('MULTI')).toBe('-ERR no transactions\r\n');
      expect(await c.call('SET', 'k', 'v')).toBe('+OK\r\n');
    });
  });

  describe('scripts', () => {
    test('EVAL and EVALSHA are faulted like any command; match sees the script', async () => {
      const c = await connect();
      s.faults.inject({ command: /^eval/, match: (a) => a[0].includes('boom'), error: 'ERR script fault' });
      expect(await c.call('EVAL', "return 'boom'", '0')).toBe('-ERR script fault\r\n');
      expect(await c.call('EVAL', "return 'fine'", '0')).toBe('$4\r\nfine\r\n');
    });

    test('commands a script runs are never faulted', async () => {
      const c = await connect();
      s.faults.inject({ command: 'set', error: 'ERR no set' });
      expect(await c.call('EVAL', "return redis.call('SET', KEYS[1], 'v')", '1', 'k')).toBe('+OK\r\n');
      expect(await c.call('SET', 'k', 'w')).toBe('-ERR no set\r\n');
      expect(s.call('GET', 'k')).toBe('v');
    });

    test('a delayed EVAL answers late; a disconnected one does not run', async () => {
      const c = await connect();
      s.faults.inject({ command: 'eval', delayMs: 100, times: 1 });
      expect(await c.call('EVAL', 'return 7', '0')).toBe(':7\r\n');
      s.faults.inject({ command: 'eval', disconnect: true });
      expect(await c.call('EVAL', "return redis.call('SET', 'ran', '1')", '0')).toBe('');
      expect(s.call('EXISTS', 'ran')).toBe(0);
    });
  });

  test('call() is never faulted', () => {
    s.faults.inject({ command: 'set', error: 'ERR no' });
    expect(s.call('SET', 'k', 'v')).toBe('OK');
  });
});
