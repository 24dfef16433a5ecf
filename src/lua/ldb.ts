/**
 * The Lua debugger (Redis's LDB): the state of one debugging session, the stops the line
 * hook makes, and the commands redis-cli's `--ldb` REPL sends while a script is stopped.
 * The output is Redis's, line for line: every command answers with an array of status
 * replies, written straight to the client's socket.
 *
 * A stop suspends the run (the hook yields); the session (src/lua/debug-session.ts) feeds
 * the client's bytes here and resumes the run on `step` or `continue`. While stopped, the
 * stopped thread is inspected in place (print, trace), and `eval` / `redis` run on the
 * engine's main state with the run made current, so redis.call works in them.
 */
import {
  lua,
  lauxlib,
  LUA_OK,
  LUA_YIELD,
  LUA_TNIL,
  LUA_TNUMBER,
  LUA_TSTRING,
  LUA_TTABLE,
  LUA_TBOOLEAN,
  LUA_TFUNCTION,
  LUA_TUSERDATA,
  LUA_TTHREAD,
  LUA_TLIGHTUSERDATA,
  CIST_HOOKYIELD,
} from './fengari.ts';
import type { DebugController } from './vm.ts';
import { pushErrorTable } from './bridge.ts';
import { bytesToLatin1, latin1ToBytes } from './luastr.ts';
import { reprBytes } from '../core/monitor.ts';
import { formatG } from '../util/numbers.ts';
import type { ReplySink } from '../resp/sink.ts';
import { ERR, cstr } from '../errors.ts';
import { perfNow } from '../util/clock.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
type LuaState = any;


const BREAKPOINTS_MAX = 64;
const MAX_LEN_DEFAULT = 256;
/** LUA_MINSTACK / 2: how deep nested tables are shown */
const MAX_VALUES_DEPTH = 10;
/** connRead's buffer: the debugger reads its client this many bytes at a time */
const READ_CHUNK = 1024;
const MAX_CLIENT_BUFFER = 1 << 20;

const LDB_ERR_PROTOCOL = ERR.ldbProtocol;
const LDB_ERR_MAX_BUFFER = ERR.ldbMaxBuffer;
const LDB_ERR_ABORTED = ERR.ldbAborted;
const LDB_ERR_TIMEOUT_CLOSED = ERR.ldbTimeoutClosed;
const LDB_ERR_UNKNOWN_COMMAND = ERR.ldbUnknownCommand;

const HELP = [
  'Redis Lua debugger help:',
  '[h]elp               Show this help.',
  '[s]tep               Run current line and stop again.',
  '[n]ext               Alias for step.',
  '[c]ontinue           Run till next breakpoint.',
  '[l]ist               List source code around current line.',
  '[l]ist [line]        List source code around [line].',
  '                     line = 0 means: current position.',
  '[l]ist [line] [ctx]  In this form [ctx] specifies how many lines',
  '                     to show before/after [line].',
  "[w]hole              List all source code. Alias for 'list 1 1000000'.",
  '[p]rint              Show all the local variables.',
  '[p]rint <var>        Show the value of the specified variable.',
  '                     Can also show global vars KEYS and ARGV.',
  '[b]reak              Show all breakpoints.',
  '[b]reak <line>       Add a breakpoint to the specified line.',
  '[b]reak -<line>      Remove breakpoint from the specified line.',
  '[b]reak 0            Remove all breakpoints.',
  '[t]race              Show a backtrace.',
  '[e]val <code>        Execute some Lua code (in a different callframe).',
  '[r]edis <cmd>        Execute a Redis command.',
  '[m]axlen [len]       Trim logged Redis replies and Lua var dumps to len.',
  '                     Specifying zero as <len> means unlimited.',
  '[a]bort              Stop the execution of the script. In sync',
  '                     mode dataset changes will be retained.',
  '',
  'Debugger functions you can call from Lua scripts:',
  'redis.debug()        Produce logs in the debugger console.',
  'redis.breakpoint()   Stop execution like if there was a breakpoint in the',
  '                     next line of code.',
];

/** What the debugger needs from its session. */
export interface LdbSessionPort {
  /** Bytes for the client's socket, written now (ahead of any reply still buffered). */
  write(data: string): void;
  /** step / continue: resume the stopped run. */
  resume(): void;
  /** End the stopped run with this error, raised where it stopped. */
  abort(message: string): void;
  /** Run fn with the run current in its engine (redis.call works). */
  within<T>(fn: () => T): T;
  /** The engine's main Lua state, where eval and redis run. */
  readonly L: LuaState;
}

export class Ldb implements DebugController {
  private readonly src: string[];
  private readonly bp = new Int32Array(BREAKPOINTS_MAX);
  private bpcount = 0;
  /** stop at the next line; while set (the current line runs after `step`), redis.call is logged */
  step = true;
  private luabp = false;
  private currentline = 0;
  private maxlen = MAX_LEN_DEFAULT;
  private maxlenHintSent = false;
  private logs: string[] = [];
  /** bytes the debugger has read and not yet parsed */
  private cbuf = '';
  /** bytes the client sent that the debugger has not read yet (the socket's buffer) */
  private unread = '';
  private clientClosed = false;
  /** the thread stopped in (null while the run goes on) */
  private stoppedIn: LuaState = null;
  private stoppedByTimeout = false;
  /** when the run last started or resumed (perfNow) */
  private runStart = perfNow();
  /** a running script gives the event loop a turn after this time */
  sliceEnd = Infinity;
  private readonly addresses = new WeakMap<object, string>();
  private nextAddress = 0x7f3a2c01a000;

  constructor(
    body: string,
    private readonly port: LdbSessionPort,
    /** busy-reply-threshold (5000 when 0): a run this long without a stop stops */
    private readonly timeLimitMs: number,
  ) {
    let end = body.length;
    while (end > 0 && (body[end - 1] === '\n' || body[end - 1] === '\r')) end--;
    this.src = end === 0 ? [] : body.slice(0, end).split('\n');
  }

  /** The run is stopped, waiting for debugger commands. */
  get stopped(): boolean {
    return this.stoppedIn !== null;
  }

  // -------------------------------------------------------------------------------------
  // logs
  // -------------------------------------------------------------------------------------

  log(entry: string): void {
    this.logs.push(entry);
  }

  /** ldbLogWithMaxLen: trimmed to maxlen, with a one-time hint. */
  private logWithMaxLen(entry: string): void {
    let trimmed = false;
    if (this.maxlen !== 0 && entry.length > this.maxlen) {
      entry = entry.slice(0, this.maxlen) + ' ...';
      trimmed = true;
    }
    this.log(entry);
    if (trimmed && !this.maxlenHintSent) {
      this.maxlenHintSent = true;
      this.log("<hint> The above reply was trimmed. Use 'maxlen 0' to disable trimming.");
    }
  }

  /** ldbSendLogs: the pending entries as an array of status replies. */
  sendLogs(): void {
    let out = `*${this.logs.length}\r\n`;
    for (const entry of this.logs) out += '+' + entry.replace(/[\r\n]/g, ' ') + '\r\n';
    this.logs = [];
    if (!this.clientClosed) this.port.write(out);
  }

  // -------------------------------------------------------------------------------------
  // the hook (DebugController)
  // -------------------------------------------------------------------------------------

  onHook(L: LuaState, line: number | null, count: boolean, canYield: boolean): boolean {
    const ar = new lua.lua_Debug();
    lua.lua_getstack(L, 0, ar);
    lua.lua_getinfo(L, 'Sl', ar);
    this.currentline = ar.currentline;
    const bp = this.isBreakpoint(this.currentline) || this.luabp;
    const giveWay = count && canYield && perfNow() >= this.sliceEnd;
    if (!bytesToLatin1(ar.short_src).includes('user_script')) return giveWay;
    let timeout = false;
    if (count && !this.step && !bp) {
      if (perfNow() - this.runStart < this.timeLimitMs) return giveWay;
      timeout = true;
      this.step = true;
    }
    if (!this.step && !bp) return giveWay;
    // A stop waits for the client, which needs the run suspended; where it cannot be
    // (inside a C call that cannot yield) the stop happens at the next line that can.
    if (!canYield) return false;
    const reason = bp ? (this.luabp ? 'redis.breakpoint() called' : 'break point') : timeout ? 'timeout reached, infinite loop?' : 'step over';
    this.step = false;
    this.luabp = false;
    this.log(`* Stopped at ${this.currentline}, stop reason = ${reason}`);
    this.logSourceLine(this.currentline);
    this.sendLogs();
    if (this.clientClosed && this.unread.length === 0) {
      // nobody to ask: run on, as Redis does when the read fails
      this.forgetBreakpoints();
      if (timeout) {
        pushErrorTable(L, LDB_ERR_TIMEOUT_CLOSED);
        lua.lua_error(L);
      }
      this.runStart = perfNow();
      return false;
    }
    this.stoppedIn = L;
    this.stoppedByTimeout = timeout;
    return true;
  }

  breakpoint(): boolean {
    this.luabp = true;
    return true;
  }

  debug(L: LuaState, argc: number): void {
    let s = `<debug> line ${this.currentline}: `;
    for (let i = 1; i <= argc; i++) {
      s += this.catValue(L, i, 0);
      if (i !== argc) s += ', ';
    }
    this.log(s);
  }

  logError(text: string): void {
    if (!this.step) return;
    const entry = '<error> ' + cstr(text);
    if (this.heldErrors !== null) this.heldErrors.push(entry);
    else this.log(entry);
  }

  /** errors logged while a redis.call runs, until it is known whether it ran at all */
  private heldErrors: string[] | null = null;

  /** A redis.call about to run while stepping: logged, and its errors held until it ends. */
  commandStarts(argv: string[]): void {
    this.logCommand(argv);
    this.heldErrors = [];
  }

  /**
   * The redis.call ended: `refused` when the script could not run the command at all
   * (Redis logs only why, without the ERR code), else the errors in its reply and the
   * reply itself. `resp` is what the call wrote, as RESP bytes.
   */
  commandEnds(refused: boolean, resp: string): void {
    const held = this.heldErrors ?? [];
    this.heldErrors = null;
    if (refused) {
      const text = resp.slice(1, resp.length - 2);
      this.log('<error> ' + (text.startsWith('ERR ') ? text.slice(4) : '-' + text));
      return;
    }
    for (const e of held) this.log(e);
    this.logReply(resp);
  }

  private logCommand(argv: string[]): void {
    let s = '<redis>';
    for (let j = 0; j < argv.length; j++) {
      if (j === 10) {
        s += ` ... (${argv.length - j - 1} more)`;
        break;
      }
      s += ' ' + cstr(argv[j]);
    }
    this.log(s);
  }

  /** The RESP bytes of a redis.call reply, in ldbRedisProtocolToHuman's form. */
  logReply(resp: string): void {
    const out = { s: '<reply> ' };
    protocolToHuman(out, resp, 0);
    this.logWithMaxLen(out.s);
  }

  // -------------------------------------------------------------------------------------
  // the client's input while stopped
  // -------------------------------------------------------------------------------------

  /** Bytes from the client. */
  feed(data: string): void {
    this.unread += data;
    if (this.stoppedIn !== null) this.serve();
  }

  /** The client went away. */
  clientGone(): void {
    this.clientClosed = true;
    if (this.stoppedIn !== null) this.serve();
  }

  /** Run the client's commands while stopped, until one resumes or ends the run. */
  serve(): void {
    while (this.stoppedIn !== null) {
      const argv = parseCommand(this.cbuf);
      if (argv === LDB_ERR_PROTOCOL) {
        this.end(LDB_ERR_PROTOCOL);
        return;
      }
      if (argv === null) {
        if (this.unread.length === 0) {
          if (this.clientClosed) this.readFailed();
          return;
        }
        this.cbuf += this.unread.slice(0, READ_CHUNK);
        this.unread = this.unread.slice(READ_CHUNK);
        if (this.cbuf.length > MAX_CLIENT_BUFFER) {
          this.cbuf = '';
          this.end(LDB_ERR_MAX_BUFFER);
        }
        continue;
      }
      // what followed the command in the same read is dropped, as Redis's ldbRepl does
      this.cbuf = '';
      this.execute(argv);
    }
  }

  /** ldbRepl's read failed: the script runs on without stopping (or ends, after a timeout). */
  private readFailed(): void {
    this.forgetBreakpoints();
    if (this.stoppedByTimeout) {
      this.end(LDB_ERR_TIMEOUT_CLOSED);
      return;
    }
    this.resume();
  }

  private forgetBreakpoints(): void {
    this.step = false;
    this.bpcount = 0;
  }

  private resume(): void {
    this.stoppedIn = null;
    this.runStart = perfNow();
    this.port.resume();
  }

  private end(message: string): void {
    this.stoppedIn = null;
    this.port.abort(message);
  }

  private execute(argv: string[]): void {
    const name = cstr(argv[0]).toLowerCase();
    const argc = argv.length;
    const is = (short: string, long: string) => name === short || name === long;
    if (is('h', 'help')) {
      for (const line of HELP) this.log(line);
    } else if (is('s', 'step') || is('n', 'next')) {
      this.step = true;
      this.resume();
      return;
    } else if (is('c', 'continue')) {
      this.resume();
      return;
    } else if (is('t', 'trace')) {
      this.trace();
    } else if (is('m', 'maxlen')) {
      this.maxlenCommand(argv);
    } else if (is('b', 'break')) {
      this.breakCommand(argv);
    } else if (is('e', 'eval')) {
      this.evalCommand(argv);
    } else if (is('a', 'abort')) {
      this.end(LDB_ERR_ABORTED);
      return;
    } else if (argc > 1 && is('r', 'redis')) {
      this.redisCommand(argv);
    } else if (is('p', 'print')) {
      if (argc === 2) this.printVar(cstr(argv[1]));
      else this.printAll();
    } else if (is('l', 'list')) {
      let around = this.currentline;
      let ctx = 5;
      if (argc > 1) {
        const num = atoi(argv[1]);
        if (num > 0) around = num;
      }
      if (argc > 2) ctx = atoi(argv[2]);
      this.list(around, ctx);
    } else if (is('w', 'whole')) {
      this.list(1, 1000000);
    } else {
      this.log(LDB_ERR_UNKNOWN_COMMAND);
    }
    this.sendLogs();
  }

  // -------------------------------------------------------------------------------------
  // source and breakpoints
  // -------------------------------------------------------------------------------------

  private sourceLine(line: number): string {
    const idx = line - 1;
    if (idx < 0 || idx >= this.src.length) return '<out of range source code line>';
    return this.src[idx];
  }

  private isBreakpoint(line: number): boolean {
    for (let j = 0; j < this.bpcount; j++) if (this.bp[j] === line) return true;
    return false;
  }

  private addBreakpoint(line: number): boolean {
    if (line <= 0 || line > this.src.length) return false;
    if (!this.isBreakpoint(line) && this.bpcount !== BREAKPOINTS_MAX) {
      this.bp[this.bpcount++] = line;
      return true;
    }
    return false;
  }

  private delBreakpoint(line: number): boolean {
    for (let j = 0; j < this.bpcount; j++) {
      if (this.bp[j] === line) {
        this.bpcount--;
        // Redis moves bpcount-j *bytes* here, not entries: the list it leaves behind is
        // what the user sees afterwards, so the same bytes move here
        const bytes = new Uint8Array(this.bp.buffer);
        bytes.copyWithin(j * 4, (j + 1) * 4, (j + 1) * 4 + (this.bpcount - j));
        return true;
      }
    }
    return false;
  }

  private logSourceLine(lnum: number): void {
    const bp = this.isBreakpoint(lnum);
    const current = this.currentline === lnum;
    const prefix = current && bp ? '->#' : current ? '-> ' : bp ? '  #' : '   ';
    this.log(`${prefix}${String(lnum).padEnd(3)} ${this.sourceLine(lnum)}`);
  }

  private list(around: number, context: number): void {
    for (let j = 1; j <= this.src.length; j++) {
      if (around !== 0 && Math.abs(around - j) > context) continue;
      this.logSourceLine(j);
    }
  }

  private breakCommand(argv: string[]): void {
    if (argv.length === 1) {
      if (this.bpcount === 0) {
        this.log("No breakpoints set. Use 'b <line>' to add one.");
        return;
      }
      this.log(`${this.bpcount} breakpoints set:`);
      for (let j = 0; j < this.bpcount; j++) this.logSourceLine(this.bp[j]);
      return;
    }
    for (let j = 1; j < argv.length; j++) {
      const line = string2l(argv[j]);
      if (line === null) {
        this.log(`Invalid argument:'${cstr(argv[j])}'`);
      } else if (line === 0) {
        this.bpcount = 0;
        this.log('All breakpoints removed.');
      } else if (line > 0) {
        if (this.bpcount === BREAKPOINTS_MAX) this.log('Too many breakpoints set.');
        else if (this.addBreakpoint(line)) this.list(line, 1);
        else this.log('Wrong line number.');
      } else if (this.delBreakpoint(-line)) {
        this.log('Breakpoint removed.');
      } else {
        this.log('No breakpoint in the specified line.');
      }
    }
  }

  private maxlenCommand(argv: string[]): void {
    if (argv.length === 2) {
      let v = atoi(argv[1]);
      this.maxlenHintSent = true;
      if (v !== 0 && v <= 60) v = 60;
      this.maxlen = v;
    }
    if (this.maxlen !== 0) this.log(`<value> replies are truncated at ${this.maxlen} bytes.`);
    else this.log('<value> replies are unlimited.');
  }

  // -------------------------------------------------------------------------------------
  // inspecting the stopped script
  // -------------------------------------------------------------------------------------

  /**
   * Run fn on the stopped thread as the hook saw it: a hook that yielded left the frame's
   * pc one instruction back (fengari re-runs the hook check on resume).
   */
  private inspect<T>(fn: (L: LuaState) => T): T {
    const L = this.stoppedIn;
    const ci = L.ci;
    const fix = lua.lua_status(L) === LUA_YIELD && (ci.callstatus & CIST_HOOKYIELD) !== 0;
    if (fix) ci.l_savedpc++;
    try {
      return fn(L);
    } finally {
      if (fix) ci.l_savedpc--;
    }
  }

  private printAll(): void {
    this.inspect((L) => {
      const ar = new lua.lua_Debug();
      let vars = 0;
      if (lua.lua_getstack(L, 0, ar) !== 0) {
        lua.lua_checkstack(L, 2);
        for (let i = 1; ; i++) {
          const name = lua.lua_getlocal(L, ar, i);
          if (name === null) break;
          const n = bytesToLatin1(name);
          if (!n.includes('(*temporary)')) {
            this.logWithMaxLen(`<value> ${n} = ` + this.catValue(L, lua.lua_gettop(L), 0));
            vars++;
          }
          lua.lua_pop(L, 1);
        }
      }
      if (vars === 0) this.log('No local variables in the current context.');
    });
  }

  private printVar(varname: string): void {
    this.inspect((L) => {
      const ar = new lua.lua_Debug();
      lua.lua_checkstack(L, 2);
      for (let level = 0; lua.lua_getstack(L, level, ar) !== 0; level++) {
        for (let i = 1; ; i++) {
          const name = lua.lua_getlocal(L, ar, i);
          if (name === null) break;
          if (bytesToLatin1(name) === varname) {
            this.logWithMaxLen('<value> ' + this.catValue(L, lua.lua_gettop(L), 0));
            lua.lua_pop(L, 1);
            return;
          }
          lua.lua_pop(L, 1);
        }
      }
      if (varname === 'ARGV' || varname === 'KEYS') {
        lua.lua_getglobal(L, varname);
        this.logWithMaxLen('<value> ' + this.catValue(L, lua.lua_gettop(L), 0));
        lua.lua_pop(L, 1);
      } else {
        this.log('No such variable.');
      }
    });
  }

  private trace(): void {
    this.inspect((L) => {
      const ar = new lua.lua_Debug();
      let level = 0;
      while (lua.lua_getstack(L, level, ar) !== 0) {
        lua.lua_getinfo(L, 'Snl', ar);
        if (bytesToLatin1(ar.short_src).includes('user_script')) {
          this.log(`${level === 0 ? 'In' : 'From'} ${ar.name ? bytesToLatin1(ar.name) : 'top level'}:`);
          this.logSourceLine(ar.currentline);
        }
        level++;
      }
      if (level === 0) this.log("<error> Can't retrieve Lua stack.");
    });
  }

  /** eval <code>: as an expression ("return <code>") if it compiles, else as a statement. */
  private evalCommand(argv: string[]): void {
    const L = this.port.L;
    const code = argv.slice(1).join(' ');
    const chunk = latin1ToBytes('@ldb_eval');
    const expr = latin1ToBytes('return ' + code);
    if (lauxlib.luaL_loadbufferx(L, expr, expr.length, chunk, null) !== LUA_OK) {
      lua.lua_pop(L, 1);
      const stmt = latin1ToBytes(code);
      if (lauxlib.luaL_loadbufferx(L, stmt, stmt.length, chunk, null) !== LUA_OK) {
        this.log('<error> ' + errorText(L));
        lua.lua_pop(L, 1);
        return;
      }
    }
    const status = this.port.within(() => lua.lua_pcall(L, 0, 1, 0));
    if (status !== LUA_OK) {
      this.log('<error> ' + errorText(L));
      lua.lua_pop(L, 1);
      return;
    }
    this.logWithMaxLen('<retval> ' + this.catValue(L, lua.lua_gettop(L), 0));
    lua.lua_pop(L, 1);
  }

  /** redis <cmd>: redis.call with logging on, so the command and its reply are shown. */
  private redisCommand(argv: string[]): void {
    const L = this.port.L;
    if (!lua.lua_checkstack(L, argv.length + 1)) {
      this.logReply('max lua stack reached');
      return;
    }
    lua.lua_getglobal(L, 'redis');
    lua.lua_getfield(L, -1, 'call');
    for (let j = 1; j < argv.length; j++) lua.lua_pushstring(L, latin1ToBytes(argv[j]));
    this.step = true;
    this.port.within(() => lua.lua_pcall(L, argv.length - 1, 1, 0));
    this.step = false;
    lua.lua_pop(L, 2);
  }

  // -------------------------------------------------------------------------------------
  // values
  // -------------------------------------------------------------------------------------

  /** ldbCatStackValueRec: a Lua value (at absolute index idx of L) for humans. */
  private catValue(L: LuaState, idx: number, level: number): string {
    if (level === MAX_VALUES_DEPTH) return '<max recursion level reached! Nested table?>';
    level++;
    const t = lua.lua_type(L, idx);
    switch (t) {
      case LUA_TSTRING:
        return reprBytes(bytesToLatin1(lua.lua_tolstring(L, idx)));
      case LUA_TBOOLEAN:
        return lua.lua_toboolean(L, idx) ? 'true' : 'false';
      case LUA_TNUMBER:
        return formatG(lua.lua_tonumber(L, idx), 6);
      case LUA_TNIL:
        return 'nil';
      case LUA_TTABLE: {
        let expected = 1;
        let isArray = true;
        let asArray = '';
        let asMap = '';
        lua.lua_checkstack(L, 3);
        lua.lua_pushnil(L);
        while (lua.lua_next(L, idx)) {
          const top = lua.lua_gettop(L);
          if (isArray && (lua.lua_type(L, top - 1) !== LUA_TNUMBER || lua.lua_tonumber(L, top - 1) !== expected)) isArray = false;
          const value = this.catValue(L, top, level);
          asArray += value + '; ';
          asMap += '[' + this.catValue(L, top - 1, level) + ']=' + value + '; ';
          lua.lua_pop(L, 1);
          expected++;
        }
        if (asArray.length !== 0) asArray = asArray.slice(0, -2);
        if (asMap.length !== 0) asMap = asMap.slice(0, -2);
        return '{' + (isArray ? asArray : asMap) + '}';
      }
      case LUA_TFUNCTION:
      case LUA_TUSERDATA:
      case LUA_TTHREAD:
      case LUA_TLIGHTUSERDATA: {
        const typename = t === LUA_TFUNCTION ? 'function' : t === LUA_TUSERDATA ? 'userdata' : t === LUA_TTHREAD ? 'thread' : 'light-userdata';
        return `"${typename}@${this.address(lua.lua_topointer(L, idx))}"`;
      }
      default:
        return '"<unknown-lua-type>"';
    }
  }

  /** A stable made-up address per object (Redis prints the C pointer). */
  private address(p: unknown): string {
    if (typeof p !== 'object' || p === null) return '0x0';
    let a = this.addresses.get(p);
    if (a === undefined) {
      a = '0x' + (this.nextAddress += 0x40).toString(16);
      this.addresses.set(p, a);
    }
    return a;
  }
}

// ---------------------------------------------------------------------------------------
// protocol helpers
// ---------------------------------------------------------------------------------------

/**
 * ldbReplParseCommand: one multi-bulk command from the start of buf, null when more bytes
 * are needed, LDB_ERR_PROTOCOL when the bytes cannot be one. As forgiving as Redis's: it
 * seeks the first '*', and its searches stop at a NUL byte as C's strchr and strstr do.
 */
export function parseCommand(buf: string): string[] | null | typeof LDB_ERR_PROTOCOL {
  if (buf.length === 0) return null;
  let p = cIndexOf(buf, '*', 0);
  if (p < 0) return LDB_ERR_PROTOCOL;
  let plen = p + 1;
  p = cIndexOf(buf, '\r\n', p);
  if (p < 0) return null;
  const argc = atoi(buf.slice(plen, p));
  p += 2;
  if (argc <= 0 || argc > 1024) return LDB_ERR_PROTOCOL;
  const argv: string[] = [];
  while (argv.length < argc) {
    if (p >= buf.length || buf.charCodeAt(p) === 0) return null;
    if (buf[p] !== '$') return LDB_ERR_PROTOCOL;
    plen = p + 1;
    p = cIndexOf(buf, '\r\n', p);
    if (p < 0) return null;
    const slen = atoi(buf.slice(plen, p));
    p += 2;
    if (slen <= 0 || slen > 1024) return LDB_ERR_PROTOCOL;
    if (p + slen + 2 > buf.length) return null;
    argv.push(buf.slice(p, p + slen));
    p += slen;
    if (buf[p] !== '\r' || buf[p + 1] !== '\n') return LDB_ERR_PROTOCOL;
    p += 2;
  }
  return argv;
}

/** indexOf that, like strstr on a C string, does not look past the first NUL from `from`. */
function cIndexOf(s: string, needle: string, from: number): number {
  const i = s.indexOf(needle, from);
  if (i < 0) return -1;
  const z = s.indexOf('\0', from);
  return z >= 0 && z < i ? -1 : i;
}

/** C's atoi (on a 32-bit int). */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d*)/.exec(s)!;
  let v = 0;
  for (const ch of m[2]) v = (v * 10 + (ch.charCodeAt(0) - 48)) | 0;
  return m[1] === '-' ? -v | 0 : v;
}

/** Redis's string2l: a strict decimal long; null when not one. The result as a C int. */
function string2l(s: string): number | null {
  if (!/^(0|-?[1-9][0-9]*)$/.test(s)) return null;
  const b = BigInt(s);
  if (b > 0x7fffffffffffffffn || b < -0x8000000000000000n) return null;
  return Number(BigInt.asIntN(32, b));
}

/** lua_tostring of the error on top of L, as %s prints it. */
function errorText(L: LuaState): string {
  const t = lua.lua_type(L, -1);
  if (t !== LUA_TSTRING && t !== LUA_TNUMBER) return '(null)';
  return cstr(bytesToLatin1(lua.lua_tolstring(L, -1)));
}

/** ldbRedisProtocolToHuman: appends the reply at `p` of `r` to o.s; returns where it ends. */
function protocolToHuman(o: { s: string }, r: string, p: number): number {
  const lineEnd = (from: number) => {
    const e = r.indexOf('\r', from);
    return e < 0 ? r.length : e;
  };
  switch (r[p]) {
    case ':': {
      const e = lineEnd(p + 1);
      o.s += r.slice(p + 1, e);
      return e + 2;
    }
    case '$': {
      const e = lineEnd(p + 1);
      const len = Number(r.slice(p + 1, e));
      if (len === -1) {
        o.s += 'NULL';
        return e + 2;
      }
      o.s += reprBytes(r.slice(e + 2, e + 2 + len));
      return e + 2 + len + 2;
    }
    case '+':
    case '-': {
      const e = lineEnd(p + 1);
      o.s += reprBytes(r.slice(p, e));
      return e + 2;
    }
    case '*': {
      const e = lineEnd(p + 1);
      const n = Number(r.slice(p + 1, e));
      p = e + 2;
      if (n === -1) {
        o.s += 'NULL';
        return p;
      }
      o.s += '[';
      for (let j = 0; j < n; j++) {
        p = protocolToHuman(o, r, p);
        if (j !== n - 1) o.s += ',';
      }
      o.s += ']';
      return p;
    }
    case '~': {
      const e = lineEnd(p + 1);
      const n = Number(r.slice(p + 1, e));
      p = e + 2;
      o.s += '~(';
      for (let j = 0; j < n; j++) {
        p = protocolToHuman(o, r, p);
        if (j !== n - 1) o.s += ',';
      }
      o.s += ')';
      return p;
    }
    case '%': {
      const e = lineEnd(p + 1);
      const n = Number(r.slice(p + 1, e));
      p = e + 2;
      o.s += '{';
      for (let j = 0; j < n; j++) {
        p = protocolToHuman(o, r, p);
        o.s += ' => ';
        p = protocolToHuman(o, r, p);
        if (j !== n - 1) o.s += ',';
      }
      o.s += '}';
      return p;
    }
    case '_':
      o.s += '(null)';
      return lineEnd(p + 1) + 2;
    case '#':
      o.s += r[p + 1] === 't' ? '#true' : '#false';
      return lineEnd(p + 1) + 2;
    case ',': {
      const e = lineEnd(p + 1);
      o.s += '(double) ' + r.slice(p + 1, e);
      return e + 2;
    }
    default:
      // types Redis's debugger does not render (verbatim, big number...) show nothing
      return p;
  }
}

// ---------------------------------------------------------------------------------------
// a sink feeding two sinks (the Lua value and the bytes the debugger renders)
// ---------------------------------------------------------------------------------------

/** Writes every reply event to both sinks. */
export class TeeSink implements ReplySink {
  constructor(
    private readonly a: ReplySink,
    private readonly b: ReplySink,
  ) {}
  get resp(): 2 | 3 {
    return this.a.resp;
  }
  simple(s: string): void {
    this.a.simple(s);
    this.b.simple(s);
  }
  error(s: string): void {
    this.a.error(s);
    this.b.error(s);
  }
  integer(n: number | bigint): void {
    this.a.integer(n);
    this.b.integer(n);
  }
  bulk(s: string): void {
    this.a.bulk(s);
    this.b.bulk(s);
  }
  null(): void {
    this.a.null();
    this.b.null();
  }
  nullArray(): void {
    this.a.nullArray();
    this.b.nullArray();
  }
  array(n: number): void {
    this.a.array(n);
    this.b.array(n);
  }
  map(n: number): void {
    this.a.map(n);
    this.b.map(n);
  }
  set(n: number): void {
    this.a.set(n);
    this.b.set(n);
  }
  double(d: number): void {
    this.a.double(d);
    this.b.double(d);
  }
  doubleText(text: string, d: number): void {
    if (this.a.doubleText) this.a.doubleText(text, d);
    else this.a.double(d);
    if (this.b.doubleText) this.b.doubleText(text, d);
    else this.b.double(d);
  }
  bool(v: boolean): void {
    this.a.bool(v);
    this.b.bool(v);
  }
  verbatim(s: string, format?: string): void {
    this.a.verbatim(s, format);
    this.b.verbatim(s, format);
  }
  bigNumber(s: string): void {
    this.a.bigNumber(s);
    this.b.bigNumber(s);
  }
  push(n: number): void {
    this.a.push(n);
    this.b.push(n);
  }
}

