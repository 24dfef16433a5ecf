/**
 * A Redis 7.0-like Lua engine on fengari.
 *
 * One LuaEngine owns one Lua state (Redis keeps one for EVAL and one for FUNCTION). Scripts
 * are compiled once into registry references and run as coroutines under a count hook
 * (every 100000 instructions, as Redis does): the hook asks the caller whether to give the
 * event loop a turn and, if so, yields the whole chain of coroutines back to the driver.
 * A run that is killed is simply never resumed again, so a script's pcall cannot swallow
 * the kill.
 */
import { nodeCrypto } from '../util/lazy-node.ts';
import { getHeapStatistics } from 'node:v8';
import {
  lua,
  lauxlib,
  ltable,
  lobject,
  lstring,
  loadFengari,
  LUA_OK,
  LUA_YIELD,
  LUA_TNIL,
  LUA_TNUMBER,
  LUA_TSTRING,
  LUA_TTABLE,
  LUA_TBOOLEAN,
  LUA_TFUNCTION,
  LUA_TLNGSTR as TLNGSTR,
  LUA_REGISTRYINDEX,
  LUA_MASKCOUNT,
  LUA_MASKLINE,
  LUA_HOOKCOUNT,
  CIST_LUA,
  lua_upvalueindex,
} from './fengari.ts';
import type { ReplySink } from '../resp/sink.ts';
import { openBase, openString, openTable, openMath, openDeprecated, setfuncs, newRandState, type RandState, luaToString, checkint } from './stdlib.ts';
import { LuaReplySink, luaReplyToRedisReply, pushErrorTable, sanitizeError, mapNewlines } from './bridge.ts';
import { bytesToLatin1, latin1ToBytes, pushLatin1 } from './luastr.ts';
import { number2str17 } from '../util/printf.ts';
import { openBit } from './lib/bit.ts';
import { openCjson } from './lib/cjson.ts';
import { openCmsgpack } from './lib/cmsgpack.ts';
import { openStruct } from './lib/struct.ts';
import { cstr, ERR } from '../errors.ts';
import { perfNow } from '../util/clock.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
type LuaState = any;
type CFn = (L: LuaState) => number;

export const REDIS_VERSION = '7.0.15';
export const REDIS_VERSION_NUM = 0x0007000f;
/** Instructions between two looks at the clock (Redis uses the same count). */
export const HOOK_COUNT = 100000;

export const LL_DEBUG = 0;
export const LL_VERBOSE = 1;
export const LL_NOTICE = 2;
export const LL_WARNING = 3;

export const PROPAGATE_NONE = 0;
export const PROPAGATE_AOF = 1;
export const PROPAGATE_REPL = 2;

/** What a running script needs from the server. */
export interface ScriptHost {
  /**
   * Run one command for redis.call / redis.pcall and write its reply into `sink`
   * (errors as sink.error('ERR ...')). `raise` tells which of the two was used.
   */
  call(argv: string[], sink: ReplySink, raise: boolean): void;
  /** redis.log; level is LL_DEBUG..LL_WARNING */
  log?(level: number, message: string): void;
  /** redis.set_repl */
  setRepl?(flags: number): void;
  /** redis.acl_check_cmd: true/false, or an error text when the command is unknown */
  aclCheck?(argv: string[]): boolean | string;
  /** counts an error reply of a script's command in INFO errorstats */
  countError?(text: string): void;
}

export type EngineMode = 'eval' | 'function';

export interface CompileOk {
  ok: true;
  ref: number;
}
export interface CompileErr {
  ok: false;
  /** Lua's message, e.g. "user_script:1: unexpected symbol near '/'" */
  error: string;
}

interface Location {
  source: string;
  line: number;
}

/**
 * The Lua debugger's side of a run (src/lua/ldb.ts), for engines made with `debug: true`.
 * Only such engines call it, so scripts run without a session pay nothing for it.
 */
export interface DebugController {
  /**
   * A hook event in the running thread L: a new line (`line` set) and/or the instruction
   * count (`count`). Returns true to suspend the run there (a stop, or a turn for the event
   * loop); `canYield` says whether suspending is possible at this point.
   */
  onHook(L: LuaState, line: number | null, count: boolean, canYield: boolean): boolean;
  /** redis.breakpoint(): true when a session is active. */
  breakpoint(): boolean;
  /** redis.debug(...) with its arguments at 1..argc of L. */
  debug(L: LuaState, argc: number): void;
  /** An error Redis's luaPushErrorBuff would log while stepping. */
  logError(text: string): void;
}

class RunContext {
  host: ScriptHost;
  resp: 2 | 3 = 2;
  shouldYield: () => boolean = NEVER_YIELD;
  /** for stepUntil: perfNow() time after which the run gives way */
  deadline = Infinity;
  hookYielding = false;
  killed = false;
  /** stopped because the JS heap is nearly exhausted */
  outOfMemory = false;
  done = false;
  co: LuaState;
  coRef: number;
  started = false;
  nargs: number;
  lastLocation: Location | null = null;
  /** the debugging session of this run (debug engines only) */
  ldb: DebugController | null = null;
  /** a count event came with an instruction that also starts a line: handled with that line */
  countPending = false;
  constructor(
    host: ScriptHost,
    /** the coroutine it runs in, anchored in the registry (reused by the next run) */
    readonly thread: { co: LuaState; ref: number },
    nargs: number,
    readonly name: string,
    readonly reply: ReplySink,
  ) {
    this.host = host;
    this.co = thread.co;
    this.coRef = thread.ref;
    this.nargs = nargs;
  }
}

const NEVER_YIELD = (): boolean => false;

const MSG_YIELD_BOUNDARY = 'attempt to yield across metamethod/C-call boundary';
const KILL_MESSAGE = ERR.scriptKilledUser;

/** One script execution; drive it with step() until it returns true. */
export class ScriptRun {
  constructor(
    private readonly engine: LuaEngine,
    private readonly ctx: RunContext,
  ) {}

  /** Whether the run has finished (its reply was written). */
  get done(): boolean {
    return this.ctx.done;
  }

  /**
   * Run until the script ends (returns true) or until `shouldYield()` says so at one of
   * the hook points (returns false; call step again later).
   */
  step(shouldYield: () => boolean = NEVER_YIELD): boolean {
    return this.engine._step(this.ctx, shouldYield);
  }

  /** step() that gives way at the first hook point after perfNow() reaches `deadline`. */
  stepUntil(deadline: number): boolean {
    this.ctx.deadline = deadline;
    return this.engine._step(this.ctx, this.engine.pastDeadline);
  }

  /** End a suspended run: reply with Redis's kill error and never resume it. */
  kill(): void {
    this.engine._kill(this.ctx);
  }

  /** Where the script was when it last gave way (for logs). */
  get location(): Location | null {
    return this.ctx.lastLocation;
  }

  /** Attach a debugging session (the engine must have been made with `debug: true`). */
  set debugger(ldb: DebugController) {
    this.ctx.ldb = ldb;
  }

  /** End a suspended run with an error raised where it stopped (the debugger's abort). */
  fail(message: string): void {
    this.engine._fail(this.ctx, message);
  }

  /** Run fn with this run as the engine's current one (redis.call works inside it). */
  within<T>(fn: () => T): T {
    return this.engine._within(this.ctx, fn);
  }
}

export interface EngineOptions {
  mode?: EngineMode;
  /** where redis.log goes when no script runs (FUNCTION LOAD) */
  log?: (level: number, message: string) => void;
  /** math.random's generator, shared with the server's other engine (a fresh one by default) */
  rand?: RandState;
  /**
   * Asked at every count hook: is memory so short that the script must stop? Defaults to
   * "the JS heap is within 20% (at least 64 MB) of its limit": a runaway table would
   * otherwise kill the whole process with a fatal heap error (V8 gives up well before
   * the nominal limit, and a table resize allocates a lot at once).
   */
  memoryExhausted?: () => boolean;
  /**
   * A Lua debugger engine (SCRIPT DEBUG): a line and count hook that asks the run's
   * DebugController, and a working redis.breakpoint/redis.debug. Never used for ordinary runs.
   */
  debug?: boolean;
  /** lua-enable-deprecated-api: Lua 5.1's setfenv, getfenv and newproxy are globals too. */
  deprecatedApi?: boolean;
}

/** The default memory check: V8's heap close to its limit. */
function heapNearlyFull(): boolean {
  const h = getHeapStatistics();
  return h.used_heap_size > h.heap_size_limit - Math.max(h.heap_size_limit * 0.2, 64 * 1024 * 1024);
}

export class LuaEngine {
  readonly L: LuaState;
  readonly mode: EngineMode;
  /** the run in progress, visible to redis.* functions */
  current: RunContext | null = null;
  private readonly callSink = new LuaReplySink();
  private readonly rand: RandState;
  private globals: any;
  /** threads that resumed a coroutine and are waiting for it, innermost last */
  private resumers: LuaState[] = [];
  private spareThread: { co: LuaState; ref: number } | null = null;
  private readonly hook: (L: LuaState, ar: any) => void;
  private readonly hookMask: number;
  /** a debug engine: errors pushed by the redis.* API are shown to the debugger */
  private readonly debugging: boolean;

  private readonly defaultLog: ((level: number, message: string) => void) | undefined;

  private readonly memoryExhausted: () => boolean;

  constructor(opts: EngineOptions = {}) {
    // fengari loads with the first engine (src/lua/fengari.ts)
    loadFengari();
    this.mode = opts.mode ?? 'eval';
    this.defaultLog = opts.log;
    this.memoryExhausted = opts.memoryExhausted ?? heapNearlyFull;
    this.rand = opts.rand ?? newRandState();
    const L = lauxlib.luaL_newstate();
    this.L = L;
    lua.lua_atnativeerror(L, (LL: LuaState) => {
      const e = lua.lua_touserdata(LL, 1);
      if (e instanceof RangeError) pushLatin1(LL, 'C stack overflow');
      else pushLatin1(LL, 'internal error: ' + String(e && e.message ? e.message : e));
      return 1;
    });
    this.debugging = opts.debug === true;
    this.hook = this.debugging ? (LL: LuaState, ar: any) => this.onDebugHook(LL, ar) : (LL: LuaState) => this.onHook(LL);
    this.hookMask = this.debugging ? LUA_MASKLINE | LUA_MASKCOUNT : LUA_MASKCOUNT;
    if (this.debugging) this.callSink.onErrorLog = (text) => this.logError(text);
    this.openLibs();
    if (opts.deprecatedApi === true) openDeprecated(L);
    this.installRedisApi();
    if (this.mode === 'eval') {
      // Redis adds KEYS and ARGV to _G at the first EVAL, after every other global: doing
      // it here gives _G the same layout, and their value slots never move afterwards
      // (nothing else is ever added to the readonly _G).
      this.setGlobalArray(KEYS_NAME, []);
      this.setGlobalArray(ARGV_NAME, []);
    }
    this.protectGlobals();
    if (this.mode === 'eval') {
      this.keysSlot = this.globalSlot(KEYS_NAME);
      this.argvSlot = this.globalSlot(ARGV_NAME);
    }
    if (this.mode === 'function') this.setupFunctionGlobals();
  }

  // -------------------------------------------------------------------------------------
  // state setup
  // -------------------------------------------------------------------------------------

  private openLibs(): void {
    const L = this.L;
    openBase(L);
    openTable(L);
    openString(L);
    openMath(L, this.rand, () => this.current !== null);
    this.openCoroutine();
    openCjson(L);
    openStruct(L);
    openCmsgpack(L);
    openBit(L);
  }

  private openCoroutine(): void {
    const L = this.L;
    const engine = this;

    const costatus = (L: LuaState, co: LuaState): string => {
      if (L === co) return 'running';
      switch (lua.lua_status(co)) {
        case LUA_YIELD:
          return 'suspended';
        case LUA_OK: {
          const ar = new lua.lua_Debug();
          if (lua.lua_getstack(co, 0, ar) > 0) return 'normal';
          if (lua.lua_gettop(co) === 0) return 'dead';
          return 'suspended';
        }
        default:
          return 'dead';
      }
    };

    /** finish a resume: 'res' results (>= 0) or -1 with the error on top of L */
    const collect = (L: LuaState, co: LuaState, status: number): number => {
      if (status === LUA_OK || status === LUA_YIELD) {
        const nres = lua.lua_gettop(co);
        if (!lua.lua_checkstack(L, nres + 1)) lauxlib.luaL_error(L, 'too many results to resume');
        lua.lua_xmove(co, L, nres);
        return nres;
      }
      lua.lua_xmove(co, L, 1);
      return -1;
    };

    interface ResumeCtx {
      co: LuaState;
      wrap: boolean;
    }

    const finish = (L: LuaState, rc: ResumeCtx, status: number): number => {
      if (status === LUA_YIELD && engine.current && engine.current.hookYielding) {
        // the hook suspended the coroutine: suspend this thread too, and carry on later
        engine.resumers.pop();
        return lua.lua_yieldk(L, 0, rc, resumeK);
      }
      engine.resumers.pop();
      const r = collect(L, rc.co, status);
      if (rc.wrap) {
        if (r < 0) {
          const t = lua.lua_type(L, -1);
          if (t === LUA_TSTRING || t === LUA_TNUMBER) {
            lauxlib.luaL_where(L, 1);
            lua.lua_insert(L, -2);
            lua.lua_concat(L, 2);
          }
          return lua.lua_error(L);
        }
        return r;
      }
      if (r < 0) {
        lua.lua_pushboolean(L, 0);
        lua.lua_insert(L, -2);
        return 2;
      }
      lua.lua_pushboolean(L, 1);
      lua.lua_insert(L, -(r + 1));
      return r + 1;
    };

    const resumeK = (L: LuaState, _status: number, rc: ResumeCtx): number => {
      engine.resumers.push(L);
      const st = lua.lua_resume(rc.co, L, 0);
      return finish(L, rc, st);
    };

    const auxresume = (L: LuaState, co: LuaState, narg: number, wrap: boolean): number => {
      if (!lua.lua_checkstack(co, narg)) lauxlib.luaL_error(L, 'too many arguments to resume');
      const st = costatus(L, co);
      if (st !== 'suspended') {
        pushLatin1(L, `cannot resume ${st} coroutine`);
        return finishError(L, wrap);
      }
      lua.lua_xmove(L, co, narg);
      engine.resumers.push(L);
      const status = lua.lua_resume(co, L, narg);
      return finish(L, { co, wrap }, status);
    };

    const finishError = (L: LuaState, wrap: boolean): number => {
      if (wrap) {
        lauxlib.luaL_where(L, 1);
        lua.lua_insert(L, -2);
        lua.lua_concat(L, 2);
        return lua.lua_error(L);
      }
      lua.lua_pushboolean(L, 0);
      lua.lua_insert(L, -2);
      return 2;
    };

    const co_create: CFn = (L) => {
      const NL = lua.lua_newthread(L);
      lauxlib.luaL_argcheck(L, lua.lua_type(L, 1) === LUA_TFUNCTION && !lua.lua_iscfunction(L, 1), 1, 'Lua function expected');
      lua.lua_pushvalue(L, 1);
      lua.lua_xmove(L, NL, 1);
      return 1;
    };

    const co_resume: CFn = (L) => {
      const co = lua.lua_tothread(L, 1);
      lauxlib.luaL_argcheck(L, co, 1, 'coroutine expected');
      return auxresume(L, co, lua.lua_gettop(L) - 1, false);
    };

    const co_auxwrap: CFn = (L) => {
      const co = lua.lua_tothread(L, lua_upvalueindex(1));
      return auxresume(L, co, lua.lua_gettop(L), true);
    };

    const co_wrap: CFn = (L) => {
      co_create(L);
      lua.lua_pushcclosure(L, co_auxwrap, 1);
      return 1;
    };

    const co_yield: CFn = (L) => {
      const ctx = engine.current;
      if (ctx && L === ctx.co) {
        // the script body is Redis's main thread: it cannot yield
        pushLatin1(L, MSG_YIELD_BOUNDARY);
        return lua.lua_error(L);
      }
      // 5.1 cannot yield through a C function (pcall, table.sort's comparator...) nor through
      // a Lua function that a metamethod or a generic for's iterator call started (5.1 makes
      // those calls at C level). Ours are resumable so that the hook can give way in them;
      // a script's own yield still gets 5.1's error. A Lua frame called by Lua code was
      // started by a metamethod or iterator call unless its caller stands on a CALL.
      for (let ci = L.ci.previous; ci !== null && ci !== L.base_ci; ci = ci.previous) {
        const caller = ci.previous;
        const viaMeta =
          caller !== null && caller !== L.base_ci && (caller.callstatus & CIST_LUA) !== 0 && !isCall(caller.l_code[caller.l_savedpc - 1].opcode);
        if ((ci.callstatus & CIST_LUA) === 0 || viaMeta) {
          pushLatin1(L, MSG_YIELD_BOUNDARY);
          return lua.lua_error(L);
        }
      }
      return lua.lua_yield(L, lua.lua_gettop(L));
    };

    const co_status: CFn = (L) => {
      const co = lua.lua_tothread(L, 1);
      lauxlib.luaL_argcheck(L, co, 1, 'coroutine expected');
      pushLatin1(L, costatus(L, co));
      return 1;
    };

    const co_running: CFn = (L) => {
      const ctx = engine.current;
      if (!ctx || L === ctx.co) lua.lua_pushnil(L);
      else lua.lua_pushthread(L);
      return 1;
    };

    lua.lua_createtable(L, 0, 0);
    setfuncs(L, {
      create: co_create,
      resume: co_resume,
      running: co_running,
      status: co_status,
      wrap: co_wrap,
      yield: co_yield,
    });
    lua.lua_setglobal(L, 'coroutine');
  }

  private installRedisApi(): void {
    const L = this.L;
    const engine = this;
    const sink = this.callSink;

    const raise = (L: LuaState, text: string): number => {
      if (engine.debugging) engine.logError(text);
      pushErrorTable(L, text);
      return lua.lua_error(L);
    };
    /** pushErrorTable for the errors Redis's debugger logs */
    const pushError = (L: LuaState, text: string, ignoreStats = false): void => {
      if (engine.debugging) engine.logError(text);
      pushErrorTable(L, text, ignoreStats);
    };

    const needCtx = (L: LuaState, what: string): RunContext => {
      const ctx = engine.current;
      if (!ctx) raise(L, `${what} can only be called inside a script invocation`);
      return ctx as RunContext;
    };

    /** Lua arguments 1..argc to command arguments; null when one is not a string/number */
    const names = new NameStrings();
    const runArgs = this.runArgs;
    const argsToArgv = (L: LuaState, argc: number): string[] | null => {
      const argv = new Array<string>(argc);
      for (let j = 0; j < argc; j++) {
        const t = lua.lua_type(L, j + 1);
        if (t === LUA_TSTRING) {
          const u: Uint8Array = lua.lua_tolstring(L, j + 1);
          argv[j] = j === 0 ? names.get(u) : runArgs.get(u);
        } else if (t === LUA_TNUMBER) argv[j] = number2str17(lua.lua_tonumber(L, j + 1));
        else return null;
      }
      return argv;
    };

    const genericCommand = (L: LuaState, raiseError: boolean): number => {
      const ctx = engine.current;
      if (!ctx) return raise(L, 'redis.call/pcall can only be called inside a script invocation');
      const argc = lua.lua_gettop(L);
      if (argc === 0) {
        pushError(L, 'Please specify at least one argument for this redis lib call');
        return raiseError ? lua.lua_error(L) : 1;
      }
      const argv = argsToArgv(L, argc);
      lua.lua_settop(L, 0);
      if (argv === null) {
        pushError(L, 'Lua redis lib command arguments must be strings or integers');
        return raiseError ? lua.lua_error(L) : 1;
      }
      sink.begin(L, ctx.resp);
      sink.onError = ctx.host.countError ?? null;
      ctx.host.call(argv, sink, raiseError);
      if (!sink.complete) {
        lua.lua_settop(L, 0);
        pushErrorTable(L, '-ERR command produced no reply', true);
        return raiseError ? lua.lua_error(L) : 1;
      }
      if (raiseError && sink.topError) return lua.lua_error(L);
      return 1;
    };

    const redis_log: CFn = (L) => {
      const argc = lua.lua_gettop(L);
      if (argc < 2) return raise(L, 'redis.log() requires two arguments or more.');
      if (!lua.lua_isnumber(L, 1)) return raise(L, 'First argument must be a number (log level).');
      const level = Math.trunc(lua.lua_tonumber(L, 1));
      if (level < LL_DEBUG || level > LL_WARNING) return raise(L, 'Invalid debug level.');
      const parts: string[] = [];
      for (let j = 2; j <= argc; j++) {
        const t = lua.lua_type(L, j);
        if (t === LUA_TSTRING || t === LUA_TNUMBER) parts.push(bytesToLatin1(lua.lua_tolstring(L, j)));
      }
      if (engine.current) engine.current.host.log?.(level, parts.join(' '));
      else engine.defaultLog?.(level, parts.join(' '));
      return 0;
    };

    const redis_setresp: CFn = (L) => {
      const ctx = needCtx(L, 'redis.setresp');
      if (lua.lua_gettop(L) !== 1) return raise(L, 'redis.setresp() requires one argument.');
      const resp = Math.trunc(lua.lua_tonumber(L, 1));
      if (resp !== 2 && resp !== 3) return raise(L, 'RESP version must be 2 or 3.');
      ctx.resp = resp;
      return 0;
    };

    const redis_sha1hex: CFn = (L) => {
      if (lua.lua_gettop(L) !== 1) return raise(L, 'wrong number of arguments');
      const t = lua.lua_type(L, 1);
      const u: Uint8Array = t === LUA_TSTRING || t === LUA_TNUMBER ? lua.lua_tolstring(L, 1) : new Uint8Array(0);
      pushLatin1(L, nodeCrypto().createHash('sha1').update(u).digest('hex'));
      return 1;
    };

    const redis_error_reply: CFn = (L) => {
      if (lua.lua_gettop(L) !== 1 || lua.lua_type(L, -1) !== LUA_TSTRING) {
        pushError(L, 'wrong number or type of arguments');
        return 1;
      }
      const s = bytesToLatin1(lua.lua_tolstring(L, -1));
      pushError(L, s.charCodeAt(0) === 45 ? s : '-' + s);
      return 1;
    };

    const redis_status_reply: CFn = (L) => {
      if (lua.lua_gettop(L) !== 1 || lua.lua_type(L, -1) !== LUA_TSTRING) {
        pushError(L, 'wrong number or type of arguments');
        return 1;
      }
      lua.lua_createtable(L, 0, 0);
      pushLatin1(L, 'ok');
      lua.lua_pushvalue(L, -3);
      lua.lua_rawset(L, -3);
      return 1;
    };

    const redis_set_repl: CFn = (L) => {
      const ctx = needCtx(L, 'redis.set_repl');
      if (lua.lua_gettop(L) !== 1) return raise(L, 'redis.set_repl() requires two arguments.');
      const flags = Math.trunc(lua.lua_tonumber(L, -1));
      if ((flags & ~(PROPAGATE_AOF | PROPAGATE_REPL)) !== 0)
        return raise(L, 'Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.');
      ctx.host.setRepl?.(flags);
      return 0;
    };

    const redis_acl_check_cmd: CFn = (L) => {
      const ctx = needCtx(L, 'redis.acl_check_cmd');
      const argc = lua.lua_gettop(L);
      if (argc === 0) return raise(L, 'Please specify at least one argument for this redis lib call');
      const argv = argsToArgv(L, argc);
      lua.lua_settop(L, 0);
      if (argv === null) return raise(L, 'Lua redis lib command arguments must be strings or integers');
      const r = ctx.host.aclCheck ? ctx.host.aclCheck(argv) : true;
      if (typeof r === 'string') return raise(L, r);
      lua.lua_pushboolean(L, r ? 1 : 0);
      return 1;
    };

    lua.lua_createtable(L, 0, 0);
    setfuncs(L, {
      call: (L) => genericCommand(L, true),
      pcall: (L) => genericCommand(L, false),
      log: redis_log,
      setresp: redis_setresp,
      sha1hex: redis_sha1hex,
      error_reply: redis_error_reply,
      status_reply: redis_status_reply,
      set_repl: redis_set_repl,
      acl_check_cmd: redis_acl_check_cmd,
    });
    if (this.mode === 'eval') {
      // only EVAL scripts have these; breakpoint and debug act only in a debugging session
      setfuncs(L, {
        replicate_commands: (L) => {
          lua.lua_pushboolean(L, 1);
          return 1;
        },
        breakpoint: (L) => {
          const ldb = engine.current?.ldb;
          lua.lua_pushboolean(L, ldb && ldb.breakpoint() ? 1 : 0);
          return 1;
        },
        debug: (L) => {
          const ldb = engine.current?.ldb;
          if (ldb) ldb.debug(L, lua.lua_gettop(L));
          return 0;
        },
      });
    }
    const nums: Record<string, number> = {
      LOG_DEBUG: LL_DEBUG,
      LOG_VERBOSE: LL_VERBOSE,
      LOG_NOTICE: LL_NOTICE,
      LOG_WARNING: LL_WARNING,
      REDIS_VERSION_NUM,
      REPL_NONE: PROPAGATE_NONE,
      REPL_AOF: PROPAGATE_AOF,
      REPL_SLAVE: PROPAGATE_REPL,
      REPL_REPLICA: PROPAGATE_REPL,
      REPL_ALL: PROPAGATE_AOF | PROPAGATE_REPL,
    };
    for (const k of Object.keys(nums)) {
      lua.lua_pushnumber(L, nums[k]);
      lua.lua_setfield(L, -2, k);
    }
    pushLatin1(L, REDIS_VERSION);
    lua.lua_setfield(L, -2, 'REDIS_VERSION');
    lua.lua_setglobal(L, 'redis');
    if (this.mode !== 'eval') return;

    // error handler Redis keeps as a global (scripts can see and call it)
    lua.lua_pushcfunction(L, (L: LuaState) => {
      const loc = errorLocationFrom(L, 1);
      if (lua.lua_type(L, 1) !== LUA_TTABLE) {
        lua.lua_settop(L, 1);
        luaToString(L, 1);
        const s = bytesToLatin1(lua.lua_tolstring(L, -1));
        lua.lua_createtable(L, 0, 0);
        pushLatin1(L, 'ERR ' + s);
        lua.lua_setfield(L, -2, 'err');
      } else lua.lua_pushvalue(L, 1);
      if (loc) {
        pushLatin1(L, loc.source);
        lua.lua_setfield(L, -2, 'source');
        lua.lua_pushnumber(L, loc.line);
        lua.lua_setfield(L, -2, 'line');
      }
      return 1;
    });
    lua.lua_setglobal(L, '__redis__err__handler');
  }

  /** _G raises on unknown names; every table reachable from _G becomes readonly. */
  private protectGlobals(): void {
    const L = this.L;
    lua.lua_pushglobaltable(L);
    this.globals = lua.lua_topointer(L, -1);
    this.pushErrorMetatable();
    lua.lua_setmetatable(L, -2);
    lua.lua_pop(L, 1);
    // the string metatable
    pushLatin1(L, '');
    lua.lua_getmetatable(L, -1);
    const strmt = lua.lua_topointer(L, -1);
    lua.lua_pop(L, 2);
    markReadonly(this.globals);
    markReadonly(strmt);
  }

  /** Push a metatable whose __index raises "Script attempted to access nonexistent global variable". */
  private pushErrorMetatable(): void {
    const L = this.L;
    lua.lua_createtable(L, 0, 0);
    lua.lua_pushcfunction(L, (L: LuaState) => {
      if (lua.lua_gettop(L) !== 2) return lauxlib.luaL_error(L, 'Wrong number of arguments to luaProtectedTableError');
      const t = lua.lua_type(L, -1);
      if (t !== LUA_TSTRING && t !== LUA_TNUMBER)
        return lauxlib.luaL_error(L, 'Second argument to luaProtectedTableError must be a string or number');
      const name: Uint8Array = lua.lua_tolstring(L, -1);
      const z = name.indexOf(0);
      return lauxlib.luaL_error(L, "Script attempted to access nonexistent global variable '%s'", z < 0 ? name : name.subarray(0, z));
    });
    lua.lua_setfield(L, -2, '__index');
  }

  // -------------------------------------------------------------------------------------
  // FUNCTION libraries (function mode)
  // -------------------------------------------------------------------------------------

  /** metatable of the globals proxy: __index is the real globals, or the library API */
  private proxyMeta: any = null;
  private libraryApi: any = null;
  private loadCtx: LoadContext | null = null;

  /**
   * Function mode, as Redis's function engine: the globals every chunk sees are an empty
   * readonly table whose metatable sends reads to the real globals while functions run, and
   * to a small library API (redis.register_function, redis.log...) while a library loads.
   */
  private setupFunctionGlobals(): void {
    const L = this.L;
    const engine = this;
    // library API: { redis = { register_function, log, LOG_*, REDIS_VERSION* } }
    lua.lua_createtable(L, 0, 0);
    lua.lua_createtable(L, 0, 0);
    lua.lua_pushcfunction(L, (L: LuaState) => engine.registerFunction(L));
    lua.lua_setfield(L, -2, 'register_function');
    lua.lua_getglobal(L, 'redis');
    lua.lua_getfield(L, -1, 'log');
    lua.lua_setfield(L, -3, 'log');
    for (const k of ['LOG_DEBUG', 'LOG_VERBOSE', 'LOG_NOTICE', 'LOG_WARNING', 'REDIS_VERSION_NUM', 'REDIS_VERSION']) {
      lua.lua_getfield(L, -1, k);
      lua.lua_setfield(L, -3, k);
    }
    lua.lua_pop(L, 1);
    this.pushErrorMetatable();
    lua.lua_setmetatable(L, -2);
    lua.lua_setfield(L, -2, 'redis');
    this.pushErrorMetatable();
    lua.lua_setmetatable(L, -2);
    this.libraryApi = lua.lua_topointer(L, -1);
    markReadonly(this.libraryApi);
    lua.lua_pop(L, 1);
    // the proxy globals
    lua.lua_createtable(L, 0, 0);
    lua.lua_createtable(L, 0, 0);
    lua.lua_pushglobaltable(L);
    lua.lua_setfield(L, -2, '__index');
    this.proxyMeta = lua.lua_topointer(L, -1);
    lua.lua_setmetatable(L, -2);
    const proxy = lua.lua_topointer(L, -1);
    lua.lua_rawseti(L, LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
    proxy.readonly = true;
    this.proxyMeta.readonly = true;
  }

  private setProxyIndex(table: any): void {
    const L = this.L;
    const mt = this.proxyMeta;
    L.stack[L.top] = new lobject.TValue(LUA_TTABLE, mt);
    L.top++;
    pushLatin1(L, '__index');
    L.stack[L.top] = new lobject.TValue(LUA_TTABLE, table);
    L.top++;
    mt.readonly = false;
    try {
      lua.lua_rawset(L, -3);
    } finally {
      mt.readonly = true;
      lua.lua_pop(L, 1);
    }
  }

  /**
   * Compile and run a library's code (after its shebang line) so that it registers its
   * functions. Returns them, or Redis's error text (without the ERR code).
   */
  loadLibrary(code: string, timeoutMs: number): { ok: true; functions: RegisteredFunction[] } | { ok: false; error: string } {
    if (this.mode !== 'function') throw new Error('loadLibrary needs a function-mode engine');
    const L = this.L;
    const realGlobals = this.globals;
    this.setProxyIndex(this.libraryApi);
    const ctx: LoadContext = { functions: [], start: perfNow(), timeoutMs };
    this.loadCtx = ctx;
    try {
      const bytes = latin1ToBytes(code);
      if (lauxlib.luaL_loadbufferx(L, bytes, bytes.length, latin1ToBytes('@user_function'), null) !== LUA_OK) {
        const u = lua.lua_tolstring(L, -1);
        lua.lua_pop(L, 1);
        return { ok: false, error: 'Error compiling function: ' + (u ? bytesToLatin1(u) : '') };
      }
      lua.lua_sethook(
        L,
        (LL: LuaState) => {
          if (ctx.timeoutMs > 0 && perfNow() - ctx.start > ctx.timeoutMs) {
            lua.lua_sethook(LL, this.loadTimeoutHook, lua.LUA_MASKLINE, 0);
            pushErrorTable(LL, 'FUNCTION LOAD timeout');
            lua.lua_error(LL);
          }
        },
        LUA_MASKCOUNT,
        HOOK_COUNT,
      );
      const st = lua.lua_pcall(L, 0, 0, 0);
      if (st !== LUA_OK) {
        let msg: string;
        if (lua.lua_type(L, -1) === LUA_TSTRING || lua.lua_type(L, -1) === LUA_TNUMBER) msg = 'ERR ' + cLatin1(lua.lua_tolstring(L, -1));
        else {
          msg = '';
          if (lua.lua_type(L, -1) === LUA_TTABLE) {
            lua.lua_getfield(L, -1, 'err');
            if (lua.lua_type(L, -1) === LUA_TSTRING || lua.lua_type(L, -1) === LUA_TNUMBER) msg = cLatin1(lua.lua_tolstring(L, -1));
            lua.lua_pop(L, 1);
          }
        }
        lua.lua_pop(L, 1);
        for (const f of ctx.functions) this.release(f.ref);
        return { ok: false, error: 'Error registering functions: ' + msg };
      }
      return { ok: true, functions: ctx.functions };
    } finally {
      lua.lua_sethook(L, null, 0, 0);
      this.loadCtx = null;
      this.setProxyIndex(realGlobals);
    }
  }

  private readonly loadTimeoutHook = (L: LuaState): void => {
    pushErrorTable(L, 'FUNCTION LOAD timeout');
    lua.lua_error(L);
  };

  /** redis.register_function, available while a library loads. */
  private registerFunction(L: LuaState): number {
    const ctx = this.loadCtx;
    const fail = (msg: string): number => {
      pushErrorTable(L, msg);
      return lua.lua_error(L);
    };
    if (!ctx) return fail('redis.register_function can only be called on FUNCTION LOAD command');
    const argc = lua.lua_gettop(L);
    if (argc < 1 || argc > 2) return fail('wrong number of arguments to redis.register_function');
    const isStr = (i: number) => lua.lua_type(L, i) === LUA_TSTRING || lua.lua_type(L, i) === LUA_TNUMBER;
    let name: string | null = null;
    let desc: string | null = null;
    let ref = -1;
    let flags = 0;
    const dropRef = () => {
      if (ref >= 0) this.release(ref);
      ref = -1;
    };
    if (argc === 1) {
      if (!lua.lua_istable(L, 1)) return fail('calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).');
      lua.lua_pushnil(L);
      while (lua.lua_next(L, -2)) {
        if (!isStr(-2)) {
          dropRef();
          return fail('named argument key given to redis.register_function is not a string');
        }
        const key = cLatin1(lua.lua_tolstring(L, -2)).toLowerCase();
        if (key === 'function_name') {
          if (!isStr(-1)) {
            dropRef();
            return fail('function_name argument given to redis.register_function must be a string');
          }
          name = bytesToLatin1(lua.lua_tolstring(L, -1));
        } else if (key === 'description') {
          if (!isStr(-1)) {
            dropRef();
            return fail('description argument given to redis.register_function must be a string');
          }
          desc = bytesToLatin1(lua.lua_tolstring(L, -1));
        } else if (key === 'callback') {
          if (lua.lua_type(L, -1) !== LUA_TFUNCTION) {
            dropRef();
            return fail('callback argument given to redis.register_function must be a function');
          }
          dropRef();
          ref = lauxlib.luaL_ref(L, LUA_REGISTRYINDEX);
          continue;
        } else if (key === 'flags') {
          if (!lua.lua_istable(L, -1)) {
            dropRef();
            return fail('flags argument to redis.register_function must be a table representing function flags');
          }
          const f = readFunctionFlags(L);
          if (f === null) {
            dropRef();
            return fail('unknown flag given');
          }
          flags = f;
        } else {
          dropRef();
          return fail('unknown argument given to redis.register_function');
        }
        lua.lua_pop(L, 1);
      }
      if (name === null) {
        dropRef();
        return fail('redis.register_function must get a function name argument');
      }
      if (ref < 0) return fail('redis.register_function must get a callback argument');
    } else {
      if (!isStr(1)) return fail('first argument to redis.register_function must be a string');
      name = bytesToLatin1(lua.lua_tolstring(L, 1));
      if (lua.lua_type(L, 2) !== LUA_TFUNCTION) return fail('second argument to redis.register_function must be a function');
      ref = lauxlib.luaL_ref(L, LUA_REGISTRYINDEX);
    }
    if (!/^[a-zA-Z0-9_]+$/.test(name)) {
      dropRef();
      return fail('Library names can only contain letters, numbers, or underscores(_) and must be at least one character long');
    }
    const fname = cstr(name);
    if (ctx.functions.some((f) => f.name === fname)) {
      dropRef();
      return fail('Function already exists in the library');
    }
    ctx.functions.push({ name: fname, ref, description: desc, flags });
    return 0;
  }


  // -------------------------------------------------------------------------------------
  // compiling and running
  // -------------------------------------------------------------------------------------

  /** Compile a chunk; the function is kept in the registry until release(ref). */
  compile(body: Uint8Array | string, chunkname = '@user_script'): CompileOk | CompileErr {
    const L = this.L;
    const bytes = typeof body === 'string' ? latin1ToBytes(body) : body;
    const status = lauxlib.luaL_loadbufferx(L, bytes, bytes.length, latin1ToBytes(chunkname), null);
    if (status !== LUA_OK) {
      const u = lua.lua_tolstring(L, -1);
      const msg = u ? bytesToLatin1(u) : 'unknown error';
      lua.lua_pop(L, 1);
      return { ok: false, error: msg };
    }
    const fn = L.stack[L.top - 1];
    if (fn && fn.value && fn.value.p) internConstants(fn.value.p, this.globalKeys());
    return { ok: true, ref: lauxlib.luaL_ref(L, LUA_REGISTRYINDEX) };
  }

  /**
   * The key strings of _G and of the library tables in it, by content. A script's string
   * constants are swapped for these (internConstants), so looking up `redis.call` or `KEYS`
   * finds its key by identity instead of comparing bytes.
   */
  private globalKeys(): Map<string, unknown> {
    if (this.globalKeyStrings !== null) return this.globalKeyStrings;
    const m = new Map<string, unknown>();
    const addKeys = (t: any, depth: number): void => {
      if (t.dummy) return;
      for (let i = 0; i < t.nkey.length; i++) {
        const k = t.nkey[i];
        if (k === null || k === undefined || k.type !== TLNGSTR) continue;
        const name = bytesToLatin1(k.value.realstring);
        if (!m.has(name)) m.set(name, k.value);
        const v = t.nval[i];
        if (depth === 0 && v.type === LUA_TTABLE) addKeys(v.value, 1);
      }
    };
    addKeys(this.globals, 0);
    this.globalKeyStrings = m;
    return m;
  }

  private globalKeyStrings: Map<string, unknown> | null = null;

  release(ref: number): void {
    lauxlib.luaL_unref(this.L, LUA_REGISTRYINDEX, ref);
  }

  /** Push the value of a compiled ref (e.g. to call it during FUNCTION LOAD). */
  pushRef(ref: number): void {
    lua.lua_rawgeti(this.L, LUA_REGISTRYINDEX, ref);
  }

  private takeThread(): { co: LuaState; ref: number } {
    const spare = this.spareThread;
    if (spare) {
      this.spareThread = null;
      return spare;
    }
    const L = this.L;
    const co = lua.lua_newthread(L);
    const ref = lauxlib.luaL_ref(L, LUA_REGISTRYINDEX);
    return { co, ref };
  }

  private releaseThread(ctx: RunContext, reusable: boolean): void {
    if (reusable && !this.spareThread) {
      lua.lua_settop(ctx.co, 0);
      this.spareThread = ctx.thread;
    } else {
      lauxlib.luaL_unref(this.L, LUA_REGISTRYINDEX, ctx.coRef);
    }
  }

  /**
   * Start running a compiled script. In eval mode KEYS and ARGV become globals; in
   * function mode the function receives them as its two arguments.
   * The reply (or error) is written to `reply` when the run ends.
   * `name` is the script's name in error messages (the sha for EVAL, the function name for FCALL).
   */
  start(ref: number, keys: readonly string[], argv: readonly string[], host: ScriptHost, reply: ReplySink, name: string): ScriptRun {
    const L = this.L;
    const thread = this.takeThread();
    const co = thread.co;
    let nargs = 0;
    if (this.mode === 'eval') {
      this.runArgs.reset();
      this.keysSlot.value = this.keysTable.fill(L, keys, this.runArgs);
      this.argvSlot.value = this.argvTable.fill(L, argv, this.runArgs);
      lua.lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
      lua.lua_xmove(L, co, 1);
    } else {
      lua.lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
      this.runArgs.reset();
      pushArray(L, keys, this.runArgs);
      pushArray(L, argv, this.runArgs);
      lua.lua_xmove(L, co, 3);
      nargs = 2;
    }
    const ctx = new RunContext(host, thread, nargs, name, reply);
    return new ScriptRun(this, ctx);
  }

  /** Before _G is protected: _G[name] = a new array of items. */
  private setGlobalArray(name: Uint8Array, items: readonly string[]): void {
    const L = this.L;
    lua.lua_pushglobaltable(L);
    lua.lua_pushstring(L, name);
    pushArray(L, items);
    lua.lua_rawset(L, -3);
    lua.lua_pop(L, 1);
  }

  /** The value slot (a TValue) of a global that exists. */
  private globalSlot(name: Uint8Array): any {
    const slot = ltable.luaH_getstr(this.globals, lstring.luaS_bless(this.L, name));
    if (slot === lobject.luaO_nilobject) throw new Error('lua: missing global');
    return slot;
  }

  private readonly runArgs = new ArgStrings();
  private readonly keysTable = new ArgTable();
  private readonly argvTable = new ArgTable();

  /** In eval mode: where _G.KEYS and _G.ARGV live; each run writes its tables there. */
  private keysSlot: any = null;
  private argvSlot: any = null;

  /** @internal the shouldYield of stepUntil (the running context's deadline) */
  readonly pastDeadline = (): boolean => this.current !== null && perfNow() >= this.current.deadline;

  /** @internal */
  _step(ctx: RunContext, shouldYield: () => boolean): boolean {
    if (ctx.done) return true;
    const co = ctx.co;
    ctx.shouldYield = shouldYield;
    ctx.hookYielding = false;
    this.current = ctx;
    if (this.resumers.length !== 0) this.resumers.length = 0;
    let status: number;
    try {
      // (setting a hook also resets the thread's last-line mark: a debug run keeps its own)
      if (!this.debugging || !ctx.started) lua.lua_sethook(co, this.hook, this.hookMask, HOOK_COUNT);
      const n = ctx.started ? 0 : ctx.nargs;
      ctx.started = true;
      status = lua.lua_resume(co, null, n);
    } catch (e) {
      this.current = null;
      this.finishWithError(ctx, ERR.internalErrorRunning + String((e as Error)?.message ?? e), false);
      return true;
    }
    if (status === LUA_YIELD && ctx.hookYielding) {
      this.current = null;
      if (ctx.outOfMemory) {
        // like Lua's LUA_ERRMEM: no error handler, no pcall to catch it
        this.finishWithError(ctx, this.formatRunError(ctx, null, 'not enough memory', ctx.lastLocation), false);
        return true;
      }
      return false;
    }
    try {
      if (status === LUA_OK) {
        // one result, as lua_pcall(lua, 0, 1, ...) gives
        if (lua.lua_gettop(co) === 0) lua.lua_pushnil(co);
        else lua.lua_settop(co, 1);
        luaReplyToRedisReply(co, ctx.reply, ctx.resp);
        ctx.done = true;
        this.current = null;
        lua.lua_sethook(co, null, 0, 0);
        this.releaseThread(ctx, lua.lua_status(co) === LUA_OK);
        return true;
      }
      if (status === LUA_YIELD) {
        // a plain yield reached the top: Redis's main thread cannot yield
        this.current = null;
        this.finishWithError(ctx, this.formatRunError(ctx, null, MSG_YIELD_BOUNDARY, locationOf(co, 0)), false);
        return true;
      }
      this.current = null;
      const loc = locationOf(co, 0);
      const text = this.errorReplyText(ctx, co, loc);
      this.finishWithError(ctx, text, false, this.errorCounted);
      return true;
    } finally {
      this.current = null;
    }
  }

  /** @internal */
  _kill(ctx: RunContext): void {
    if (ctx.done) return;
    ctx.killed = true;
    // where the script's main thread was when it gave way: Redis raises the kill error there
    const loc = ctx.lastLocation;
    this.finishWithError(ctx, this.formatRunError(ctx, KILL_MESSAGE, null, loc), false);
  }

  /** @internal */
  _fail(ctx: RunContext, message: string): void {
    if (ctx.done) return;
    this.finishWithError(ctx, this.formatRunError(ctx, null, message, ctx.lastLocation), false);
  }

  /** @internal */
  _within<T>(ctx: RunContext, fn: () => T): T {
    const prev = this.current;
    this.current = ctx;
    try {
      return fn();
    } finally {
      this.current = prev;
    }
  }

  private logError(text: string): void {
    const ldb = this.current?.ldb;
    if (ldb) ldb.logError(text);
  }

  /** errorReplyText's error object came from a command whose error was counted already. */
  private errorCounted = false;

  private finishWithError(ctx: RunContext, text: string, reusable: boolean, counted = false): void {
    ctx.done = true;
    if (counted && ctx.reply.errorNoStats !== undefined) ctx.reply.errorNoStats(text);
    else ctx.reply.error(text);
    lua.lua_sethook(ctx.co, null, 0, 0);
    this.releaseThread(ctx, reusable);
  }

  /** The reply text for an error object on top of co (a dead coroutine). */
  private errorReplyText(ctx: RunContext, co: LuaState, loc: Location | null): string {
    const L = this.L;
    lua.lua_xmove(co, L, 1);
    this.errorCounted = false;
    if (lua.lua_type(L, -1) === LUA_TTABLE) {
      lua.lua_getfield(L, -1, 'err');
      const t = lua.lua_type(L, -1);
      const msg = t === LUA_TSTRING || t === LUA_TNUMBER ? cLatin1(lua.lua_tolstring(L, -1)) : null;
      lua.lua_pop(L, 1);
      lua.lua_getfield(L, -1, 'ignore_error_stats_update');
      this.errorCounted = lua.lua_type(L, -1) === LUA_TBOOLEAN && lua.lua_toboolean(L, -1);
      lua.lua_pop(L, 2);
      return this.formatRunError(ctx, msg ?? ERR.unknownError, null, loc);
    }
    // {err = 'ERR ' .. tostring(err)}
    lua.lua_pushcfunction(L, tostringCF);
    lua.lua_insert(L, -2);
    const st = lua.lua_pcall(L, 1, 1, 0);
    const u = st === LUA_OK ? lua.lua_tolstring(L, -1) : null;
    const s = u ? cLatin1(u) : 'nil';
    lua.lua_pop(L, 1);
    return this.formatRunError(ctx, null, s, loc);
  }

  private formatRunError(ctx: RunContext, errField: string | null, plainMsg: string | null, loc: Location | null): string {
    let msg = errField;
    if (msg === null) msg = 'ERR ' + (plainMsg ?? 'nil');
    let text = msg;
    if (loc) text += ` script: ${ctx.name}, on ${loc.source}:${loc.line}.`;
    return sanitizeError(text);
  }

  // -------------------------------------------------------------------------------------
  // the count hook
  // -------------------------------------------------------------------------------------

  private onHook(L: LuaState): void {
    const ctx = this.current;
    if (!ctx) return;
    if (ctx.killed) {
      if (this.canYieldAll(L)) {
        ctx.hookYielding = true;
        lua.lua_yield(L, 0);
      }
      return;
    }
    if (this.memoryExhausted()) {
      if (this.canYieldAll(L)) {
        ctx.outOfMemory = true;
        ctx.lastLocation = locationOf(ctx.co, 0);
        ctx.hookYielding = true;
        lua.lua_yield(L, 0);
        return;
      }
      lauxlib.luaL_error(L, 'not enough memory');
    }
    if (!ctx.shouldYield()) return;
    if (!this.canYieldAll(L)) return;
    ctx.lastLocation = locationOf(ctx.co, 0);
    ctx.hookYielding = true;
    lua.lua_yield(L, 0);
  }

  /** The hook of a debug engine: the debugger sees every line and count event. */
  private onDebugHook(L: LuaState, ar: any): void {
    const ctx = this.current;
    if (!ctx || ctx.hookYielding) return;
    if (this.memoryExhausted()) lauxlib.luaL_error(L, 'not enough memory');
    const ldb = ctx.ldb;
    if (!ldb) return;
    let line: number | null = null;
    let count = false;
    if (ar.event === LUA_HOOKCOUNT) {
      // fengari calls the line hook right after for the same instruction; a yield here
      // would make it skip that line event when the run resumes
      if (lineEventFollows(L)) {
        ctx.countPending = true;
        return;
      }
      count = true;
    } else {
      line = ar.currentline;
      count = ctx.countPending;
      ctx.countPending = false;
    }
    const canYield = this.canYieldAll(L);
    if (!ldb.onHook(L, line, count, canYield) || !canYield) return;
    ctx.lastLocation = locationOf(L, 0);
    ctx.hookYielding = true;
    lua.lua_yield(L, 0);
  }

  private canYieldAll(L: LuaState): boolean {
    if (!lua.lua_isyieldable(L)) return false;
    for (const r of this.resumers) if (!lua.lua_isyieldable(r)) return false;
    return true;
  }
}

// ---------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------

/** A function registered by a library while it loads. */
export interface RegisteredFunction {
  name: string;
  ref: number;
  description: string | null;
  flags: number;
}

interface LoadContext {
  functions: RegisteredFunction[];
  start: number;
  timeoutMs: number;
}

/** Script flag names (Redis's scripts_flags_def order) and their bits. */
export const FUNCTION_FLAGS: [string, number][] = [
  ['no-writes', 1 << 0],
  ['allow-oom', 1 << 1],
  ['allow-stale', 1 << 2],
  ['no-cluster', 1 << 3],
  ['allow-cross-slot-keys', 1 << 5],
];

/** The flags table on top of L (flags[1], flags[2]... until nil); null on an unknown flag. */
function readFunctionFlags(L: LuaState): number | null {
  let flags = 0;
  for (let j = 1; ; j++) {
    lua.lua_pushnumber(L, j);
    lua.lua_gettable(L, -2);
    const t = lua.lua_type(L, -1);
    if (t === lua.LUA_TNIL) {
      lua.lua_pop(L, 1);
      return flags;
    }
    if (t !== LUA_TSTRING && t !== LUA_TNUMBER) {
      lua.lua_pop(L, 1);
      return null;
    }
    const name = cLatin1(lua.lua_tolstring(L, -1)).toLowerCase();
    lua.lua_pop(L, 1);
    const def = FUNCTION_FLAGS.find(([n]) => n === name);
    if (!def) return null;
    flags |= def[1];
  }
}

/** Whether fengari's luaG_traceexec calls the line hook for the instruction being fetched. */
function lineEventFollows(L: LuaState): boolean {
  const ci = L.ci;
  if ((ci.callstatus & CIST_LUA) === 0) return false;
  const p = ci.func.value.p;
  const lineinfo = p.lineinfo;
  if (lineinfo.length === 0) return false;
  const npc = ci.l_savedpc - 1;
  return npc === 0 || ci.l_savedpc <= L.oldpc || lineinfo[npc] !== lineinfo[L.oldpc - 1];
}

function cLatin1(u: Uint8Array): string {
  const z = u.indexOf(0);
  return bytesToLatin1(z < 0 ? u : u.subarray(0, z));
}

/** Global names set on every call, converted to Lua strings once instead of per call. */
const KEYS_NAME = latin1ToBytes('KEYS');
const ARGV_NAME = latin1ToBytes('ARGV');

function pushArray(L: LuaState, items: readonly string[], seen?: ArgStrings): void {
  L.stack[L.top] = new lobject.TValue(LUA_TTABLE, newArrayTable(L, items, seen));
  L.top++;
}

/**
 * A table of byte strings at 1..n, laid out as Redis's luaCreateArray leaves it: rawseti
 * from an empty table ends with an array part of the next power of two and no hash part,
 * so '#' and next() after a script's own writes see what they see in Redis.
 */
function newArrayTable(L: LuaState, items: readonly string[], seen?: ArgStrings): unknown {
  const n = items.length;
  const t = ltable.luaH_new(L, n === 0 ? 0 : 1 << (32 - Math.clz32(n - 1)), 0);
  const arr = t.array;
  for (let j = 0; j < n; j++) {
    const v = arr[j];
    const bytes = latin1ToBytes(items[j]);
    v.type = TLNGSTR;
    v.value = lstring.luaS_bless(L, bytes);
    if (seen !== undefined) seen.add(bytes, items[j]);
  }
  return t;
}

/** Swap a function's short string constants (and its inner functions') for interned ones. */
function internConstants(p: any, keys: Map<string, unknown>): void {
  const k = p.k;
  for (let i = 0; i < k.length; i++) {
    const v = k[i];
    if (v.type !== TLNGSTR || v.value.realstring.length > 32) continue;
    const ts = keys.get(bytesToLatin1(v.value.realstring));
    if (ts !== undefined) v.value = ts;
  }
  for (let i = 0; i < p.p.length; i++) internConstants(p.p[i], keys);
}

/**
 * The KEYS or ARGV table of the last run, handed to the next run again when the script
 * left it exactly as it was built. Nothing a script creates outlives it (the globals and
 * libraries are readonly), so reusing the table is invisible; it spares a table and its
 * strings per EVAL.
 */
class ArgTable {
  private table: any = null;
  /** the TStrings put in the array part, and the argument strings they hold */
  private readonly ts: unknown[] = [];
  private readonly strs: string[] = [];

  fill(L: LuaState, items: readonly string[], seen: ArgStrings): unknown {
    const n = items.length;
    const size = n === 0 ? 0 : 1 << (32 - Math.clz32(n - 1));
    const t = this.table;
    if (t === null || t.metatable !== null || !t.dummy || t.sizearray !== size) return this.fresh(L, items, seen);
    const arr = t.array;
    for (let j = n; j < size; j++) if (arr[j].type !== LUA_TNIL) return this.fresh(L, items, seen);
    for (let j = 0; j < n; j++) {
      const v = arr[j];
      if (v.type !== TLNGSTR || v.value !== this.ts[j] || this.strs[j] !== items[j]) {
        const bytes = latin1ToBytes(items[j]);
        v.type = TLNGSTR;
        v.value = lstring.luaS_bless(L, bytes);
        this.ts[j] = v.value;
        this.strs[j] = items[j];
      }
      // (the string of the last run when the same: the keyspace hashed it already)
      seen.add(v.value.realstring, this.strs[j]);
    }
    return t;
  }

  private fresh(L: LuaState, items: readonly string[], seen: ArgStrings): unknown {
    const t: any = newArrayTable(L, items, seen);
    this.table = t;
    const n = items.length;
    this.ts.length = n;
    this.strs.length = n;
    for (let j = 0; j < n; j++) {
      this.ts[j] = t.array[j].value;
      this.strs[j] = items[j];
    }
    return t;
  }
}

/**
 * The strings of a run's first KEYS/ARGV entries by the bytes handed to Lua: a script
 * passing KEYS[1] to redis.call gets the server's own string back instead of a copy.
 */
class ArgStrings {
  private readonly bytes: (Uint8Array | null)[] = new Array(8).fill(null);
  private readonly strs: string[] = new Array(8).fill('');
  private n = 0;
  reset(): void {
    this.n = 0;
  }
  add(u: Uint8Array, s: string): void {
    if (this.n === 8) return;
    this.bytes[this.n] = u;
    this.strs[this.n++] = s;
  }
  get(u: Uint8Array): string {
    for (let i = 0; i < this.n; i++) if (this.bytes[i] === u) return this.strs[i];
    return bytesToLatin1(u);
  }
}

const NAME_CACHE_SIZE = 64;

/**
 * Command names for redis.call, interned by content: a script's name constant is the same
 * bytes on every run, and a string the command table has seen hashes for free.
 */
class NameStrings {
  private readonly bytes: (Uint8Array | null)[] = new Array(NAME_CACHE_SIZE).fill(null);
  private readonly strs: string[] = new Array(NAME_CACHE_SIZE).fill('');
  get(u: Uint8Array): string {
    const n = u.length;
    if (n > 24) return bytesToLatin1(u);
    let h = n;
    for (let i = 0; i < n; i++) h = (h * 31 + u[i]) | 0;
    const slot = h & (NAME_CACHE_SIZE - 1);
    if (this.bytes[slot] === u) return this.strs[slot];
    const cs = this.strs[slot];
    if (cs.length === n) {
      let i = 0;
      while (i < n && cs.charCodeAt(i) === u[i]) i++;
      if (i === n) {
        this.bytes[slot] = u;
        return cs;
      }
    }
    const s = bytesToLatin1(u);
    this.bytes[slot] = u;
    this.strs[slot] = s;
    return s;
  }
}

/** fengari 0.1.5's OP_CALL and OP_TAILCALL (lopcodes.js) */
const isCall = (op: number): boolean => op === 36 || op === 37;

/** Mark a table (a fengari Table object) and everything reachable from it readonly. */
function markReadonly(t: any): void {
  if (!t || t.readonly) return;
  t.readonly = true;
  const visit = (v: any) => {
    if (v && v.value instanceof ltable.Table) markReadonly(v.value);
  };
  for (let i = 0; i < t.sizearray; i++) visit(t.array[i]);
  if (!t.dummy) for (let i = 0; i < t.nval.length; i++) visit(t.nval[i]);
  if (t.metatable) markReadonly(t.metatable);
}

/**
 * Where an error happened, as Redis's __redis__err__handler reports it: the function at
 * `level`, or its caller when that function is a C function.
 */
function locationOf(co: LuaState, level: number): Location | null {
  const ar = new lua.lua_Debug();
  if (!lua.lua_getstack(co, level, ar)) return null;
  lua.lua_getinfo(co, 'Sl', ar);
  const what = ar.what ? bytesToLatin1(ar.what) : '';
  if (what === 'C' || what === 'J') {
    if (!lua.lua_getstack(co, level + 1, ar)) return null;
    lua.lua_getinfo(co, 'Sl', ar);
  }
  return { source: ar.source ? bytesToLatin1(ar.source) : '?', line: ar.currentline };
}

/** For __redis__err__handler called as a normal function: the caller's location. */
function errorLocationFrom(L: LuaState, level: number): Location | null {
  return locationOf(L, level);
}

const tostringCF: CFn = (L) => {
  luaToString(L, 1);
  return 1;
};

export { LuaReplySink, luaReplyToRedisReply, checkint, mapNewlines };
