/**
 * What the server's state does to scripts, side by side with redis-server 7.0.15: EXEC
 * while a script is busy, maxmemory (OOM), min-replicas-to-write (NOREPLICAS), read-only
 * scripts and may-replicate commands, CLIENT PAUSE WRITE, and a script's reply nested past
 * Lua's stack limit.
 */
import { it, expect } from 'vitest';
import { describeDifferential, type Differential } from '../support/differential.ts';
import { encodeCommand, type RawClient } from '../support/raw-client.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the same steps on two fresh connections to each server; the transcripts must match. */
async function timeline(d: Differential, steps: (a: RawClient, b: RawClient) => Promise<string[]>): Promise<string[]> {
  const p1 = await d.pair();
  const p2 = await d.pair();
  try {
    const [real, ours] = await Promise.all([steps(p1.real, p2.real), steps(p1.ours, p2.ours)]);
    expect(ours).toEqual(real);
    return ours;
  } finally {
    for (const c of [p1.real, p1.ours, p2.real, p2.ours]) c.close();
  }
}

/** A command's raw reply, however deep, on a fresh connection to each server (read up to a PING's reply). */
async function deepBoth(d: Differential, argv: string[]): Promise<{ real: string; ours: string }> {
  const p = await d.pair();
  const read = async (c: RawClient) => {
    c.sock.write(encodeCommand(argv));
    c.sock.write(encodeCommand(['PING']));
    let got = '';
    for (let i = 0; i < 400 && !got.endsWith('+PONG\r\n'); i++) got += await c.drain(25);
    return got;
  };
  try {
    const [real, ours] = await Promise.all([read(p.real), read(p.ours)]);
    return { real, ours };
  } finally {
    p.real.close();
    p.ours.close();
  }
}

/** Polls until the server answers BUSY (bounded, robust on a loaded machine). */
async function untilBusy(b: RawClient): Promise<string> {
  let ping = '';
  for (let i = 0; i < 200 && !ping.startsWith('-BUSY'); i++) {
    await sleep(25);
    ping = await b.call('PING');
  }
  return ping;
}

describeDifferential(
  'script gates',
  (d: () => Differential) => {
    it('EXEC while a script is busy aborts the transaction with the BUSY error', async () => {
      const r = await timeline(d(), async (a, b) => {
        const pending = a.call('EVAL', 'while true do end', '0');
        const seen = [await b.call('MULTI'), await b.call('SET', 'k', 'v')];
        seen.push(await untilBusy(b));
        seen.push(await b.call('EXEC'), await b.call('EXEC'));
        seen.push(await b.call('SCRIPT', 'KILL'));
        seen.push((await pending).replace(/[0-9a-f]{40}/, 'SHA'));
        seen.push(await b.call('GET', 'k'));
        return seen;
      });
      expect(r[3]).toBe(
        '-EXECABORT Transaction discarded because of: BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n',
      );
      // rejected before its MULTI check: EXECABORT even without a transaction
      expect(r[4]).toBe(r[3]);
    });

    it('a command allowed during a busy script does not serve clients blocked on what the script pushed', async () => {
      const ps = [await d().pair(), await d().pair(), await d().pair(), await d().pair()];
      const steps = async (popper: RawClient, runner: RawClient, other: RawClient, r: RawClient) => {
        const seen: string[] = [];
        seen.push(await r.call('DEBUG', 'SET-DISABLE-DENY-SCRIPTS', '1'));
        popper.sock.write(encodeCommand(['BLPOP', 'bx', '0']));
        for (let i = 0; i < 200 && !(await r.call('INFO', 'clients')).includes('blocked_clients:1'); i++) await sleep(10);
        // (bounded by TIME, so that a failed step cannot leave the server busy for good)
        const script =
          "redis.call('lpush', KEYS[1], 'y') local t0 = tonumber(redis.call('time')[1]) while tonumber(redis.call('time')[1]) - t0 < 30 do local c = redis.call('client', 'list') if string.find(c, 'abortscript') ~= nil then break end end redis.call('lpush', KEYS[1], 'z') return 1";
        const done = runner.sendRaw(encodeCommand(['EVAL', script, '1', 'bx']), 1, 60_000);
        seen.push(await untilBusy(r));
        // (HELLO is one of the commands a busy server still runs; the script sees the name and ends)
        seen.push((await other.sendRaw(encodeCommand(['HELLO', '2', 'SETNAME', 'abortscript']), 1, 30_000)).replace(/\$\d+\r\n[\d.]+\r\n/g, 'V').replace(/:\d+\r\n/g, 'N'));
        seen.push(await popper.readRaw(1, 40_000));
        seen.push(await done);
        seen.push(await r.call('LRANGE', 'bx', '0', '-1'));
        seen.push(await r.call('DEBUG', 'SET-DISABLE-DENY-SCRIPTS', '0'));
        seen.push(await r.call('DEL', 'bx'));
        return seen;
      };
      try {
        const [real, ours] = await Promise.all([
          steps(ps[0].real, ps[1].real, ps[2].real, ps[3].real),
          steps(ps[0].ours, ps[1].ours, ps[2].ours, ps[3].ours),
        ]);
        expect(ours).toEqual(real);
        expect(real[3]).toBe('*2\r\n$2\r\nbx\r\n$1\r\nz\r\n');
      } finally {
        for (const p of ps) {
          p.real.close();
          p.ours.close();
        }
      }
    }, 90_000);

    it('a recursive table becomes nested arrays down to the Lua stack limit', async () => {
      // thousands of nested arrays: compared as raw bytes up to the PING after them
      const deep = async (...argv: string[]) => {
        const { real, ours } = await deepBoth(d(), argv);
        expect(ours.length).toBe(real.length);
        expect(ours === real).toBe(true);
        expect(real).toContain('-ERR reached lua stack limit\r\n');
      };
      await deep('EVAL', 'local a = {}; local b = {a}; a[1] = b; return a', '0');
      await deep('EVAL', 'local a = {}; a[1] = {map={x=a}}; return a', '0');
      await deep('EVAL', 'local a = {}; a[1] = {set={[a]=1}}; return a', '0');
      await d().same('EVAL', 'redis.setresp(3); local a = {1, {map={k={2, {set={x=true}}}}}, {double=1.5}, {ok="s"}, {err="e"}}; return a', '0');
      await d().same('FUNCTION', 'LOAD', "#!lua name=rec\nredis.register_function('rec', function() local a = {}; a[1] = {a}; return a end)");
      await deep('FCALL', 'rec', '0');
      await d().both('FUNCTION', 'FLUSH');
    });

    it('maxmemory: deny-oom writes refused on a script first write, declared flags decide at the door', async () => {
      await d().seq([['SET', 'x', '123'], ['CONFIG', 'SET', 'maxmemory', '1'], ['CONFIG', 'RESETSTAT']]);
      try {
        await d().seq([
          ['EVAL', "redis.call('set','x',1) return 1", '1', 'x'],
          ['EVAL', "return redis.call('get','x')", '1', 'x'],
          ['EVAL', '#!lua flags=\nreturn 1', '0'],
          ['EVAL', "#!lua flags=allow-oom\nredis.call('set','x',1) return 1", '1', 'x'],
          ['EVAL', "#!lua flags=no-writes\nredis.call('get','x') return 1", '0'],
          ['EVAL_RO', "#!lua flags=no-writes\nredis.call('get','x') return 1", '1', 'x'],
          ['EVAL_RO', "redis.call('get','x') return 1", '1', 'x'],
          ['EVAL', "local t = redis.pcall('set','x','y') return t['err']", '1', 'x'],
          ['EVAL', "return redis.pcall('set','x','y')", '1', 'x'],
          ['EVAL', "redis.call('incr','n') return 1", '0'],
          ['INFO', 'errorstats'],
        ]);
        const stats = await d().both('INFO', 'commandstats');
        const pick = (s: string, cmd: string) => s.split('\r\n').find((l) => l.startsWith(`cmdstat_${cmd}:`))?.replace(/usec=\d+,usec_per_call=[\d.]+,/, '');
        for (const cmd of ['set', 'get', 'eval', 'eval_ro']) expect(pick(stats.ours, cmd)).toBe(pick(stats.real, cmd));
      } finally {
        await d().both('CONFIG', 'SET', 'maxmemory', '0');
      }
    });

    it('errors of a script and of its commands count once, where they happened', async () => {
      const cases: string[][] = [
        ['EVAL', "return redis.call('select',99)", '0'],
        ['EVAL', "local t = redis.pcall('select',99) return t['err']", '0'],
        ['EVAL', "return redis.pcall('select',99)", '0'],
        ['EVAL_RO', "return redis.call('set','x','y')", '1', 'x'],
        ['EVAL_RO', "local t = redis.pcall('set','x','y') return t['err']", '1', 'x'],
        ['EVAL', "return redis.call('nosuch')", '0'],
        ['EVAL', "redis.pcall('nosuch') return 1", '0'],
        ['EVAL', "return redis.pcall('get')", '0'],
        ['EVAL', "return {1, redis.pcall('incr','s'), {err='mine'}}", '0'],
        ['EVAL', "error('plain')", '0'],
        ['EVAL', "return redis.error_reply('MY code')", '0'],
      ];
      await d().same('SET', 's', 'str');
      for (const argv of cases) {
        await d().same('CONFIG', 'RESETSTAT');
        await d().same(...argv);
        await d().same('INFO', 'errorstats');
        const stats = await d().both('INFO', 'commandstats');
        // (Redis lists commands in its hash order)
        const strip = (s: string) => s.replace(/usec=\d+,usec_per_call=[\d.]+,/g, '').split('\r\n').slice(1).sort().join('\n');
        expect(strip(stats.ours), JSON.stringify(argv)).toBe(strip(stats.real));
        const total = await d().both('INFO', 'stats');
        const pick = (s: string) => /total_error_replies:\d+/.exec(s)![0];
        expect(pick(total.ours)).toBe(pick(total.real));
      }
    });

    it('min-replicas-to-write: NOREPLICAS for scripts that may write', async () => {
      await d().seq([['SET', 'x', 'some value'], ['CONFIG', 'SET', 'min-replicas-to-write', '1']]);
      try {
        await d().seq([
          ['EVAL', "#!lua flags=no-writes\nreturn redis.call('get','x')", '1', 'x'],
          ['EVAL', "return redis.call('get','x')", '1', 'x'],
          ['EVAL', "#!lua\nreturn redis.call('get','x')", '1', 'x'],
          ['EVAL', "return redis.call('set','x', 1)", '1', 'x'],
          ['EVAL', "return redis.pcall('set','x', 1)", '1', 'x'],
          ['EVAL_RO', "#!lua\nreturn 1", '0'],
          ['SET', 'x', '1'],
          ['GET', 'x'],
          ['MULTI'],
          ['SET', 'x', '2'],
          ['EXEC'],
          ['CONFIG', 'SET', 'min-replicas-max-lag', '0'],
          ['SET', 'x', '3'],
        ]);
      } finally {
        await d().both('CONFIG', 'SET', 'min-replicas-to-write', '0');
        await d().both('CONFIG', 'SET', 'min-replicas-max-lag', '10');
      }
    });

    it('read-only scripts refuse write and may-replicate commands', async () => {
      await d().seq([
        ['EVAL_RO', "return redis.call('publish','ch','m')", '0'],
        ['EVAL_RO', "return redis.pcall('spublish','ch','m')", '0'],
        ['EVAL', "#!lua flags=no-writes\nreturn redis.call('publish','ch','m')", '0'],
        ['EVAL', "return redis.call('publish','ch','m')", '0'],
        ['FUNCTION', 'LOAD', "#!lua name=ro\nredis.register_function{function_name='pub', callback=function() return redis.call('publish','ch','m') end, flags={'no-writes'}}"],
        ['FCALL', 'pub', '0'],
        ['FCALL_RO', 'pub', '0'],
        ['FUNCTION', 'FLUSH'],
      ]);
    });

    it('FUNCTION LOAD validates library and function names (the whole bytes)', async () => {
      const lib = (name: string, fn: string) => `#!lua name=${name}\nredis.register_function('${fn}', function() return 1 end)`;
      await d().seq([
        ['FUNCTION', 'LOAD', lib('bad-name', 'f')],
        ['FUNCTION', 'LOAD', lib('', 'f')],
        ['FUNCTION', 'LOAD', lib('ok_1', 'f-1')],
        ['FUNCTION', 'LOAD', lib('ok_1', 'test\\0test')],
        ['FUNCTION', 'LOAD', lib('ok_1', '')],
        ['FUNCTION', 'LOAD', lib('ok_1', 'A_z9')],
        ['FUNCTION', 'FLUSH'],
      ]);
    });

    it('CLIENT PAUSE WRITE holds scripts that may write, not read-only ones', async () => {
      await d().same(
        'FUNCTION',
        'LOAD',
        "#!lua name=pz\nredis.register_function('w', function() return redis.call('incr','n') end)\nredis.register_function{function_name='r', callback=function() return redis.call('get','n') end, flags={'no-writes'}}",
      );
      await timeline(d(), async (a, b) => {
        const seen = [await b.call('CLIENT', 'PAUSE', '100000', 'WRITE')];
        // not held: read-only scripts and functions
        seen.push(await a.call('EVAL', "#!lua flags=no-writes\nreturn redis.call('get','n')", '0'));
        seen.push(await a.call('EVAL_RO', "return redis.call('get','n')", '0'));
        seen.push(await a.call('FCALL', 'r', '0'));
        seen.push(await a.call('FCALL_RO', 'r', '0'));
        // held until the pause ends: each in turn
        for (const argv of [
          ['EVAL', "return redis.call('incr','n')", '0'],
          ['EVAL', "#!lua\nreturn redis.call('incr','n')", '0'],
          ['FCALL', 'w', '0'],
        ]) {
          const held = a.call(...argv);
          seen.push(await b.call('GET', 'n'));
          await sleep(50);
          seen.push(await b.call('CLIENT', 'UNPAUSE'));
          seen.push(await held);
          seen.push(await b.call('CLIENT', 'PAUSE', '100000', 'WRITE'));
        }
        seen.push(await b.call('CLIENT', 'UNPAUSE'));
        return seen;
      });
      await d().both('FUNCTION', 'FLUSH');
    });
  },
  { 'busy-reply-threshold': '100', 'enable-debug-command': 'yes' },
);

describeDifferential('math.random from a fresh server', (d: () => Differential) => {
  it("follows Redis's generator from its fixed start, across scripts, functions and SCRIPT FLUSH", async () => {
    const r = "return tostring(math.random())";
    await d().seq([
      ['EVAL', r, '0'],
      ['EVAL', 'return {math.random(10), math.random(5, 50), math.random(1000000)}', '0'],
      ['FUNCTION', 'LOAD', "#!lua name=rnd\nredis.register_function('rnd', function() return tostring(math.random()) end)"],
      ['FCALL', 'rnd', '0'],
      ['EVAL', r, '0'],
      ['SCRIPT', 'FLUSH'],
      ['EVAL', r, '0'],
      ['EVAL', 'math.randomseed(42) return tostring(math.random())', '0'],
      ['FCALL', 'rnd', '0'],
      ['FUNCTION', 'FLUSH'],
    ]);
  });
});
