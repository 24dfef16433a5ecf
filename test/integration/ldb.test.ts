import { describe, test, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { startServer, type RunningServer } from '../../src/index.ts';
import { startOracle, type Oracle } from '../support/oracle.ts';
import { RawClient, encodeCommand } from '../support/raw-client.ts';

const haveCli = spawnSync('sh', ['-c', 'command -v redis-cli && command -v redis-server']).status === 0;
if (!haveCli) console.log('SKIP Lua debugger tests: redis-cli/redis-server are not installed (apt-get install redis-server redis-tools)');

/** A TCP port nobody listens on (the oracle is given one: redis-cli behaves alike on both). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const MAIN = `local t = {1, 2, {a = "x\\0y", b = true}, nested = {deep = {deeper = {1, "two"}}}}
local k = KEYS[1]
redis.call('set', k, ARGV[1])
local v = redis.call('get', k)
redis.debug('hello', t, 3.5, nil, "\\200\\255\\n")
local function add(a, b)
  local s = a + b
  return s
end
local sum = add(2, 3)
redis.breakpoint()
local n = redis.call('incr', 'counter')
local list = {}
for i = 1, 3 do
  list[#list + 1] = i * 1.5
end
return {v, sum, n}
`;

const FAILING = `local a = 1
redis.call('set', KEYS[1], 'changed')
local b = redis.call('incr', KEYS[1])
return b
`;

const ARITH = `local a = 1
local b = nil + a
return b
`;

const LOOP = `local i = 0
while true do
  i = i + 1
end
`;

const SHAPES = `local function obj()
  return { n = 0 }
end
local o = obj()
function o.inc(self, by)
  self.n = self.n + by
  return self
end
local t = {
  10,
  20,
  x = 'y',
}
if #t == 2 then
  o:inc(1)
elseif #t == 3 then
  o:inc(2)
else
  o:inc(3)
end
local j = 0
repeat
  j = j + 1
until j >= 2
while j > 0 do j = j - 1 end
for k, v in pairs({a = 1}) do
  o:inc(v)
end
local ok, err = pcall(function()
  error({err = 'inner'})
end)
local co = coroutine.wrap(function(a)
  local b = a * 2
  coroutine.yield(b)
  return b + 1
end)
local r1 = co(5)
local r2 = co()
local s = table.concat({'a', 'b'}, ',') ..
  string.format('%d', 7)
return {o.n, r1, r2, s, err.err}
`;

const NO_RETURN = `local x = 1
redis.call('set', 'noreturn', x)
`;

/**
 * redis-cli --ldb sessions (stdin scripted, not a tty) against a private real redis-server
 * and redmoon; the transcripts must be identical, colours included.
 */
describe.skipIf(!haveCli)('Lua debugger: redis-cli --ldb against redmoon and redis-server', () => {
  let moon: RunningServer;
  let oracle: Oracle;
  let realPort = 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-ldb-'));
  const files: Record<string, string> = {};

  beforeAll(async () => {
    realPort = await freePort();
    oracle = await startOracle(['--port', String(realPort)]);
    moon = await startServer({ port: 0, log: () => {} });
    for (const [name, body] of Object.entries({ MAIN, FAILING, ARITH, LOOP, NO_RETURN, SHAPES })) {
      files[name] = path.join(dir, name.toLowerCase() + '.lua');
      fs.writeFileSync(files[name], body);
    }
  });
  afterAll(async () => {
    await moon?.close();
    await oracle?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function cli(port: number, args: string[], input?: string): Promise<string> {
    return new Promise((resolve) => {
      const child = spawn('redis-cli', ['-p', String(port), ...args], { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.latin1Slice()));
      child.stderr!.on('data', (d: Buffer) => (out += d.latin1Slice()));
      child.on('close', (code) => resolve(out + `[exit ${code}]`));
      if (input !== undefined) {
        child.stdin!.on('error', () => {});
        child.stdin!.end(input);
      }
    });
  }

  /** The same redis-cli run on both servers, one after the other; returns the transcript. */
  async function same(args: string[], input?: string): Promise<string> {
    // a function's address differs between any two processes
    const addr = (out: string) => out.replace(/"(function|thread|userdata)@0x[0-9a-f]+"/g, '"$1@0xADDR"');
    const real = addr(await cli(realPort, args, input));
    const ours = addr(await cli(moon.port, args, input));
    expect(ours).toBe(real);
    return real;
  }

  async function session(file: string, keysAndArgs: string[], commands: string[], sync = false): Promise<string> {
    return same([sync ? '--ldb-sync-mode' : '--ldb', '--eval', files[file], ...keysAndArgs], commands.map((c) => c + '\n').join(''));
  }

  beforeEach(async () => {
    await same(['FLUSHALL']);
    await same(['SET', 'counter', '10']);
  });

  test('stepping, locals, tables and nested values, trace inside a function', async () => {
    const out = await session('MAIN', ['mykey', ',', 'myval'], [
      's', 'p', 's', 'p', 'p t', 'p k', 'p KEYS', 'p ARGV', 'p nosuch', 's', 's', 's', 's', 's', 's', 'p', 'trace', 's', 's', 'trace', 'c', 's', 's', 'p', 's', 's', 's', 's', 'c',
    ]);
    expect(out).toContain('stop reason = redis.breakpoint() called');
    expect(out).toContain('<debug> line 5:');
    // a forked session's changes are rolled back
    expect(await same(['GET', 'mykey'])).toBe('\n[exit 0]');
    expect(await same(['GET', 'counter'])).toBe('10\n[exit 0]');
  });

  test('every line event of loops, branches, methods, closures and coroutines', async () => {
    const steps: string[] = [];
    // (print shows no function locals: their addresses differ between any two processes)
    for (let i = 0; i < 90; i++) steps.push(i % 9 === 4 ? 'p o' : i % 9 === 5 ? 'p j' : i % 9 === 7 ? 't' : 's');
    await session('SHAPES', [], [...steps, 'c']);
  });

  test('breakpoints: add, list, remove, continue to them', async () => {
    await session('MAIN', ['mykey', ',', 'myval'], [
      'b 4 10 14', 'b', 'b -10', 'b', 'b 4', 'b 99', 'b 0 x -7', 'b 12', 'b 2 3 4 5 6', 'b -3', 'b', 'c', 'l', 'l 1 2', 'l 0 0', 'l 12', 'w', 'c', 'c', 'c', 'c',
    ]);
  });

  test('eval and redis commands, with errors', async () => {
    await session('MAIN', ['mykey', ',', 'myval'], [
      's', 's', 's', 's',
      'eval t[3].a', 'e #KEYS', "eval redis.call('get', KEYS[1])", 'eval nosuch', 'eval x +', 'eval error("boom")', 'eval local z = 3', 'e {1,{2,{3}}}',
      'redis get mykey', 'redis incr mykey', 'redis set', 'redis nosuchcommand x', 'redis ping', 'redis hset h f v', 'redis hgetall h', 'redis lrange nolist 0 -1',
      'redis get nokey', 'r', 'redis', 'foo', 'help', 'c',
    ]);
  });

  test('maxlen trims values and replies, with a one-time hint', async () => {
    await session('MAIN', ['mykey', ',', 'myval'], [
      's', 'maxlen', 'maxlen 10', 'p t', 'eval string.rep("ab", 200)', 'maxlen 0', 'eval string.rep("ab", 200)', 'maxlen 100', 'redis set big ' + 'y'.repeat(150), 'redis get big', 'm', 'c',
    ]);
    const out = await session('MAIN', ['mykey', ',', 'myval'], ['s', 'eval string.rep("cd", 200)', 'eval string.rep("cd", 200)', 'c']);
    expect(out).toContain("<hint> The above reply was trimmed. Use 'maxlen 0' to disable trimming.");
  });

  test('aborting, and a script that fails mid-session', async () => {
    await session('MAIN', ['mykey', ',', 'myval'], ['s', 's', 's', 's', 'abort']);
    expect(await same(['GET', 'mykey'])).toBe('\n[exit 0]');
    await same(['SET', 'str', 'text']);
    await session('FAILING', ['str'], ['s', 's', 's', 's']);
    await session('ARITH', [], ['s', 'p', 's', 's']);
    await session('NO_RETURN', [], ['s', 's', 's']);
  });

  test('SYNC mode keeps the changes; YES mode rolls them back', async () => {
    await session('MAIN', ['synckey', ',', 'v1'], ['c', 'c'], true);
    expect(await same(['GET', 'synckey'])).toBe('v1\n[exit 0]');
    expect(await same(['GET', 'counter'])).toBe('11\n[exit 0]');
    await session('NO_RETURN', [], ['c']);
    expect(await same(['EXISTS', 'noreturn'])).toBe('0\n[exit 0]');
    await session('NO_RETURN', [], ['c'], true);
    expect(await same(['EXISTS', 'noreturn'])).toBe('1\n[exit 0]');
  });

  test('a script that cannot compile does not start a session', async () => {
    const bad = path.join(dir, 'bad.lua');
    fs.writeFileSync(bad, 'return +\n');
    await same(['--ldb', '--eval', bad], 'c\n');
  });

  test('a long run without stops stops on the time limit', async () => {
    await same(['CONFIG', 'SET', 'busy-reply-threshold', '200']);
    try {
      await session('LOOP', [], ['c', 'trace', 'abort']);
    } finally {
      await same(['CONFIG', 'SET', 'busy-reply-threshold', '5000']);
    }
  });
});

/** The debugger's wire protocol, byte for byte, with a raw client. */
describe.skipIf(!haveCli)('Lua debugger: raw protocol against redis-server', () => {
  let moon: RunningServer;
  let oracle: Oracle;

  beforeAll(async () => {
    oracle = await startOracle();
    moon = await startServer({ port: 0, log: () => {} });
  });
  afterAll(async () => {
    await moon?.close();
    await oracle?.stop();
  });

  type Step = [bytes: string | string[], replies: number];

  /** Runs the steps on a fresh connection to each server; every step's raw bytes must match. */
  async function sameSteps(steps: Step[]): Promise<string[]> {
    const run = async (c: RawClient) => {
      const out: string[] = [];
      for (const [req, n] of steps) {
        const bytes = typeof req === 'string' ? req : encodeCommand(req).latin1Slice();
        out.push(await c.sendRaw(bytes, n, 5000));
      }
      out.push((await c.readRaw(1, 5000)) + (c.closed ? '<closed>' : '<open>'));
      c.close();
      return out;
    };
    // client ids (HELLO) differ between any two servers
    const norm = (out: string[]) => out.map((s) => s.replace(/\$2\r\nid\r\n:\d+/, '$2\r\nid\r\n:N'));
    const real = norm(await run(await RawClient.connect(oracle.socket)));
    const ours = norm(await run(await RawClient.connect(moon.port)));
    expect(ours).toEqual(real);
    return real;
  }

  const S: Step = [['SCRIPT', 'DEBUG', 'YES'], 1];

  test('misuse: inside MULTI, pipelined, from a script, bad mode, EVALSHA', async () => {
    await sameSteps([[['MULTI'], 1], [['SCRIPT', 'DEBUG', 'YES'], 1], [['EXEC'], 1], [['QUIT'], 1]]);
    await sameSteps([[encodeCommand(['PING']).latin1Slice() + encodeCommand(['SCRIPT', 'DEBUG', 'YES']).latin1Slice(), 2], [['QUIT'], 1]]);
    await sameSteps([[['EVAL', "return redis.call('script','debug','yes')", '0'], 1], [['QUIT'], 1]]);
    await sameSteps([[['SCRIPT', 'DEBUG', 'maybe'], 1], [['SCRIPT', 'DEBUG', 'YES', 'x'], 1], [['QUIT'], 1]]);
    await sameSteps([S, [['EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0'], 1], [['EVALSHA', 'abc', '0'], 1], [['SCRIPT', 'DEBUG', 'NO'], 1], [['EVAL', 'return 1', '0'], 1], [['QUIT'], 1]]);
  });

  test('a session: stops, commands, end of session and close', async () => {
    await sameSteps([S, [['EVAL', "local a = 1\nredis.call('set','str','x')\nredis.call('incr','str')\nreturn 2", '0'], 1], [['s'], 1], [['s'], 1], [['print'], 1], [['s'], 2]]);
    await sameSteps([S, [['EVAL', 'local a = {1}\nreturn a', '0'], 1], [['foo'], 1], [['r'], 1], [['redis', 'ping'], 1], [['eval', 'x', '+'], 1], [['list', '1', '0'], 1], [['l', '-5'], 1], [['b', 'x'], 1], [['b', '-1'], 1], [['m', '5', '6'], 1], [['t'], 1], [['c'], 2]]);
    await sameSteps([S, [['EVAL', 'local x = 1', '0'], 1], [['abort'], 2]]);
    await sameSteps([S, [['EVAL', 'return +', '0'], 2]]);
    await sameSteps([S, [['EVAL', 'return 1', 'x'], 2]]);
  });

  test('RESP3, MULTI/EXEC, and a pipeline before EVAL', async () => {
    await sameSteps([[['HELLO', '3'], 1], S, [['EVAL', "redis.setresp(3)\nreturn redis.call('hgetall', 'nohash')", '0'], 1], [['s'], 1], [['s'], 2]]);
    await sameSteps([S, [['MULTI'], 1], [['EVAL', 'return 1', '0'], 1], [['EXEC'], 1], [['s'], 2]]);
    await sameSteps([S, [['MULTI'], 1], [['EVAL', 'return 1', '0'], 1], [['SET', 'afterwards', '1'], 1], [['EXEC'], 1], [['s'], 2]]);
    await sameSteps([[['SCRIPT', 'DEBUG', 'SYNC'], 1], [['MULTI'], 1], [['EVAL', 'return 1', '0'], 1], [['PING'], 1], [['EXEC'], 1], [['s'], 2]]);
    await sameSteps([S, [encodeCommand(['PING']).latin1Slice() + encodeCommand(['EVAL', 'return 1', '0']).latin1Slice(), 1], [['s'], 3]]);
  });

  test('debugger protocol errors and pipelined debugger commands', async () => {
    await sameSteps([S, [['EVAL', 'local x = 1\nreturn x', '0'], 1], ['garbage\r\n', 2]]);
    await sameSteps([S, [['EVAL', 'local x = 1\nreturn x', '0'], 1], ['*1\r\n$0\r\n\r\n', 2]]);
    // two commands in one read: the second is dropped
    await sameSteps([S, [['EVAL', 'local x = 1\nreturn x', '0'], 1], [encodeCommand(['p']).latin1Slice() + encodeCommand(['s']).latin1Slice(), 1], [['s'], 1], [['c'], 2]]);
  });

  test('other clients meanwhile: YES serves them from the untouched data', async () => {
    const run = async (target: number | string) => {
      const dbg = await RawClient.connect(target);
      const other = await RawClient.connect(target);
      const out: string[] = [];
      out.push(await other.call('SET', 'k', 'before'));
      out.push(await other.call('WATCH', 'k', 'counter'));
      out.push(await dbg.call('SCRIPT', 'DEBUG', 'YES'));
      out.push(await dbg.call('EVAL', "redis.call('set', KEYS[1], 'during')\nreturn redis.call('get', KEYS[1])", '1', 'k'));
      out.push(await dbg.call('s'));
      out.push(await dbg.call('redis', 'incr', 'counter'));
      // the session's writes touch no WATCH of the real server
      out.push(await other.call('MULTI'));
      out.push(await other.call('GET', 'k'));
      out.push(await other.call('EXEC'));
      out.push(await other.call('GET', 'counter'));
      out.push(await other.call('SET', 'k', 'other'));
      out.push(await dbg.call('redis', 'get', 'k'));
      out.push(await dbg.sendRaw(encodeCommand(['c']), 2, 5000));
      out.push(await other.call('GET', 'k'));
      out.push(await other.call('SCRIPT', 'KILL'));
      dbg.close();
      other.close();
      return out;
    };
    const real = await run(oracle.socket);
    const ours = await run(moon.port);
    expect(ours).toEqual(real);
  });

  test('other clients meanwhile: SYNC holds them until the session ends', async () => {
    const run = async (target: number | string) => {
      const dbg = await RawClient.connect(target);
      const other = await RawClient.connect(target);
      const out: string[] = [];
      out.push(await dbg.call('SCRIPT', 'DEBUG', 'SYNC'));
      out.push(await dbg.call('EVAL', "redis.call('set', KEYS[1], 'during')\nreturn 1", '1', 'k2'));
      other.sock.write(encodeCommand(['GET', 'k2']));
      out.push(await dbg.call('s'));
      out.push('waiting: ' + (await other.readRaw(1, 300)));
      out.push(await dbg.sendRaw(encodeCommand(['c']), 2, 5000));
      out.push(await other.readRaw(1, 5000));
      dbg.close();
      other.close();
      return out;
    };
    const real = await run(oracle.socket);
    const ours = await run(moon.port);
    expect(ours).toEqual(real);
  });
});
