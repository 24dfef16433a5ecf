/**
 * LuaBitOp 1.0.2 ("bit"), as built into Redis: 32-bit operations on Lua numbers.
 * Arguments are normalised like the C library does: add 2^52+2^51 to the double and
 * take the low 32 bits of its representation (rounding to nearest, wrapping mod 2^32).
 */
import { lua } from '../fengari.ts';
import { setfuncs, typerror } from '../stdlib.ts';
import { pushLatin1 } from '../luastr.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
type LuaState = any;
type CFn = (L: LuaState) => number;

export function openBit(L: LuaState): void {
  // scratch space for the double-to-bits trick (no state kept between calls)
  const f64 = new Float64Array(1);
  const u32 = new Uint32Array(f64.buffer);

  const barg = (L: LuaState, idx: number): number => {
    const n = lua.lua_tonumber(L, idx);
    f64[0] = n + 6755399441055744.0;
    const b = u32[0];
    if (b === 0 && !lua.lua_isnumber(L, idx)) typerror(L, idx, 'number');
    return b;
  };
  const bret = (L: LuaState, b: number): number => {
    lua.lua_pushnumber(L, b | 0);
    return 1;
  };
  const op = (f: (a: number, b: number) => number): CFn => (L) => {
    let b = barg(L, 1);
    for (let i = lua.lua_gettop(L); i > 1; i--) b = f(b, barg(L, i));
    return bret(L, b);
  };
  const sh = (f: (b: number, n: number) => number): CFn => (L) => {
    const b = barg(L, 1);
    const n = barg(L, 2) & 31;
    return bret(L, f(b, n));
  };

  lua.lua_createtable(L, 0, 0);
  setfuncs(L, {
    tobit: (L) => bret(L, barg(L, 1)),
    bnot: (L) => bret(L, ~barg(L, 1)),
    band: op((a, b) => a & b),
    bor: op((a, b) => a | b),
    bxor: op((a, b) => a ^ b),
    lshift: sh((b, n) => b << n),
    rshift: sh((b, n) => b >>> n),
    arshift: sh((b, n) => (b | 0) >> n),
    rol: sh((b, n) => (b << n) | (b >>> (32 - n))),
    ror: sh((b, n) => (b << (32 - n)) | (b >>> n)),
    bswap: (L) => {
      const b = barg(L, 1);
      return bret(L, (b >>> 24) | ((b >>> 8) & 0xff00) | ((b & 0xff00) << 8) | (b << 24));
    },
    tohex: (L) => {
      let b = barg(L, 1);
      let n = lua.lua_isnone(L, 2) ? 8 : barg(L, 2) | 0;
      let digits = '0123456789abcdef';
      if (n < 0) {
        n = -n;
        digits = '0123456789ABCDEF';
      }
      if (n > 8) n = 8;
      const out = new Array<string>(n);
      for (let i = n; --i >= 0; ) {
        out[i] = digits[b & 15];
        b >>>= 4;
      }
      pushLatin1(L, out.join(''));
      return 1;
    },
  });
  lua.lua_setglobal(L, 'bit');
}
