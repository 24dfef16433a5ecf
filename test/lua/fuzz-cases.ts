/**
 * Deterministic random Lua expressions (numbers, string coercion, math and string library
 * calls, string.format specs) for the differential tests.
 */
import type { DiffCase } from './cases.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function fuzzCases(seed: number, count: number): DiffCase[] {
  const r = rng(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)];
  const num = (): string => {
    switch (Math.floor(r() * 9)) {
      case 0:
        return String(Math.floor(r() * 100));
      case 1:
        return (r() * 1000 - 500).toFixed(Math.floor(r() * 6));
      case 2:
        return `${Math.floor(r() * 10)}e${Math.floor(r() * 40) - 20}`;
      case 3:
        return pick(['0', '1', '2', '3', '10', '0.5', '0.1', '1e308', '2^53', '2^63', '(1/0)', '(-1/0)', '(0/0)', '(-0)']);
      case 4:
        return `0x${Math.floor(r() * 0xffffff).toString(16)}`;
      case 5:
        return `'${pick(['10', ' 0x1A ', '1e3', '  7  ', '-3.5', '.5', '5.', '0x10'])}'`;
      case 6:
        return String(Math.floor(r() * 2 ** 40) - 2 ** 39);
      default:
        return String(Math.floor(r() * 10) - 5);
    }
  };
  const expr = (depth: number): string => {
    if (depth <= 0 || r() < 0.3) return num();
    switch (Math.floor(r() * 12)) {
      case 0:
      case 1:
      case 2:
        return `(${expr(depth - 1)} ${pick(['+', '-', '*', '/', '%', '^'])} ${expr(depth - 1)})`;
      case 3:
        return `(-${expr(depth - 1)})`;
      case 4:
        return `math.${pick(['floor', 'ceil', 'abs', 'sqrt', 'exp', 'log', 'log10', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'deg', 'rad'])}(${expr(depth - 1)})`;
      case 5:
        return `math.${pick(['fmod', 'pow', 'max', 'min', 'atan2', 'ldexp'])}(${expr(depth - 1)}, ${expr(depth - 1)})`;
      case 6:
        return `(#tostring(${expr(depth - 1)}))`;
      case 7:
        return `(tonumber(tostring(${expr(depth - 1)})) or 0)`;
      case 8:
        return `select(${pick(['1', '2'])}, math.modf(${expr(depth - 1)}))`;
      case 9:
        return `(select(2, math.frexp(${expr(depth - 1)})))`;
      default:
        return `string.len(string.rep('ab', ${Math.floor(r() * 4)}) .. ${expr(depth - 1)})`;
    }
  };
  const fmt = (): string => {
    const flags = ['', '-', '+', ' ', '#', '0', '-0', '+ '];
    const conv = pick(['d', 'i', 'u', 'c', 'x', 'X', 'o', 'e', 'E', 'f', 'g', 'G', 's', 'q']);
    const width = r() < 0.5 ? '' : String(Math.floor(r() * 25));
    const prec = r() < 0.5 ? '' : '.' + Math.floor(r() * 20);
    return `%${pick(flags)}${width}${prec}${conv}`;
  };
  const cases: DiffCase[] = [];
  for (let i = 0; i < count; i++) {
    const k = r();
    let body: string;
    if (k < 0.55) body = `return tostring(${expr(3)})`;
    else if (k < 0.85) body = `return string.format('${fmt()}|${fmt()}', ${expr(2)}, ${expr(2)})`;
    else body = `local t = {} for i = 1, ${Math.floor(r() * 40)} do t[${pick(['i', "'k' .. i", 'i * 2', '-i', 'i + 0.5'])}] = ${expr(1)} end return cjson.encode(t)`;
    cases.push({ script: body });
  }
  return cases;
}

/** Random Lua patterns against random subjects through find/match/gmatch/gsub. */
export function patternFuzzCases(seed: number, count: number): DiffCase[] {
  const r = rng(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)];
  const luaStr = (s: string) => "'" + s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\0/g, '\\0') + "'";
  const subjects = ['hello world', 'a1b2c3', '  x = 10, y = 20  ', '(foo(bar)baz)', 'THE (quick) fox', 'aaa', '', 'x\0y\0z', 'key:value;k2:v2', '[[nested]]', 'abc123def456', 'tab\there', 'über', '%d%%', 'a.b.c', 'ggg gg g'];
  const atom = (): string => {
    switch (Math.floor(r() * 8)) {
      case 0:
        return '%' + pick(['a', 'd', 'l', 's', 'u', 'w', 'x', 'p', 'c', 'g', 'z', 'A', 'D', 'S', 'W', 'G', '.', '%', '(', ']']);
      case 1:
        return `[${pick(['', '^'])}${pick(['a-z', '%d', 'abc', '%a_', ']', '^', '-', 'a-', '%]', 'x-z0-9'])}]`;
      case 2:
        return '.';
      case 3:
        return pick(['%b()', '%b[]', '%f[%w]', '%f[%W]', '%f[%a]', '%f[^%z]']);
      default:
        return pick(['a', 'b', 'l', 'o', ' ', '=', ':', 'x', '1', 'g', '(', ')', '-', '[']);
    }
  };
  const piece = (): string => {
    const a = atom();
    return a + (r() < 0.4 ? pick(['*', '+', '-', '?']) : '');
  };
  const pattern = (): string => {
    let p = r() < 0.15 ? '^' : '';
    const n = 1 + Math.floor(r() * 4);
    for (let i = 0; i < n; i++) {
      if (r() < 0.2) p += `(${piece()}${r() < 0.5 ? piece() : ''})`;
      else if (r() < 0.05) p += '()';
      else if (r() < 0.05) p += '%1';
      else p += piece();
    }
    if (r() < 0.1) p += '$';
    return p;
  };
  const cases: DiffCase[] = [];
  for (let i = 0; i < count; i++) {
    const s = luaStr(pick(subjects));
    const p = luaStr(pattern());
    let call: string;
    switch (Math.floor(r() * 6)) {
      case 0:
        call = `{string.find(${s}, ${p}${r() < 0.3 ? ', ' + (Math.floor(r() * 8) - 3) : ''})}`;
        break;
      case 1:
        call = `{string.match(${s}, ${p}${r() < 0.3 ? ', ' + (Math.floor(r() * 8) - 3) : ''})}`;
        break;
      case 2:
        call = `(function() local t = {} for a, b in string.gmatch(${s}, ${p}) do t[#t + 1] = tostring(a) .. '/' .. tostring(b) if #t > 50 then break end end return t end)()`;
        break;
      case 3:
        call = `{string.gsub(${s}, ${p}, ${luaStr(pick(['<%0>', '%1', '[%1|%2]', '%%', 'x', '', '%a', '%9']))}${r() < 0.3 ? ', ' + Math.floor(r() * 4) : ''})}`;
        break;
      case 4:
        call = `{string.gsub(${s}, ${p}, ${pick(["{a = 'A', l = false, o = 1, [' '] = '_'}", 'function(x) return x and #tostring(x) end', 'function() end', 'string.upper'])})}`;
        break;
      default:
        call = `{string.find(${s}, ${p}, 1, true)}`;
    }
    cases.push({ script: `local ok, r = pcall(function() return ${call} end) if ok then return r end return {err = 'E: ' .. tostring(r)}` });
  }
  return cases;
}

/** Random calls of the other string functions, tonumber/tostring and concatenation. */
export function stringFuzzCases(seed: number, count: number): DiffCase[] {
  const r = rng(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)];
  const int = () => String(pick([0, 1, 2, 3, -1, -2, -5, 10, 100, -100, 2 ** 31, -(2 ** 31), 1e10, 0.5, -0.5, 2.7, -2.7, 1e300]));
  const strs = ["'hello'", "''", "'a\\0b'", "'\\255\\128x'", "'  12  '", "'0x1F'", "'1e3'", "'-0'", "'inf'", "'nan'", "'1e500'", "'0x'", "'1e'", "' 0x10 '", "'5.'", "'.5'", "'\\n\\r\\t'", "'\"q\"'", "'a\\\\b'", "'10'", "'-7.25'", "'0x7fffffffffffffff'", "'1' .. 2", '12.5', '-3', '1e15', '2^53', '1/3', "'abc'"];
  const str = () => pick(strs);
  const call = (): string => {
    switch (Math.floor(r() * 14)) {
      case 0:
        return `{string.byte(${str()}${r() < 0.7 ? ', ' + int() : ''}${r() < 0.5 ? ', ' + int() : ''})}`;
      case 1:
        return `string.sub(${str()}, ${int()}${r() < 0.6 ? ', ' + int() : ''})`;
      case 2:
        return `string.rep(${str()}, ${pick(['0', '1', '3', '-1', '2.9', "'2'"])})`;
      case 3:
        return `string.format('%q', ${str()})`;
      case 4:
        return `{string.${pick(['lower', 'upper', 'reverse', 'len'])}(${str()})}`;
      case 5:
        return `{tonumber(${str()}${r() < 0.4 ? ', ' + pick(['2', '8', '10', '16', '36', '1', '37', '0']) : ''})}`;
      case 6:
        return `tostring(${str()} ${pick(['+', '-', '*', '/', '%', '^', '..'])} ${str()})`;
      case 7:
        return `{${str()} ${pick(['<', '<=', '==', '~='])} ${str()}}`;
      case 8:
        return `string.char(${Array.from({ length: Math.floor(r() * 4) }, () => pick(['65', '0', '255', '256', '-1', '97.9', "'66'"])).join(', ')})`;
      case 9:
        return `{#${str()}}`;
      case 10:
        return `{math.floor(${str()}), math.max(${str()}, ${str()})}`;
      case 11:
        return `table.concat({${str()}, ${str()}, ${str()}}, ${pick(["', '", "''", '1', "'\\0'"])}${r() < 0.5 ? ', ' + pick(['1', '2', '3', '4', '0', '-1']) + ', ' + pick(['1', '2', '3', '0']) : ''})`;
      case 12:
        return `{string.find(${str()}, ${str()}, ${int()}, true)}`;
      default:
        return `{select('#', string.byte(${str()}, 1, -1))}`;
    }
  };
  const cases: DiffCase[] = [];
  for (let i = 0; i < count; i++) {
    cases.push({ script: `local ok, r = pcall(function() return ${call()} end) if ok then return type(r) == 'table' and r or {type(r), tostring(r)} end return {err = 'E: ' .. tostring(r)}` });
  }
  return cases;
}

/** Random table library calls, cjson/cmsgpack round trips, struct formats and reply shapes. */
export function libFuzzCases(seed: number, count: number): DiffCase[] {
  const r = rng(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)];
  const small = () => pick(['0', '1', '2', '3', '-1', '5', '10', '1.5', "'2'", 'nil', '100']);
  const tbl = () =>
    pick(['{}', '{1, 2, 3}', "{'a', 'b', 'c', 'd'}", '{1, nil, 3}', '{nil, nil, 3}', "{n = 3, 'x'}", '{[1] = 1, [2] = 2, [4] = 4}', "{'z', 'y', 'x', 'w', 'v'}", '{3, 1, 2, 5, 4, 1}', "{1, 'a', 2}", '{[0] = 0, 1}']);
  const value = (d: number): string => {
    if (d <= 0 || r() < 0.35)
      return pick(['1', '-1', '0', '1.5', '-0.25', '1e20', '2^53', '2^64', '-2^63', "'s'", "''", "'\\0x\\255'", 'true', 'false', "'a\"b\\\\c'", "'\\n'", '3.14159', "string.rep('x', 40)", '255', '256', '65535', '65536', '4294967296', '-129', '-32769', '127', '128']);
    if (r() < 0.5) return `{${Array.from({ length: Math.floor(r() * 5) }, () => value(d - 1)).join(', ')}}`;
    return `{${Array.from({ length: Math.floor(r() * 4) }, () => `${pick(['a', 'b', 'k1', 'xyz', '[1]', '[3]', "['']", '[1.5]', '[-1]', '[true]'])} = ${value(d - 1)}`).join(', ')}}`;
  };
  const json = () =>
    pick([
      '[1,2,3]', '{"a":1}', '[]', '{}', '"x"', '1e5', '-0', '[1,[2,[3]]]', 'null', 'true', '[null,null]', '{"a":null}', '"\\u00e9\\u0041"', '"\\ud83d\\ude00"', '[1,]', '{"a"}', '01', '1.', '.5', '"\\x"', '[1 2]', ' [ 1 , 2 ] ', '123456789012345678', '1e400', '-1e-400', '"\\/"', '{"a":1,"a":2}', 'nan', 'Infinity', '[-]', '"abc', '{"\\u0000":1}', '"\\t\\b\\f"', '[[[[[[[[[[1]]]]]]]]]]', '0x10', '1E2', '-', '"\\uDC00"', '"\\u12"',
    ]);
  const structFmt = () => {
    const items = ['b', 'B', 'h', 'H', 'i', 'I', 'l', 'L', 'i2', 'I3', 'i8', 'f', 'd', 'c3', 's', 'x', '<', '>', '!', '!4', 'c0', 'i16', 'i0', 'Z'];
    return Array.from({ length: 1 + Math.floor(r() * 4) }, () => pick(items)).join('');
  };
  const cases: DiffCase[] = [];
  for (let i = 0; i < count; i++) {
    let call: string;
    switch (Math.floor(r() * 12)) {
      case 0:
        call = `(function() local t = ${tbl()} table.insert(t, ${small()}${r() < 0.5 ? ', ' + small() : ''}) return {#t, t[1], t[2], t[3], t[4], t[5]} end)()`;
        break;
      case 1:
        call = `(function() local t = ${tbl()} local v = table.remove(t${r() < 0.6 ? ', ' + small() : ''}) return {tostring(v), #t, t[1], t[2], t[3]} end)()`;
        break;
      case 2:
        call = `{table.concat(${tbl()}, ${pick(["','", "''", '1'])}${r() < 0.5 ? ', ' + small() + ', ' + small() : ''})}`;
        break;
      case 3:
        call = `(function() local t = ${tbl()} table.sort(t${r() < 0.4 ? ', function(a, b) return a > b end' : ''}) return t end)()`;
        break;
      case 4:
        call = `{table.getn(${tbl()}), table.maxn(${tbl()}), select('#', unpack(${tbl()}${r() < 0.5 ? ', ' + small() + ', ' + small() : ''}))}`;
        break;
      case 5:
        call = `{cjson.encode(${value(3)})}`;
        break;
      case 6:
        call = `{cjson.encode(cjson.decode(${JSON.stringify(json())}))}`;
        break;
      case 7:
        call = `{cmsgpack.pack(${value(3)})}`;
        break;
      case 8:
        call = `{cjson.encode(cmsgpack.unpack(cmsgpack.pack(${value(2)}, ${value(2)})))}`;
        break;
      case 9: {
        const f = structFmt();
        call = `{struct.size('${f}'), struct.pack('${f}', ${Array.from({ length: 4 }, () => pick(['1', '-1', '255', '65536', '1.5', "'abcd'", '0'])).join(', ')})}`;
        break;
      }
      case 10:
        call = `{struct.unpack('${structFmt()}', ${pick(["'\\1\\2\\3\\4\\5\\6\\7\\8\\9\\10\\11\\12\\13\\14\\15\\16'", "'abc'", "''", "string.rep('\\255', 20)"])}${r() < 0.3 ? ', ' + small() : ''})}`;
        break;
      default:
        call = value(3);
    }
    cases.push({ script: `local ok, r = pcall(function() return ${call} end) if ok then return r end return {err = 'E: ' .. tostring(r)}` });
  }
  return cases;
}

/** Random token soup: the compile errors (or results) must be the same. */
export function syntaxFuzzCases(seed: number, count: number): DiffCase[] {
  const r = rng(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)];
  const tokens = [
    'local', 'x', 'y', '=', '1', '2.5', "'s'", '"t"', '[[long]]', 'function', '(', ')', 'end', 'if', 'then', 'else', 'elseif', 'while', 'do', 'for', 'in', ',', 'return', 'break', 'repeat', 'until', '{', '}', '[', ']', '.', ':', ';', '..', '...', '+', '-', '*', '/', '%', '^', '#', '==', '~=', '<', '<=', '>', '>=', 'and', 'or', 'not', 'nil', 'true', 'false', 'goto', '::', '//', '&', '|', '~', '<<', '>>', '\n', '0x1p4', '1e', '3..2', "'unfinished", '[==[', '--[[ c ]]', '@', '$', '!', '\\', '`', 'print', 'redis', 'KEYS', 'ARGV', 'self', 'a.b', 't[1]', 'f()', 'x:y()',
  ];
  const cases: DiffCase[] = [];
  for (let i = 0; i < count; i++) {
    const n = 1 + Math.floor(r() * 8);
    const parts: string[] = [];
    if (r() < 0.4) parts.push(pick(['local x = 1', 'local t = {}', 'x = 1', 'return']));
    for (let j = 0; j < n; j++) parts.push(pick(tokens));
    cases.push({ script: parts.join(' ') });
  }
  return cases;
}

/** Random small programs (locals, closures, loops, tables, varargs, pcall); the final state is returned. */
export function programFuzzCases(seed: number, count: number): DiffCase[] {
  const r = rng(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)];
  const vars = ['a', 'b', 'c', 'd'];
  const atom = () => pick([...vars, '1', '2', '0.5', '-3', "'x'", "'10'", 'nil', 'true', 'false', '{}', '{1, 2}', "{k = 'v'}", '#t', 't[1]', 't.k', 'n']);
  const expr = (depth: number): string => {
    if (depth <= 0 || r() < 0.35) return atom();
    switch (Math.floor(r() * 9)) {
      case 0:
        return `(${expr(depth - 1)} ${pick(['+', '-', '*', '/', '%', '^', '..', '==', '~=', '<', '<=', 'and', 'or'])} ${expr(depth - 1)})`;
      case 1:
        return `${pick(['not ', '-', '#'])}${expr(depth - 1)}`;
      case 2:
        return `f(${expr(depth - 1)}, ${expr(depth - 1)})`;
      case 3:
        return `select(${pick(["'#'", '1', '2', '-1'])}, ${expr(depth - 1)}, ${expr(depth - 1)})`;
      case 4:
      {
        const v = pick(vars);
        return `tostring(type(${v}) == 'table' and #${v} or ${v})`;
      }
      case 5:
        return `tonumber(${expr(depth - 1)})`;
      case 6:
        return `type(${expr(depth - 1)})`;
      case 7:
        return `{${expr(depth - 1)}, ${expr(depth - 1)}, k = ${expr(depth - 1)}}`;
      default:
        return `(function(...) return ${pick(['...', 'select("#", ...)', 'arg and arg.n', '(...)'])} end)(${expr(depth - 1)}, ${expr(depth - 1)})`;
    }
  };
  const stmt = (depth: number): string => {
    switch (Math.floor(r() * (depth > 0 ? 10 : 5))) {
      case 0:
      case 1:
        return `${pick(vars)} = ${expr(2)}`;
      case 2:
        return `t[${pick(['1', '2', "'k'", '#t + 1', 'n'])}] = ${expr(1)}`;
      case 3:
        return `n = n + 1`;
      case 4:
        return `table.insert(t, ${expr(1)})`;
      case 5:
        return `if ${expr(2)} then ${block(depth - 1)} else ${block(depth - 1)} end`;
      case 6:
        return `for i = ${pick(['1', '3', '-1'])}, ${pick(['3', '0', '5'])}${r() < 0.3 ? ', ' + pick(['2', '-1']) : ''} do n = n + i ${block(depth - 1)} end`;
      case 7:
        // (no statements inside: adding keys while traversing may never end)
        return `for k, v in pairs(t) do n = n + 1 ${pick(vars)} = v end`;
      case 8:
        return `do local ok, e = pcall(function() ${block(depth - 1)} end) ${pick(vars)} = ok end`;
      default:
        return `local w = 0 while w < ${pick(['2', '3'])} do w = w + 1 ${block(depth - 1)} end`;
    }
  };
  const block = (depth: number): string => Array.from({ length: 1 + Math.floor(r() * 3) }, () => stmt(depth)).join(' ');
  const ser =
    "local function ser(v, d) if type(v) ~= 'table' then return type(v) .. ':' .. tostring(v) end if d > 3 then return '...' end local o = {} for k, x in pairs(v) do o[#o + 1] = ser(k, d + 1) .. '=' .. ser(x, d + 1) end return '{' .. table.concat(o, ',') .. '}' end";
  const cases: DiffCase[] = [];
  for (let i = 0; i < count; i++) {
    const body = `local a, b, c, d = 1, 'two', {}, nil local t = {} local n = 0 local function f(x, y) n = n + 1 if type(x) == 'number' and type(y) == 'number' then return x * 2 + y end return x end ${block(2)}`;
    cases.push({
      script: `${ser} local ok, e = pcall(function() ${body} return {a, b, c, d, t, n} end) if not ok then return {err = 'E: ' .. tostring(e)} end local out = {} for i = 1, 6 do out[i] = ser(e[i], 0) end return out`,
    });
  }
  return cases;
}

/** Random return values built from the RESP3 table shapes (map/set/double/big_number/verbatim/ok/err). */
export function replyShapeScripts(seed: number, count: number): string[] {
  const r = rng(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)];
  const val = (depth: number): string => {
    if (depth <= 0 || r() < 0.3) return pick(['1', '-2.5', "'s'", 'true', 'false', 'nil', '{}', "{ok = 'fine'}", "{err = 'bad'}", "{err = 'WRONG x'}", '3.99', '1e30', "''"]);
    switch (Math.floor(r() * 8)) {
      case 0:
        return `{map = {a = ${val(depth - 1)}, [1] = ${val(depth - 1)}}}`;
      case 1:
        return `{set = {x = true, [${pick(['1', '2'])}] = true}}`;
      case 2:
        return `{double = ${pick(['1.5', '0', '-0', '1/0', '-1/0', "'3.25'", "'x'", '1e300', '0.1'])}}`;
      case 3:
        return `{big_number = ${pick(["'123'", "'-99999999999999999999'", '5', "'x'"])}}`;
      case 4:
        return `{verbatim_string = {format = 'txt', string = 'hi'}}`;
      case 5:
        return `{map = {}}`;
      case 6:
        return `{set = {}}`;
      default:
        return `{${val(depth - 1)}, ${val(depth - 1)}, ${val(depth - 1)}}`;
    }
  };
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const v = val(3);
    out.push(`return ${v}`, `redis.setresp(3) return ${v}`);
  }
  return out;
}
