/**
 * A SCRIPT DEBUG session: one EVAL run under the Lua debugger (src/lua/ldb.ts), as Redis's
 * ldbStartSession / ldbEndSession frame it.
 *
 *  - YES: Redis forks and debugs in the child, so the session's changes vanish with it and
 *    the parent goes on serving everyone else. Here the run works on a private copy of the
 *    data (src/core/forked.ts) and the client leaves the server's client list, while the
 *    other clients are served from the live data as usual.
 *  - SYNC: the server is blocked while debugging and the changes stay. Here every other
 *    client's input waits until the session ends (ServerState.exclusiveClient).
 *
 * The script runs in its own Lua state made for debugging (the line hook lives there only,
 * so ordinary scripts pay nothing for the debugger). The client's bytes go to the debugger
 * while the session lasts; its output goes straight to the socket, ahead of anything its
 * connection still had buffered, which follows with the EVAL reply at the end. Then the
 * connection is closed.
 */
import type { Client } from '../core/client.ts';
import type { ServerState } from '../core/state.ts';
import { forkServerView } from '../core/forked.ts';
import { RespWriter } from '../resp/writer.ts';
import { ERR } from '../errors.ts';
import { perfNow, setImmediate } from '../util/clock.ts';
import { LuaEngine, type ScriptHost, type ScriptRun } from './vm.ts';
import { Ldb, TeeSink, type LdbSessionPort } from './ldb.ts';
import { sanitizeError } from './bridge.ts';
import { type Scripting, type RunInfo, extractShebangFlags, sha1hex, parseNumkeys } from './scripting.ts';

/** Client flags SCRIPT DEBUG sets (Redis's CLIENT_LUA_DEBUG and CLIENT_LUA_DEBUG_SYNC). */
export const FLAG_LUA_DEBUG = 'lua_debug';
export const FLAG_LUA_DEBUG_SYNC = 'lua_debug_sync';

/** Time a running session gives the event loop between turns. */
const SLICE_MS = 20;

/** EVAL / EVAL_RO by a client in debug mode: the whole session, until the connection closes. */
export function startDebugSession(scripting: Scripting, c: Client, argv: string[], readOnly: boolean): void {
  new DebugSession(scripting, c, argv, readOnly).start();
}

class DebugSession {
  private readonly server: ServerState;
  private readonly sync: boolean;
  /** the server the script's commands run on: a private copy in YES mode */
  private target: ServerState;
  private readonly reply = new RespWriter();
  /** output the connection had not written yet when the session began */
  private held: Buffer[] = [];
  private run: ScriptRun | null = null;
  private ldb: Ldb | null = null;
  private ended = false;

  constructor(
    private readonly scripting: Scripting,
    private readonly c: Client,
    private readonly argv: string[],
    private readonly readOnly: boolean,
  ) {
    this.server = scripting.server;
    this.target = this.server;
    this.sync = c.flags.has(FLAG_LUA_DEBUG_SYNC);
    this.reply.resp = c.resp;
    this.reply.onError = this.server.countError;
  }

  start(): void {
    const { server, c, argv } = this;
    server.log('warning', this.sync ? 'Redis synchronous debugging eval session started' : 'Redis forked for debugging eval');
    this.held = c.writer.take();
    if (this.sync) {
      server.exclusiveClient = c;
    } else {
      this.target = forkServerView(server);
      server.detachClient(c);
    }
    c.blocked = { cancel: () => {} };
    c.rawInput = (chunk) => this.ldb?.feed(chunk.latin1Slice());
    c.sock?.once('close', () => this.clientGone());

    const body = argv[1];
    const ldb = new Ldb(body, this.makePort(), server.config.getInt('busy-reply-threshold') || 5000);
    this.ldb = ldb;
    const numkeys = parseNumkeys(argv, ERR.notInteger);
    if (typeof numkeys === 'string') return this.endWithError(numkeys);

    // SYNC runs in the server itself, whose script cache learns the script; a forked
    // child's cache dies with it
    if (this.sync) {
      const r = this.scripting.createEvalScript(body);
      if ('error' in r) return this.endWithError(r.error);
    }
    const sb = extractShebangFlags(body);
    if ('error' in sb) return this.endWithError('ERR ' + sb.error);
    const sha = sha1hex(body);
    const engine = new LuaEngine({ mode: 'eval', debug: true, log: (level, msg) => this.scripting.log(level, msg) });
    const compiled = engine.compile(body.slice(sb.shebangLen), '@user_script');
    if (!compiled.ok) return this.endWithError(sanitizeError(ERR.errorCompilingScript + compiled.error + '\n'));
    const prep = this.scripting.prepare(sb.flags, this.readOnly);
    if ('error' in prep) return this.endWithError(prep.error);

    const sc = this.target.createClient(null);
    sc.flags.add('script');
    sc.authenticated = true;
    sc.inExecOrScript = true;
    sc.db = this.target.dbs[c.db.id];
    sc.aclUser = c.aclUser;
    const info: RunInfo = { name: sha, isEval: true, readOnly: prep.readOnly, allowOom: prep.allowOom, argv };
    const state = { info, writeDirty: false };
    const host: ScriptHost = {
      call: (cmd, sink) => {
        if (!ldb.step) {
          this.scripting.scriptCall(state, sc, cmd, sink);
          return;
        }
        // while stepping, Redis shows the command and its reply
        ldb.commandStarts(cmd);
        const seen = new RespWriter();
        seen.resp = sink.resp;
        const refused = this.scripting.scriptCall(state, sc, cmd, new TeeSink(sink, seen));
        ldb.commandEnds(refused, Buffer.concat(seen.take()).latin1Slice());
      },
      log: (level, message) => this.scripting.log(level, message),
      setRepl: () => {},
      aclCheck: () => true,
    };
    const run = engine.start(compiled.ref, argv.slice(3, 3 + numkeys), argv.slice(3 + numkeys), host, this.reply, sha);
    run.debugger = ldb;
    this.engine = engine;
    this.run = run;
    this.drive();
  }

  private engine: LuaEngine | null = null;

  /** What the debugger reaches the session through. */
  private makePort(): LdbSessionPort {
    const session = this;
    return {
      write: (data: string) => {
        const sock = this.c.sock;
        if (sock && !sock.destroyed) sock.write(Buffer.from(data, 'latin1'));
      },
      resume: () => setImmediate(() => this.drive()),
      abort: (message: string) => {
        this.run!.fail(message);
        this.end();
      },
      within: <T>(fn: () => T): T => this.run!.within(fn),
      get L() {
        return session.engine!.L;
      },
    };
  }

  /** Runs the script until it ends, stops, or takes its turn of the event loop. */
  private drive(): void {
    if (this.ended || this.run === null) return;
    const ldb = this.ldb!;
    this.target.scriptTimeSnapshot = this.server.clock.now();
    ldb.sliceEnd = perfNow() + SLICE_MS;
    const done = this.run.step();
    if (done) {
      this.end();
      return;
    }
    if (ldb.stopped) ldb.serve();
    else setImmediate(() => this.drive());
  }

  private clientGone(): void {
    this.ldb?.clientGone();
  }

  private endWithError(text: string): void {
    this.reply.error(text);
    this.end();
  }

  /** ldbEndSession: the last logs and <endsession>, the EVAL reply, then the connection closes. */
  private end(): void {
    if (this.ended) return;
    this.ended = true;
    const { server, c } = this;
    const ldb = this.ldb!;
    ldb.log('<endsession>');
    ldb.sendLogs();
    const sock = c.sock;
    const out = [...this.held, ...this.reply.take()];
    // Replies the connection produced meanwhile (the rest of a transaction) are dropped:
    // a forked child never sends what its parent did, and a SYNC session's client is
    // already closing when the transaction goes on
    c.writer.take();
    if (sock && !sock.destroyed) {
      for (const b of out) sock.write(b);
      sock.end();
    }
    c.rawInput = null;
    c.blocked = null;
    c.closeAfterReply = true;
    this.target.scriptTimeSnapshot = null;
    if (this.sync) {
      server.log('warning', 'Redis synchronous debugging eval session ended');
      server.releaseExclusive();
      if (server.blocking.ready.size !== 0) server.blocking.handleReady();
    } else {
      server.log('warning', 'Lua debugging session child exiting');
    }
  }
}
