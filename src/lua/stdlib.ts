/**
 * The Lua 5.1 standard library as Redis 7.0 exposes it, on top of fengari.
 *
 * fengari ships Lua 5.3's libraries. Where 5.3 behaves differently from 5.1 in ways a
 * script can observe (arguments, errors, raw vs. metamethod access, removed functions)
 * the function is re-implemented here following Lua 5.1.5's semantics. Pattern matching
 * (find/match/gmatch/gsub) and a few identical functions are kept from fengari.
 */
import {
  lua,
  lauxlib,
  lualib,
  lbaselib,
  ldebug,
  toInt64,
  defs,
  LUA_TNIL,
  LUA_TNUMBER,
  LUA_TSTRING,
  LUA_TTABLE,
  LUA_TFUNCTION,
  LUA_TBOOLEAN,
  LUA_MULTRET,
  LUA_OK,
  LUA_YIELD,
  LUA_REGISTRYINDEX,
  lua_upvalueindex,
} from './fengari.ts';
import { strFormat } from './strformat.ts';
import * as libm from './libm.ts';
import { sinCR, cosCR, asinCR } from '../keyspace/libm.ts';
import { number2str, POSITIVE_NAN, NEGATIVE_NAN } from '../util/printf.ts';
import { ByteBuf, pushOwned, pushLatin1, bytesToLatin1, latin1ToBytes } from './luastr.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
type LuaState = any;
type CFn = (L: LuaState) => number;


/** (int) cast used by luaL_checkint / luaL_optint in 5.1 (x86-64: truncating int64, then low 32 bits). */
export function toInt32(n: number): number {
  return Number(BigInt.asIntN(32, BigInt(toInt64(n))));
}
export function checkint(L: LuaState, arg: number): number {
  return toInt32(lauxlib.luaL_checknumber(L, arg));
}
export function optint(L: LuaState, arg: number, def: number): number {
  return lua.lua_type(L, arg) <= 0 ? def : checkint(L, arg);
}
export function checkinteger(L: LuaState, arg: number): number {
  return toInt64(lauxlib.luaL_checknumber(L, arg));
}
export function optinteger(L: LuaState, arg: number, def: number): number {
  return lua.lua_type(L, arg) <= 0 ? def : checkinteger(L, arg);
}

export function setfuncs(L: LuaState, funcs: Record<string, CFn>): void {
  for (const name of Object.keys(funcs)) {
    lua.lua_pushcfunction(L, funcs[name]);
    lua.lua_setfield(L, -2, name);
  }
}

/** 5.1 lua_isstring: strings and numbers */
function isstring(L: LuaState, idx: number): boolean {
  const t = lua.lua_type(L, idx);
  return t === LUA_TSTRING || t === LUA_TNUMBER;
}

/** 5.1 luaL_typename */
export function typename(L: LuaState, idx: number): string {
  return bytesToLatin1(lua.lua_typename(L, lua.lua_type(L, idx)));
}

/** luaL_checkoption over latin1 option names */
export function checkoption(L: LuaState, arg: number, def: string | null, lst: string[]): number {
  const name = def !== null && lua.lua_type(L, arg) <= 0 ? def : bytesToLatin1(lauxlib.luaL_checklstring(L, arg));
  const i = lst.indexOf(name);
  if (i >= 0) return i;
  return lauxlib.luaL_argerror(L, arg, lua.lua_pushfstring(L, "invalid option '%s'", latin1ToBytes(name)));
}

/** 5.1 luaL_typerror */
export function typerror(L: LuaState, idx: number, tname: string): number {
  return lauxlib.luaL_argerror(L, idx, `${tname} expected, got ${typename(L, idx)}`);
}

// ---------------------------------------------------------------------------------------
// base library
// ---------------------------------------------------------------------------------------

/** tostring as 5.1's luaB_tostring does it. */
export function luaToString(L: LuaState, idx: number): void {
  idx = lua.lua_absindex(L, idx);
  if (lauxlib.luaL_callmeta(L, idx, '__tostring')) return;
  switch (lua.lua_type(L, idx)) {
    case LUA_TNUMBER:
      pushLatin1(L, number2str(lua.lua_tonumber(L, idx)));
      break;
    case LUA_TSTRING:
      lua.lua_pushvalue(L, idx);
      break;
    case LUA_TBOOLEAN:
      pushLatin1(L, lua.lua_toboolean(L, idx) ? 'true' : 'false');
      break;
    case LUA_TNIL:
      pushLatin1(L, 'nil');
      break;
    default: {
      if (lua.lua_type(L, idx) === lua.LUA_TLIGHTUSERDATA && lua.lua_touserdata(L, idx) === null) {
        pushLatin1(L, 'userdata: (nil)');
        break;
      }
      const p = lua.lua_topointer(L, idx);
      const id = p && typeof p.id === 'number' ? p.id : 0;
      pushLatin1(L, `${typename(L, idx)}: 0x${(0x55d0c0000000 + id * 64).toString(16).padStart(14, '0')}`);
      break;
    }
  }
}

const tostringK = (): number => 1;

const luaB_tostring: CFn = (L) => {
  lauxlib.luaL_checkany(L, 1);
  // a __tostring is called with lua_callk, so that a script looping in one can give way
  if (lauxlib.luaL_getmetafield(L, 1, '__tostring') !== LUA_TNIL) {
    lua.lua_pushvalue(L, 1);
    lua.lua_callk(L, 1, 1, null, tostringK);
    return 1;
  }
  luaToString(L, 1);
  return 1;
};

const luaB_assert: CFn = (L) => {
  lauxlib.luaL_checkany(L, 1);
  if (!lua.lua_toboolean(L, 1)) {
    const msg = lua.lua_type(L, 2) <= 0 ? 'assertion failed!' : lauxlib.luaL_checklstring(L, 2);
    return lauxlib.luaL_error(L, '%s', msg);
  }
  return lua.lua_gettop(L);
};

const luaB_error: CFn = (L) => {
  const level = optint(L, 2, 1);
  lua.lua_settop(L, 1);
  if (isstring(L, 1) && level > 0) {
    lauxlib.luaL_where(L, level);
    lua.lua_pushvalue(L, 1);
    lua.lua_concat(L, 2);
  }
  return lua.lua_error(L);
};

const luaB_ipairsaux: CFn = (L) => {
  let i = checkint(L, 2);
  lauxlib.luaL_checktype(L, 1, LUA_TTABLE);
  i++;
  lua.lua_pushnumber(L, i);
  lua.lua_rawgeti(L, 1, i);
  return lua.lua_isnil(L, -1) ? 0 : 2;
};

const luaB_ipairs: CFn = (L) => {
  lauxlib.luaL_checktype(L, 1, LUA_TTABLE);
  lua.lua_pushvalue(L, lua_upvalueindex(1));
  lua.lua_pushvalue(L, 1);
  lua.lua_pushnumber(L, 0);
  return 3;
};

const luaB_pairs: CFn = (L) => {
  lauxlib.luaL_checktype(L, 1, LUA_TTABLE);
  lua.lua_pushvalue(L, lua_upvalueindex(1));
  lua.lua_pushvalue(L, 1);
  lua.lua_pushnil(L);
  return 3;
};

const luaB_next: CFn = (L) => {
  lauxlib.luaL_checktype(L, 1, LUA_TTABLE);
  lua.lua_settop(L, 2);
  if (lua.lua_next(L, 1)) return 2;
  lua.lua_pushnil(L);
  return 1;
};

const luaB_unpack: CFn = (L) => {
  lauxlib.luaL_checktype(L, 1, LUA_TTABLE);
  let i = optint(L, 2, 1);
  const e = lua.lua_type(L, 3) <= 0 ? lua.lua_rawlen(L, 1) : checkint(L, 3);
  if (i > e) return 0;
  const n = e - i + 1;
  if (n <= 0 || n >= 8000 || !lua.lua_checkstack(L, n)) return lauxlib.luaL_error(L, 'too many results to unpack');
  lua.lua_rawgeti(L, 1, i);
  while (i++ < e) lua.lua_rawgeti(L, 1, i);
  return n;
};

function strtoul(s: Uint8Array, base: number): { n: number; end: number } {
  let i = 0;
  const len = s.indexOf(0) >= 0 ? s.indexOf(0) : s.length;
  while (i < len && (s[i] === 32 || (s[i] >= 9 && s[i] <= 13))) i++;
  let neg = false;
  if (i < len && (s[i] === 43 || s[i] === 45)) {
    neg = s[i] === 45;
    i++;
  }
  if (base === 16 && i + 1 < len && s[i] === 48 && (s[i + 1] === 120 || s[i + 1] === 88)) {
    const d = digitval(s[i + 2]);
    if (d >= 0 && d < 16) i += 2;
  }
  const start = i;
  let v = 0n;
  let overflow = false;
  const B = BigInt(base);
  const MAX = (1n << 64n) - 1n;
  while (i < len) {
    const d = digitval(s[i]);
    if (d < 0 || d >= base) break;
    v = v * B + BigInt(d);
    if (v > MAX) overflow = true;
    i++;
  }
  if (i === start) return { n: 0, end: 0 };
  if (overflow) v = MAX;
  else if (neg) v = (-v) & MAX;
  return { n: Number(v), end: i };
}

function digitval(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 122) return c - 87;
  if (c >= 65 && c <= 90) return c - 55;
  return -1;
}

const luaB_tonumber: CFn = (L) => {
  const base = optint(L, 2, 10);
  if (base === 10) {
    lauxlib.luaL_checkany(L, 1);
    if (lua.lua_isnumber(L, 1)) {
      lua.lua_pushnumber(L, lua.lua_tonumber(L, 1));
      return 1;
    }
  } else {
    const s: Uint8Array = lauxlib.luaL_checklstring(L, 1);
    lauxlib.luaL_argcheck(L, base >= 2 && base <= 36, 2, 'base out of range');
    const r = strtoul(s, base);
    if (r.end > 0) {
      let e = r.end;
      const len = s.indexOf(0) >= 0 ? s.indexOf(0) : s.length;
      while (e < len && (s[e] === 32 || (s[e] >= 9 && s[e] <= 13))) e++;
      if (e === len) {
        lua.lua_pushnumber(L, r.n);
        return 1;
      }
    }
  }
  lua.lua_pushnil(L);
  return 1;
};

const GC_OPTS = ['stop', 'restart', 'collect', 'count', 'step', 'setpause', 'setstepmul'];
const luaB_collectgarbage: CFn = (L) => {
  const o = checkoption(L, 1, 'collect', GC_OPTS);
  switch (GC_OPTS[o]) {
    case 'count':
      lua.lua_pushnumber(L, 120);
      return 1;
    case 'step':
      lua.lua_pushboolean(L, 0);
      return 1;
    case 'setpause':
      lua.lua_pushnumber(L, 200);
      return 1;
    case 'setstepmul':
      lua.lua_pushnumber(L, 200);
      return 1;
    default:
      lua.lua_pushnumber(L, 0);
      return 1;
  }
};

const luaB_gcinfo: CFn = (L) => {
  lua.lua_pushnumber(L, 120);
  return 1;
};

function loadAux(L: LuaState, status: number): number {
  if (status === LUA_OK) return 1;
  lua.lua_pushnil(L);
  lua.lua_insert(L, -2);
  return 2;
}

function cstr(u: Uint8Array): Uint8Array {
  const z = u.indexOf(0);
  return z < 0 ? u : u.subarray(0, z);
}

const luaB_loadstring: CFn = (L) => {
  const s: Uint8Array = lauxlib.luaL_checklstring(L, 1);
  const name = lua.lua_type(L, 2) <= 0 ? s : lauxlib.luaL_checklstring(L, 2);
  return loadAux(L, lauxlib.luaL_loadbufferx(L, s, s.length, cstr(name), null));
};

const luaB_load: CFn = (L) => {
  const cname = lua.lua_type(L, 2) <= 0 ? '=(load)' : cstr(lauxlib.luaL_checklstring(L, 2));
  lauxlib.luaL_checktype(L, 1, LUA_TFUNCTION);
  lua.lua_settop(L, 3);
  const reader = (LL: LuaState) => {
    lauxlib.luaL_checkstack(LL, 2, 'too many nested functions');
    lua.lua_pushvalue(LL, 1);
    lua.lua_call(LL, 0, 1);
    if (lua.lua_isnil(LL, -1)) {
      lua.lua_pop(LL, 1);
      return null;
    }
    if (!isstring(LL, -1)) lauxlib.luaL_error(LL, 'reader function must return a string');
    lua.lua_replace(LL, 3);
    const u = lua.lua_tolstring(LL, 3);
    return u.length === 0 ? null : u;
  };
  return loadAux(L, lua.lua_load(L, reader, null, cname, null));
};

/** Redis 7's pcall: like 5.1's, but an error table with an 'err' string becomes that string. */
const redisPcallFinish = (L: LuaState, status: number, _ctx: unknown): number => {
  if (status !== LUA_OK && status !== LUA_YIELD) {
    lua.lua_remove(L, 1);
    if (lua.lua_istable(L, -1)) {
      lua.lua_getfield(L, -1, 'err');
      if (isstring(L, -1)) lua.lua_replace(L, -2);
      else lua.lua_pop(L, 1);
    }
    lua.lua_pushboolean(L, 0);
    lua.lua_insert(L, 1);
  }
  return lua.lua_gettop(L);
};

const luaB_pcall: CFn = (L) => {
  const argc = lua.lua_gettop(L);
  if (argc === 0) {
    // 5.1 ends up calling its own 'true' placeholder
    lua.lua_pushboolean(L, 0);
    pushLatin1(L, 'attempt to call a boolean value');
    return 2;
  }
  lua.lua_pushboolean(L, 1);
  lua.lua_insert(L, 1);
  const st = lua.lua_pcallk(L, argc - 1, LUA_MULTRET, 0, 0, redisPcallFinish);
  return redisPcallFinish(L, st, 0);
};

const xpcallFinish = (L: LuaState, status: number, _ctx: unknown): number => {
  lua.lua_pushboolean(L, status === LUA_OK || status === LUA_YIELD ? 1 : 0);
  lua.lua_replace(L, 1);
  return lua.lua_gettop(L);
};

const luaB_xpcall: CFn = (L) => {
  lauxlib.luaL_checkany(L, 2);
  lua.lua_settop(L, 2);
  lua.lua_insert(L, 1); // error function below the function
  const st = lua.lua_pcallk(L, 0, LUA_MULTRET, 1, 0, xpcallFinish);
  return xpcallFinish(L, st, 0);
};

/**
 * Open the base library (5.1 flavour). Functions kept from fengari: getmetatable,
 * setmetatable, rawequal, rawget, rawset, select, type.
 */
export function openBase(L: LuaState): void {
  // fengari's base library fills the global table; keep a few of its functions, drop the rest
  lbaselib.luaopen_base(L); // pushes _G
  const keep: Record<string, CFn> = {};
  for (const name of ['getmetatable', 'setmetatable', 'rawequal', 'rawget', 'rawset', 'select', 'type']) {
    lua.lua_getfield(L, -1, name);
    keep[name] = lua.lua_tocfunction(L, -1);
    lua.lua_pop(L, 1);
  }
  const names: string[] = [];
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2)) {
    lua.lua_pop(L, 1);
    if (lua.lua_type(L, -1) === LUA_TSTRING) names.push(bytesToLatin1(lua.lua_tolstring(L, -1)));
  }
  for (const n of names) {
    lua.lua_pushnil(L);
    lua.lua_setfield(L, -2, n);
  }
  lua.lua_pushvalue(L, -1);
  lua.lua_setfield(L, -2, '_G');
  setfuncs(L, {
    assert: luaB_assert,
    collectgarbage: luaB_collectgarbage,
    error: luaB_error,
    gcinfo: luaB_gcinfo,
    getmetatable: keep.getmetatable,
    load: luaB_load,
    loadstring: luaB_loadstring,
    next: luaB_next,
    pcall: luaB_pcall,
    rawequal: keep.rawequal,
    rawget: keep.rawget,
    rawset: keep.rawset,
    select: keep.select,
    setmetatable: keep.setmetatable,
    tonumber: luaB_tonumber,
    tostring: luaB_tostring,
    type: keep.type,
    unpack: luaB_unpack,
    xpcall: luaB_xpcall,
  });
  pushLatin1(L, 'Lua 5.1');
  lua.lua_setfield(L, -2, '_VERSION');
  // ipairs and pairs carry their iterator as an upvalue
  lua.lua_pushcfunction(L, luaB_ipairsaux);
  lua.lua_pushcclosure(L, luaB_ipairs, 1);
  lua.lua_setfield(L, -2, 'ipairs');
  lua.lua_getfield(L, -1, 'next');
  lua.lua_pushcclosure(L, luaB_pairs, 1);
  lua.lua_setfield(L, -2, 'pairs');
  lua.lua_pop(L, 1);
}

// ---------------------------------------------------------------------------------------
// string library
// ---------------------------------------------------------------------------------------

const MAX_STRING = 512 * 1024 * 1024;

function posrelat(pos: number, len: number): number {
  if (pos < 0) pos += len + 1;
  return pos >= 0 ? pos : 0;
}

const str_len: CFn = (L) => {
  lua.lua_pushnumber(L, lauxlib.luaL_checklstring(L, 1).length);
  return 1;
};

const str_sub: CFn = (L) => {
  const s: Uint8Array = lauxlib.luaL_checklstring(L, 1);
  const l = s.length;
  let start = posrelat(checkinteger(L, 2), l);
  let end = posrelat(optinteger(L, 3, -1), l);
  if (start < 1) start = 1;
  if (end > l) end = l;
  if (start <= end) pushOwned(L, s.slice(start - 1, end));
  else pushOwned(L, new Uint8Array(0));
  return 1;
};

const str_reverse: CFn = (L) => {
  const s: Uint8Array = lauxlib.luaL_checklstring(L, 1);
  const r = s.slice().reverse();
  pushOwned(L, r);
  return 1;
};

const str_lower: CFn = (L) => {
  const s: Uint8Array = lauxlib.luaL_checklstring(L, 1);
  const r = s.slice();
  for (let i = 0; i < r.length; i++) if (r[i] >= 65 && r[i] <= 90) r[i] += 32;
  pushOwned(L, r);
  return 1;
};

const str_upper: CFn = (L) => {
  const s: Uint8Array = lauxlib.luaL_checklstring(L, 1);
  const r = s.slice();
  for (let i = 0; i < r.length; i++) if (r[i] >= 97 && r[i] <= 122) r[i] -= 32;
  pushOwned(L, r);
  return 1;
};

const str_rep: CFn = (L) => {
  const s: Uint8Array = lauxlib.luaL_checklstring(L, 1);
  const n = checkint(L, 2);
  if (n <= 0 || s.length === 0) {
    pushOwned(L, new Uint8Array(0));
    return 1;
  }
  const total = s.length * n;
  if (total > MAX_STRING) return lauxlib.luaL_error(L, 'not enough memory');
  const r = new Uint8Array(total);
  for (let i = 0, o = 0; i < n; i++, o += s.length) r.set(s, o);
  pushOwned(L, r);
  return 1;
};

const str_byte: CFn = (L) => {
  const s: Uint8Array = lauxlib.luaL_checklstring(L, 1);
  const l = s.length;
  let posi = posrelat(optinteger(L, 2, 1), l);
  let pose = posrelat(optinteger(L, 3, posi), l);
  if (posi <= 0) posi = 1;
  if (pose > l) pose = l;
  if (posi > pose) return 0;
  const n = pose - posi + 1;
  if (n > 8000) return lauxlib.luaL_error(L, 'string slice too long');
  lauxlib.luaL_checkstack(L, n, 'string slice too long');
  for (let i = 0; i < n; i++) lua.lua_pushnumber(L, s[posi + i - 1]);
  return n;
};

const str_char: CFn = (L) => {
  const n = lua.lua_gettop(L);
  const r = new Uint8Array(n);
  for (let i = 1; i <= n; i++) {
    const c = checkint(L, i);
    lauxlib.luaL_argcheck(L, (c & 0xff) === c, i, 'invalid value');
    r[i - 1] = c;
  }
  pushOwned(L, r);
  return 1;
};

export function openString(L: LuaState): void {
  // fengari's string library provides find/match/gmatch/gsub/dump and the string metatable
  lualib.luaopen_string(L);
  const keep: Record<string, CFn> = {};
  for (const name of ['find', 'match', 'gmatch', 'gsub', 'dump']) {
    lua.lua_getfield(L, -1, name);
    keep[name] = lua.lua_tocfunction(L, -1);
    lua.lua_pop(L, 1);
  }
  // the string metatable points at this table: clear it and refill it
  const names: string[] = [];
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2)) {
    lua.lua_pop(L, 1);
    names.push(bytesToLatin1(lua.lua_tolstring(L, -1)));
  }
  for (const n of names) {
    lua.lua_pushnil(L);
    lua.lua_setfield(L, -2, n);
  }
  setfuncs(L, {
    byte: str_byte,
    char: str_char,
    dump: keep.dump,
    find: keep.find,
    format: strFormat,
    gfind: keep.gmatch,
    gmatch: keep.gmatch,
    gsub: keep.gsub,
    len: str_len,
    lower: str_lower,
    match: keep.match,
    rep: str_rep,
    reverse: str_reverse,
    sub: str_sub,
    upper: str_upper,
  });
  lua.lua_setglobal(L, 'string');
}

// ---------------------------------------------------------------------------------------
// table library
// ---------------------------------------------------------------------------------------

function aux_getn(L: LuaState, n: number): number {
  lauxlib.luaL_checktype(L, n, LUA_TTABLE);
  return lua.lua_rawlen(L, n);
}

const tab_getn: CFn = (L) => {
  lua.lua_pushnumber(L, aux_getn(L, 1));
  return 1;
};

const tab_setn: CFn = (L) => {
  lauxlib.luaL_checktype(L, 1, LUA_TTABLE);
  return lauxlib.luaL_error(L, "'setn' is obsolete");
};

const tab_maxn: CFn = (L) => {
  let max = 0;
  lauxlib.luaL_checktype(L, 1, LUA_TTABLE);
  lua.lua_pushnil(L);
  while (lua.lua_next(L, 1)) {
    lua.lua_pop(L, 1);
    if (lua.lua_type(L, -1) === LUA_TNUMBER) {
      const v = lua.lua_tonumber(L, -1);
      if (v > max) max = v;
    }
  }
  lua.lua_pushnumber(L, max);
  return 1;
};

// foreach, foreachi and sort call Lua functions with lua_callk: a script looping inside
// one of those callbacks can then still give way at the hook (BUSY, SCRIPT KILL), and
// the continuation picks the loop up where the callback returned.

interface ForeachiState {
  i: number;
  n: number;
}

/** foreachi from the state's index on; the callback's result is on top when `resumed`. */
function foreachiFrom(L: LuaState, st: ForeachiState, resumed: boolean): number {
  if (resumed) {
    if (!lua.lua_isnil(L, -1)) return 1;
    lua.lua_pop(L, 1);
    st.i++;
  }
  for (; st.i <= st.n; st.i++) {
    lua.lua_pushvalue(L, 2);
    lua.lua_pushnumber(L, st.i);
    lua.lua_rawgeti(L, 1, st.i);
    lua.lua_callk(L, 2, 1, st, foreachiK);
    if (!lua.lua_isnil(L, -1)) return 1;
    lua.lua_pop(L, 1);
  }
  return 0;
}

const foreachiK = (L: LuaState, _status: number, st: ForeachiState): number => foreachiFrom(L, st, true);

const tab_foreachi: CFn = (L) => {
  const n = aux_getn(L, 1);
  lauxlib.luaL_checktype(L, 2, LUA_TFUNCTION);
  return foreachiFrom(L, { i: 1, n }, false);
};

/** foreach from the key on the stack; the callback's result is on top when `resumed`. */
function foreachFrom(L: LuaState, resumed: boolean): number {
  if (resumed) {
    if (!lua.lua_isnil(L, -1)) return 1;
    lua.lua_pop(L, 2);
  }
  while (lua.lua_next(L, 1)) {
    lua.lua_pushvalue(L, 2);
    lua.lua_pushvalue(L, -3);
    lua.lua_pushvalue(L, -3);
    lua.lua_callk(L, 2, 1, null, foreachK);
    if (!lua.lua_isnil(L, -1)) return 1;
    lua.lua_pop(L, 2);
  }
  return 0;
}

const foreachK = (L: LuaState): number => foreachFrom(L, true);

const tab_foreach: CFn = (L) => {
  lauxlib.luaL_checktype(L, 1, LUA_TTABLE);
  lauxlib.luaL_checktype(L, 2, LUA_TFUNCTION);
  lua.lua_pushnil(L);
  return foreachFrom(L, false);
};

const tab_insert: CFn = (L) => {
  let e = aux_getn(L, 1) + 1;
  let pos: number;
  switch (lua.lua_gettop(L)) {
    case 2:
      pos = e;
      break;
    case 3: {
      pos = checkint(L, 2);
      if (pos > e) e = pos;
      for (let i = e; i > pos; i--) {
        lua.lua_rawgeti(L, 1, i - 1);
        lua.lua_rawseti(L, 1, i);
      }
      break;
    }
    default:
      return lauxlib.luaL_error(L, "wrong number of arguments to 'insert'");
  }
  lua.lua_rawseti(L, 1, pos);
  return 0;
};

const tab_remove: CFn = (L) => {
  const e = aux_getn(L, 1);
  let pos = optint(L, 2, e);
  if (!(1 <= pos && pos <= e)) return 0;
  lua.lua_rawgeti(L, 1, pos);
  for (; pos < e; pos++) {
    lua.lua_rawgeti(L, 1, pos + 1);
    lua.lua_rawseti(L, 1, pos);
  }
  lua.lua_pushnil(L);
  lua.lua_rawseti(L, 1, e);
  return 1;
};

const tab_concat: CFn = (L) => {
  const sep: Uint8Array = lua.lua_type(L, 2) <= 0 ? new Uint8Array(0) : lauxlib.luaL_checklstring(L, 2);
  lauxlib.luaL_checktype(L, 1, LUA_TTABLE);
  let i = optint(L, 3, 1);
  const last = lua.lua_type(L, 4) <= 0 ? lua.lua_rawlen(L, 1) : checkint(L, 4);
  const b = new ByteBuf();
  const addfield = (k: number) => {
    lua.lua_rawgeti(L, 1, k);
    if (!isstring(L, -1)) {
      lauxlib.luaL_error(L, 'invalid value (%s) at index %d in table for \'concat\'', typename(L, -1), k);
    }
    b.bytes(lua.lua_tolstring(L, -1));
    lua.lua_pop(L, 1);
    if (b.n > MAX_STRING) lauxlib.luaL_error(L, 'not enough memory');
  };
  for (; i < last; i++) {
    addfield(i);
    b.bytes(sep);
  }
  if (i === last) addfield(i);
  pushOwned(L, b.result());
  return 1;
};

function set2(L: LuaState, i: number, j: number): void {
  lua.lua_rawseti(L, 1, i);
  lua.lua_rawseti(L, 1, j);
}

/**
 * Lua 5.1's auxsort (same comparisons in the same order, so the same results for
 * inconsistent comparators), as a generator. With a comparator each comparison
 * "is s[a] < s[b]?" (two stack indices) is yielded to the driver (sortRun), which calls the
 * comparator (or the values' shared __lt) with lua_callk so that the hook can give way
 * inside it; numbers and strings are compared in place without suspending.
 */
function* auxsort(L: LuaState, l: number, u: number, comparator: boolean): Generator<number, void, boolean> {
  while (l < u) {
    let i: number;
    let j: number;
    lua.lua_rawgeti(L, 1, l);
    lua.lua_rawgeti(L, 1, u);
    if (comparator || sharedLt(L, -1, -2) ? yield pair(-1, -2) : less(L, -1, -2)) set2(L, l, u);
    else lua.lua_pop(L, 2);
    if (u - l === 1) break;
    i = Math.floor((l + u) / 2);
    lua.lua_rawgeti(L, 1, i);
    lua.lua_rawgeti(L, 1, l);
    if (comparator || sharedLt(L, -2, -1) ? yield pair(-2, -1) : less(L, -2, -1)) set2(L, i, l);
    else {
      lua.lua_pop(L, 1);
      lua.lua_rawgeti(L, 1, u);
      if (comparator || sharedLt(L, -1, -2) ? yield pair(-1, -2) : less(L, -1, -2)) set2(L, i, u);
      else lua.lua_pop(L, 2);
    }
    if (u - l === 2) break;
    lua.lua_rawgeti(L, 1, i);
    lua.lua_pushvalue(L, -1);
    lua.lua_rawgeti(L, 1, u - 1);
    set2(L, i, u - 1);
    i = l;
    j = u - 1;
    for (;;) {
      for (;;) {
        lua.lua_rawgeti(L, 1, ++i);
        if (!(comparator || sharedLt(L, -1, -2) ? yield pair(-1, -2) : less(L, -1, -2))) break;
        if (i > u) lauxlib.luaL_error(L, 'invalid order function for sorting');
        lua.lua_pop(L, 1);
      }
      for (;;) {
        lua.lua_rawgeti(L, 1, --j);
        if (!(comparator || sharedLt(L, -3, -1) ? yield pair(-3, -1) : less(L, -3, -1))) break;
        if (j < l) lauxlib.luaL_error(L, 'invalid order function for sorting');
        lua.lua_pop(L, 1);
      }
      if (j < i) {
        lua.lua_pop(L, 3);
        break;
      }
      set2(L, i, j);
    }
    lua.lua_rawgeti(L, 1, u - 1);
    lua.lua_rawgeti(L, 1, i);
    set2(L, u - 1, i);
    if (i - l < u - i) {
      j = l;
      i = i - 1;
      l = i + 2;
    } else {
      j = i + 1;
      i = u;
      u = j - 2;
    }
    yield* auxsort(L, j, i, comparator);
  }
}

/** Two negative stack indices (-1..-3) packed in one number for the driver. */
function pair(a: number, b: number): number {
  return -a * 4 - b;
}

/**
 * 5.1's lua_lessthan for what reaches it here: two numbers or two strings compare, anything
 * else is luaG_ordererror (a shared __lt went to the driver through sharedLt). 5.1 tells
 * "two X values" from "X with Y" by the third letter of the type names only.
 */
function less(L: LuaState, a: number, b: number): boolean {
  const ta = lua.lua_type(L, a);
  if (ta === lua.lua_type(L, b) && (ta === LUA_TNUMBER || ta === LUA_TSTRING)) return lua.lua_compare(L, a, b, lua.LUA_OPLT) === 1;
  const n1 = typename(L, a);
  const n2 = typename(L, b);
  // raised from C (sort): no position prefix, unlike luaL_error
  pushLatin1(L, n1.charCodeAt(2) === n2.charCodeAt(2) ? `attempt to compare two ${n1} values` : `attempt to compare ${n1} with ${n2}`);
  return lua.lua_error(L);
}

/**
 * Whether comparing these two values calls a Lua __lt (two tables or userdata sharing one,
 * 5.1's call_orderTM): the driver then calls it with lua_callk like a comparator, so a
 * script looping in it can still give way. Anything else compares in place.
 */
function sharedLt(L: LuaState, a: number, b: number): boolean {
  const t = lua.lua_type(L, a);
  if ((t !== LUA_TTABLE && t !== lua.LUA_TUSERDATA) || lua.lua_type(L, b) !== t) return false;
  const A = lua.lua_absindex(L, a);
  const B = lua.lua_absindex(L, b);
  if (lauxlib.luaL_getmetafield(L, A, '__lt') === LUA_TNIL) return false;
  if (lauxlib.luaL_getmetafield(L, B, '__lt') === LUA_TNIL) {
    lua.lua_pop(L, 1);
    return false;
  }
  const same = lua.lua_rawequal(L, -1, -2);
  lua.lua_pop(L, 2);
  return same;
}

/** Answers auxsort's comparisons until it ends; `answer` is the pending one's result, if any. */
function sortRun(L: LuaState, gen: Generator<number, void, boolean>, answer: boolean | undefined): number {
  let r = answer === undefined ? gen.next() : gen.next(answer);
  while (!r.done) {
    // the comparator (or the values' shared __lt), then the two values (each push shifts
    // the relative indices by one)
    const a = -Math.floor(r.value / 4);
    if (!lua.lua_isnil(L, 2)) lua.lua_pushvalue(L, 2);
    else lauxlib.luaL_getmetafield(L, a, '__lt');
    lua.lua_pushvalue(L, a - 1);
    lua.lua_pushvalue(L, -(r.value % 4) - 2);
    lua.lua_callk(L, 2, 1, gen, sortK);
    const lt = lua.lua_toboolean(L, -1);
    lua.lua_pop(L, 1);
    r = gen.next(lt);
  }
  return 0;
}

const sortK = (L: LuaState, _status: number, gen: Generator<number, void, boolean>): number => {
  const lt = lua.lua_toboolean(L, -1);
  lua.lua_pop(L, 1);
  return sortRun(L, gen, lt);
};

const tab_sort: CFn = (L) => {
  const n = aux_getn(L, 1);
  lauxlib.luaL_checkstack(L, 40, '');
  if (!lua.lua_isnoneornil(L, 2)) lauxlib.luaL_checktype(L, 2, LUA_TFUNCTION);
  lua.lua_settop(L, 2);
  return sortRun(L, auxsort(L, 1, n, !lua.lua_isnil(L, 2)), undefined);
};

export function openTable(L: LuaState): void {
  lua.lua_createtable(L, 0, 0);
  setfuncs(L, {
    concat: tab_concat,
    foreach: tab_foreach,
    foreachi: tab_foreachi,
    getn: tab_getn,
    insert: tab_insert,
    maxn: tab_maxn,
    remove: tab_remove,
    setn: tab_setn,
    sort: tab_sort,
  });
  lua.lua_setglobal(L, 'table');
}

// ---------------------------------------------------------------------------------------
// math library
// ---------------------------------------------------------------------------------------

function num(L: LuaState, i: number): number {
  return lauxlib.luaL_checknumber(L, i);
}

/**
 * A NaN result with glibc's sign: an input NaN propagates; a domain error gives the
 * function's own NaN (negative for log, sqrt, sin..., positive for acos, asin, log10).
 */
function nanfix(r: number, x: number, negativeDomainNaN: boolean): number {
  if (r === r) return r;
  if (x !== x) return x;
  return negativeDomainNaN ? NEGATIVE_NAN : POSITIVE_NAN;
}

function f1(fn: (x: number) => number, negativeDomainNaN = true): CFn {
  return (L) => {
    const x = num(L, 1);
    lua.lua_pushnumber(L, nanfix(fn(x), x, negativeDomainNaN));
    return 1;
  };
}

function frexp(x: number): [number, number] {
  if (x === 0 || !isFinite(x)) return [x, 0];
  let e = Math.max(-1073, Math.floor(Math.log2(Math.abs(x))) + 1);
  let m = x * 2 ** -e;
  while (Math.abs(m) < 0.5) {
    m *= 2;
    e--;
  }
  while (Math.abs(m) >= 1) {
    m /= 2;
    e++;
  }
  return [m, e];
}

function ldexp(m: number, e: number): number {
  if (m === 0 || !isFinite(m)) return m;
  if (e > 2100) e = 2100;
  if (e < -2200) e = -2200;
  let r = m;
  while (e > 1000) {
    r *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    r *= 2 ** -1000;
    e += 1000;
  }
  // last step split to keep subnormal rounding single
  return r * 2 ** e;
}

const RADIANS_PER_DEGREE = Math.PI / 180.0;

/** Per-VM random generator state: Redis's redisLrand48 (a 48-bit lrand48). */
export interface RandState {
  hi: number; // high 24 bits
  lo: number; // low 24 bits
}

/**
 * The generator as Redis's process starts: never seeded at startup, its 48-bit state is
 * rand.c's initial 0x1234ABCD330E; one state serves EVAL and functions, across scripts.
 */
export function newRandState(): RandState {
  return { hi: 0x1234ab, lo: 0xcd330e };
}

export function srand48(st: RandState, seed: number): void {
  // x = (seed << 16) | 0x330E, seed as 32-bit int
  const s = BigInt.asUintN(32, BigInt(seed));
  const x = (s << 16n) | 0x330en;
  st.hi = Number(x >> 24n) & 0xffffff;
  st.lo = Number(x & 0xffffffn);
}

export function lrand48(st: RandState): number {
  const AH = 0x5de;
  const AL = 0xece66d;
  const lo = AL * st.lo + 0xb;
  const carry = Math.floor(lo / 0x1000000);
  const nlo = lo % 0x1000000;
  const mid = AH * st.lo + AL * st.hi + carry;
  const nhi = mid % 0x1000000;
  st.hi = nhi;
  st.lo = nlo;
  return nhi * 128 + Math.floor(nlo / 131072);
}

const REDIS_LRAND48_MAX = 2147483647;

export function openMath(L: LuaState, rand: RandState, inScript: () => boolean): void {
  lua.lua_createtable(L, 0, 0);
  setfuncs(L, {
    abs: (L) => {
      const x = num(L, 1);
      lua.lua_pushnumber(L, x !== x ? POSITIVE_NAN : Math.abs(x));
      return 1;
    },
    acos: f1(libm.acos, false),
    asin: f1(asinCR, false),
    atan: f1(libm.atan),
    atan2: (L) => {
      const y = num(L, 1);
      const x = num(L, 2);
      lua.lua_pushnumber(L, nanfix(libm.atan2(y, x), y !== y ? y : x, true));
      return 1;
    },
    ceil: f1(Math.ceil),
    cos: f1(cosCR),
    cosh: f1(libm.cosh),
    deg: f1((x) => x / RADIANS_PER_DEGREE),
    exp: f1(libm.exp),
    floor: f1(Math.floor),
    fmod: (L) => {
      const a = num(L, 1);
      const b = num(L, 2);
      lua.lua_pushnumber(L, nanfix(a % b, a !== a ? a : b, true));
      return 1;
    },
    frexp: (L) => {
      const [m, e] = frexp(num(L, 1));
      lua.lua_pushnumber(L, m);
      lua.lua_pushnumber(L, e);
      return 2;
    },
    ldexp: (L) => {
      lua.lua_pushnumber(L, ldexp(num(L, 1), checkint(L, 2)));
      return 1;
    },
    log: f1(libm.log),
    log10: f1(libm.log10, false),
    max: (L) => {
      const n = lua.lua_gettop(L);
      let d = num(L, 1);
      for (let i = 2; i <= n; i++) {
        const v = num(L, i);
        if (v > d) d = v;
      }
      lua.lua_pushnumber(L, d);
      return 1;
    },
    min: (L) => {
      const n = lua.lua_gettop(L);
      let d = num(L, 1);
      for (let i = 2; i <= n; i++) {
        const v = num(L, i);
        if (v < d) d = v;
      }
      lua.lua_pushnumber(L, d);
      return 1;
    },
    modf: (L) => {
      const x = num(L, 1);
      let ip: number;
      let fp: number;
      if (!isFinite(x)) {
        ip = x;
        fp = x !== x ? x : x > 0 ? 0 : -0;
      } else {
        ip = Math.trunc(x);
        fp = x - ip;
        if (fp === 0 && (x < 0 || Object.is(x, -0))) fp = -0;
      }
      lua.lua_pushnumber(L, ip);
      lua.lua_pushnumber(L, fp);
      return 2;
    },
    pow: (L) => {
      const a = num(L, 1);
      const b = num(L, 2);
      lua.lua_pushnumber(L, libm.pow(a, b));
      return 1;
    },
    rad: f1((x) => x * RADIANS_PER_DEGREE),
    sin: f1(sinCR),
    sinh: f1(libm.sinh),
    sqrt: f1(Math.sqrt),
    tan: f1(libm.tan),
    tanh: f1(Math.tanh),
    random: (L) => {
      if (!inScript()) return lauxlib.luaL_error(L, 'math.random can only be called inside a script invocation');
      const r = (lrand48(rand) % REDIS_LRAND48_MAX) / REDIS_LRAND48_MAX;
      switch (lua.lua_gettop(L)) {
        case 0:
          lua.lua_pushnumber(L, r);
          break;
        case 1: {
          const u = checkint(L, 1);
          lauxlib.luaL_argcheck(L, 1 <= u, 1, 'interval is empty');
          lua.lua_pushnumber(L, Math.floor(r * u) + 1);
          break;
        }
        case 2: {
          const l = checkint(L, 1);
          const u = checkint(L, 2);
          lauxlib.luaL_argcheck(L, l <= u, 2, 'interval is empty');
          lua.lua_pushnumber(L, Math.floor(r * (u - l + 1)) + l);
          break;
        }
        default:
          return lauxlib.luaL_error(L, 'wrong number of arguments');
      }
      return 1;
    },
    randomseed: (L) => {
      if (!inScript()) return lauxlib.luaL_error(L, 'math.randomseed can only be called inside a script invocation');
      srand48(rand, checkint(L, 1));
      return 0;
    },
  });
  lua.lua_pushnumber(L, Math.PI);
  lua.lua_setfield(L, -2, 'pi');
  lua.lua_pushnumber(L, Infinity);
  lua.lua_setfield(L, -2, 'huge');
  lua.lua_getfield(L, -1, 'fmod');
  lua.lua_setfield(L, -2, 'mod');
  lua.lua_setglobal(L, 'math');
}

export { LUA_REGISTRYINDEX, ldebug, defs };

// ---------------------------------------------------------------------------------------
// setfenv / getfenv / newproxy (lua-enable-deprecated-api yes)
// ---------------------------------------------------------------------------------------

// (our fengari names the environment upvalue "(ENV)", so that 5.1 scripts cannot reach it as _ENV)
const ENV_NAMES = [latin1ToBytes('(ENV)'), latin1ToBytes('_ENV')];

function isEnvName(name: Uint8Array | null): boolean {
  if (name === null) return false;
  return ENV_NAMES.some((e) => e.length === name.length && e.every((b, i) => name[i] === b));
}

/** The index of a Lua function's _ENV upvalue (5.3's stand-in for 5.1's environment), or 0. */
function envUpvalue(L: LuaState, fidx: number): number {
  for (let i = 1; ; i++) {
    const name = lua.lua_getupvalue(L, fidx, i);
    if (name === null || name === undefined) return 0;
    lua.lua_pop(L, 1);
    if (isEnvName(name)) return i;
  }
}

/** 5.1's getfunc: the function argument, or the function running at a stack level. */
function getfunc(L: LuaState, optional: boolean): void {
  if (lua.lua_isfunction(L, 1)) {
    lua.lua_pushvalue(L, 1);
    return;
  }
  const level = optional ? optint(L, 1, 1) : checkint(L, 1);
  if (level < 0) lauxlib.luaL_argerror(L, 1, 'level must be non-negative');
  const ar = new lua.lua_Debug();
  if (lua.lua_getstack(L, level, ar) === 0) lauxlib.luaL_argerror(L, 1, 'invalid level');
  lua.lua_getinfo(L, 'f', ar);
  if (lua.lua_isnil(L, -1)) lauxlib.luaL_error(L, 'no function environment for tail call at level %d', level);
}

function luaB_getfenv(L: LuaState): number {
  getfunc(L, true);
  const up = lua.lua_iscfunction(L, -1) ? 0 : envUpvalue(L, -1);
  if (up === 0) lua.lua_pushglobaltable(L);
  else lua.lua_getupvalue(L, -1, up);
  return 1;
}

function luaB_setfenv(L: LuaState): number {
  lauxlib.luaL_checktype(L, 2, LUA_TTABLE);
  getfunc(L, false);
  if (lua.lua_isnumber(L, 1) && lua.lua_tonumber(L, 1) === 0) return 0; // the thread's: nothing more to do here
  if (lua.lua_iscfunction(L, -1)) return lauxlib.luaL_error(L, "'setfenv' cannot change environment of given object");
  const up = envUpvalue(L, -1);
  if (up !== 0) {
    // a private _ENV for this function alone, as 5.1's per-function environment: a throwaway
    // closure holds the table in an upvalue of its own, which the function then shares
    if (lauxlib.luaL_loadstring(L, latin1ToBytes('return function() return _ENV end')) !== LUA_OK) return lua.lua_error(L);
    lua.lua_pushvalue(L, 2);
    lua.lua_setupvalue(L, -2, 1);
    lua.lua_call(L, 0, 1);
    lua.lua_upvaluejoin(L, -2, up, -1, 1);
    lua.lua_pop(L, 1);
  }
  return 1;
}

function luaB_newproxy(L: LuaState): number {
  lua.lua_settop(L, 1);
  lua.lua_newuserdata(L, 0);
  if (lua.lua_toboolean(L, 1) === false) return 1;
  if (lua.lua_isboolean(L, 1)) {
    lua.lua_newtable(L);
    lua.lua_pushvalue(L, -1);
    lua.lua_pushboolean(L, true);
    lua.lua_rawset(L, lua_upvalueindex(1)); // remembered as a proxy metatable
  } else {
    let ok = false;
    if (lua.lua_getmetatable(L, 1)) {
      lua.lua_rawget(L, lua_upvalueindex(1));
      ok = lua.lua_toboolean(L, -1);
      lua.lua_pop(L, 1);
    }
    lauxlib.luaL_argcheck(L, ok, 1, 'boolean or proxy expected');
    lua.lua_getmetatable(L, 1);
  }
  lua.lua_setmetatable(L, 2);
  return 1;
}

/** Lua 5.1's setfenv, getfenv and newproxy, which Redis offers under lua-enable-deprecated-api. */
export function openDeprecated(L: LuaState): void {
  lua.lua_pushglobaltable(L);
  lua.lua_pushcfunction(L, luaB_getfenv);
  lua.lua_setfield(L, -2, 'getfenv');
  lua.lua_pushcfunction(L, luaB_setfenv);
  lua.lua_setfield(L, -2, 'setfenv');
  // newproxy's upvalue: a weak-keyed table of the metatables it made
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushvalue(L, -1);
  lua.lua_setmetatable(L, -2);
  pushLatin1(L, 'k');
  lua.lua_setfield(L, -2, '__mode');
  lua.lua_pushcclosure(L, luaB_newproxy, 1);
  lua.lua_setfield(L, -2, 'newproxy');
  lua.lua_pop(L, 1);
}
