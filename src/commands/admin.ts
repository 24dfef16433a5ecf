import { ReplyError, ERR } from '../errors.ts';
import type { Client } from '../core/client.ts';
import type { ReplySink } from '../resp/sink.ts';
import type { HandlerTable } from '../core/types.ts';
import { is } from './args.ts';
import { parseInt64 } from '../util/numbers.ts';
import { commands as commandCmds } from './command.ts';
import { commands as configCmds } from './config.ts';
import { commands as infoCmds } from './info.ts';
import { commands as clientCmds } from './client.ts';
import { commands as introspectionCmds } from './introspection.ts';
import { commands as debugCmds } from './debug.ts';
import { Aof } from '../persistence/aof.ts';
import { schotter, skyline } from './lolwut.ts';
import { Persistence } from '../persistence/persistence.ts';
import { setImmediate } from '../util/clock.ts';

// TIME
function time(c: Client, _argv: string[], out: ReplySink): void {
  const us = c.server.clock.nowMicros();
  const sec = Math.floor(us / 1e6);
  out.array(2);
  out.bulk(String(sec));
  out.bulk(String(us - sec * 1e6));
}

// LASTSAVE
function lastsave(c: Client, _argv: string[], out: ReplySink): void {
  out.integer(c.server.lastSave);
}

// SAVE
function save(c: Client, _argv: string[], out: ReplySink): void {
  const p = Persistence.of(c.server);
  if (p.bgsave !== null) throw new ReplyError(ERR.bgsaveInProgress);
  p.saves++;
  if (!p.save()) throw new ReplyError(ERR.bare);
  out.simple('OK');
}

// BGSAVE [SCHEDULE]
function bgsave(c: Client, argv: string[], out: ReplySink): void {
  if (argv.length > 2 || (argv.length === 2 && !is(argv[1], 'schedule'))) throw new ReplyError(ERR.syntax);
  const r = Persistence.of(c.server).bgsaveCommand(argv.length === 2, c.inExecOrScript);
  if ('error' in r) throw new ReplyError(r.error);
  out.simple(r.ok);
}

// BGREWRITEAOF: the rewrite runs at once (see src/persistence/aof.ts), or after EXEC.
function bgrewriteaof(c: Client, _argv: string[], out: ReplySink): void {
  const r = Aof.of(c.server).bgrewriteaof(c.inExecOrScript);
  if (r === 'scheduled') out.simple('Background append only file rewriting scheduled');
  else if (r === 'started') out.simple('Background append only file rewriting started');
  else if (r === 'in-progress') throw new ReplyError(ERR.aofRewriteInProgress);
  else throw new ReplyError(ERR.aofRewriteFailed);
}

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]
function shutdown(c: Client, argv: string[], out: ReplySink): void {
  let nosave = false;
  let saveFlag = false;
  let other = false;
  let abort = false;
  for (let i = 1; i < argv.length; i++) {
    if (is(argv[i], 'nosave')) nosave = true;
    else if (is(argv[i], 'save')) saveFlag = true;
    else if (is(argv[i], 'now') || is(argv[i], 'force')) other = true;
    else if (is(argv[i], 'abort')) abort = true;
    else throw new ReplyError(ERR.syntax);
  }
  if ((abort && (nosave || saveFlag || other)) || (nosave && saveFlag)) throw new ReplyError(ERR.syntax);
  if (abort) {
    // abortShutdown: only a signalled shutdown can still be waiting
    if (c.server.shutdownSignal === null) throw new ReplyError(ERR.noShutdownProgress);
    c.server.shutdownSignal = null;
    c.server.log('warning', 'Shutdown manually aborted.');
    out.simple('OK');
    return;
  }
  if (!nosave && c.server.busyError !== null) throw new ReplyError(c.server.busyError);
  // The caller gets no reply when the server goes away.
  const server = c.server;
  server.log('warning', 'User requested shutdown...');
  if (!Persistence.of(server).shutdownSave(saveFlag, nosave) && !argv.some((a) => is(a, 'force'))) {
    throw new ReplyError(ERR.shutdownFailed);
  }
  server.log('warning', 'redmoon is now ready to exit, bye bye...');
  c.closeAfterReply = true;
  // A client that sees this connection close must find the port closed too.
  server.stopAccepting();
  setImmediate(() => {
    void server.close().then(() => server.onShutdown?.());
  });
}

// ROLE
function role(_c: Client, _argv: string[], out: ReplySink): void {
  out.array(3);
  out.bulk('master');
  out.integer(0);
  out.array(0);
}

// WAIT numreplicas timeout: there are no replicas, so 0 acknowledged them; asking for one
// or more blocks until the timeout (0: forever), as Redis does without replicas.
function wait(c: Client, argv: string[], out: ReplySink): void {
  const n = parseInt64(argv[1]);
  if (n === null) throw new ReplyError(ERR.notInteger);
  const t = parseInt64(argv[2]);
  if (t === null) throw new ReplyError(ERR.timeoutNotInteger);
  if (t < 0) throw new ReplyError(ERR.timeoutNegative);
  if (n <= 0 || c.inExecOrScript) {
    out.integer(0);
    return;
  }
  c.server.blocking.block(c, {
    keys: [],
    deadline: t === 0 ? 0 : c.server.clock.now() + Number(t),
    serve: () => false,
    timeout: () => c.writer.integer(0),
  });
}

function longArg(s: string): number {
  const n = parseInt64(s);
  if (n === null) throw new ReplyError(ERR.notInteger);
  return Number(n);
}

// LOLWUT [VERSION version] [args]
function lolwut(_c: Client, argv: string[], out: ReplySink): void {
  let version = 7;
  let args = argv.slice(1);
  if (argv.length >= 3 && is(argv[1], 'version')) {
    version = longArg(argv[2]) >>> 0;
    args = argv.slice(3);
  }
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  if (version === 5) {
    const cols = clamp(args.length > 0 ? longArg(args[0]) : 66, 1, 1000);
    const perRow = clamp(args.length > 1 ? longArg(args[1]) : 8, 1, 200);
    const perCol = clamp(args.length > 2 ? longArg(args[2]) : 12, 1, 200);
    out.verbatim(`${schotter(cols, perRow, perCol)}\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. 7.0.15\n`);
  } else if (version === 6) {
    const cols = clamp(args.length > 0 ? longArg(args[0]) : 80, 1, 1000);
    const rows = clamp(args.length > 1 ? longArg(args[1]) : 20, 1, 1000);
    out.verbatim(
      `${skyline(cols, rows)}\nDedicated to the 8 bit game developers of past and present.\nOriginal 8 bit image from Plaguemon by hikikomori. Redis ver. 7.0.15\n`,
    );
  } else {
    out.verbatim('Redis ver. 7.0.15\n');
  }
}

// MONITOR
function monitor(c: Client, _argv: string[], out: ReplySink): void {
  if (c.multi !== null || c.inExecOrScript) throw new ReplyError(ERR.monitorDenyBlocking);
  if (c.monitor) return;
  c.monitor = true;
  c.server.monitors.add(c);
  out.simple('OK');
}

/** Server administration and introspection. */
export const commands: HandlerTable = {
  ...commandCmds,
  ...configCmds,
  ...infoCmds,
  ...clientCmds,
  ...introspectionCmds,
  ...debugCmds,
  time,
  lastsave,
  save,
  bgsave,
  bgrewriteaof,
  shutdown,
  role,
  wait,
  lolwut,
  monitor,
};
