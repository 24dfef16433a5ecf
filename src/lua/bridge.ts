/**
 * Conversions between Redis replies and Lua values, following Redis 7.0's script_lua.c:
 *
 *  - LuaReplySink: a ReplySink that builds the Lua value of a command reply directly on a
 *    Lua stack (what redis.call returns), with the RESP2 and RESP3 conversion rules.
 *  - luaReplyToRedisReply: a Lua value (a script's return value) written to a ReplySink.
 */
import { lua, toInt64, lobject, lstring, ltable, defs } from './fengari.ts';

const TValue = lobject.TValue;
const TLNGSTR = defs.constant_types.LUA_TLNGSTR;
import type { ReplySink } from '../resp/sink.ts';
import { bytesToLatin1, pushLatin1, latin1ToBytes, pushOwned } from './luastr.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
type LuaState = any;

const { LUA_TNIL, LUA_TNUMBER, LUA_TSTRING, LUA_TTABLE, LUA_TBOOLEAN } = lua;

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

// one TString per field name, shared by every table we build (built once, never changed;
// its hash is computed up front)
const keyStrings = new Map<Uint8Array, unknown>(
  [K_OK, K_ERR, K_MAP, K_SET, K_DOUBLE, K_BIG, K_VERB, K_FORMAT, K_STRING, K_IGNORE].map((k) => {
    const ts = lstring.luaS_bless(null, k);
    ltable.strhash51(ts);
    return [k, ts] as [Uint8Array, unknown];
  }),
);
function keyString(key: Uint8Array): unknown {
  return keyStrings.get(key);
}

function setfieldBytes(L: LuaState, key: Uint8Array): void {
  // t[key] = top ; table at -2
  L.stack[L.top] = new TValue(TLNGSTR, keyString(key));
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

function cstr(s: string): string {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}

/** Format a double the way Redis writes it in replies ("%.17g", inf/-inf/nan). */
export { formatDouble17 } from './replyfmt.ts';
import { formatDouble17 } from './replyfmt.ts';

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
  /** true once a complete top-level value was pushed */
  complete = false;
  private kinds: number[] = [];
  private remaining: number[] = [];
  private next: number[] = [];
  private pendingKey: boolean[] = [];

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
    this.check(3);
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
      L.stack[L.top] = new TValue(TLNGSTR, keyString(kind === MAP3 ? K_MAP : K_SET));
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
  L.stack[L.top] = new TValue(TLNGSTR, keyString(key));
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
 * Convert the value on top of L to a reply written to `sink`, then pop it.
 * `scriptResp` is the protocol the script selected with redis.setresp (booleans differ).
 */
export function luaReplyToRedisReply(L: LuaState, sink: ReplySink, scriptResp: 2 | 3): void {
  if (!lua.lua_checkstack(L, 4)) {
    sink.error('ERR reached lua stack limit');
    lua.lua_pop(L, 1);
    return;
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
        lua.lua_pop(L, 2);
        sink.error(sanitizeError('-' + msg).slice(1));
        return;
      }
      lua.lua_pop(L, 1);
      // status reply
      if (rawgetField(L, K_OK) === LUA_TSTRING) {
        const s = mapNewlines(cBytesLatin1(lua.lua_tolstring(L, -1)));
        lua.lua_pop(L, 2);
        sink.simple(s);
        return;
      }
      lua.lua_pop(L, 1);
      // double
      if (rawgetField(L, K_DOUBLE) === LUA_TNUMBER) {
        const d = lua.lua_tonumber(L, -1);
        lua.lua_pop(L, 2);
        sink.double(d);
        return;
      }
      lua.lua_pop(L, 1);
      // big number
      if (rawgetField(L, K_BIG) === LUA_TSTRING) {
        const s = mapNewlines(bytesToLatin1(lua.lua_tolstring(L, -1)));
        lua.lua_pop(L, 2);
        sink.bigNumber(s);
        return;
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
            return;
          }
          lua.lua_pop(L, 1);
        } else lua.lua_pop(L, 1);
      }
      lua.lua_pop(L, 1);
      // map
      if (rawgetField(L, K_MAP) === LUA_TTABLE) {
        let n = 0;
        lua.lua_pushnil(L);
        while (lua.lua_next(L, -2)) {
          lua.lua_pop(L, 1);
          n++;
        }
        sink.map(n);
        lua.lua_pushnil(L);
        while (lua.lua_next(L, -2)) {
          lua.lua_pushvalue(L, -2);
          luaReplyToRedisReply(L, sink, scriptResp); // key
          luaReplyToRedisReply(L, sink, scriptResp); // value
        }
        lua.lua_pop(L, 2);
        return;
      }
      lua.lua_pop(L, 1);
      // set
      if (rawgetField(L, K_SET) === LUA_TTABLE) {
        let n = 0;
        lua.lua_pushnil(L);
        while (lua.lua_next(L, -2)) {
          lua.lua_pop(L, 1);
          n++;
        }
        sink.set(n);
        lua.lua_pushnil(L);
        while (lua.lua_next(L, -2)) {
          lua.lua_pop(L, 1);
          lua.lua_pushvalue(L, -1);
          luaReplyToRedisReply(L, sink, scriptResp);
        }
        lua.lua_pop(L, 2);
        return;
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
      for (let j = 1; j <= n; j++) {
        lua.lua_rawgeti(L, -1, j);
        luaReplyToRedisReply(L, sink, scriptResp);
      }
      break;
    }
    default:
      sink.null();
  }
  lua.lua_pop(L, 1);
}
