/**
 * The "struct" library (Roberto Ierusalimschy's struct.c 1.4 with Redis's fixes):
 * struct.pack, struct.unpack, struct.size, for x86-64 sizes and native little endian.
 */
import { lua, lauxlib, toInt64 } from '../fengari.ts';
import { setfuncs, optinteger } from '../stdlib.ts';
import { ByteBuf, pushOwned } from '../luastr.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
type LuaState = any;

const BIG = 0;
const LITTLE = 1;
const MAXINTSIZE = 32;
const MAXALIGN = 8;
const INT_MAX = 2147483647;

interface Header {
  endian: number;
  align: number;
}

interface Fmt {
  s: Uint8Array;
  i: number;
}

function isdigit(c: number | undefined): boolean {
  return c !== undefined && c >= 48 && c <= 57;
}
function isalnum(c: number): boolean {
  return isdigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isp2(x: number): boolean {
  return x > 0 && (x & (x - 1)) === 0;
}

function getnum(L: LuaState, f: Fmt, df: number): number {
  if (!isdigit(f.s[f.i])) return df;
  let a = 0;
  do {
    const d = f.s[f.i] - 48;
    if (a > Math.floor(INT_MAX / 10) || a * 10 > INT_MAX - d) lauxlib.luaL_error(L, 'integral size overflow');
    a = a * 10 + d;
    f.i++;
  } while (isdigit(f.s[f.i]));
  return a;
}

function optsize(L: LuaState, opt: number, f: Fmt): number {
  switch (String.fromCharCode(opt)) {
    case 'B':
    case 'b':
      return 1;
    case 'H':
    case 'h':
      return 2;
    case 'L':
    case 'l':
      return 8;
    case 'T':
      return 8;
    case 'f':
      return 4;
    case 'd':
      return 8;
    case 'x':
      return 1;
    case 'c':
      return getnum(L, f, 1);
    case 'i':
    case 'I': {
      const sz = getnum(L, f, 4);
      if (sz > MAXINTSIZE) lauxlib.luaL_error(L, 'integral size %d is larger than limit of %d', sz, MAXINTSIZE);
      return sz;
    }
    default:
      return 0;
  }
}

function gettoalign(len: number, h: Header, opt: number, size: number): number {
  if (size === 0 || opt === 99 /* c */) return 0;
  if (size > h.align) size = h.align;
  return (size - (len & (size - 1))) & (size - 1);
}

function controloptions(L: LuaState, opt: number, f: Fmt, h: Header): void {
  switch (opt) {
    case 32:
      return;
    case 62:
      h.endian = BIG;
      return;
    case 60:
      h.endian = LITTLE;
      return;
    case 33: {
      const a = getnum(L, f, MAXALIGN);
      if (!isp2(a)) lauxlib.luaL_error(L, 'alignment %d is not a power of 2', a);
      h.align = a;
      return;
    }
    default:
      lauxlib.luaL_argerror(L, 1, lua.lua_pushfstring(L, "invalid format option '%s'", Uint8Array.of(opt)));
  }
}

const U64 = (1n << 64n) - 1n;

/** value as Uinttype (unsigned long) the way struct.c casts it */
function toUlong(n: number): bigint {
  if (n < 0) return BigInt(toInt64(n)) & U64;
  if (n !== n) return 1n << 63n;
  if (n >= 18446744073709551616) return 0n;
  if (n >= 9223372036854775808) return BigInt(n);
  return BigInt(Math.trunc(n));
}

function putinteger(L: LuaState, b: ByteBuf, arg: number, endian: number, size: number): void {
  const n = lauxlib.luaL_checknumber(L, arg);
  let value = toUlong(n);
  const buff = new Uint8Array(size);
  if (endian === LITTLE) {
    for (let i = 0; i < size; i++) {
      buff[i] = Number(value & 0xffn);
      value >>= 8n;
    }
  } else {
    for (let i = size - 1; i >= 0; i--) {
      buff[i] = Number(value & 0xffn);
      value >>= 8n;
    }
  }
  b.bytes(buff);
}

function getinteger(buff: Uint8Array, pos: number, endian: number, issigned: boolean, size: number): number {
  let l = 0n;
  if (endian === BIG) {
    for (let i = 0; i < size; i++) l = ((l << 8n) | BigInt(buff[pos + i])) & U64;
  } else {
    for (let i = size - 1; i >= 0; i--) l = ((l << 8n) | BigInt(buff[pos + i])) & U64;
  }
  if (!issigned) return Number(l);
  const shift = BigInt((size * 8 - 1) & 63);
  const mask = (U64 << shift) & U64;
  if (l & mask) l |= mask;
  return Number(BigInt.asIntN(64, l));
}

function b_pack(L: LuaState): number {
  const fmt: Uint8Array = lauxlib.luaL_checklstring(L, 1);
  const f: Fmt = { s: fmt.indexOf(0) >= 0 ? fmt.subarray(0, fmt.indexOf(0)) : fmt, i: 0 };
  const h: Header = { endian: LITTLE, align: 1 };
  let arg = 2;
  let totalsize = 0;
  const b = new ByteBuf();
  lua.lua_pushnil(L);
  while (f.i < f.s.length) {
    const opt = f.s[f.i++];
    let size = optsize(L, opt, f);
    let toalign = gettoalign(totalsize, h, opt, size);
    totalsize += toalign;
    while (toalign-- > 0) b.byte(0);
    switch (String.fromCharCode(opt)) {
      case 'b':
      case 'B':
      case 'h':
      case 'H':
      case 'l':
      case 'L':
      case 'T':
      case 'i':
      case 'I':
        putinteger(L, b, arg++, h.endian, size);
        break;
      case 'x':
        b.byte(0);
        break;
      case 'f': {
        const dv = new DataView(new ArrayBuffer(4));
        dv.setFloat32(0, lauxlib.luaL_checknumber(L, arg++), h.endian === LITTLE);
        b.bytes(new Uint8Array(dv.buffer));
        break;
      }
      case 'd': {
        const dv = new DataView(new ArrayBuffer(8));
        dv.setFloat64(0, lauxlib.luaL_checknumber(L, arg++), h.endian === LITTLE);
        b.bytes(new Uint8Array(dv.buffer));
        break;
      }
      case 'c':
      case 's': {
        const s: Uint8Array = lauxlib.luaL_checklstring(L, arg++);
        const l = s.length;
        if (size === 0) size = l;
        lauxlib.luaL_argcheck(L, l >= size, arg, 'string too short');
        b.bytes(s.subarray(0, size));
        if (opt === 115) {
          b.byte(0);
          size++;
        }
        break;
      }
      default:
        controloptions(L, opt, f, h);
    }
    totalsize += size;
  }
  pushOwned(L, b.result());
  return 1;
}

/**
 * C's (size_t) of a double on x86-64: negative values wrap to huge sizes, 2^64 and beyond
 * come out 0 (gcc's conversion sequence), NaN is huge. Huge is Infinity here.
 */
function toSizeT(d: number): number {
  if (d !== d) return Infinity;
  const t = Math.trunc(d);
  if (t === 0) return 0;
  if (t < 0) return Infinity;
  if (t >= 18446744073709551616) return 0;
  return t;
}

function b_unpack(L: LuaState): number {
  const fmt: Uint8Array = lauxlib.luaL_checklstring(L, 1);
  const f: Fmt = { s: fmt.indexOf(0) >= 0 ? fmt.subarray(0, fmt.indexOf(0)) : fmt, i: 0 };
  const data: Uint8Array = lauxlib.luaL_checklstring(L, 2);
  const ld = data.length;
  let pos = optinteger(L, 3, 1);
  // pos is a size_t in C: only 0 fails here, a negative offset is huge and too far out
  lauxlib.luaL_argcheck(L, pos !== 0, 3, 'offset must be 1 or greater');
  pos--;
  const h: Header = { endian: LITTLE, align: 1 };
  lua.lua_settop(L, 2);
  while (f.i < f.s.length) {
    const opt = f.s[f.i++];
    let size = optsize(L, opt, f);
    pos += gettoalign(pos, h, opt, size);
    lauxlib.luaL_argcheck(L, pos >= 0 && pos + size <= ld, 2, 'data string too short');
    lauxlib.luaL_checkstack(L, 1, 'too many results');
    switch (String.fromCharCode(opt)) {
      case 'b':
      case 'B':
      case 'h':
      case 'H':
      case 'l':
      case 'L':
      case 'T':
      case 'i':
      case 'I': {
        const issigned = opt >= 97 && opt <= 122;
        lua.lua_pushnumber(L, getinteger(data, pos, h.endian, issigned, size));
        break;
      }
      case 'x':
        break;
      case 'f': {
        const dv = new DataView(data.buffer, data.byteOffset + pos, 4);
        lua.lua_pushnumber(L, dv.getFloat32(0, h.endian === LITTLE));
        break;
      }
      case 'd': {
        const dv = new DataView(data.buffer, data.byteOffset + pos, 8);
        lua.lua_pushnumber(L, dv.getFloat64(0, h.endian === LITTLE));
        break;
      }
      case 'c': {
        if (size === 0) {
          if (!lua.lua_isnumber(L, -1)) lauxlib.luaL_error(L, "format 'c0' needs a previous size");
          size = toSizeT(lua.lua_tonumber(L, -1));
          lua.lua_pop(L, 1);
          lauxlib.luaL_argcheck(L, size >= 0 && pos + size <= ld, 2, 'data string too short');
        }
        pushOwned(L, data.slice(pos, pos + size));
        break;
      }
      case 's': {
        const e = data.indexOf(0, pos);
        if (e < 0) lauxlib.luaL_error(L, 'unfinished string in data');
        size = e - pos + 1;
        pushOwned(L, data.slice(pos, e));
        break;
      }
      default:
        controloptions(L, opt, f, h);
    }
    pos += size;
  }
  lua.lua_pushnumber(L, pos + 1);
  return lua.lua_gettop(L) - 2;
}

function b_size(L: LuaState): number {
  const fmt: Uint8Array = lauxlib.luaL_checklstring(L, 1);
  const f: Fmt = { s: fmt.indexOf(0) >= 0 ? fmt.subarray(0, fmt.indexOf(0)) : fmt, i: 0 };
  const h: Header = { endian: LITTLE, align: 1 };
  let pos = 0;
  while (f.i < f.s.length) {
    const opt = f.s[f.i++];
    const size = optsize(L, opt, f);
    pos += gettoalign(pos, h, opt, size);
    if (opt === 115) lauxlib.luaL_argerror(L, 1, "option 's' has no fixed size");
    else if (opt === 99 && size === 0) lauxlib.luaL_argerror(L, 1, "option 'c0' has no fixed size");
    if (!isalnum(opt)) controloptions(L, opt, f, h);
    pos += size;
  }
  lua.lua_pushnumber(L, pos);
  return 1;
}

export function openStruct(L: LuaState): void {
  lua.lua_createtable(L, 0, 0);
  setfuncs(L, { pack: b_pack, unpack: b_unpack, size: b_size });
  lua.lua_setglobal(L, 'struct');
}
