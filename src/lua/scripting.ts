/**
 * The engine-independent script run rules of one server (Redis's script.c + eval.c):
 * the EVAL script cache, shebang flags, running a script with the server's dispatch for
 * redis.call, read-only and write checks, and the BUSY / SCRIPT KILL machinery.
 *
 * A script runs synchronously until busy-reply-threshold has passed; from then on it gives
 * the event loop a turn every few milliseconds: other clients get BUSY (dispatch looks at
 * server.busyError), SCRIPT KILL / FUNCTION KILL / SHUTDOWN NOSAVE work, and the caller's
 * reply is written when the script ends.
 */
import { preventPropagation } from '../core/propagate.ts';
import { nodeCrypto } from '../util/lazy-node.ts';
import { splitArgs } from '../util/splitargs.ts';
import { attachmentKey } from '../core/attachments.ts';
import type { ServerState } from '../core/state.ts';
import type { Client } from '../core/client.ts';
import { GATE_WRITE, GATE_DENYOOM, GATE_MAY_REPLICATE, type Command } from '../core/types.ts';
import { ERR, cstr } from '../errors.ts';
import { parseInt64 } from '../util/numbers.ts';
import type { ReplySink } from '../resp/sink.ts';
import { call } from '../core/dispatch.ts';
import { aclCheck, aclVerify, aclDenialText } from '../core/acl.ts';
import { arityAccepts } from '../core/table.ts';
import { LuaEngine, type ScriptHost, type ScriptRun, LL_DEBUG, LL_VERBOSE, LL_NOTICE } from './vm.ts';
import { sanitizeError } from './bridge.ts';
import { newRandState } from './stdlib.ts';
import { Functions } from './functions.ts';
import { perfNow, setImmediate } from '../util/clock.ts';

export const BUSY_EVAL = ERR.busy;
export const BUSY_FUNCTION = ERR.busyFunction;

/** Script flags (shebang `flags=` / function flags), as Redis's scripts_flags_def. */
export const SCRIPT_FLAG_NO_WRITES = 1 << 0;
export const SCRIPT_FLAG_ALLOW_OOM = 1 << 1;
export const SCRIPT_FLAG_ALLOW_STALE = 1 << 2;
export const SCRIPT_FLAG_NO_CLUSTER = 1 << 3;
export const SCRIPT_FLAG_EVAL_COMPAT_MODE = 1 << 4;
export const SCRIPT_FLAG_ALLOW_CROSS_SLOT = 1 << 5;

export const SCRIPT_FLAGS_DEF: [string, number][] = [
  ['no-writes', SCRIPT_FLAG_NO_WRITES],
  ['allow-oom', SCRIPT_FLAG_ALLOW_OOM],
  ['allow-stale', SCRIPT_FLAG_ALLOW_STALE],
  ['no-cluster', SCRIPT_FLAG_NO_CLUSTER],
  ['allow-cross-slot-keys', SCRIPT_FLAG_ALLOW_CROSS_SLOT],
];

/** Time slice while a busy script shares the event loop. */
const BUSY_SLICE_MS = 20;

export interface EvalScript {
  sha: string;
  body: string;
  ref: number;
  flags: number;
}

/** What a run needs to know about the script it runs. */
export interface RunInfo {
  /** name in error messages: the sha for EVAL, the function name for FCALL */
  name: string;
  isEval: boolean;
  /** *_RO command, or the script declared no-writes */
  readOnly: boolean;
  /** the script declared allow-oom */
  allowOom: boolean;
  /** the caller's full command (FUNCTION STATS) */
  argv: string[];
}

export interface RunningScript {
  run: ScriptRun;
  caller: Client;
  info: RunInfo;
  start: number;
  writeDirty: boolean;
  /** the run has given the event loop a turn (the server answers BUSY meanwhile) */
  busy: boolean;
  out: ReplySink;
}

/** sha1 of a byte string, lowercase hex. */
export function sha1hex(s: string): string {
  return nodeCrypto().createHash('sha1').update(Buffer.from(s, 'latin1')).digest('hex');
}

/**
 * evalExtractShebangFlags: flags (EVAL_COMPAT_MODE when there is no shebang) and the
 * length of the shebang line, or an error text (without its ERR code).
 */
export function extractShebangFlags(body: string): { flags: number; shebangLen: number } | { error: string } {
  let flags = SCRIPT_FLAG_EVAL_COMPAT_MODE;
  let shebangLen = 0;
  if (body.startsWith('#!')) {
    const nl = body.indexOf('\n');
    if (nl < 0) return { error: 'Invalid script shebang' };
    shebangLen = nl;
    const parts = splitArgs(cstr(body.slice(0, nl)));
    if (!parts || parts.length === 0) return { error: 'Invalid engine in script shebang' };
    if (parts[0] !== '#!lua') return { error: `Unexpected engine in script shebang: ${cstr(parts[0])}` };
    flags &= ~SCRIPT_FLAG_EVAL_COMPAT_MODE;
    for (let j = 1; j < parts.length; j++) {
      if (parts[j].startsWith('flags=')) {
        const list = parts[j].slice(6);
        if (list.length === 0) continue;
        for (const f of list.split(',')) {
          const def = SCRIPT_FLAGS_DEF.find(([name]) => name === f);
          if (!def) return { error: `Unexpected flag in script shebang: ${cstr(f)}` };
          flags |= def[1];
        }
      } else return { error: `Unknown lua shebang option: ${cstr(parts[j])}` };
    }
  }
  return { flags, shebangLen };
}


const NEVER = (): boolean => false;

/** How a script may run: read-only (*_RO, no-writes), and allowed to write past maxmemory. */
export interface RunMode {
  readOnly: boolean;
  allowOom: boolean;
}
const RUN_MODES: readonly RunMode[] = [
  Object.freeze({ readOnly: false, allowOom: false }),
  Object.freeze({ readOnly: true, allowOom: false }),
  Object.freeze({ readOnly: false, allowOom: true }),
  Object.freeze({ readOnly: true, allowOom: true }),
];

/**
 * scriptFlagsToCmdFlags: a script that declares flags replaces its command's write, deny-oom
 * and may-replicate flags with what the flags say (no-writes implies allow-oom).
 */
export function scriptFlagsToGate(commandGate: number, flags: number): number {
  if (flags & SCRIPT_FLAG_EVAL_COMPAT_MODE) return commandGate;
  let gate = commandGate & ~(GATE_WRITE | GATE_DENYOOM | GATE_MAY_REPLICATE);
  if (!(flags & (SCRIPT_FLAG_ALLOW_OOM | SCRIPT_FLAG_NO_WRITES))) gate |= GATE_DENYOOM;
  if (!(flags & SCRIPT_FLAG_NO_WRITES)) gate |= GATE_WRITE;
  return gate;
}

/** Per-server scripting state, created on first use. */
export class Scripting {
  private evalEngineInst: LuaEngine | null = null;
  readonly scripts = new Map<string, EvalScript>();
  private functionsInst: Functions | null = null;
  private scriptClientInst: Client | null = null;
  /** the script being run, if any */
  running: RunningScript | null = null;
  /** math.random's state: one per server, from Redis's fixed start, kept across SCRIPT FLUSH */
  readonly rand = newRandState();

  /** lua-enable-deprecated-api (immutable): setfenv, getfenv and newproxy for scripts. */
  get deprecatedApi(): boolean {
    return this.server.config.get('lua-enable-deprecated-api') === 'yes';
  }

  constructor(readonly server: ServerState) {
    server.config.watch('busy-reply-threshold', () => {
      this.busyThreshold = server.config.getInt('busy-reply-threshold');
    });
  }

  private busyThreshold = 0;

  /** What a running script reaches the server through (one script runs at a time). */
  private readonly host: ScriptHost = {
    call: (argv, sink) => {
      this.scriptCall(this.running!, this.scriptClient, argv, sink);
    },
    log: (level, message) => this.log(level, message),
    setRepl: () => {},
    aclCheck: (argv) => this.aclCheckCmd(this.running!.caller, argv),
    countError: (text) => this.server.countError(text),
  };

  static of(server: ServerState): Scripting {
    return server.attachments.get(SCRIPTING);
  }

  get evalEngine(): LuaEngine {
    if (!this.evalEngineInst) this.evalEngineInst = new LuaEngine({ mode: 'eval', rand: this.rand, deprecatedApi: this.deprecatedApi });
    return this.evalEngineInst;
  }

  /** The FUNCTION libraries, if any were ever made (INFO must not create them). */
  peekFunctions(): Functions | null {
    return this.functionsInst;
  }

  get functions(): Functions {
    if (!this.functionsInst) this.functionsInst = new Functions(this);
    return this.functionsInst;
  }

  /** The socketless client scripts run their commands as. */
  get scriptClient(): Client {
    if (!this.scriptClientInst) {
      const sc = this.server.createClient(null);
      sc.flags.add('script');
      sc.authenticated = true;
      sc.inExecOrScript = true;
      this.scriptClientInst = sc;
    }
    return this.scriptClientInst;
  }

  // -------------------------------------------------------------------------------------
  // EVAL script cache
  // -------------------------------------------------------------------------------------

  /**
   * luaCreateFunction: compile a body and cache it under its sha1. Returns the sha or an
   * error reply text.
   */
  createEvalScript(body: string): { sha: string } | { error: string } {
    // EVAL hashes its body on every call; a small cache spares the SHA1 for repeated bodies,
    // and comparing with the last body spares hashing the body for that cache's Map.
    if (body === this.lastBody && this.scripts.has(this.lastBodySha)) return { sha: this.lastBodySha };
    let sha = this.shaByBody.get(body);
    if (sha === undefined) {
      sha = sha1hex(body);
      if (body.length <= 4096) {
        if (this.shaByBody.size >= 1000) this.shaByBody.clear();
        this.shaByBody.set(body, sha);
      }
    }
    if (this.scripts.has(sha)) {
      this.lastBody = body;
      this.lastBodySha = sha;
      return { sha };
    }
    const sb = extractShebangFlags(body);
    if ('error' in sb) return { error: 'ERR ' + sb.error };
    const c = this.evalEngine.compile(body.slice(sb.shebangLen), '@user_script');
    if (!c.ok) return { error: sanitizeError(ERR.errorCompilingScript + c.error + '\n') };
    this.scripts.set(sha, { sha, body, ref: c.ref, flags: sb.flags });
    return { sha };
  }

  private readonly shaByBody = new Map<string, string>();
  private lastBody = '';
  private lastBodySha = '';

  /** The flags an EVAL body declares (cached or not), SCRIPT_FLAG_EVAL_COMPAT_MODE when none or invalid. */
  declaredEvalFlags(body: string): number {
    const cached = this.scripts.get(this.shaByBody.get(body) ?? sha1hex(body));
    if (cached !== undefined) return cached.flags;
    const sb = extractShebangFlags(body);
    return 'error' in sb ? SCRIPT_FLAG_EVAL_COMPAT_MODE : sb.flags;
  }

  /**
   * The script EVALSHA named last: clients repeat one SHA, and comparing a fresh argument
   * with it costs less than hashing 40 characters for the Map.
   */
  lastSha = '';
  lastScript: EvalScript | null = null;

  /** The cached script of a SHA as EVALSHA gives it (any case), or undefined. */
  scriptBySha(arg: string): EvalScript | undefined {
    if (arg === this.lastSha) return this.lastScript!;
    let script = this.scripts.get(arg);
    if (script === undefined) {
      script = this.scripts.get(arg.replace(/[A-Z]/g, (ch) => ch.toLowerCase()));
      if (script === undefined) return undefined;
    }
    this.lastSha = arg;
    this.lastScript = script;
    return script;
  }

  /** SCRIPT FLUSH: a fresh Lua state without cached scripts. */
  flushEvalScripts(): void {
    this.lastSha = '';
    this.lastScript = null;
    this.scripts.clear();
    this.evalEngineInst = null;
  }

  // -------------------------------------------------------------------------------------
  // running
  // -------------------------------------------------------------------------------------

  /**
   * scriptPrepareForRun's checks that depend on the script flags. Returns an error reply
   * text, or null when the script may run (and whether it runs read-only).
   */
  prepare(flags: number, ro: boolean): { error: string } | RunMode {
    const server = this.server;
    const compat = (flags & SCRIPT_FLAG_EVAL_COMPAT_MODE) !== 0;
    if (!compat) {
      if (!(flags & SCRIPT_FLAG_NO_WRITES)) {
        if (ro) return { error: ERR.notExecuteScript };
        if (server.writesNeedReplicas) return { error: ERR.noReplicas };
      }
      if (server.preCommandOom && server.evictor.maxmemory !== 0 && !(flags & (SCRIPT_FLAG_ALLOW_OOM | SCRIPT_FLAG_NO_WRITES))) {
        return { error: ERR.scriptNoAllowOom };
      }
    }
    const readOnly = ro || (!compat && (flags & SCRIPT_FLAG_NO_WRITES) !== 0);
    const allowOom = !compat && (flags & SCRIPT_FLAG_ALLOW_OOM) !== 0;
    return RUN_MODES[(readOnly ? 1 : 0) | (allowOom ? 2 : 0)];
  }

  /**
   * Run a compiled script for a client. The reply goes to `out` when the script ends,
   * which may be after this returns (a busy script).
   */
  runScript(caller: Client, engine: LuaEngine, ref: number, keys: string[], args: string[], out: ReplySink, info: RunInfo): void {
    const sc = this.scriptClient;
    // a script is logged by its effects (its commands, in MULTI/EXEC when several), never itself
    preventPropagation(caller);
    sc.db = caller.db;
    sc.resp = 2;
    sc.aclUser = caller.aclUser;
    sc.multi = null;
    // the clock dispatch read when this command started (reading it again costs ~40 ns)
    const start = this.server.callStart !== 0 ? this.server.callStart : perfNow();
    const state: RunningScript = {
      run: null as unknown as ScriptRun,
      caller,
      info,
      start,
      writeDirty: false,
      busy: false,
      out,
    };
    const host = this.host;
    state.run = engine.start(ref, keys, args, host, out, info.name);
    const prev = this.running;
    this.running = state;
    // keys expire by the script's start time while it runs (scriptTimeSnapshot)
    const prevSnapshot = this.server.scriptTimeSnapshot;
    this.server.snapshotTimeAt(start);
    // Only a plain client command (or the AOF loader, which waits) can wait for its reply;
    // inside EXEC (or without a connection) the script runs to its end at once.
    const threshold = this.busyThreshold;
    const canYield = threshold > 0 && out === caller.writer && caller.multi === null && (caller.scriptMayYield || (caller.sock !== null && !caller.inExecOrScript));
    const deadline = state.start + threshold;
    let done: boolean;
    try {
      done = canYield ? state.run.stepUntil(deadline) : state.run.step(NEVER);
    } catch (e) {
      this.running = prev;
      this.server.scriptTimeSnapshot = prevSnapshot;
      throw e;
    }
    if (done) {
      this.running = prev;
      this.server.scriptTimeSnapshot = prevSnapshot;
      return;
    }
    this.becomeBusy(state);
  }

  private becomeBusy(state: RunningScript): void {
    const server = this.server;
    state.busy = true;
    // the script's effects stay one unit although its command returns before it ends
    server.propagator.depth++;
    server.busyError = state.info.isEval ? BUSY_EVAL : BUSY_FUNCTION;
    server.log(
      'warning',
      `Slow script detected: still in execution after ${Math.round(perfNow() - state.start)} milliseconds. You can try killing the script using the ${state.info.isEval ? 'SCRIPT KILL' : 'FUNCTION KILL'} command. Script name is: ${state.info.name}.`,
    );
    const caller = state.caller;
    caller.blocked = {
      cancel: () => {
        /* the script goes on without its client, as in Redis */
      },
    };
    this.scheduleSlice(state);
  }

  private scheduleSlice(state: RunningScript): void {
    setImmediate(() => {
      if (state.run.done) return;
      const server = this.server;
      if (server.closing) {
        // SHUTDOWN NOSAVE: the server went away with the script
        state.run.kill();
        this.finishBusy(state);
        return;
      }
      const prevClient = server.currentClient;
      server.currentClient = state.caller;
      const sliceEnd = perfNow() + BUSY_SLICE_MS;
      let done: boolean;
      try {
        done = state.run.stepUntil(sliceEnd);
      } finally {
        server.currentClient = prevClient;
      }
      if (done) this.finishBusy(state);
      else this.scheduleSlice(state);
    });
  }

  private finishBusy(state: RunningScript): void {
    const server = this.server;
    if (this.running === state) this.running = null;
    server.scriptTimeSnapshot = null;
    server.busyError = null;
    if (--server.propagator.depth === 0) server.propagator.flush();
    const caller = state.caller;
    if (caller.blocked !== null) caller.blocked = null;
    if (server.blocking.ready.size !== 0) server.blocking.handleReady();
    if (server.clients.has(caller.id)) server.afterServed(caller);
  }

  /**
   * SCRIPT KILL / FUNCTION KILL (scriptKill): the reply for the killing client.
   * Returns null when the kill succeeded ("OK").
   */
  kill(isEval: boolean): string | null {
    const state = this.running;
    if (!state || !state.busy) return ERR.notbusyNoScriptsExecution;
    if (state.writeDirty)
      return ERR.unkillableSorryScriptAlready;
    if (isEval && !state.info.isEval) return BUSY_FUNCTION;
    if (!isEval && state.info.isEval) return BUSY_EVAL;
    state.run.kill();
    this.server.log('warning', 'Lua script killed by user with SCRIPT KILL.');
    // the killed run's reply is written now; the caller resumes after this command
    setImmediate(() => this.finishBusy(state));
    return null;
  }

  /** redis.log: to the server log at the matching level */
  log(level: number, message: string): void {
    const lv = level === LL_DEBUG ? 'debug' : level === LL_VERBOSE ? 'verbose' : level === LL_NOTICE ? 'notice' : 'warning';
    this.server.log(lv, message);
  }

  // -------------------------------------------------------------------------------------
  // redis.call
  // -------------------------------------------------------------------------------------

  /** redis.acl_check_cmd: may the caller's user run this command (with these keys)? */
  private aclCheckCmd(caller: Client, argv: string[]): boolean | string {
    const cmd = this.server.table.find(argv);
    if (!cmd) return 'Invalid command passed to redis.acl_check_cmd()';
    if (caller.aclUser.unrestricted) return true;
    return aclCheck(caller, cmd, argv) === null;
  }

  /**
   * A command refused inside a script: its error is counted (errorstats) and belongs to the
   * command's rejected_calls, not to the script's failed_calls.
   */
  private refuse(cmd: Command | null, sink: ReplySink, text: string): true {
    if (cmd !== null) cmd.stats.rejected++;
    sink.error(text);
    this.server.errorMark = this.server.stats.errorReplies;
    return true;
  }

  /**
   * scriptCall: one redis.call / redis.pcall, run by the script client `sc` (whose server
   * may be a debugging session's copy) through the server's dispatch. Returns true when the
   * script may not run the command: the refusal was written to `sink` as an error.
   */
  scriptCall(state: Pick<RunningScript, 'info' | 'writeDirty'>, sc: Client, argv: string[], sink: ReplySink): boolean {
    const server = sc.server;
    const cmd = server.table.find(argv);
    if (!cmd) return this.refuse(null, sink, ERR.unknownRedisCommand);
    if (!arityAccepts(cmd, argv.length)) return this.refuse(cmd, sink, ERR.wrongNumberArgs);
    if (cmd.noScript && !this.server.scriptDenyDisabled) return this.refuse(cmd, sink, ERR.redisCommandNot);
    // scriptVerifyACL: the caller's user, logged with context 'lua'
    const denied = aclVerify(sc, cmd, argv, 'lua');
    if (denied !== null) return this.refuse(cmd, sink, aclDenialText(denied, 'lua', cmd.name));
    const refused = scriptVerifyWrite(server, state, cmd);
    if (refused !== null) return this.refuse(cmd, sink, refused);
    if (cmd.isWrite) state.writeDirty = true;
    sc.resp = sink.resp;
    // (client tracking remembers the keys the script declared when it reads)
    const prevArgv = server.scriptCallerArgv;
    server.scriptCallerArgv = state.info.argv;
    try {
      call(sc, cmd, argv, sink);
    } finally {
      server.scriptCallerArgv = prevArgv;
    }
    return false;
  }
}

/**
 * scriptVerifyWriteCommandAllow and scriptVerifyOOM: read-only scripts run no write or
 * may-replicate command; the server's state (replicas, memory) can refuse only a script's
 * first write, never one after it already changed the dataset.
 */
function scriptVerifyWrite(server: ServerState, state: Pick<RunningScript, 'info' | 'writeDirty'>, cmd: Command): string | null {
  if (state.info.readOnly && (cmd.gateFlags & (GATE_WRITE | GATE_MAY_REPLICATE)) !== 0) return ERR.readOnlyScript;
  if (!cmd.isWrite || state.writeDirty) return null;
  if (server.diskWriteError !== null) return server.diskWriteError;
  if (server.writesNeedReplicas) return ERR.noReplicas;
  if (!state.info.allowOom && server.evictor.maxmemory !== 0 && server.preCommandOom && cmd.denyOom) return ERR.oom;
  return null;
}

// ---------------------------------------------------------------------------------------
// INFO memory fields (src/commands/info.ts asks through scriptingInfo)
// ---------------------------------------------------------------------------------------

/** jemalloc's size class for a small allocation (Redis's zmalloc_size). */
function jemallocSize(n: number): number {
  if (n <= 8) return 8;
  if (n <= 128) return (n + 15) & ~15;
  const spacing = 2 ** (Math.floor(Math.log2(n - 1)) - 2);
  return Math.ceil(n / spacing) * spacing;
}

/** sdsZmallocSize of an sds made with sdsnewlen(len). */
function sdsAlloc(len: number): number {
  const hdr = len < 32 ? 1 : len < 256 ? 3 : len < 65536 ? 5 : 9;
  return jemallocSize(hdr + len + 1);
}

/** getStringObjectSdsUsedMemory of a string argument as the protocol parser made it. */
function argStringAlloc(len: number): number {
  if (len <= 44) return jemallocSize(16 + 3 + len + 1) - 16; // embstr
  return sdsAlloc(len);
}

/** dictMemUsage: entries plus bucket pointers (4 buckets at first, doubling). */
function dictMem(entries: number, perEntry: number): number {
  if (entries === 0) return 0;
  const slots = Math.max(4, 2 ** Math.ceil(Math.log2(entries)));
  return entries * perEntry + slots * 8;
}

export interface ScriptingInfo {
  cachedScripts: number;
  /** used_memory_scripts_eval, as Redis 7.0 accounts it */
  scriptsEvalMemory: number;
  functions: number;
  libraries: number;
  /** used_memory_functions (an estimate of Redis's accounting) */
  functionsMemory: number;
}

/** The scripting numbers INFO memory shows, without creating any scripting state. */
export function scriptingInfo(server: ServerState): ScriptingInfo {
  const s = server.attachments.peek(SCRIPTING) ?? null;
  let scriptsEvalMemory = 0;
  let cachedScripts = 0;
  let functions = 0;
  let libraries = 0;
  let functionsMemory = 200;
  if (s) {
    cachedScripts = s.scripts.size;
    // per script: the sha sds, the body object, a dictEntry and a luaScript
    for (const sc of s.scripts.values()) scriptsEvalMemory += 48 + argStringAlloc(sc.body.length) + 40;
    scriptsEvalMemory += dictMem(cachedScripts, 0);
    const f = s.peekFunctions();
    if (f) {
      libraries = f.libraries.size;
      functions = f.functions.size;
      functionsMemory += dictMem(functions, 24);
      for (const lib of f.libraries.values()) {
        functionsMemory += 32 + sdsAlloc(lib.name.length) + sdsAlloc(lib.code.length);
        for (const fi of lib.functions) {
          functionsMemory += 48 + sdsAlloc(fi.name.length) + 8 + (fi.description !== null ? sdsAlloc(fi.description.length) : 0);
        }
      }
    }
  }
  return { cachedScripts, scriptsEvalMemory, functions, libraries, functionsMemory };
}

/**
 * EVAL's and FCALL's numkeys (argv[2]): the count, or the error to reply. The two commands
 * word a non-integer differently, so the caller names that text.
 */
export function parseNumkeys(argv: string[], notIntegerError: string): number | string {
  const nk = parseInt64(argv[2]);
  if (nk === null) return notIntegerError;
  const numkeys = Number(nk);
  if (numkeys > argv.length - 3) return ERR.numberKeysCant;
  if (numkeys < 0) return ERR.numberKeysCantNegative;
  return numkeys;
}

/** Each server's scripting engine, made on first use. */
const SCRIPTING = attachmentKey<Scripting>('scripting', (server) => new Scripting(server));
