/**
 * EVAL / SCRIPT / FUNCTION / FCALL side by side with redis-server 7.0.15 through the
 * network: same commands, byte-identical replies. BUSY / SCRIPT KILL scenarios run the
 * same timeline against both servers.
 */
import { it, expect } from 'vitest';
import { describeDifferential, type Differential } from '../support/differential.ts';
import { RawClient, encodeCommand } from '../support/raw-client.ts';
import { replyEnd } from '../support/resp-reader.ts';
import * as C from './cases.ts';
import { replyShapeScripts } from './fuzz-cases.ts';

const lib = (name: string, body: string) => `#!lua name=${name}\n${body}`;

describeDifferential(
  'scripting commands',
  (d: () => Differential) => {
    it('EVAL argument errors and the script cache', async () => {
      await d().seq([
        ['EVAL', 'return 1', '-1'],
        ['EVAL', 'return 1', '2', 'a'],
        ['EVAL', 'return 1', 'x'],
        ['EVAL', 'return 1', '01'],
        ['EVAL', 'return 1'],
        ['EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff', '0'],
        ['EVALSHA', 'abc', '0'],
        ['SCRIPT', 'LOAD', 'return 1'],
        ['SCRIPT', 'EXISTS', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', 'E0E1F9FABFC9D4800C877A703B823AC0578FF8DB', 'x'],
        ['EVALSHA', 'E0E1F9FABFC9D4800C877A703B823AC0578FF8DB', '0'],
        ['EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8dbEXTRA', '0'],
        ['EVALSHA_RO', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0'],
        ['SCRIPT', 'LOAD', 'return +'],
        ['SCRIPT', 'LOAD', '#!lua flags=x\nreturn 1'],
        ['SCRIPT', 'FLUSH', 'x'],
        ['SCRIPT', 'FLUSH', 'async'],
        ['SCRIPT', 'FLUSH', 'sync', 'x'],
        ['SCRIPT', 'EXISTS', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db'],
        ['SCRIPT', 'EXISTS'],
        ['SCRIPT', 'KILL'],
        ['SCRIPT', 'HELP'],
        ['SCRIPT', 'NOSUCH'],
        ['SCRIPT'],
        ['EVAL', "return redis.call('get', KEYS[1])", '1', 'nokey'],
        ['EVAL', 'return 1 +', '0'],
        ['EVAL', "error('x')", '0'],
      ]);
    });

    it('each run gets KEYS and ARGV as given, whatever the last script did to its own', async () => {
      const sha = "return {#KEYS, #ARGV, KEYS[1], KEYS[2], ARGV[1], ARGV[2], tostring(getmetatable(KEYS)), tostring(rawget(KEYS, 'x')), tostring(rawget(ARGV, 3))}";
      const probe = (keys: string[], args: string[]) => ['EVAL', sha, String(keys.length), ...keys, ...args];
      await d().seq([
        probe(['a'], ['1']),
        ['EVAL', "KEYS[1] = 'changed' ARGV[1] = 'x' return {KEYS[1], ARGV[1]}", '1', 'a', '1'],
        probe(['a'], ['1']),
        ['EVAL', "setmetatable(KEYS, {__index = function() return 'mt' end}) return KEYS[5]", '1', 'a'],
        probe(['a'], []),
        ['EVAL', "KEYS.x = 1 ARGV[3] = 'three' return 1", '1', 'a', '1', '2'],
        probe(['a'], ['1', '2']),
        ['EVAL', "KEYS[2] = 'b' return #KEYS", '1', 'a'],
        probe(['a'], []),
        ['EVAL', 'table.remove(KEYS) return #KEYS', '2', 'a', 'b'],
        probe(['a', 'b'], ['x', 'y']),
        ['EVAL', 'KEYS[1] = nil ARGV[2] = nil return {#KEYS, #ARGV}', '2', 'a', 'b', 'x', 'y'],
        probe(['a', 'b'], ['x', 'y']),
        probe(['c', 'd'], ['z']),
        probe([], []),
        ['EVAL', "return redis.call('set', KEYS[1], ARGV[1])", '1', 'k\u0000bin', 'v\u00ff'],
        ['EVAL', "KEYS[1] = 'other' return redis.call('get', 'k\u0000bin')", '1', 'k\u0000bin'],
        ['EVAL', 'return redis.call(ARGV[1], KEYS[1])', '1', 'k\u0000bin', 'get'],
      ]);
    });

    it('runs commands through dispatch with the script rules', async () => {
      await d().seq([
        ['EVAL', "redis.call('select','3') redis.call('set','x','1') return 1", '0'],
        ['GET', 'x'],
        ['SELECT', '3'],
        ['GET', 'x'],
        ['SELECT', '0'],
        ['EVAL_RO', "return redis.call('set','a','b')", '0'],
        ['EVAL_RO', "return redis.call('get','a')", '0'],
        ['EVAL', "#!lua flags=no-writes\nreturn redis.call('set','a','b')", '0'],
        ['EVAL', "#!lua\nreturn redis.call('set','a','b')", '0'],
        ['EVAL', '#!lua\nreturn x', '0'],
        ['EVAL', '#!lua flags=bogus\nreturn 1', '0'],
        ['EVAL', '#!notlua\nreturn 1', '0'],
        ['EVAL', '#!lua name=foo\nreturn 1', '0'],
        ['EVAL', '#!lua', '0'],
        ['EVAL', '#!lua flags=no-writes,allow-oom\nreturn 1', '0'],
        ['EVAL', '#!lua flags=\nreturn 1', '0'],
        ['EVAL', '#!lua flags=no-writes\nerror("x")', '0'],
        ['EVAL_RO', "#!lua\nreturn redis.call('set','a','b')", '0'],
        ['EVAL', "return redis.call('blpop','nolist','0')", '0'],
        ['EVAL', "return redis.call('eval','return 1','0')", '0'],
        ['EVAL', "return redis.call('multi')", '0'],
        ['EVAL', "return redis.call('config','nosuch')", '0'],
        ['EVAL', "return redis.call('config')", '0'],
        ['EVAL', "return redis.call('client','list')", '0'],
        ['EVAL', "return redis.call('spop','nokey')", '0'],
        ['EVAL', "return redis.call('subscribe','ch')", '0'],
        ['EVAL', "return redis.call('publish','ch','m')", '0'],
        ['EVAL', "return redis.call('select','99')", '0'],
        ['EVAL', "return redis.call('lpush', KEYS[1], ARGV[1], ARGV[2])", '1', 'l1', 'a', 'b'],
        ['EVAL', "return redis.call('lrange', KEYS[1], 0, -1)", '1', 'l1'],
        ['EVAL', "return redis.call('incr', 'a')", '0'],
        ['EVAL', "return redis.pcall('incr', 'a')", '0'],
        ['EVAL', "redis.call('hset', 'h', 'f', 'v', 'g', 'w') return redis.call('hgetall', 'h')", '0'],
        ['EVAL', "redis.setresp(3) return redis.call('hgetall', 'h')", '0'],
        ['EVAL', "redis.call('zadd', 'z', '1.5', 'm') return redis.call('zscore', 'z', 'm')", '0'],
        ['EVAL', "redis.setresp(3) return redis.call('zscore', 'z', 'm')", '0'],
        ['EVAL', "redis.setresp(3) return redis.call('zrange', 'z', 0, -1, 'withscores')", '0'],
        ['EVAL', "redis.setresp(3) local r = redis.call('zscore', 'z', 'm') return {r.double * 2}", '0'],
        ['EVAL', "redis.setresp(3) return redis.call('get', 'nokey') == nil", '0'],
        ['EVAL', "return redis.call('type', 'h')", '0'],
        ['EVAL', "return redis.call('exists', 'h', 'z', 'nokey')", '0'],
        ['EVAL', "return redis.call('del', 'h', 'z')", '0'],
        ['EVAL', "return redis.call('object', 'encoding', 'l1')", '0'],
        ['EVAL', "return redis.call('debug', 'sleep', '0')", '0'],
        ['EVAL', "redis.call('set', 'k', 'v') return redis.call('hget', 'k', 'f')", '0'],
        ['EVAL', "return {pcall(redis.call, 'hget', 'k', 'f')}", '0'],
        ['EVAL', "return redis.call('set', 'big', string.rep('x', 100000))", '0'],
        ['EVAL', "return #redis.call('get', 'big')", '0'],
        ['EVAL', "return redis.call('echo', '\\0\\1\\2\\255')", '0'],
        ['EVAL', "return redis.call('set', 'n', 3.5)", '0'],
        ['EVAL', "return redis.call('get', 'n')", '0'],
        ['EVAL', 'return redis.call("incrbyfloat", "f", "0.1")', '0'],
        ['EVAL', 'return redis.call("incrbyfloat", "f", 0.1)', '0'],
        ['EVAL', 'return redis.call("xread","block","0","streams","s","$")', '0'],
        ['EVAL', 'return redis.call("xread","streams","s","0")', '0'],
        ['EVAL', 'return redis.call("wait","0","0")', '0'],
        ['EVAL', 'return redis.call("sort","nolist")', '0'],
        ['EVAL', 'return redis.call("object","freq","x")', '0'],
        ['EVAL', 'return redis.call("hello")', '0'],
        ['EVAL', 'return redis.call("auth","x")', '0'],
        ['EVAL', 'return redis.call("watch","x")', '0'],
        ['EVAL', 'return redis.call("script","exists","x")', '0'],
        ['EVAL', 'return redis.call("function","list")', '0'],
        ['EVAL', 'return redis.call("fcall","x","0")', '0'],
        ['EVAL', 'return redis.call("ping","a","b")', '0'],
        ['EVAL', 'return redis.call("PiNg")', '0'],
        ['EVAL', 'return redis.call("get", "")', '0'],
        ['EVAL', 'return redis.call("dbsize")', '0'],
        ['EVAL', 'return redis.call("swapdb","0","1")', '0'],
        ['EVAL', 'return redis.call("swapdb","0","1")', '0'],
      ]);
    });

    it('gives the same replies as the engine-level cases, over the network', async () => {
      const all = [...C.numbers, ...C.strings, ...C.syntax, ...C.iteration, ...C.tablelib, ...C.base, ...C.sandbox, ...C.errors, ...C.redisApi, ...C.conversions, ...C.coroutines, ...C.cjsonCases, ...C.cmsgpackCases, ...C.structCases, ...C.bitCases, ...C.limits, ...C.lines];
      const dd = d();
      // {double = 0/0}: the server's double formatting (src/util/numbers.ts) prints every NaN
      // as "nan"; Redis prints 0/0 as "-nan". Not a scripting matter, left out here.
      const argvs = all.filter((c) => !c.script.includes('double = 0/0')).map((c) => ['EVAL', c.script, String((c.keys ?? []).length), ...(c.keys ?? []), ...(c.args ?? [])]);
      const bytes = Buffer.concat(argvs.map((a) => encodeCommand(a)));
      const split = (raw: string) => {
        const buf = Buffer.from(raw, 'latin1');
        const out: string[] = [];
        let pos = 0;
        while (pos < buf.length) {
          const e = replyEnd(buf, pos);
          out.push(buf.latin1Slice(pos, e));
          pos = e;
        }
        return out;
      };
      const [real, ours] = await Promise.all([dd.real.sendRaw(bytes, argvs.length, 30000), dd.ours.sendRaw(bytes, argvs.length, 30000)]);
      const r = split(real);
      const o = split(ours);
      expect(o.length).toBe(argvs.length);
      for (let i = 0; i < argvs.length; i++) expect(o[i], argvs[i][1]).toBe(r[i]);
    });

    it('RESP3 clients get RESP3 replies from scripts', async () => {
      const { real, ours } = await d().pair();
      try {
        await Promise.all([real.call('HELLO', '3'), ours.call('HELLO', '3')]);
        for (const argv of [
          ['EVAL', 'return {map = {a = 1}}', '0'],
          ['EVAL', 'return {set = {a = true}}', '0'],
          ['EVAL', 'return {double = 3.25}', '0'],
          ['EVAL', "return {big_number = '123456789012345678901234567890'}", '0'],
          ['EVAL', "return {verbatim_string = {format = 'txt', string = 'hi there'}}", '0'],
          ['EVAL', 'return true', '0'],
          ['EVAL', 'return false', '0'],
          ['EVAL', 'redis.setresp(3) return true', '0'],
          ['EVAL', 'redis.setresp(3) return false', '0'],
          ['EVAL', 'return nil', '0'],
          ['EVAL', "redis.call('hset', 'h3', 'f', 'v') return redis.call('hgetall', 'h3')", '0'],
          ['EVAL', "redis.setresp(3) return redis.call('hgetall', 'h3')", '0'],
          ['EVAL', "redis.setresp(3) redis.call('sadd', 's3', 'm') return redis.call('smembers', 's3')", '0'],
          ['EVAL', "return redis.call('get', 'nokey')", '0'],
          ['EVAL', "redis.setresp(3) return redis.call('get', 'nokey')", '0'],
          ['EVAL', "error('x')", '0'],
        ]) {
          const [r, o] = await Promise.all([real.call(...argv), ours.call(...argv)]);
          expect(o, JSON.stringify(argv)).toBe(r);
        }
      } finally {
        real.close();
        ours.close();
      }
    });

    it('FUNCTION LOAD / FCALL / LIST / DELETE / STATS', async () => {
      await d().seq([
        ['FUNCTION', 'FLUSH'],
        ['FUNCTION', 'LOAD', lib('mylib', 'redis.register_function("myfunc", function(keys, args) return args[1] end)')],
        ['FCALL', 'myfunc', '0', 'hello'],
        ['FCALL', 'MYFUNC', '1', 'k', 'hello'],
        ['FCALL_RO', 'myfunc', '0', 'x'],
        ['FUNCTION', 'LOAD', lib('mylib', 'redis.register_function("myfunc", function(keys, args) return 1 end)')],
        ['FUNCTION', 'LOAD', 'replace', lib('mylib', 'redis.register_function("myfunc", function(keys, args) return 2 end)')],
        ['FCALL', 'myfunc', '0'],
        [
          'FUNCTION',
          'LOAD',
          lib('lib2', 'redis.register_function{function_name="ro", callback=function(keys, args) return redis.call("get", keys[1]) end, flags={"no-writes"}, description="desc"}'),
        ],
        ['FCALL_RO', 'ro', '1', 'x'],
        ['FUNCTION', 'LIST', 'LIBRARYNAME', 'lib*'],
        ['FUNCTION', 'LIST', 'WITHCODE', 'LIBRARYNAME', 'my*'],
        ['FUNCTION', 'STATS'],
        ['FUNCTION', 'DELETE', 'nosuch'],
        ['FUNCTION', 'DELETE', 'lib2'],
        ['FUNCTION', 'LIST', 'LIBRARYNAME', 'lib*'],
        ['FUNCTION', 'LOAD', 'return 1'],
        ['FUNCTION', 'LOAD', '#!lua\nreturn 1'],
        ['FUNCTION', 'LOAD', '#!lua name=bad-name\nreturn 1'],
        ['FUNCTION', 'LOAD', '#!lua name=x\nreturn 1'],
        ['FUNCTION', 'LOAD', lib('x', 'redis.register_function("f")')],
        ['FUNCTION', 'LOAD', lib('x', 'redis.register_function("1f", function() end)')],
        ['FUNCTION', 'LOAD', lib('x2', 'redis.register_function("myfunc", function() end)')],
        ['FUNCTION', 'LOAD', '#!lua name=x flags=no-writes\nreturn 1'],
        ['FUNCTION', 'LOAD', '#!lua name=x foo=bar\nreturn 1'],
        ['FCALL', 'nosuch', '0'],
        ['FCALL', 'myfunc', 'x'],
        ['FCALL', 'myfunc', '-1'],
        ['FCALL', 'myfunc', '5'],
        ['FUNCTION', 'LOAD', lib('y', 'redis.register_function("g", function() error("bad") end)')],
        ['FCALL', 'g', '0'],
        ['FUNCTION', 'LOAD', lib('z', 'redis.register_function("h", function() return redis.call("set","a","b") end)')],
        ['FCALL_RO', 'h', '0'],
        ['FCALL', 'h', '0'],
        ['FUNCTION', 'LOAD', lib('w', 'local t = {} for k in pairs(redis) do t[#t+1]=k end')],
        ['FUNCTION', 'LOAD', lib('u', 'redis.register_function("rk", function() local t = {} for k in pairs(redis) do t[#t+1]=k end table.sort(t) return t end)')],
        ['FCALL', 'rk', '0'],
        ['FUNCTION', 'LOAD', lib('gk', 'redis.register_function("gk", function() local t = {} for k in pairs(_G) do t[#t+1]=k end table.sort(t) return t end)')],
        ['FCALL', 'gk', '0'],
        ['FUNCTION', 'LOAD', lib('a1', 'redis.register_function("bad-name", function() end)')],
        ['FUNCTION', 'LOAD', lib('a2', 'redis.register_function("f", function() end) redis.register_function("f", function() end)')],
        ['FUNCTION', 'LOAD', lib('a3', 'redis.register_function{function_name="f3", callback=function() end, flags={"NO-WRITES", "allow-oom"}}')],
        ['FUNCTION', 'LIST', 'LIBRARYNAME', 'a3'],
        ['FUNCTION', 'LOAD', lib('a4', 'redis.register_function{function_name="f4", callback=function() end, flags={"bogus"}}')],
        ['FUNCTION', 'LOAD', lib('a5', 'redis.register_function{function_name="f5", callback=function() end, foo=1}')],
        ['FUNCTION', 'LOAD', lib('a6', 'redis.register_function{callback=function() end}')],
        ['FUNCTION', 'LOAD', lib('a7', 'redis.register_function{function_name="f7"}')],
        ['FUNCTION', 'LOAD', lib('a8', 'redis.register_function(1, 2, 3)')],
        ['FUNCTION', 'LOAD', lib('a9', 'redis.register_function({}, function() end)')],
        ['FUNCTION', 'LOAD', lib('a10', 'redis.register_function("f10", 5)')],
        ['FUNCTION', 'LOAD', lib('a11', 'redis.register_function{function_name=5, callback=function() end}')],
        ['FUNCTION', 'LOAD', lib('a12', 'redis.register_function{function_name="f12", callback=5}')],
        ['FUNCTION', 'LOAD', lib('a13', 'redis.register_function{function_name="f13", callback=function() end, description=5}')],
        ['FUNCTION', 'LIST', 'LIBRARYNAME', 'a13'],
        ['FUNCTION', 'LOAD', lib('a14', 'redis.register_function{function_name="f14", callback=function() end, flags=5}')],
        ['FUNCTION', 'LOAD', lib('a16', 'redis.call("ping")')],
        ['FUNCTION', 'LOAD', lib('a17', 'redis.log(redis.LOG_DEBUG, "loading") return 1')],
        ['FUNCTION', 'LOAD', lib('a18', 'local x = redis.REDIS_VERSION redis.register_function("f18", function() return x end)')],
        ['FCALL', 'f18', '0'],
        ['FUNCTION', 'LOAD', lib('a19', 'return +')],
        ['FUNCTION', 'LOAD', lib('a20', 'error("boom")')],
        ['FUNCTION', 'LOAD', lib('a22', 'x = 1')],
        ['FUNCTION', 'LOAD', lib('a24', 'while true do end')],
        ['FUNCTION', 'LOAD', '#lua name=a25\nreturn 1'],
        ['FUNCTION', 'LOAD', '#!lua name=a26'],
        ['FUNCTION', 'LOAD', '#!lua name=a27 name=b\nreturn 1'],
        ['FUNCTION', 'LOAD', '#!lua NAME=a28\nredis.register_function("f28", function() end)'],
        ['FUNCTION', 'LOAD', '#!lua2 name=a29\nreturn 1'],
        ['FUNCTION', 'LOAD', '#!LUA name=a29\nredis.register_function("f29", function() end)'],
        ['FUNCTION', 'LOAD', 'x', 'y'],
        ['FUNCTION', 'LOAD', 'replace'],
        ['FUNCTION', 'FLUSH', 'a', 'b'],
        ['FUNCTION', 'flush', 'a', 'b'],
        ['FUNCTION', 'RESTORE', 'a', 'b', 'c'],
        ['FUNCTION', 'FLUSH', 'x'],
        ['FUNCTION', 'HELP'],
        ['FUNCTION', 'NOSUCH'],
        ['FUNCTION', 'RESTORE', 'xxx'],
        ['FUNCTION', 'RESTORE', 'xxx', 'bogus'],
        ['FUNCTION', 'LIST', 'x'],
        ['FUNCTION', 'LIST', 'LIBRARYNAME'],
        ['FUNCTION', 'KILL'],
        ['FUNCTION', 'FLUSH'],
        ['FUNCTION', 'STATS'],
        ['FUNCTION', 'LIST'],
      ]);
    });

    it('FUNCTION DUMP / RESTORE round trips', async () => {
      await d().seq([
        ['FUNCTION', 'FLUSH'],
        ['FUNCTION', 'LOAD', lib('d1', 'redis.register_function("d1f", function() return 1 end)')],
        ['FUNCTION', 'DUMP'],
      ]);
      // same payload on both; restore it into each other
      const payload = await d().real.call('FUNCTION', 'DUMP');
      const bulk = payload.slice(payload.indexOf('\r\n') + 2, payload.length - 2);
      await d().seq([
        ['FUNCTION', 'RESTORE', bulk],
        ['FUNCTION', 'RESTORE', bulk, 'REPLACE'],
        ['FUNCTION', 'FLUSH'],
        ['FUNCTION', 'RESTORE', bulk],
        ['FCALL', 'd1f', '0'],
        ['FUNCTION', 'LOAD', lib('d2', 'redis.register_function("d1f", function() return 2 end)')],
        ['FUNCTION', 'RESTORE', bulk, 'FLUSH'],
        ['FCALL', 'd1f', '0'],
        ['FUNCTION', 'RESTORE', bulk.slice(0, -1) + String.fromCharCode(bulk.charCodeAt(bulk.length - 1) ^ 1)],
        ['FUNCTION', 'FLUSH'],
        ['FUNCTION', 'LOAD', lib('longlib', `redis.register_function("lf", function() return "${'x'.repeat(200)}" end)`)],
        ['FUNCTION', 'DUMP'],
      ]);
      await d().both('FUNCTION', 'FLUSH');
    });

    it('converts random RESP3-shaped script results alike for RESP2 and RESP3 clients', async () => {
      const dd = d();
      const scripts = replyShapeScripts(5, 300);
      for (const proto of ['3', '2']) {
        await dd.both('HELLO', proto);
        for (const script of scripts) await dd.same('EVAL', script, '0');
      }
    });

    it('converts the replies of many commands for RESP2/RESP3 clients, setresp 2/3, call and pcall', async () => {
      const dd = d();
      await dd.seq([
        ['HSET', 'h', 'a', '1', 'b', '2'], ['SADD', 's', 'x', 'y', '3'], ['ZADD', 'z', '1.5', 'm1', '2', 'm2', 'inf', 'm3'], ['RPUSH', 'l', 'a', 'b', 'c'], ['SET', 'str', 'hello'],
        ['XADD', 'x', '1-1', 'f', 'v'], ['SET', 'n', '10'], ['PFADD', 'hll', 'a'], ['GEOADD', 'g', '13.361389', '38.115556', 'Palermo'],
      ]);
      const cmds = [
        "'hgetall','h'", "'hget','h','a'", "'hmget','h','a','zz'", "'sismember','s','x'", "'smismember','s','x','q'", "'zrange','z',0,-1,'withscores'", "'zscore','z','m1'", "'zscore','z','m3'", "'zmscore','z','m1','no'",
        "'zpopmin','nokey'", "'lrange','l',0,-1", "'lpos','l','b'", "'get','str'", "'get','nokey'", "'exists','str','h'", "'ttl','str'", "'type','h'", "'object','encoding','h'",
        "'xrange','x','-','+'", "'xinfo','stream','x'", "'incrbyfloat','n','0.5'", "'config','get','maxmemory'", "'geopos','g','Palermo','nope'", "'geodist','g','Palermo','Palermo'", "'georadius','g','15','37','200','km','withdist','withcoord'",
        "'zrangestore','z2','z',0,-1", "'zunion','1','z','withscores'", "'zinter','1','z','withscores'", "'lmpop','1','nokey','left'", "'zmpop','1','z','min'", "'ping'", "'echo','x'", "'dbsize'", "'memory','usage','nokey'",
        "'object','freq','str'", "'hstrlen','h','a'", "'strlen','str'", "'getrange','str',0,2", "'bitcount','str'", "'pfcount','hll'", "'lastsave'", "'scan','0','count','1000','match','nomatch*'", "'sscan','s','0','match','x'",
        "'command','count'", "'xlen','x'", "'xpending','x','g'", "'zrank','z','m2'", "'zcount','z','-inf','+inf'", "'smove','s','s','x'", "'sintercard','1','s'",
      ];
      let bad = 0;
      for (const hello of ['2', '3']) {
        await dd.both('HELLO', hello);
        for (const c of cmds) {
          for (const prefix of ['', 'redis.setresp(3) ']) {
            for (const fn of ['call', 'pcall']) {
              const script = `${prefix}return redis.${fn}(${c})`;
              const { real, ours } = await dd.both('EVAL', script, '0');
              const norm = (x: string) => x.replace(/:\d{10}\r\n/g, ':T\r\n');
              if (norm(real) !== norm(ours) && bad++ < 15) console.log(hello, JSON.stringify(script), '\nREAL', JSON.stringify(real).slice(0, 400), '\nOURS', JSON.stringify(ours).slice(0, 400));
            }
          }
        }
      }
      expect(bad).toBe(0);
    });

    it('expires keys by the time the script started (scriptTimeSnapshot)', async () => {
      const dd = d();
      const spin = "local t0 = redis.call('time') local s = t0[1] * 1000000 + t0[2] while true do local t = redis.call('time') if t[1] * 1000000 + t[2] - s > 20000 then break end end";
      await dd.seq([
        ['EVAL', `redis.call('set','k','v','px','5') ${spin} return {redis.call('get','k'), redis.call('exists','k'), redis.call('pttl','k') > 0 and 1 or 0}`, '0'],
        ['EVAL', `redis.call('set','k2','v','px','5') ${spin} return redis.call('keys', 'k2*')`, '0'],
        // (k and k2 are gone first: each server's active expiry may or may not have removed them yet)
        ['EVAL', `redis.call('del','k','k2') redis.call('set','k3','v','px','5') ${spin} return redis.call('dbsize')`, '0'],
        ['EVAL', `redis.call('set','k4','v','px','5') ${spin} return redis.call('ttl','k4')`, '0'],
      ]);
      await new Promise((r) => setTimeout(r, 30));
      // DBSIZE here would race each server's active expiry cycle: only the lazy path is compared.
      await dd.seq([['GET', 'k']]);
    });

    it('a script whose first clock read comes late still sees keys as they were when it started', async () => {
      const dd = d();
      // (nothing in the script reads a TTL until after the spin; the key was live at its start)
      const spin = "local t0 = redis.call('time') local s = t0[1] * 1000000 + t0[2] while true do local t = redis.call('time') if t[1] * 1000000 + t[2] - s > 1100000 then break end end";
      await dd.seq([
        ['SET', 'late', 'v', 'PX', '1000'],
        ['EVAL', `${spin} return {redis.call('get','late'), redis.call('exists','late')}`, '0'],
      ]);
    }, 60_000);

    it('INFO memory counts cached scripts, functions and libraries (and their memory like Redis)', async () => {
      const fields = async () => {
        const pick = (info: string) =>
          info
            .split('\r\n')
            .filter((l) => /^(used_memory_scripts_eval|number_of_cached_scripts|number_of_functions|number_of_libraries|used_memory_functions|used_memory_scripts(_human)?):/.test(l))
            .join('\n');
        const { real, ours } = await d().both('INFO', 'memory');
        return { real: pick(real), ours: pick(ours) };
      };
      const check = async () => {
        const { real, ours } = await fields();
        expect(ours).toBe(real);
      };
      await d().both('SCRIPT', 'FLUSH');
      await d().both('FUNCTION', 'FLUSH');
      await check();
      // up to 4 scripts: past that Redis's dict is rehashing for a while (random bucket
      // layout), which adds a transient 8 bytes per old bucket we do not model
      for (const n of [0, 60, 300, 70000]) {
        await d().same('SCRIPT', 'LOAD', `return ${n} --${'x'.repeat(n)}`);
        await check();
      }
      await d().same('FUNCTION', 'LOAD', lib('infolib', "redis.register_function('f1', function() return 1 end)"));
      await check();
      await d().same('EVAL', 'return 99', '0');
      await d().same('FUNCTION', 'LOAD', lib('infolib2', "redis.register_function('f2', function() return 1 end) redis.register_function('f3', function() return 1 end)"));
      const counts = (info: string) => info.split('\r\n').filter((l) => l.startsWith('number_of_')).join('\n');
      const both = await d().both('INFO', 'memory');
      expect(counts(both.ours)).toBe(counts(both.real));
      await d().same('SCRIPT', 'FLUSH');
      await d().same('FUNCTION', 'FLUSH');
      await check();
    });

    it("checks the caller's ACL permissions for redis.call, and logs denials with context lua", async () => {
      await d().seq([
        ['ACL', 'SETUSER', 'luauser', 'on', 'nopass', '+@all', '-set', '~k*', '&ch*'],
        ['ACL', 'LOG', 'RESET'],
      ]);
      const { real, ours } = await d().pair();
      try {
        const cmds: string[][] = [
          ['AUTH', 'luauser', 'x'],
          ['EVAL', "return redis.call('set','k1','v')", '0'],
          ['EVAL', "return redis.pcall('set','k1','v')", '0'],
          ['EVAL', "return redis.call('get','zz')", '0'],
          ['EVAL', "return redis.pcall('get','zz')", '0'],
          ['EVAL', "return redis.call('publish','zz','x')", '0'],
          ['EVAL', "return redis.call('publish','chan','x')", '0'],
          ['EVAL', "return redis.call('get','k1')", '0'],
          ['EVAL', "return redis.call('object','encoding','zz')", '0'],
          ['EVAL', "return {redis.acl_check_cmd('get','zz'), redis.acl_check_cmd('get','k2'), redis.acl_check_cmd('set','k2','v')}", '0'],
          ['EVAL', "return redis.acl_check_cmd('nosuch')", '0'],
          ['EVAL', "return redis.acl_check_cmd('config','nosuch')", '0'],
          ['EVAL', "return redis.acl_check_cmd('config')", '0'],
          ['SET', 'k1', 'v'],
        ];
        for (const c of cmds) {
          const [a, b] = await Promise.all([real.call(...c), ours.call(...c)]);
          expect(b, JSON.stringify(c)).toBe(a);
        }
      } finally {
        real.close();
        ours.close();
      }
      // the log entries, without the parts that differ per server (age, client info)
      const pick = async (cl: RawClient) => {
        const log = (await cl.command('ACL', 'LOG')) as unknown[];
        return log.map((e) => {
          const f = e as unknown[];
          const o: Record<string, unknown> = {};
          for (let i = 0; i < f.length; i += 2) if (!['age-seconds', 'client-info'].includes(String(f[i]))) o[String(f[i])] = f[i + 1];
          return o;
        });
      };
      const dd = d() as unknown as { real: RawClient; ours: RawClient };
      expect(await pick(dd.ours)).toEqual(await pick(dd.real));
      await d().seq([
        ['ACL', 'DELUSER', 'luauser'],
        ['ACL', 'LOG', 'RESET'],
      ]);
    });
  },
  { 'enable-debug-command': 'yes' },
);

/** Runs the same timeline on one server: returns what each step saw. */
async function busyTimeline(port: number | string, steps: (a: RawClient, b: RawClient) => Promise<string[]>): Promise<string[]> {
  const a = await RawClient.connect(port);
  const b = await RawClient.connect(port);
  try {
    return await steps(a, b);
  } finally {
    a.close();
    b.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeDifferential(
  'busy scripts',
  (d: () => Differential) => {
    const both = async (steps: (a: RawClient, b: RawClient) => Promise<string[]>) => {
      const dd = d() as unknown as { oracle: { socket: string }; redmoon: { port: number } };
      const [real, ours] = await Promise.all([busyTimeline(dd.oracle.socket, steps), busyTimeline(dd.redmoon.port, steps)]);
      expect(ours).toEqual(real);
      return ours;
    };

    it('answers BUSY while a slow script runs, and SCRIPT KILL ends it', async () => {
      const r = await both(async (a, b) => {
        const body = 'local i = 0\nwhile true do i = i + 1 end';
        // a long wait for the reply: the kill comes after several round trips on a loaded machine
        const pending = a.sendRaw(encodeCommand(['EVAL', body, '0']), 1, 30000);
        await sleep(300);
        const seen = [await b.call('PING'), await b.call('GET', 'x'), await b.call('FUNCTION', 'KILL'), await b.call('SCRIPT', 'KILL')];
        seen.push(await pending);
        seen.push(await b.call('PING'), await a.call('PING'));
        return seen;
      });
      expect(r[0]).toBe('-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n');
      expect(r[4]).toMatch(/^-ERR Script killed by user with SCRIPT KILL\.\.\. script: [0-9a-f]{40}, on @user_script:2\.\r\n$/);
    });

    it('refuses to kill a script that wrote, and serves the caller when it ends', async () => {
      await both(async (a, b) => {
        const body = "redis.call('set', 'w', '1')\nlocal t = redis.call('time')\nlocal start = t[1] * 1000000 + t[2]\nwhile true do\n  t = redis.call('time')\n  if t[1] * 1000000 + t[2] - start > 4000000 then break end\nend\nreturn 'done'";
        const pending = a.sendRaw(encodeCommand(['EVAL', body, '0']), 1, 30000);
        // wait for the server to report the script busy; the script spins 4 s so that a
        // loaded machine still sees it busy before it ends
        let ping = '';
        for (let i = 0; i < 60 && !ping.startsWith('-BUSY'); i++) {
          await sleep(50);
          ping = await b.call('PING');
        }
        const seen = [ping, await b.call('SCRIPT', 'KILL'), await b.call('PING')];
        seen.push(await pending);
        seen.push(await b.call('GET', 'w'));
        return seen;
      });
    });

    it('kills functions with FUNCTION KILL only, and reports them in FUNCTION STATS', async () => {
      await d().both('FUNCTION', 'FLUSH');
      await d().same('FUNCTION', 'LOAD', lib('spin', 'redis.register_function("spin", function() while true do end end)'));
      await both(async (a, b) => {
        const pending = a.sendRaw(encodeCommand(['FCALL', 'spin', '0']), 1, 30000);
        await sleep(300);
        const stats = await b.call('FUNCTION', 'STATS');
        const seen = [
          await b.call('PING'),
          await b.call('SCRIPT', 'KILL'),
          stats.replace(/duration_ms\r\n:\d+/, 'duration_ms\r\n:N'),
          await b.call('FUNCTION', 'KILL'),
        ];
        seen.push(await pending);
        return seen;
      });
      await d().both('FUNCTION', 'FLUSH');
    });

    it('keeps other clients pipelined commands for after the script', async () => {
      await both(async (a, b) => {
        const pending = a.sendRaw('*3\r\n$4\r\nEVAL\r\n$50\r\nlocal i = 0 while i < 3e7 do i = i + 1 end return i\r\n$1\r\n0\r\n*2\r\n$4\r\nECHO\r\n$5\r\nafter\r\n', 2, 20000);
        await sleep(200);
        const seen = [await b.call('EXISTS', 'x')];
        seen.push(await pending);
        return seen;
      });
    });
  },
  { 'busy-reply-threshold': '100' },
);
