/**
 * Moving bytes between JS and the Lua VM without text decoding.
 *
 * Lua strings are fengari TStrings over Uint8Arrays. The server's "byte strings" are
 * latin1 JS strings (one char per byte). Nothing here goes through UTF-8.
 */
import { lua, lobject, lstring, LUA_TLNGSTR as TLNGSTR } from './fengari.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
type LuaState = any;

/** Bytes to a latin1 JS string. */
export function bytesToLatin1(u: Uint8Array): string {
  const n = u.length;
  if (n < 24) {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(u[i]);
    return s;
  }
  return Buffer.from(u.buffer, u.byteOffset, n).toString('latin1');
}

/** A latin1 JS string to a fresh Uint8Array. */
export function latin1ToBytes(s: string): Uint8Array {
  const n = s.length;
  const u = new Uint8Array(n);
  for (let i = 0; i < n; i++) u[i] = s.charCodeAt(i);
  return u;
}

/** Push a Uint8Array that nobody else will modify (no copy). */
export function pushOwned(L: LuaState, u: Uint8Array): void {
  L.stack[L.top] = new lobject.TValue(TLNGSTR, lstring.luaS_bless(L, u));
  L.top++;
}

/** Push a copy of some bytes. */
export function pushBytes(L: LuaState, u: Uint8Array): void {
  pushOwned(L, u.slice());
}

/** Push a latin1 JS string as a Lua string. */
export function pushLatin1(L: LuaState, s: string): void {
  pushOwned(L, latin1ToBytes(s));
}

/** Push an ASCII/latin1 literal. */
export const pushLiteral = pushLatin1;

/** The bytes of the string at idx (numbers are converted in place, as lua_tolstring does). */
export function toBytes(L: LuaState, idx: number): Uint8Array | null {
  return lua.lua_tolstring(L, idx);
}

/** Latin1 view of the string at idx, or null when not a string/number. */
export function toLatin1(L: LuaState, idx: number): string | null {
  const u = lua.lua_tolstring(L, idx);
  return u === null || u === undefined ? null : bytesToLatin1(u);
}

/** Concatenate byte chunks. */
export function concatBytes(chunks: Uint8Array[], total?: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  let n = total ?? 0;
  if (total === undefined) for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** A growable byte buffer (luaL_Buffer equivalent). */
export class ByteBuf {
  buf: Uint8Array;
  n = 0;
  constructor(cap = 64) {
    this.buf = new Uint8Array(cap);
  }
  private grow(need: number): void {
    let cap = this.buf.length * 2;
    while (cap < this.n + need) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.n));
    this.buf = nb;
  }
  byte(c: number): void {
    if (this.n >= this.buf.length) this.grow(1);
    this.buf[this.n++] = c;
  }
  bytes(u: Uint8Array): void {
    if (this.n + u.length > this.buf.length) this.grow(u.length);
    this.buf.set(u, this.n);
    this.n += u.length;
  }
  latin1(s: string): void {
    const l = s.length;
    if (this.n + l > this.buf.length) this.grow(l);
    const b = this.buf;
    let n = this.n;
    for (let i = 0; i < l; i++) b[n++] = s.charCodeAt(i);
    this.n = n;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.n);
  }
}
