import { ReplyError, ERR, unknownCommand, unknownSubcommand } from '../errors.ts';
import type { Client } from './client.ts';
import { GATE_WRITE, GATE_DENYOOM, type Command } from './types.ts';
import { Waiter } from './blocking.ts';
import type { ReplySink } from '../resp/sink.ts';
import { arityAccepts, type CommandTable } from './table.ts';
import { aclVerify, aclDenialText } from './acl.ts';
import { perfNow } from '../util/clock.ts';
import { reachesCorrupt } from './corrupt-values.ts';

/** Commands that run immediately inside MULTI instead of being queued. */
const MULTI_IMMEDIATE = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);
/** True when a client in MULTI queues this command (lowercase name) instead of running it. */
export function queuedInMulti(name: string): boolean {
  return !MULTI_IMMEDIATE.has(name);
}

/** Commands allowed in RESP2 subscribed mode. */
const PUBSUB_ALLOWED = new Set(['ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset']);

/**
 * Resolves argv to a command, following container commands to their subcommand.
 * Returns the Command or the exact error text (unknown command/subcommand, arity).
 */
export function resolveCommand(table: CommandTable, argv: string[]): Command | string {
  let cmd = table.lookup(argv[0]);
  if (!cmd) return unknownCommand(argv);
  if (cmd.subcommands && argv.length >= 2) {
    const sub = cmd.subcommands.get(argv[1].toLowerCase());
    if (!sub) return unknownSubcommand(argv[0], argv[1]);
    cmd = sub;
  }
  if (!arityAccepts(cmd, argv.length)) return ERR.wrongArgs(cmd.name);
  return cmd;
}

/**
 * Runs one client command with Redis's processCommand checks, in Redis's order:
 * existence and arity, auth, MULTI restrictions, subscribed mode, BUSY, then MULTI
 * queueing or the call itself.
 */
export function processCommand(c: Client, argv: string[], out: ReplySink): void {
  const server = c.server;
  const cmd = resolveCommand(server.table, argv);
  if (typeof cmd === 'string') {
    reject(c, out, cmd, server.table.find(argv));
    return;
  }
  // Protected: DEBUG, MODULE LOAD / LOADEX / UNLOAD (not LIST / HELP).
  if ((cmd.name === 'debug' || (cmd.parent !== null && cmd.parent.name === 'module' && cmd.name !== 'module|list' && cmd.name !== 'module|help')) && protectedRefused(c, cmd)) {
    reject(
      c,
      out,
      ERR.commandNotAllowedIf(cmd.name === 'debug' ? 'DEBUG' : 'MODULE', cmd.name === 'debug' ? 'enable-debug-command' : 'enable-module-command'),
      cmd,
    );
    return;
  }
  if (!c.authenticated && !cmd.noAuth && server.requiresAuth()) {
    reject(c, out, ERR.noAuth, cmd);
    return;
  }
  if (c.multi !== null && cmd.noMulti) {
    reject(c, out, ERR.commandNotAllowedInside, cmd);
    return;
  }
  const context = c.multi !== null ? 'multi' : 'toplevel';
  const denied = aclVerify(c, cmd, argv, context);
  if (denied !== null) {
    reject(c, out, aclDenialText(denied, context, cmd.name), cmd);
    return;
  }
  // The gates below look at what the command (or the script it runs, or EXEC's queue) may do.
  const gated = server.evictor.maxmemory !== 0 || server.writesNeedReplicas || server.clientPause !== null;
  const gate = gated ? gateFlags(c, cmd, argv) : 0;
  if (server.evictor.maxmemory !== 0 && server.busyError === null) {
    const outOfMemory = !server.evictor.perform();
    // Queuing in MULTI may use unbounded memory: refused too, but never EXEC/DISCARD/QUIT/RESET.
    const denyOnOom = (gate & GATE_DENYOOM) !== 0 || (c.multi !== null && !MULTI_IMMEDIATE.has(cmd.name));
    if (outOfMemory && denyOnOom) {
      reject(c, out, ERR.oom, cmd);
      return;
    }
    // Scripts check it on their first write: their own memory must not count against them.
    server.preCommandOom = outOfMemory;
  }
  if (server.tracking.clients !== 0) server.tracking.limitKeys();
  if (server.writesNeedReplicas && (gate & GATE_WRITE) !== 0) {
    reject(c, out, ERR.noReplicas, cmd);
    return;
  }
  if ((cmd.denyOom || c.multi !== null) && server.heapGuard.writeRefused() && (cmd.denyOom || !MULTI_IMMEDIATE.has(cmd.name))) {
    reject(c, out, ERR.oom, cmd);
    return;
  }
  // a script counts as a write unless its shebang flags say no-writes (EXEC: any queued write)
  if (server.diskWriteError !== null && (cmd.name === 'ping' || ((gated ? gate : gateFlags(c, cmd, argv)) & GATE_WRITE) !== 0)) {
    reject(c, out, server.diskWriteError, cmd);
    return;
  }
  if (c.resp === 2 && c.inPubSubMode && !PUBSUB_ALLOWED.has(cmd.parent?.name ?? cmd.name)) {
    reject(
      c,
      out,
      ERR.cantExecuteOnly(cmd.name),
      cmd,
    );
    return;
  }
  if (server.loading && !cmd.flags.has('loading')) {
    reject(c, out, ERR.loading, cmd);
    return;
  }
  if (server.busyError !== null && !cmd.allowBusy) {
    reject(c, out, server.busyError, cmd);
    return;
  }
  if (c.monitor && (cmd.isWrite || cmd.isReadonly || cmd.flags.has('may_replicate'))) {
    reject(c, out, ERR.replicaCantInteract, cmd);
    return;
  }
  // An in-process caller (the test API's call()) has no connection to hold back.
  if (server.clientPause !== null && c.sock !== null && server.clientPause.blocks(gate)) {
    server.clientPause.postpone(c, argv);
    return;
  }
  if (c.multi !== null && !MULTI_IMMEDIATE.has(cmd.name)) {
    c.multi.push({ cmd, argv });
    for (let i = 0; i < argv.length; i++) c.multiArgvBytes += argv[i].length;
    out.simple('QUEUED');
    return;
  }
  call(c, cmd, argv, out);
}

/**
 * The GATE_* flags of a command about to run (Redis's getCommandFlags): a script command's
 * are what its script declares; EXEC's include those of every queued command.
 */
function gateFlags(c: Client, cmd: Command, argv: string[]): number {
  const scriptFlags = c.server.scriptGateFlags;
  let flags = cmd.noScript && scriptFlags !== null ? scriptFlags(cmd, argv) : cmd.gateFlags;
  if (cmd.name === 'exec' && c.multi !== null) {
    for (const q of c.multi) flags |= q.cmd.noScript && scriptFlags !== null ? scriptFlags(q.cmd, q.argv) : q.cmd.gateFlags;
  }
  return flags;
}

function reject(c: Client, out: ReplySink, text: string, cmd?: Command): void {
  if (cmd) cmd.stats.rejected++;
  if (c.multi !== null) c.multiDirty = true;
  c.server.stats.rejectedCalls++;
  if (cmd?.name === 'exec') {
    // execCommandAbort: a rejected EXEC discards the transaction (and says so even without one).
    c.multi = null;
    c.multiDirty = false;
    c.server.unwatchAll(c);
    out.error(ERR.execabortTransactionDiscardedBecause2(text.startsWith('ERR ') ? text.slice(4) : text));
    return;
  }
  out.error(text);
}

/** Calls a resolved command's handler; ReplyErrors become error replies. Used by EXEC too. */
export function call(c: Client, cmd: Command, argv: string[], out: ReplySink): void {
  const server = c.server;
  const stats = cmd.stats;
  // A clock read costs as much as a whole GET: inside a read batch, `fast` commands are not
  // timed one by one; the batch's time is shared among them afterwards (Server.processInput).
  // With a low slowlog threshold (tests use 0) every command is timed.
  const untimed = cmd.isFast && server.batchFast !== null && server.slowlog.slowerThan >= 1000 && server.latency.threshold === 0;
  // Timed commands right after another timed one in the batch start when it ended.
  const start = untimed ? 0 : server.batchFast !== null && server.clockFresh ? server.lastClock : perfNow();
  server.callStart = start;
  const wasRead = server.inReadCommand;
  server.inReadCommand = cmd.isReadonly;
  // A command failed when an error was counted while it ran, except errors of the commands
  // it ran itself (a script's), which belong to those.
  server.errorMark = server.stats.errorReplies;
  const uncounted = c.writer.uncountedErrors;
  const blockedBefore = c.blocked;
  const prop = server.propagator;
  const propagating = prop.active;
  let dirtyBefore = 0;
  let savedArgv: string[] | null = null;
  let savedPrevent = false;
  let savedForce = false;
  if (propagating) {
    // call() nests (EXEC, scripts on their own client): each level has its own rewrite.
    dirtyBefore = server.dirty;
    savedArgv = c.propArgv;
    savedPrevent = c.preventProp;
    savedForce = c.forceProp;
    c.propArgv = null;
    c.preventProp = false;
    c.forceProp = false;
    prop.depth++;
  }
  try {
    if (server.corruptValues !== null && reachesCorrupt(c, cmd, argv)) return;
    (cmd.handler as NonNullable<Command['handler']>)(c, argv, out);
  } catch (e) {
    if (e instanceof ReplyError) {
      out.error(e.text);
    } else {
      server.log('warning', `internal error in '${cmd.name}': ${(e as Error)?.stack ?? e}`);
      out.error(ERR.internalError((e as Error)?.message ?? e));
    }
  }
  server.inReadCommand = wasRead;
  // (each uncounted error marks the command failed by itself, as afterErrorReply does)
  stats.failed += c.writer.uncountedErrors - uncounted;
  if (server.stats.errorReplies > server.errorMark) stats.failed++;
  server.errorMark = server.stats.errorReplies;
  if (propagating) {
    prop.depth--;
    // EXEC itself is never logged: its commands are, wrapped in MULTI/EXEC when several.
    if ((server.dirty > dirtyBefore || c.forceProp) && !c.preventProp && cmd.name !== 'exec') {
      prop.also(c.db.id, c.propArgv ?? argv);
    }
    c.propArgv = savedArgv;
    c.preventProp = savedPrevent;
    c.forceProp = savedForce;
    if (prop.depth === 0 && prop.pending !== 0) prop.flush(cmd.name === 'scan' || cmd.name === 'randomkey');
  }
  server.stats.commandsProcessed++;
  let usec = 0;
  // A command that blocked goes to the slowlog when it is unblocked, with the arguments it
  // was called with, and its time is added again then (Redis's updateStatsOnUnblock).
  const blockedNow = cmd.isBlocking && c.blocked !== blockedBefore && c.blocked instanceof Waiter;
  stats.calls++;
  if (untimed) {
    // (each command is listed once per batch, however many times it ran)
    if (stats.untimed++ === 0) server.batchFast!.push(cmd);
    server.clockFresh = false;
  } else {
    const end = perfNow();
    usec = (end - start) * 1000;
    if (blockedNow) (c.blocked as Waiter).deferStats(cmd, argv, usec);
    stats.usec += usec;
    if (server.batchFast !== null) {
      server.batchTimedUsec += usec;
      server.lastClock = end;
      server.clockFresh = true;
    }
  }
  c.lastCommand = cmd.name;
  // Client-side caching: remember the keys a tracking client read (for a script's
  // commands, the client that runs the script).
  if (server.tracking.clients !== 0 && cmd.isReadonly) server.tracking.readBy(c, cmd, argv);
  if (server.latency.threshold !== 0 && !blockedNow) server.latency.addIfNeeded(cmd.isFast ? 'fast-command' : 'command', usec / 1000);
  if (usec >= server.slowlog.slowerThan && !blockedNow && !cmd.flags.has('skip_slowlog')) server.slowlog.record(c, argv, usec);
  if (server.monitors.size !== 0 && !cmd.skipMonitor && !cmd.flags.has('admin')) server.feedMonitors(c, argv, out !== c.writer);
}

/** DEBUG and MODULE run only as enable-debug-command / enable-module-command allow. */
function protectedRefused(c: Client, cmd: Command): boolean {
  const setting = c.server.config.get(cmd.name === 'debug' ? 'enable-debug-command' : 'enable-module-command');
  if (setting === 'yes') return false;
  if (setting !== 'local') return true;
  const a = c.sock?.remoteAddress;
  return !(a === undefined || a === '127.0.0.1' || a === '::1' || a === '::ffff:127.0.0.1');
}
