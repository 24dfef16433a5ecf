/**
 * Conversions between Redis replies and Lua values, following Redis 7.0's script_lua.c:
 *
 *  - LuaReplySink: a ReplySink that builds the Lua value of a command reply directly on a
 *    Lua stack (what redis.call returns), with the RESP2 and RESP3 conversion rules.
 *  - luaReplyToRedisReply: a Lua value (a script's return value) written to a ReplySink.
 */
import { lua, toInt64, lobject, lstring, ltable, LUA_TLNGSTR as TLNGSTR, LUA_TNIL, LUA_TNUMBER, LUA_TSTRING, LUA_TTABLE, LUA_TBOOLEAN } from './fengari.ts';

import type { ReplySink } from '../resp/sink.ts';
import { bytesToLatin1, pushLatin1, latin1ToBytes, pushOwned } from './luastr.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
type LuaState = any;

// interned keys used on every conversion
const K_OK = latin1ToBytes('ok');
const K_ERR = latin1ToBytes('err');
const K_MAP = latin1ToBytes('map');
const K_SET = latin1ToBytes('set');
const K_DOUBLE = latin1ToBytes('double');
const K_BIG = latin1ToBytes('big_number');
const K_VERB = latin1ToBytes('verbatim_string');
const K_FORMAT = latin1ToBytes('format');
const K_STRING = latin1ToBytes('string');
const K_IGNORE = latin1ToBytes('ignore_error_stats_update');

// one TString per field name, shared by every table we build (made on first use, as fengari
// loads then, and never changed; its hash is computed up front)
const keyStrings = new Map<Uint8Array, unknown>();
function keyString(key: Uint8Array): unknown {
  let ts = keyStrings.get(key);
  if (ts === undefined) {
    ts = lstring.luaS_bless(null, key);
    ltable.strhash51(ts);
    keyStrings.set(key, ts);
  }
  return ts;
}

function setfieldBytes(L: LuaState, key: Uint8Array): void {
  // t[key] = top ; table at -2
  L.stack[L.top] = new lobject.TValue(TLNGSTR, keyString(key));
  L.top++;
  lua.lua_insert(L, -2);
  lua.lua_rawset(L, -3);
}

/**
 * Push Redis's error table for an error text, as luaPushErrorBuff does:
 * "-CODE msg" keeps CODE, a text without a leading '-' gets "ERR"; trailing CR/LF trimmed.
 */
export function pushErrorTable(L: LuaState, text: string, ignoreStats = false): void {
  let code: string;
  let msg: string;
  if (text.charCodeAt(0) === 45) {
    const sp = text.indexOf(' ');
    if (sp < 0) {
      msg = text.slice(1);
      code = 'ERR';
    } else {
      code = text.slice(1, sp);
      msg = text.slice(sp + 1);
    }
  } else {
    msg = text;
    code = 'ERR';
  }
  // sdstrim(msg, "\r\n")
  let a = 0;
  let b = msg.length;
  while (a < b && (msg.charCodeAt(a) === 13 || msg.charCodeAt(a) === 10)) a++;
  while (b > a && (msg.charCodeAt(b - 1) === 13 || msg.charCodeAt(b - 1) === 10)) b--;
  msg = msg.slice(a, b);
  const final = cstr(code + ' ' + msg);
  lua.lua_createtable(L, 0, 0);
  pushLatin1(L, final);
  setfieldBytes(L, K_ERR);
  if (ignoreStats) {
    lua.lua_pushboolean(L, 1);
    setfieldBytes(L, K_IGNORE);
  }
}


import { formatDouble17 } from '../util/numbers.ts';
import { cstr, ERR } from '../errors.ts';

const ARRAY = 0;
const MAP3 = 1; // building {map={...}}: stack outer, "map", inner, [key]
const SET3 = 2;

/**
 * Builds the Lua value of one command reply on a Lua stack.
 * Reset with `begin(L, resp)` before each command; after the command wrote its reply,
 * exactly one value is on top of L and `topError` tells whether it is an error reply.
 */
export class LuaReplySink implements ReplySink {
  resp: 2 | 3 = 2;
  L: LuaState = null;
  /** the top-level reply was an error */
  topError = false;
  /** counts each error reply in INFO errorstats (the command's, as Redis's script client does) */
  onError: ((text: string) => void) | null = null;
  /** true once a complete top-level value was pushed */
  complete = false;
  private kinds: number[] = [];
  private remaining: number[] = [];
  private next: number[] = [];
  private pendingKey: boolean[] = [];
  /** Told every error reply converted (the Lua debugger logs them while stepping). */
  onErrorLog: ((text: string) => void) | null = null;

  begin(L: LuaState, resp: 2 | 3): void {
    this.L = L;
    this.resp = resp;
    this.topError = false;
    this.complete = false;
    // (setting an array's length is a runtime call even when it does not change)
    if (this.kinds.length !== 0) {
      this.kinds.length = 0;
      this.remaining.length = 0;
      this.next.length = 0;
      this.pendingKey.length = 0;
    }
  }

  private commit(): void {
    const L = this.L;
    for (;;) {
      const d = this.kinds.length;
      if (d === 0) {
        this.complete = true;
        return;
      }
      const k = this.kinds[d - 1];
      if (k === ARRAY) {
        lua.lua_rawseti(L, -2, this.next[d - 1]++);
      } else if (k === MAP3) {
        if (!this.pendingKey[d - 1]) {
          this.pendingKey[d - 1] = true;
          return;
        }
        this.pendingKey[d - 1] = false;
        lua.lua_rawset(L, -3);
      } else {
        lua.lua_pushboolean(L, 1);
        lua.lua_rawset(L, -3);
      }
      if (--this.remaining[d - 1] > 0) return;
      this.kinds.pop();
      this.remaining.pop();
      this.next.pop();
      this.pendingKey.pop();
      if (k !== ARRAY) lua.lua_rawset(L, -3); // outer[name] = inner
    }
  }

  private check(n: number): void {
    if (!lua.lua_checkstack(this.L, n)) throw new Error('lua stack limit reach when parsing redis.call reply');
  }

  simple(s: string): void {
    const L = this.L;
    this.check(3);
    lua.lua_createtable(L, 0, 0);
    pushLatin1(L, s);
    setfieldBytes(L, K_OK);
    this.commit();
  }

  error(s: string): void {
    if (this.onError !== null) this.onError(s);
    this.check(3);
    if (this.onErrorLog !== null) this.onErrorLog('-' + s);
    if (this.kinds.length === 0) this.topError = true;
    pushErrorTable(this.L, '-' + s, true);
    this.commit();
  }

  integer(n: number | bigint): void {
    this.check(1);
    lua.lua_pushnumber(this.L, Number(n));
    this.commit();
  }

  bulk(s: string): void {
    this.check(1);
    pushLatin1(this.L, s);
    this.commit();
  }

  /** Push raw bytes as a bulk string (fast path for callers holding bytes). */
  bulkBytes(u: Uint8Array): void {
    this.check(1);
    pushOwned(this.L, u.slice());
    this.commit();
  }

  null(): void {
    this.check(1);
    if (this.resp === 2) lua.lua_pushboolean(this.L, 0);
    else lua.lua_pushnil(this.L);
    this.commit();
  }

  nullArray(): void {
    this.null();
  }

  private aggregate(kind: number, n: number): void {
    const L = this.L;
    if (kind === ARRAY) {
      this.check(2);
      lua.lua_createtable(L, 0, 0);
    } else {
      this.check(4);
      lua.lua_createtable(L, 0, 0);
      L.stack[L.top] = new lobject.TValue(TLNGSTR, keyString(kind === MAP3 ? K_MAP : K_SET));
      L.top++;
      lua.lua_createtable(L, 0, 0);
    }
    if (n <= 0) {
      if (kind !== ARRAY) lua.lua_rawset(L, -3);
      this.commit();
      return;
    }
    this.kinds.push(kind);
    this.remaining.push(n);
    this.next.push(1);
    this.pendingKey.push(false);
  }

  array(n: number): void {
    this.aggregate(ARRAY, n);
  }

  map(n: number): void {
    if (this.resp === 2) this.aggregate(ARRAY, 2 * n);
    else this.aggregate(MAP3, n);
  }

  set(n: number): void {
    if (this.resp === 2) this.aggregate(ARRAY, n);
    else this.aggregate(SET3, n);
  }

  push(n: number): void {
    this.aggregate(ARRAY, n);
  }

  double(d: number): void {
    const L = this.L;
    if (this.resp === 2) {
      this.bulk(formatDouble17(d));
      return;
    }
    this.check(3);
    lua.lua_createtable(L, 0, 0);
    lua.lua_pushnumber(L, d);
    setfieldBytes(L, K_DOUBLE);
    this.commit();
  }

  bool(b: boolean): void {
    if (this.resp === 2) {
      this.integer(b ? 1 : 0);
      return;
    }
    this.check(1);
    lua.lua_pushboolean(this.L, b ? 1 : 0);
    this.commit();
  }

  verbatim(s: string, format = 'txt'): void {
    const L = this.L;
    if (this.resp === 2) {
      this.bulk(s);
      return;
    }
    this.check(5);
    lua.lua_createtable(L, 0, 0);
    lua.lua_createtable(L, 0, 0);
    pushLatin1(L, s);
    setfieldBytes(L, K_STRING);
    pushLatin1(L, format.slice(0, 3));
    setfieldBytes(L, K_FORMAT);
    setfieldBytes(L, K_VERB);
    this.commit();
  }

  bigNumber(s: string): void {
    const L = this.L;
    if (this.resp === 2) {
      this.bulk(s);
      return;
    }
    this.check(3);
    lua.lua_createtable(L, 0, 0);
    pushLatin1(L, s);
    setfieldBytes(L, K_BIG);
    this.commit();
  }
}

// ---------------------------------------------------------------------------------------
// Lua value -> reply
// ---------------------------------------------------------------------------------------

function rawgetField(L: LuaState, key: Uint8Array): number {
  L.stack[L.top] = new lobject.TValue(TLNGSTR, keyString(key));
  L.top++;
  lua.lua_rawget(L, -2);
  return lua.lua_type(L, -1);
}

function cBytesLatin1(u: Uint8Array): string {
  const z = u.indexOf(0);
  return bytesToLatin1(z < 0 ? u : u.subarray(0, z));
}

/** sdsmapchars(s, "\r\n", "  ") */
export function mapNewlines(s: string): string {
  if (s.indexOf('\r') < 0 && s.indexOf('\n') < 0) return s;
  return s.replace(/[\r\n]/g, ' ');
}

/** Sanitize an error text the way addReplyErrorFormat does (trim trailing CR/LF, map inner ones). */
export function sanitizeError(s: string): string {
  let e = s.length;
  while (e > 0 && (s.charCodeAt(e - 1) === 13 || s.charCodeAt(e - 1) === 10)) e--;
  return mapNewlines(s.slice(0, e));
}

function int64Reply(n: number): number | bigint {
  const v = toInt64(n);
  if (Number.isSafeInteger(v)) return v;
  return BigInt(v);
}

/**
 * Lua 5.1's LUAI_MAXCSTACK: lua_checkstack refuses to grow a C function's frame past this
 * many slots. Redis's conversion keeps one slot per nesting level, so a self-referencing
 * table ends with "reached lua stack limit" after about 8000 levels.
 */
const LUAI_MAXCSTACK = 8000;
/** Slots below the result in Redis's frame when it converts (the error handler, the result). */
const REDIS_FRAME_BASE = 2;

const AGG_ARRAY = 0;
const AGG_MAP = 1;
const AGG_SET = 2;
/** A table being written: its elements are converted one at a time, without JS recursion. */
interface Aggregate {
  kind: typeof AGG_ARRAY | typeof AGG_MAP | typeof AGG_SET;
  /** array: the next index and the count */
  next: number;
  count: number;
  /** values on top of the Lua stack still to convert before this table advances */
  pending: number;
}

/**
 * Convert the value on top of L to a reply written to `sink`, then pop it.
 * `scriptResp` is the protocol the script selected with redis.setresp (booleans differ).
 * Nested tables are walked with an explicit stack, as deep as Lua 5.1's C stack allows
 * Redis's recursive walk (the Lua stack holds one slot per level, as in Redis).
 */
export function luaReplyToRedisReply(L: LuaState, sink: ReplySink, scriptResp: 2 | 3): void {
  // Most replies are one number or string: written without setting up the walk.
  const t = lua.lua_type(L, -1);
  if (t === LUA_TNUMBER) {
    sink.integer(int64Reply(lua.lua_tonumber(L, -1)));
    lua.lua_pop(L, 1);
    return;
  }
  if (t === LUA_TSTRING) {
    sink.bulk(bytesToLatin1(lua.lua_tolstring(L, -1)));
    lua.lua_pop(L, 1);
    return;
  }
  const offset = REDIS_FRAME_BASE - lua.lua_gettop(L);
  const open: Aggregate[] = [];
  let first = true;
  for (;;) {
    if (first) {
      first = false;
    } else {
      const top = open[open.length - 1];
      if (top === undefined) return;
      if (top.pending > 0) {
        top.pending--;
      } else if (!advanceAggregate(L, top)) {
        open.pop();
        continue;
      }
    }
    const agg = convertOne(L, sink, scriptResp, offset);
    if (agg !== null) open.push(agg);
  }
}

/**
 * Moves an open table to its next element (pushed on L with `pending` set), or pops the
 * table when it is done and returns false.
 */
function advanceAggregate(L: LuaState, a: Aggregate): boolean {
  if (a.kind === AGG_ARRAY) {
    if (a.next <= a.count) {
      lua.lua_rawgeti(L, -1, a.next++);
      a.pending = 0;
      return true;
    }
    lua.lua_pop(L, 1);
    return false;
  }
  // stack: outer table, inner table, last key
  if (lua.lua_next(L, -2)) {
    if (a.kind === AGG_MAP) {
      lua.lua_pushvalue(L, -2); // key, then value
      a.pending = 1;
    } else {
      lua.lua_pop(L, 1);
      lua.lua_pushvalue(L, -1); // the member, keeping the key for lua_next
      a.pending = 0;
    }
    return true;
  }
  lua.lua_pop(L, 2);
  return false;
}

function countNext(L: LuaState): number {
  let n = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2)) {
    lua.lua_pop(L, 1);
    n++;
  }
  return n;
}

/**
 * Writes the value on top of L. A scalar is popped; a table's header is written and its
 * table stays on L, returned as an Aggregate for the caller to walk.
 */
function convertOne(L: LuaState, sink: ReplySink, scriptResp: 2 | 3, offset: number): Aggregate | null {
  if (lua.lua_gettop(L) + offset + 4 > LUAI_MAXCSTACK || !lua.lua_checkstack(L, 4)) {
    sink.error(ERR.reachedLuaStack);
    lua.lua_pop(L, 1);
    return null;
  }
  const t = lua.lua_type(L, -1);
  switch (t) {
    case LUA_TSTRING:
      sink.bulk(bytesToLatin1(lua.lua_tolstring(L, -1)));
      break;
    case LUA_TBOOLEAN:
      if (scriptResp === 2) {
        if (lua.lua_toboolean(L, -1)) sink.integer(1);
        else sink.null();
      } else sink.bool(lua.lua_toboolean(L, -1));
      break;
    case LUA_TNUMBER:
      sink.integer(int64Reply(lua.lua_tonumber(L, -1)));
      break;
    case LUA_TTABLE: {
      // error reply
      if (rawgetField(L, K_ERR) === LUA_TSTRING) {
        const msg = cBytesLatin1(lua.lua_tolstring(L, -1));
        lua.lua_pop(L, 1);
        const counted = rawgetField(L, K_IGNORE) === LUA_TBOOLEAN && lua.lua_toboolean(L, -1);
        lua.lua_pop(L, 2);
        const text = sanitizeError('-' + msg).slice(1);
        if (counted && sink.errorNoStats !== undefined) sink.errorNoStats(text);
        else sink.error(text);
        return null;
      }
      lua.lua_pop(L, 1);
      // status reply
      if (rawgetField(L, K_OK) === LUA_TSTRING) {
        const s = mapNewlines(cBytesLatin1(lua.lua_tolstring(L, -1)));
        lua.lua_pop(L, 2);
        sink.simple(s);
        return null;
      }
      lua.lua_pop(L, 1);
      // double
      if (rawgetField(L, K_DOUBLE) === LUA_TNUMBER) {
        const d = lua.lua_tonumber(L, -1);
        lua.lua_pop(L, 2);
        sink.double(d);
        return null;
      }
      lua.lua_pop(L, 1);
      // big number
      if (rawgetField(L, K_BIG) === LUA_TSTRING) {
        const s = mapNewlines(bytesToLatin1(lua.lua_tolstring(L, -1)));
        lua.lua_pop(L, 2);
        sink.bigNumber(s);
        return null;
      }
      lua.lua_pop(L, 1);
      // verbatim
      if (rawgetField(L, K_VERB) === LUA_TTABLE) {
        if (rawgetField(L, K_FORMAT) === LUA_TSTRING) {
          const fmt = cBytesLatin1(lua.lua_tolstring(L, -1));
          lua.lua_pop(L, 1);
          if (rawgetField(L, K_STRING) === LUA_TSTRING) {
            const s = bytesToLatin1(lua.lua_tolstring(L, -1));
            lua.lua_pop(L, 3);
            sink.verbatim(s, fmt);
            return null;
          }
          lua.lua_pop(L, 1);
        } else lua.lua_pop(L, 1);
      }
      lua.lua_pop(L, 1);
      // map and set: the inner table stays above the outer one while it is walked
      if (rawgetField(L, K_MAP) === LUA_TTABLE) {
        sink.map(countNext(L));
        lua.lua_pushnil(L);
        return { kind: AGG_MAP, next: 0, count: 0, pending: 0 };
      }
      lua.lua_pop(L, 1);
      if (rawgetField(L, K_SET) === LUA_TTABLE) {
        sink.set(countNext(L));
        lua.lua_pushnil(L);
        return { kind: AGG_SET, next: 0, count: 0, pending: 0 };
      }
      lua.lua_pop(L, 1);
      // array: stops at the first nil
      let n = 0;
      for (;;) {
        lua.lua_rawgeti(L, -1, n + 1);
        const nil = lua.lua_type(L, -1) === LUA_TNIL;
        lua.lua_pop(L, 1);
        if (nil) break;
        n++;
      }
      sink.array(n);
      return { kind: AGG_ARRAY, next: 1, count: n, pending: 0 };
    }
    default:
      sink.null();
  }
  lua.lua_pop(L, 1);
  return null;
}
