/**
 * Lua CJSON 2.1.0 ("cjson") as built into Redis: the same encoder (escaping, "%.14g"
 * numbers, array detection and sparse-array rules, depth limits) and decoder (strtod
 * numbers, UTF-16 escapes to UTF-8, error texts with character positions).
 * Each module table (cjson and every cjson.new()) has its own configuration.
 */
import { lua, lauxlib, strtod, LUA_TSTRING, LUA_TNUMBER, LUA_TBOOLEAN, LUA_TTABLE, LUA_TNIL, LUA_TLIGHTUSERDATA } from '../fengari.ts';
import { formatG } from '../../util/printf.ts';
import { ByteBuf, pushOwned, pushLatin1, bytesToLatin1 } from '../luastr.ts';
import { checkinteger, checkoption } from '../stdlib.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
type LuaState = any;
type CFn = (L: LuaState) => number;

const INT_MAX = 2147483647;

interface Config {
  encodeSparseConvert: number;
  encodeSparseRatio: number;
  encodeSparseSafe: number;
  encodeMaxDepth: number;
  encodeInvalidNumbers: number; // 0 off, 1 on, 2 null
  encodeNumberPrecision: number;
  encodeKeepBuffer: number;
  decodeInvalidNumbers: number;
  decodeMaxDepth: number;
}

function newConfig(): Config {
  return {
    encodeSparseConvert: 0,
    encodeSparseRatio: 2,
    encodeSparseSafe: 10,
    encodeMaxDepth: 1000,
    encodeInvalidNumbers: 0,
    encodeNumberPrecision: 14,
    encodeKeepBuffer: 1,
    decodeInvalidNumbers: 1,
    decodeMaxDepth: 1000,
  };
}

// ----- escaping table -----
const ESCAPES: (string | null)[] = new Array(256).fill(null);
for (let i = 0; i < 32; i++) ESCAPES[i] = '\\u' + i.toString(16).padStart(4, '0');
ESCAPES[8] = '\\b';
ESCAPES[9] = '\\t';
ESCAPES[10] = '\\n';
ESCAPES[12] = '\\f';
ESCAPES[13] = '\\r';
ESCAPES[34] = '\\"';
ESCAPES[47] = '\\/';
ESCAPES[92] = '\\\\';
ESCAPES[127] = '\\u007f';

function typeName(L: LuaState, idx: number): Uint8Array {
  return lua.lua_typename(L, lua.lua_type(L, idx));
}

function encodeException(L: LuaState, idx: number, reason: string): never {
  lauxlib.luaL_error(L, 'Cannot serialise %s: %s', typeName(L, idx), reason);
  throw new Error('unreachable');
}

function appendString(b: ByteBuf, s: Uint8Array): void {
  b.byte(34);
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const e = ESCAPES[c];
    if (e !== null) b.latin1(e);
    else b.byte(c);
  }
  b.byte(34);
}

function appendNumber(L: LuaState, cfg: Config, b: ByteBuf, idx: number): void {
  const num = lua.lua_tonumber(L, idx);
  if (cfg.encodeInvalidNumbers === 0) {
    if (!isFinite(num)) encodeException(L, idx, 'must not be NaN or Inf');
  } else if (cfg.encodeInvalidNumbers === 1) {
    if (num !== num) {
      b.latin1('nan');
      return;
    }
  } else if (!isFinite(num)) {
    b.latin1('null');
    return;
  }
  b.latin1(formatG(num, cfg.encodeNumberPrecision));
}

function arrayLength(L: LuaState, cfg: Config): number {
  let max = 0;
  let items = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2)) {
    if (lua.lua_type(L, -2) === LUA_TNUMBER) {
      const k = lua.lua_tonumber(L, -2);
      if (k && Math.floor(k) === k && k >= 1) {
        if (k > max) max = k;
        items++;
        lua.lua_pop(L, 1);
        continue;
      }
    }
    lua.lua_pop(L, 2);
    return -1;
  }
  if (cfg.encodeSparseRatio > 0 && max > items * cfg.encodeSparseRatio && max > cfg.encodeSparseSafe) {
    if (!cfg.encodeSparseConvert) encodeException(L, -1, 'excessively sparse array');
    return -1;
  }
  return max;
}

function appendData(L: LuaState, cfg: Config, depth: number, b: ByteBuf): void {
  switch (lua.lua_type(L, -1)) {
    case LUA_TSTRING:
      appendString(b, lua.lua_tolstring(L, -1));
      break;
    case LUA_TNUMBER:
      appendNumber(L, cfg, b, -1);
      break;
    case LUA_TBOOLEAN:
      b.latin1(lua.lua_toboolean(L, -1) ? 'true' : 'false');
      break;
    case LUA_TTABLE: {
      depth++;
      if (!(depth <= cfg.encodeMaxDepth && lua.lua_checkstack(L, 3)))
        lauxlib.luaL_error(L, 'Cannot serialise, excessive nesting (%d)', depth);
      const len = arrayLength(L, cfg);
      if (len > 0) {
        b.byte(91);
        for (let i = 1; i <= len; i++) {
          if (i > 1) b.byte(44);
          lua.lua_rawgeti(L, -1, i);
          appendData(L, cfg, depth, b);
          lua.lua_pop(L, 1);
        }
        b.byte(93);
      } else {
        b.byte(123);
        let comma = false;
        lua.lua_pushnil(L);
        while (lua.lua_next(L, -2)) {
          if (comma) b.byte(44);
          else comma = true;
          const kt = lua.lua_type(L, -2);
          if (kt === LUA_TNUMBER) {
            b.byte(34);
            appendNumber(L, cfg, b, -2);
            b.byte(34);
            b.byte(58);
          } else if (kt === LUA_TSTRING) {
            appendString(b, lua.lua_tolstring(L, -2));
            b.byte(58);
          } else encodeException(L, -2, 'table key must be a number or string');
          appendData(L, cfg, depth, b);
          lua.lua_pop(L, 1);
        }
        b.byte(125);
      }
      break;
    }
    case LUA_TNIL:
      b.latin1('null');
      break;
    case LUA_TLIGHTUSERDATA:
      if (lua.lua_touserdata(L, -1) === null) {
        b.latin1('null');
        break;
      }
    // falls through
    default:
      encodeException(L, -1, 'type not supported');
  }
}

// ----- decoding -----

const T_OBJ_BEGIN = 0;
const T_OBJ_END = 1;
const T_ARR_BEGIN = 2;
const T_ARR_END = 3;
const T_STRING = 4;
const T_NUMBER = 5;
const T_BOOLEAN = 6;
const T_NULL = 7;
const T_COLON = 8;
const T_COMMA = 9;
const T_END = 10;
const T_WHITESPACE = 11;
const T_ERROR = 12;
const T_UNKNOWN = 13;
const TOKEN_NAMES = ['T_OBJ_BEGIN', 'T_OBJ_END', 'T_ARR_BEGIN', 'T_ARR_END', 'T_STRING', 'T_NUMBER', 'T_BOOLEAN', 'T_NULL', 'T_COLON', 'T_COMMA', 'T_END', 'T_WHITESPACE', 'T_ERROR', 'T_UNKNOWN'];

const CH2TOKEN = new Uint8Array(256).fill(T_ERROR);
CH2TOKEN[123] = T_OBJ_BEGIN;
CH2TOKEN[125] = T_OBJ_END;
CH2TOKEN[91] = T_ARR_BEGIN;
CH2TOKEN[93] = T_ARR_END;
CH2TOKEN[44] = T_COMMA;
CH2TOKEN[58] = T_COLON;
CH2TOKEN[0] = T_END;
for (const c of [32, 9, 10, 13]) CH2TOKEN[c] = T_WHITESPACE;
for (const c of 'fiInNt"+-0123456789') CH2TOKEN[c.charCodeAt(0)] = T_UNKNOWN;

const ESCAPE2CHAR = new Uint8Array(256);
ESCAPE2CHAR[34] = 34;
ESCAPE2CHAR[92] = 92;
ESCAPE2CHAR[47] = 47;
ESCAPE2CHAR[98] = 8;
ESCAPE2CHAR[116] = 9;
ESCAPE2CHAR[110] = 10;
ESCAPE2CHAR[102] = 12;
ESCAPE2CHAR[114] = 13;
ESCAPE2CHAR[117] = 117;

interface Parse {
  data: Uint8Array; // NUL-terminated view (a 0 is appended)
  ptr: number;
  cfg: Config;
  depth: number;
}

interface Token {
  type: number;
  index: number;
  str: Uint8Array | null;
  num: number;
  bool: boolean;
  err: string;
}

function hexdigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  c |= 0x20;
  if (c >= 97 && c <= 102) return 10 + c - 97;
  return -1;
}

function decodeHex4(d: Uint8Array, p: number): number {
  let v = 0;
  for (let i = 0; i < 4; i++) {
    const h = hexdigit(d[p + i]);
    if (h < 0) return -1;
    v = (v << 4) | h;
  }
  return v;
}

function setError(tok: Token, json: Parse, err: string): void {
  tok.type = T_ERROR;
  tok.index = json.ptr;
  tok.err = err;
}

function stringToken(json: Parse, tok: Token): void {
  const d = json.data;
  json.ptr++;
  const out = new ByteBuf(32);
  let ch: number;
  while ((ch = d[json.ptr]) !== 34) {
    if (!ch) {
      setError(tok, json, 'unexpected end of string');
      return;
    }
    if (ch === 92) {
      const e = ESCAPE2CHAR[d[json.ptr + 1]];
      if (e === 117) {
        // \uXXXX
        let cp = decodeHex4(d, json.ptr + 2);
        let escLen = 6;
        let ok = cp >= 0;
        if (ok && (cp & 0xf800) === 0xd800) {
          if (cp & 0x400) ok = false;
          else if (d[json.ptr + 6] !== 92 || d[json.ptr + 7] !== 117) ok = false;
          else {
            const low = decodeHex4(d, json.ptr + 8);
            if (low < 0 || (low & 0xfc00) !== 0xdc00) ok = false;
            else {
              cp = (((cp & 0x3ff) << 10) | (low & 0x3ff)) + 0x10000;
              escLen = 12;
            }
          }
        }
        if (!ok) {
          setError(tok, json, 'invalid unicode escape code');
          return;
        }
        if (cp <= 0x7f) out.byte(cp);
        else if (cp <= 0x7ff) {
          out.byte((cp >> 6) | 0xc0);
          out.byte((cp & 0x3f) | 0x80);
        } else if (cp <= 0xffff) {
          out.byte((cp >> 12) | 0xe0);
          out.byte(((cp >> 6) & 0x3f) | 0x80);
          out.byte((cp & 0x3f) | 0x80);
        } else {
          out.byte((cp >> 18) | 0xf0);
          out.byte(((cp >> 12) & 0x3f) | 0x80);
          out.byte(((cp >> 6) & 0x3f) | 0x80);
          out.byte((cp & 0x3f) | 0x80);
        }
        json.ptr += escLen;
        continue;
      }
      if (!e) {
        setError(tok, json, 'invalid escape code');
        return;
      }
      ch = e;
      json.ptr++;
    }
    out.byte(ch);
    json.ptr++;
  }
  json.ptr++;
  tok.type = T_STRING;
  tok.str = out.result();
}

function isInvalidNumber(json: Parse): boolean {
  const d = json.data;
  let p = json.ptr;
  if (d[p] === 43) return true;
  if (d[p] === 45) p++;
  if (d[p] === 48) {
    const ch2 = d[p + 1];
    return (ch2 | 0x20) === 120 || (ch2 >= 48 && ch2 <= 57);
  } else if (d[p] <= 57) return false;
  const lower3 = String.fromCharCode(d[p] | 0x20, d[p + 1] | 0x20, d[p + 2] | 0x20);
  return lower3 === 'inf' || lower3 === 'nan';
}

function numberToken(json: Parse, tok: Token): void {
  tok.type = T_NUMBER;
  const end = json.data.length - 1;
  const [v, e] = strtod(json.data, json.ptr, end);
  if (e === json.ptr) setError(tok, json, 'invalid number');
  else {
    tok.num = v;
    json.ptr = e;
  }
}

function matchWord(d: Uint8Array, p: number, w: string): boolean {
  for (let i = 0; i < w.length; i++) if (d[p + i] !== w.charCodeAt(i)) return false;
  return true;
}

function nextToken(json: Parse, tok: Token): void {
  const d = json.data;
  let ch: number;
  for (;;) {
    ch = d[json.ptr];
    tok.type = CH2TOKEN[ch];
    if (tok.type !== T_WHITESPACE) break;
    json.ptr++;
  }
  tok.index = json.ptr;
  if (tok.type === T_ERROR) {
    setError(tok, json, 'invalid token');
    return;
  }
  if (tok.type === T_END) return;
  if (tok.type !== T_UNKNOWN) {
    json.ptr++;
    return;
  }
  if (ch === 34) {
    stringToken(json, tok);
    return;
  } else if (ch === 45 || (ch >= 48 && ch <= 57)) {
    if (!json.cfg.decodeInvalidNumbers && isInvalidNumber(json)) {
      setError(tok, json, 'invalid number');
      return;
    }
    numberToken(json, tok);
    return;
  } else if (matchWord(d, json.ptr, 'true')) {
    tok.type = T_BOOLEAN;
    tok.bool = true;
    json.ptr += 4;
    return;
  } else if (matchWord(d, json.ptr, 'false')) {
    tok.type = T_BOOLEAN;
    tok.bool = false;
    json.ptr += 5;
    return;
  } else if (matchWord(d, json.ptr, 'null')) {
    tok.type = T_NULL;
    json.ptr += 4;
    return;
  } else if (json.cfg.decodeInvalidNumbers && isInvalidNumber(json)) {
    numberToken(json, tok);
    return;
  }
  setError(tok, json, 'invalid token');
}

function parseError(L: LuaState, exp: string, tok: Token): void {
  const found = tok.type === T_ERROR ? tok.err : TOKEN_NAMES[tok.type];
  lauxlib.luaL_error(L, 'Expected %s but found %s at character %d', exp, found, tok.index + 1);
}

function descend(L: LuaState, json: Parse, slots: number): void {
  json.depth++;
  if (json.depth <= json.cfg.decodeMaxDepth && lua.lua_checkstack(L, slots)) return;
  lauxlib.luaL_error(L, 'Found too many nested data structures (%d) at character %d', json.depth, json.ptr);
}

function newToken(): Token {
  return { type: T_END, index: 0, str: null, num: 0, bool: false, err: '' };
}

function processValue(L: LuaState, json: Parse, tok: Token): void {
  switch (tok.type) {
    case T_STRING:
      pushOwned(L, tok.str!);
      break;
    case T_NUMBER:
      lua.lua_pushnumber(L, tok.num);
      break;
    case T_BOOLEAN:
      lua.lua_pushboolean(L, tok.bool ? 1 : 0);
      break;
    case T_OBJ_BEGIN: {
      descend(L, json, 3);
      lua.lua_createtable(L, 0, 0);
      const t = newToken();
      nextToken(json, t);
      if (t.type === T_OBJ_END) {
        json.depth--;
        return;
      }
      for (;;) {
        if (t.type !== T_STRING) parseError(L, 'object key string', t);
        pushOwned(L, t.str!);
        nextToken(json, t);
        if (t.type !== T_COLON) parseError(L, 'colon', t);
        nextToken(json, t);
        processValue(L, json, t);
        lua.lua_rawset(L, -3);
        nextToken(json, t);
        if (t.type === T_OBJ_END) {
          json.depth--;
          return;
        }
        if (t.type !== T_COMMA) parseError(L, 'comma or object end', t);
        nextToken(json, t);
      }
    }
    // eslint-disable-next-line no-fallthrough
    case T_ARR_BEGIN: {
      descend(L, json, 2);
      lua.lua_createtable(L, 0, 0);
      const t = newToken();
      nextToken(json, t);
      if (t.type === T_ARR_END) {
        json.depth--;
        return;
      }
      for (let i = 1; ; i++) {
        processValue(L, json, t);
        lua.lua_rawseti(L, -2, i);
        nextToken(json, t);
        if (t.type === T_ARR_END) {
          json.depth--;
          return;
        }
        if (t.type !== T_COMMA) parseError(L, 'comma or array end', t);
        nextToken(json, t);
      }
    }
    // eslint-disable-next-line no-fallthrough
    case T_NULL:
      lua.lua_pushlightuserdata(L, null);
      break;
    default:
      parseError(L, 'value', tok);
  }
}

// ----- configuration helpers -----

function argInit(L: LuaState, args: number): void {
  lauxlib.luaL_argcheck(L, lua.lua_gettop(L) <= args, args + 1, 'found too many arguments');
  while (lua.lua_gettop(L) < args) lua.lua_pushnil(L);
}

function integerOption(L: LuaState, idx: number, get: () => number, set: (v: number) => void, min: number, max: number): number {
  if (!lua.lua_isnil(L, idx)) {
    const value = checkinteger(L, idx);
    lauxlib.luaL_argcheck(L, min <= value && value <= max, 1, `expected integer between ${min} and ${max}`);
    set(value);
  }
  lua.lua_pushnumber(L, get());
  return 1;
}

function enumOption(L: LuaState, idx: number, get: () => number, set: (v: number) => void, options: string[] | null, boolTrue: number): number {
  if (!options) {
    options = ['off', 'on'];
    boolTrue = 1;
  }
  if (!lua.lua_isnil(L, idx)) {
    if (boolTrue && lua.lua_type(L, idx) === LUA_TBOOLEAN) set((lua.lua_toboolean(L, idx) ? 1 : 0) * boolTrue);
    else set(checkoption(L, idx, null, options));
  }
  const v = get();
  if (boolTrue && (v === 0 || v === boolTrue)) lua.lua_pushboolean(L, v);
  else pushLatin1(L, options[v]);
  return 1;
}

function pushModule(L: LuaState): void {
  const cfg = newConfig();
  const funcs: Record<string, CFn> = {
    encode: (L) => {
      lauxlib.luaL_argcheck(L, lua.lua_gettop(L) === 1, 1, 'expected 1 argument');
      const b = new ByteBuf(64);
      appendData(L, cfg, 0, b);
      pushOwned(L, b.result());
      return 1;
    },
    decode: (L) => {
      lauxlib.luaL_argcheck(L, lua.lua_gettop(L) === 1, 1, 'expected 1 argument');
      const raw: Uint8Array = lauxlib.luaL_checklstring(L, 1);
      if (raw.length >= 2 && (!raw[0] || !raw[1])) lauxlib.luaL_error(L, 'JSON parser does not support UTF-16 or UTF-32');
      const data = new Uint8Array(raw.length + 1);
      data.set(raw);
      const json: Parse = { data, ptr: 0, cfg, depth: 0 };
      const tok = newToken();
      nextToken(json, tok);
      processValue(L, json, tok);
      nextToken(json, tok);
      if (tok.type !== T_END) parseError(L, 'the end', tok);
      return 1;
    },
    encode_sparse_array: (L) => {
      argInit(L, 3);
      enumOption(L, 1, () => cfg.encodeSparseConvert, (v) => (cfg.encodeSparseConvert = v), null, 1);
      integerOption(L, 2, () => cfg.encodeSparseRatio, (v) => (cfg.encodeSparseRatio = v), 0, INT_MAX);
      integerOption(L, 3, () => cfg.encodeSparseSafe, (v) => (cfg.encodeSparseSafe = v), 0, INT_MAX);
      return 3;
    },
    encode_max_depth: (L) => {
      argInit(L, 1);
      return integerOption(L, 1, () => cfg.encodeMaxDepth, (v) => (cfg.encodeMaxDepth = v), 1, INT_MAX);
    },
    decode_max_depth: (L) => {
      argInit(L, 1);
      return integerOption(L, 1, () => cfg.decodeMaxDepth, (v) => (cfg.decodeMaxDepth = v), 1, INT_MAX);
    },
    encode_number_precision: (L) => {
      argInit(L, 1);
      return integerOption(L, 1, () => cfg.encodeNumberPrecision, (v) => (cfg.encodeNumberPrecision = v), 1, 14);
    },
    encode_keep_buffer: (L) => {
      argInit(L, 1);
      return enumOption(L, 1, () => cfg.encodeKeepBuffer, (v) => (cfg.encodeKeepBuffer = v), null, 1);
    },
    encode_invalid_numbers: (L) => {
      argInit(L, 1);
      return enumOption(L, 1, () => cfg.encodeInvalidNumbers, (v) => (cfg.encodeInvalidNumbers = v), ['off', 'on', 'null'], 1);
    },
    decode_invalid_numbers: (L) => {
      argInit(L, 1);
      return enumOption(L, 1, () => cfg.decodeInvalidNumbers, (v) => (cfg.decodeInvalidNumbers = v), null, 1);
    },
    new: (L) => {
      pushModule(L);
      return 1;
    },
  };
  lua.lua_createtable(L, 0, 0);
  for (const name of Object.keys(funcs)) {
    lua.lua_pushcfunction(L, funcs[name]);
    lua.lua_setfield(L, -2, name);
  }
  lua.lua_pushlightuserdata(L, null);
  lua.lua_setfield(L, -2, 'null');
  pushLatin1(L, 'cjson');
  lua.lua_setfield(L, -2, '_NAME');
  pushLatin1(L, '2.1.0');
  lua.lua_setfield(L, -2, '_VERSION');
}

export function openCjson(L: LuaState): void {
  pushModule(L);
  lua.lua_setglobal(L, 'cjson');
}

export { bytesToLatin1 };
