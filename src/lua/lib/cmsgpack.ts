/**
 * lua-cmsgpack 0.4.0 ("cmsgpack") as built into Redis (Lua 5.1, 64-bit).
 * Byte-for-byte the same encodings: fixraw/str8/str16/str32 for strings, float32 when
 * exact, int64 equivalence test for integers, tables as arrays only when keys are 1..N.
 */
import { lua, lauxlib, toInt64, LUA_TSTRING, LUA_TBOOLEAN, LUA_TNUMBER, LUA_TTABLE } from '../fengari.ts';
import { setfuncs, checkinteger, optinteger } from '../stdlib.ts';
import { ByteBuf, pushOwned, pushLatin1 } from '../luastr.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
type LuaState = any;

const MAX_NESTING = 16;
const INT_MAX = 2147483647;

const scratch = () => new DataView(new ArrayBuffer(8));

function encodeBytes(b: ByteBuf, s: Uint8Array): void {
  const len = s.length;
  if (len < 32) b.byte(0xa0 | len);
  else if (len <= 0xff) {
    b.byte(0xd9);
    b.byte(len);
  } else if (len <= 0xffff) {
    b.byte(0xda);
    b.byte(len >>> 8);
    b.byte(len & 0xff);
  } else {
    b.byte(0xdb);
    b.byte((len >>> 24) & 0xff);
    b.byte((len >>> 16) & 0xff);
    b.byte((len >>> 8) & 0xff);
    b.byte(len & 0xff);
  }
  b.bytes(s);
}

function encodeDouble(b: ByteBuf, d: number): void {
  const f = Math.fround(d);
  const dv = scratch();
  if (d === f) {
    b.byte(0xca);
    dv.setFloat32(0, f, false);
    b.bytes(new Uint8Array(dv.buffer, 0, 4));
  } else {
    b.byte(0xcb);
    dv.setFloat64(0, d, false);
    b.bytes(new Uint8Array(dv.buffer, 0, 8));
  }
}

function be(b: ByteBuf, v: bigint, nbytes: number): void {
  for (let i = nbytes - 1; i >= 0; i--) b.byte(Number((v >> BigInt(8 * i)) & 0xffn));
}

function encodeInt(b: ByteBuf, n: number): void {
  if (n >= 0) {
    if (n <= 127) b.byte(n);
    else if (n <= 0xff) {
      b.byte(0xcc);
      b.byte(n);
    } else if (n <= 0xffff) {
      b.byte(0xcd);
      b.byte(n >>> 8);
      b.byte(n & 0xff);
    } else if (n <= 0xffffffff) {
      b.byte(0xce);
      be(b, BigInt(n), 4);
    } else {
      b.byte(0xcf);
      be(b, BigInt(n), 8);
    }
  } else {
    if (n >= -32) b.byte(n & 0xff);
    else if (n >= -128) {
      b.byte(0xd0);
      b.byte(n & 0xff);
    } else if (n >= -32768) {
      b.byte(0xd1);
      b.byte((n >> 8) & 0xff);
      b.byte(n & 0xff);
    } else if (n >= -2147483648) {
      b.byte(0xd2);
      be(b, BigInt.asUintN(32, BigInt(n)), 4);
    } else {
      b.byte(0xd3);
      be(b, BigInt.asUintN(64, BigInt(n)), 8);
    }
  }
}

function isInt64Equivalent(x: number): boolean {
  return isFinite(x) && toInt64(x) === x;
}

function tableIsAnArray(L: LuaState): boolean {
  let count = 0;
  let max = 0;
  const top = lua.lua_gettop(L);
  lauxlib.luaL_checkstack(L, 2, 'in function table_is_an_array');
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2)) {
    lua.lua_pop(L, 1);
    let n: number;
    if (lua.lua_type(L, -1) !== LUA_TNUMBER || (n = lua.lua_tonumber(L, -1)) <= 0 || !(n === Math.trunc(n) && n <= INT_MAX && n >= -INT_MAX - 1)) {
      lua.lua_settop(L, top);
      return false;
    }
    if (n > max) max = n;
    count++;
  }
  lua.lua_settop(L, top);
  return max === count;
}

function encodeType(L: LuaState, b: ByteBuf, level: number): void {
  let t = lua.lua_type(L, -1);
  if (t === LUA_TTABLE && level === MAX_NESTING) t = -2;
  switch (t) {
    case LUA_TSTRING:
      encodeBytes(b, lua.lua_tolstring(L, -1));
      break;
    case LUA_TBOOLEAN:
      b.byte(lua.lua_toboolean(L, -1) ? 0xc3 : 0xc2);
      break;
    case LUA_TNUMBER: {
      const n = lua.lua_tonumber(L, -1);
      if (isInt64Equivalent(n)) encodeInt(b, toInt64(n));
      else encodeDouble(b, n);
      break;
    }
    case LUA_TTABLE:
      if (tableIsAnArray(L)) {
        const len = lua.lua_rawlen(L, -1);
        if (len <= 15) b.byte(0x90 | len);
        else if (len <= 65535) {
          b.byte(0xdc);
          b.byte(len >>> 8);
          b.byte(len & 0xff);
        } else {
          b.byte(0xdd);
          be(b, BigInt(len), 4);
        }
        lauxlib.luaL_checkstack(L, 1, 'in function mp_encode_lua_table_as_array');
        for (let j = 1; j <= len; j++) {
          lua.lua_pushnumber(L, j);
          lua.lua_gettable(L, -2);
          encodeType(L, b, level + 1);
        }
      } else {
        let len = 0;
        lauxlib.luaL_checkstack(L, 3, 'in function mp_encode_lua_table_as_map');
        lua.lua_pushnil(L);
        while (lua.lua_next(L, -2)) {
          lua.lua_pop(L, 1);
          len++;
        }
        if (len <= 15) b.byte(0x80 | len);
        else if (len <= 65535) {
          b.byte(0xde);
          b.byte(len >>> 8);
          b.byte(len & 0xff);
        } else {
          b.byte(0xdf);
          be(b, BigInt(len), 4);
        }
        lua.lua_pushnil(L);
        while (lua.lua_next(L, -2)) {
          lua.lua_pushvalue(L, -2);
          encodeType(L, b, level + 1);
          encodeType(L, b, level + 1);
        }
      }
      break;
    default:
      b.byte(0xc0);
  }
  lua.lua_pop(L, 1);
}

function mp_pack(L: LuaState): number {
  const nargs = lua.lua_gettop(L);
  if (nargs === 0) return lauxlib.luaL_argerror(L, 0, 'MessagePack pack needs input.');
  if (!lua.lua_checkstack(L, nargs)) return lauxlib.luaL_argerror(L, 0, 'Too many arguments for MessagePack pack.');
  const b = new ByteBuf();
  for (let i = 1; i <= nargs; i++) {
    lauxlib.luaL_checkstack(L, 1, 'in function mp_check');
    lua.lua_pushvalue(L, i);
    encodeType(L, b, 0);
  }
  pushOwned(L, b.result());
  return 1;
}

const ERR_NONE = 0;
const ERR_EOF = 1;
const ERR_BADFMT = 2;

interface Cur {
  s: Uint8Array;
  p: number;
  left: number;
  err: number;
}

function decodeArray(L: LuaState, c: Cur, len: number): void {
  let index = 1;
  lua.lua_createtable(L, 0, 0);
  lauxlib.luaL_checkstack(L, 1, 'in function mp_decode_to_lua_array');
  while (len--) {
    lua.lua_pushnumber(L, index++);
    decodeType(L, c);
    if (c.err) return;
    lua.lua_settable(L, -3);
  }
}

function decodeHash(L: LuaState, c: Cur, len: number): void {
  lua.lua_createtable(L, 0, 0);
  while (len--) {
    decodeType(L, c);
    if (c.err) return;
    decodeType(L, c);
    if (c.err) return;
    lua.lua_settable(L, -3);
  }
}

function u32at(s: Uint8Array, p: number): number {
  return ((s[p] << 24) >>> 0) + (s[p + 1] << 16) + (s[p + 2] << 8) + s[p + 3];
}

function decodeType(L: LuaState, c: Cur): void {
  const need = (n: number) => {
    if (c.left < n) {
      c.err = ERR_EOF;
      return false;
    }
    return true;
  };
  const consume = (n: number) => {
    c.p += n;
    c.left -= n;
  };
  if (!need(1)) return;
  lauxlib.luaL_checkstack(L, 1, 'too many return values at once; use unpack_one or unpack_limit instead.');
  const s = c.s;
  const p = c.p;
  const t = s[p];
  switch (t) {
    case 0xcc:
      if (!need(2)) return;
      lua.lua_pushnumber(L, s[p + 1]);
      consume(2);
      break;
    case 0xd0:
      if (!need(2)) return;
      lua.lua_pushnumber(L, (s[p + 1] << 24) >> 24);
      consume(2);
      break;
    case 0xcd:
      if (!need(3)) return;
      lua.lua_pushnumber(L, (s[p + 1] << 8) | s[p + 2]);
      consume(3);
      break;
    case 0xd1:
      if (!need(3)) return;
      lua.lua_pushnumber(L, (((s[p + 1] << 8) << 16) >> 16) | s[p + 2]);
      consume(3);
      break;
    case 0xce:
      if (!need(5)) return;
      lua.lua_pushnumber(L, u32at(s, p + 1));
      consume(5);
      break;
    case 0xd2:
      if (!need(5)) return;
      lua.lua_pushnumber(L, u32at(s, p + 1) | 0);
      consume(5);
      break;
    case 0xcf:
    case 0xd3: {
      if (!need(9)) return;
      let v = 0n;
      for (let i = 1; i <= 8; i++) v = (v << 8n) | BigInt(s[p + i]);
      // uint64 goes through lua_pushinteger (a signed 64-bit integer), int64 is signed
      lua.lua_pushnumber(L, Number(BigInt.asIntN(64, v)));
      consume(9);
      break;
    }
    case 0xc0:
      lua.lua_pushnil(L);
      consume(1);
      break;
    case 0xc3:
      lua.lua_pushboolean(L, 1);
      consume(1);
      break;
    case 0xc2:
      lua.lua_pushboolean(L, 0);
      consume(1);
      break;
    case 0xca: {
      if (!need(5)) return;
      const dv = new DataView(s.buffer, s.byteOffset + p + 1, 4);
      lua.lua_pushnumber(L, dv.getFloat32(0, false));
      consume(5);
      break;
    }
    case 0xcb: {
      if (!need(9)) return;
      const dv = new DataView(s.buffer, s.byteOffset + p + 1, 8);
      lua.lua_pushnumber(L, dv.getFloat64(0, false));
      consume(9);
      break;
    }
    case 0xd9: {
      if (!need(2)) return;
      const l = s[p + 1];
      if (!need(2 + l)) return;
      pushOwned(L, s.slice(p + 2, p + 2 + l));
      consume(2 + l);
      break;
    }
    case 0xda: {
      if (!need(3)) return;
      const l = (s[p + 1] << 8) | s[p + 2];
      if (!need(3 + l)) return;
      pushOwned(L, s.slice(p + 3, p + 3 + l));
      consume(3 + l);
      break;
    }
    case 0xdb: {
      if (!need(5)) return;
      const l = u32at(s, p + 1);
      consume(5);
      if (!need(l)) return;
      pushOwned(L, s.slice(c.p, c.p + l));
      consume(l);
      break;
    }
    case 0xdc: {
      if (!need(3)) return;
      const l = (s[p + 1] << 8) | s[p + 2];
      consume(3);
      decodeArray(L, c, l);
      break;
    }
    case 0xdd: {
      if (!need(5)) return;
      const l = u32at(s, p + 1);
      consume(5);
      decodeArray(L, c, l);
      break;
    }
    case 0xde: {
      if (!need(3)) return;
      const l = (s[p + 1] << 8) | s[p + 2];
      consume(3);
      decodeHash(L, c, l);
      break;
    }
    case 0xdf: {
      if (!need(5)) return;
      const l = u32at(s, p + 1);
      consume(5);
      decodeHash(L, c, l);
      break;
    }
    default:
      if ((t & 0x80) === 0) {
        lua.lua_pushnumber(L, t);
        consume(1);
      } else if ((t & 0xe0) === 0xe0) {
        lua.lua_pushnumber(L, (t << 24) >> 24);
        consume(1);
      } else if ((t & 0xe0) === 0xa0) {
        const l = t & 0x1f;
        if (!need(1 + l)) return;
        pushOwned(L, s.slice(p + 1, p + 1 + l));
        consume(1 + l);
      } else if ((t & 0xf0) === 0x90) {
        consume(1);
        decodeArray(L, c, t & 0xf);
      } else if ((t & 0xf0) === 0x80) {
        consume(1);
        decodeHash(L, c, t & 0xf);
      } else c.err = ERR_BADFMT;
  }
}

function unpackFull(L: LuaState, limit: number, offset: number): number {
  const s: Uint8Array = lauxlib.luaL_checklstring(L, 1);
  const len = s.length;
  const decodeAll = !limit && !offset;
  if (offset < 0 || limit < 0)
    return lauxlib.luaL_error(L, 'Invalid request to unpack with offset of %d and limit of %d.', Math.trunc(offset) | 0, len | 0);
  else if (offset > len) return lauxlib.luaL_error(L, 'Start offset %d greater than input length %d.', Math.trunc(offset) | 0, len | 0);
  if (decodeAll) limit = INT_MAX;
  const c: Cur = { s, p: offset, left: len - offset, err: ERR_NONE };
  let cnt: number;
  for (cnt = 0; c.left > 0 && cnt < limit; cnt++) {
    decodeType(L, c);
    if (c.err === ERR_EOF) return lauxlib.luaL_error(L, 'Missing bytes in input.');
    else if (c.err === ERR_BADFMT) return lauxlib.luaL_error(L, 'Bad data format in input.');
  }
  if (!decodeAll) {
    const newOffset = len - c.left;
    lauxlib.luaL_checkstack(L, 1, 'in function mp_unpack_full');
    lua.lua_pushnumber(L, c.left === 0 ? -1 : newOffset);
    lua.lua_insert(L, 2);
    cnt += 1;
  }
  return cnt;
}

export function openCmsgpack(L: LuaState): void {
  lua.lua_createtable(L, 0, 0);
  setfuncs(L, {
    pack: mp_pack,
    unpack: (L) => unpackFull(L, 0, 0),
    unpack_one: (L) => {
      const offset = optinteger(L, 2, 0);
      lua.lua_pop(L, lua.lua_gettop(L) - 1);
      return unpackFull(L, 1, offset);
    },
    unpack_limit: (L) => {
      const limit = checkinteger(L, 2);
      const offset = optinteger(L, 3, 0);
      lua.lua_pop(L, lua.lua_gettop(L) - 1);
      return unpackFull(L, limit, offset);
    },
  });
  pushLatin1(L, 'cmsgpack');
  lua.lua_setfield(L, -2, '_NAME');
  pushLatin1(L, 'lua-cmsgpack 0.4.0');
  lua.lua_setfield(L, -2, '_VERSION');
  pushLatin1(L, 'Copyright (C) 2012, Salvatore Sanfilippo');
  lua.lua_setfield(L, -2, '_COPYRIGHT');
  pushLatin1(L, 'MessagePack C implementation for Lua');
  lua.lua_setfield(L, -2, '_DESCRIPTION');
  lua.lua_setglobal(L, 'cmsgpack');
}
