/**
 * Engine-level behaviour that does not need the oracle: slicing and yielding under the
 * count hook, coroutines of the script itself, SCRIPT KILL, sandbox escapes, reply sinks.
 */
import { describe, it, expect } from 'vitest';
import { LuaEngine, HOOK_COUNT, type ScriptHost } from '../../src/lua/vm.ts';
import { evalScript, FakeHost, RecordingSink, sha1Hex, type Reply } from './harness.ts';

function runSliced(engine: LuaEngine, body: string, host: ScriptHost = new FakeHost(), keys: string[] = [], argv: string[] = []) {
  const sink = new RecordingSink(2);
  const c = engine.compile(body);
  if (!c.ok) throw new Error(c.error);
  const run = engine.start(c.ref, keys, argv, host, sink, sha1Hex(body));
  let slices = 0;
  while (!run.step(() => true)) slices++;
  engine.release(c.ref);
  return { reply: sink.result as Reply, slices };
}

describe('running in slices', () => {
  const engine = new LuaEngine();

  it('gives way every hook period and still computes the same result', () => {
    const body = 'local s = 0 for i = 1, 2000000 do s = s + i end return tostring(s)';
    const straight = evalScript(engine, body);
    const { reply, slices } = runSliced(engine, body);
    expect(reply).toEqual(straight);
    expect(reply).toBe('2000001000000');
    expect(slices).toBeGreaterThan(10);
  });

  it('yields inside pcall and xpcall', () => {
    const body =
      "local n = 0 local ok = pcall(function() for i = 1, 500000 do n = n + 1 end end) local ok2 = xpcall(function() for i = 1, 500000 do n = n + 1 end end, function(e) return e end) return {tostring(ok), tostring(ok2), n}";
    const { reply, slices } = runSliced(engine, body);
    expect(reply).toEqual(['true', 'true', 1000000]);
    expect(slices).toBeGreaterThan(2);
  });

  it('keeps giving way after a pcall that was suspended catches an error', () => {
    // fengari's lua_pcallk lost the saved allowhook bit: after such an error the hook
    // never ran again, and the script could no longer give way (BUSY, SCRIPT KILL)
    const body =
      "local ok = pcall(function() for i = 1, 300000 do end error('x') end) local s = 0 for i = 1, 1000000 do s = s + i end return {tostring(ok), s}";
    const { reply, slices } = runSliced(engine, body);
    expect(reply).toEqual(['false', 500000500000]);
    expect(slices).toBeGreaterThan(9);
  });

  it("keeps the script's own coroutines correct while the hook suspends them", () => {
    const body = `
      local co = coroutine.create(function(a)
        local s = 0
        for i = 1, 400000 do s = s + i end
        local b = coroutine.yield(s + a)
        for i = 1, 400000 do s = s - i end
        return s + b
      end)
      local r = {}
      local ok, v = coroutine.resume(co, 1)
      r[#r+1] = tostring(ok) r[#r+1] = tostring(v)
      ok, v = coroutine.resume(co, 2)
      r[#r+1] = tostring(ok) r[#r+1] = tostring(v)
      r[#r+1] = coroutine.status(co)
      local gen = coroutine.wrap(function() for i = 1, 3 do local x = 0 for j = 1, 200000 do x = x + j end coroutine.yield(i * x) end end)
      r[#r+1] = tostring(gen()) r[#r+1] = tostring(gen()) r[#r+1] = tostring(gen())
      return r`;
    const straight = evalScript(engine, body);
    const { reply, slices } = runSliced(engine, body);
    expect(reply).toEqual(straight);
    expect(reply).toEqual(['true', '80000200001', 'true', '2', 'dead', '20000100000', '40000200000', '60000300000']);
    expect(slices).toBeGreaterThan(5);
  });

  it('handles coroutines nested two deep', () => {
    const body = `
      local inner = coroutine.wrap(function() local s = 0 for i = 1, 300000 do s = s + 1 end coroutine.yield(s) return 'inner done' end)
      local outer = coroutine.wrap(function() local a = inner() local s = 0 for i = 1, 300000 do s = s + 1 end coroutine.yield(a + s) return inner() end)
      return {outer(), outer()}`;
    const { reply, slices } = runSliced(engine, body);
    expect(reply).toEqual([600000, 'inner done']);
    expect(slices).toBeGreaterThan(2);
  });

  it('finishes code that cannot yield (sort comparators) without giving way there', () => {
    const body = `
      local t = {} for i = 1, 50 do t[i] = 51 - i end
      table.sort(t, function(a, b) local x = 0 for i = 1, 2000 do x = x + i end return a < b end)
      return t[1] .. ',' .. t[50]`;
    const { reply } = runSliced(engine, body);
    expect(reply).toBe('1,50');
  });

  it('maps a top-level coroutine.yield to the C-call boundary error', () => {
    const body = 'coroutine.yield(1)';
    expect(evalScript(engine, body)).toEqual({
      err: `ERR attempt to yield across metamethod/C-call boundary script: ${sha1Hex(body)}, on @user_script:1.`,
    });
  });

  it('reports coroutine.running() as nil in the script body, a thread inside coroutines', () => {
    expect(evalScript(engine, "return {tostring(coroutine.running()), type(select(2, coroutine.resume(coroutine.create(function() return coroutine.running() end))))}")).toEqual(['nil', 'thread']);
  });
});

describe('SCRIPT KILL', () => {
  /** Runs a script that gives way at every hook point and kills it at the given slice. */
  const killAt = (engine: LuaEngine, body: string, at: number): { slices: number; done: boolean; result: unknown } => {
    const sink = new RecordingSink(2);
    const c = engine.compile(body);
    if (!c.ok) throw new Error(c.error);
    const run = engine.start(c.ref, [], [], new FakeHost(), sink, sha1Hex(body));
    let slices = 0;
    while (!run.step(() => true)) {
      if (++slices === at) {
        run.kill();
        break;
      }
    }
    engine.release(c.ref);
    return { slices, done: run.done, result: sink.result };
  };
  const killed = (body: string, line = 1) => ({ err: `ERR Script killed by user with SCRIPT KILL... script: ${sha1Hex(body)}, on @user_script:${line}.` });

  it('ends a suspended run with the kill error, and pcall cannot swallow it', () => {
    const engine = new LuaEngine();
    for (const body of ['while true do end', 'local x = 0\nwhile true do pcall(function() x = x + 1 end) end', 'local co = coroutine.wrap(function() while true do end end)\nco()']) {
      const r = killAt(engine, body, 5);
      expect(r.done).toBe(true);
      expect(r.result).toEqual(killed(body, body.split('\n').length));
    }
    // the engine is still usable afterwards
    expect(evalScript(engine, "return 'alive'")).toBe('alive');
  });

  it('gives way and can be killed inside table.sort comparators and table.foreach/foreachi callbacks', () => {
    const engine = new LuaEngine();
    for (const body of [
      'table.sort({3, 2, 1, 5, 4}, function(a, b) while true do end end)',
      'local t = {} for i = 1, 100 do t[i] = i end table.sort(t, function(a, b) local x = 0 for j = 1, 5000 do x = x + j end return a > b end) while true do end',
      'table.foreach({a = 1}, function() while true do end end)',
      'table.foreachi({1, 2}, function() while true do end end)',
      "string.gsub('abc', '%w', function(c) while true do end end)",
      'tostring(setmetatable({}, {__tostring = function() while true do end end}))',
      'local mt = {__lt = function(a, b) while true do end end} table.sort({setmetatable({}, mt), setmetatable({}, mt)})',
      "string.gsub('abc', '%w', setmetatable({}, {__index = function() while true do end end}))",
    ]) {
      const r = killAt(engine, body, 20);
      expect(r.slices, body).toBe(20);
      expect(r.result).toEqual(killed(body));
    }
  });

  it('finishes sorts and foreach loops that gave way in the middle with the same results', () => {
    const engine = new LuaEngine();
    const body =
      "local t = {} for i = 1, 300 do t[i] = (i * 7919) % 301 end table.sort(t, function(a, b) local x = 0 for j = 1, 300 do x = x + j end return a > b end) local s = {} table.foreachi(t, function(i, v) local x = 0 for j = 1, 3000 do x = x + j end if i <= 5 then s[#s + 1] = v end end) local g = string.gsub(string.rep('ab', 200), '(a)(b)', function(a, b) local x = 0 for j = 1, 3000 do x = x + j end return b .. a end) s[#s + 1] = g:sub(1, 6) .. #g return s";
    const sink = new RecordingSink(2);
    const c = engine.compile(body);
    if (!c.ok) throw new Error(c.error);
    const run = engine.start(c.ref, [], [], new FakeHost(), sink, sha1Hex(body));
    let slices = 0;
    while (!run.step(() => true)) slices++;
    expect(slices).toBeGreaterThan(10);
    expect(sink.result).toEqual([300, 299, 298, 297, 296, 'bababa400']);
  });

  it('does not yield before the caller asks', () => {
    const engine = new LuaEngine();
    const body = 'local s = 0 for i = 1, 1000000 do s = s + 1 end return s';
    const c = engine.compile(body);
    if (!c.ok) throw new Error(c.error);
    const sink = new RecordingSink(2);
    const run = engine.start(c.ref, [], [], new FakeHost(), sink, 'x');
    let asked = 0;
    expect(run.step(() => (asked++, false))).toBe(true);
    expect(asked).toBeGreaterThan(1000000 / HOOK_COUNT);
    expect(sink.result).toBe(1000000);
  });
});

describe('running out of memory', () => {
  it('stops a runaway script with "not enough memory" (uncatchable), and the engine goes on', () => {
    let checks = 0;
    let exhausted = false;
    const engine = new LuaEngine({ memoryExhausted: () => (++checks > 3 ? exhausted : false) });
    exhausted = true;
    const body = "local ok = pcall(function() local t = {} while true do t[#t + 1] = 'x' end end) return 'caught'";
    const r = evalScript(engine, body);
    expect(r).toEqual({ err: `ERR not enough memory script: ${sha1Hex(body)}, on @user_script:1.` });
    exhausted = false;
    expect(evalScript(engine, 'return 1 + 1')).toBe(2);
  });

  it('raises a catchable error where the script cannot give way (a load() reader)', () => {
    let exhausted = false;
    const engine = new LuaEngine({ memoryExhausted: () => exhausted });
    const host = new FakeHost();
    // load() returns a reader's error as nil, message
    const body = "local f, e = load(function() local x = 0 for j = 1, 1000000 do x = x + j end return nil end) return {tostring(f), e}";
    const sink = new RecordingSink(2);
    const c = engine.compile(body);
    if (!c.ok) throw new Error(c.error);
    const run = engine.start(c.ref, [], [], host, sink, 'x');
    exhausted = true;
    while (!run.step(() => false));
    expect(sink.result).toEqual(['nil', 'not enough memory']);
  });
});

describe('sandbox escapes', () => {
  const engine = new LuaEngine();
  const sandboxed = (body: string) => evalScript(engine, body);

  it('has no route to Node', () => {
    for (const name of ['process', 'require', 'global', 'globalThis', 'module', 'js', 'fengari', 'io', 'os', 'debug', 'package', 'dofile', 'loadfile', 'print', 'getfenv', 'setfenv', 'newproxy', 'rawlen', 'utf8', 'Buffer', 'eval']) {
      const r = sandboxed(`return ${name}`) as { err: string };
      expect(r.err).toContain(`Script attempted to access nonexistent global variable '${name}'`);
    }
  });

  it('cannot reach the environment through _ENV, load or loadstring', () => {
    expect((sandboxed('return _ENV') as { err: string }).err).toContain("nonexistent global variable '_ENV'");
    expect(sandboxed("local f = loadstring('return process') local ok, e = pcall(f) return e")).toBe(
      '[string "return process"]:1: Script attempted to access nonexistent global variable \'process\'',
    );
    expect(sandboxed("local _ENV = {process = 1} return type(rawget(_G, 'process'))")).toBe('nil');
    expect(sandboxed("local ok, e = pcall(loadstring, '\\27LuaS\\0') return tostring(select(2, loadstring('\\27LuaS\\0')))")).toContain('unexpected symbol');
  });

  it('cannot dump or call host functions as Lua code', () => {
    expect(sandboxed('return pcall(string.dump, redis.call)')).toBe(null);
    expect(sandboxed('return select(2, pcall(string.dump, redis.call))')).toContain('unable to dump given function');
    expect(sandboxed('return coroutine.create(redis.call)')).toEqual({
      err: expect.stringContaining("bad argument #1 to 'create' (Lua function expected)"),
    });
  });

  it('cannot modify shared tables, even through raw access or metatables', () => {
    for (const body of ["rawset(string, 'x', 1)", "table.insert(math, 1)", "setmetatable(redis, {})", "getmetatable('').__index = {}", "rawset(getmetatable(_G), '__index', nil)", "cjson.encode = nil", "table.sort(bit)"]) {
      const r = sandboxed(body);
      if (body === 'table.sort(bit)') {
        expect(r).toBe(null);
        continue;
      }
      expect((r as { err: string }).err).toContain('Attempt to modify a readonly table');
    }
  });

  it('keeps engines independent', () => {
    const a = new LuaEngine();
    const b = new LuaEngine();
    evalScript(a, 'cjson.encode_number_precision(3)');
    expect(evalScript(a, 'return cjson.encode(math.pi)')).toBe('3.14');
    expect(evalScript(b, 'return cjson.encode(math.pi)')).toBe('3.1415926535898');
  });
});

describe('redis.call replies as Lua values', () => {
  const engine = new LuaEngine();
  const host = new FakeHost();

  it('converts every reply type under RESP2', () => {
    expect(evalScript(engine, "return {redis.call('x-double', '1.5'), redis.call('x-bool', '1'), redis.call('x-bool', '0'), redis.call('x-big', '123'), redis.call('x-verb', 'v')}", [], [], host)).toEqual([
      '1.5',
      1,
      0,
      '123',
      'v',
    ]);
    expect(evalScript(engine, "local r = redis.call('x-nested') return {r[1], r[2][1], r[2][2].err, #r[3]}", [], [], host)).toEqual([1, 'a', 'ERR inner', 2]);
    expect(evalScript(engine, "return {redis.call('x-nullarr') == false, redis.call('x-set', 'a', 'b')}", [], [], host)).toEqual([1, ['a', 'b']]);
  });

  it('converts every reply type under RESP3', () => {
    const body = `redis.setresp(3)
      local d = redis.call('x-double', '1.5')
      local t = redis.call('x-bool', '1')
      local f = redis.call('x-bool', '0')
      local b = redis.call('x-big', '123')
      local v = redis.call('x-verb', 'v')
      local s = redis.call('x-set', 'a', 'b')
      local n = redis.call('x-nullarr')
      local m = redis.call('x-nested')
      return {type(d), tostring(d.double), tostring(t), tostring(f), b.big_number, v.verbatim_string.format, v.verbatim_string.string, tostring(s.set.a), tostring(s.set.b), tostring(n), type(m[3].map), type(m[3].map.k)}`;
    expect(evalScript(engine, body, [], [], host)).toEqual(['table', '1.5', 'true', 'false', '123', 'txt', 'v', 'true', 'true', 'nil', 'table', 'table']);
  });

  it('writes RESP3 shapes back to a RESP3 client', () => {
    const r = evalScript(engine, "redis.setresp(3) return {redis.call('x-double', '2.5'), redis.call('x-bool', '1'), redis.call('x-big', '7'), redis.call('x-verb', 'hi'), {map = {k = 'v'}}, {set = {m = true}}, true, false}", [], [], host, 3);
    expect(r).toEqual([{ double: '2.5' }, true, { big: '7' }, { verb: 'txt:hi' }, { '%': ['k', 'v'] }, { '~': ['m'] }, true, false]);
  });

  it('passes arguments as bytes and numbers as %.17g', () => {
    const seen: string[][] = [];
    const h: ScriptHost = {
      call(argv, sink) {
        seen.push(argv);
        sink.simple('OK');
      },
    };
    const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
    evalScript(engine, "redis.call('set', KEYS[1], ARGV[1], 0.1, 3, 1e100, -0.0)", [all], [all + all], h);
    expect(seen[0]).toEqual(['set', all, all + all, '0.10000000000000001', '3', '1e+100', '-0']);
    expect(evalScript(engine, 'return KEYS[1] == ARGV[1]:sub(1, 256)', [all], [all + all], h)).toBe(1);
    expect(evalScript(engine, 'return ARGV[1]', [], [all], h)).toBe(all);
  });

  it('reaches the host for log and set_repl', () => {
    const h = new FakeHost();
    evalScript(engine, "redis.log(redis.LOG_NOTICE, 'a', 1.5, 'b') redis.set_repl(redis.REPL_AOF)", [], [], h);
    expect(h.logs).toEqual([[2, 'a 1.5 b']]);
    expect(h.repl).toEqual([1]);
  });

  it('raises errors of redis.call with the command error and the location', () => {
    const body = "local x = 1\nreturn redis.call('nosuch')";
    expect(evalScript(engine, body, [], [], host)).toEqual({ err: `ERR Unknown Redis command called from script script: ${sha1Hex(body)}, on @user_script:2.` });
  });
});

describe('compile', () => {
  it('reports Lua compile errors and keeps going', () => {
    const engine = new LuaEngine();
    const r = engine.compile('return 1 +');
    expect(r).toEqual({ ok: false, error: "user_script:1: unexpected symbol near '<eof>'" });
    expect(evalScript(engine, 'return 1 + 1')).toBe(2);
  });
});
