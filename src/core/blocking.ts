import type { BlockState, Client } from './client.ts';
import type { Database } from '../keyspace/db.ts';
import type { ServerState } from './state.ts';
import { ReplyError, ERR } from '../errors.ts';
import type { Command } from './types.ts';
import { parseDouble } from '../util/numbers.ts';
import { clearTimeout, perfNow, setImmediate, setTimeout } from '../util/clock.ts';

/** setTimeout's largest delay; longer waits re-arm. */
const MAX_DELAY = 2 ** 31 - 1;

/**
 * What a blocking command hands to `Blocking.block`: how to serve the client once one of
 * its keys is ready, and how to answer when it times out. Generic so lists, sorted sets
 * and streams (XREAD BLOCK) share one mechanism.
 */
export interface WaitSpec {
  /** Distinct keys of `db` the client waits on. */
  keys: string[];
  /** Absolute deadline in ms (the server clock), 0 = forever. */
  deadline: number;
  /**
   * Called after a command that touched `key` finished. Writes the reply and returns true
   * when the client is served (it is then unblocked); returns false to keep waiting.
   */
  serve(key: string): boolean;
  /** Writes the timeout reply (also used for CLIENT UNBLOCK ... TIMEOUT). */
  timeout(): void;
}

/** One blocked client. */
export class Waiter implements BlockState {
  timer: NodeJS.Timeout | null = null;
  done = false;
  /** The blocked command, its arguments and the time its first run took, accounted on unblock. */
  cmd: Command | null = null;
  argv: string[] = [];
  usec = 0;
  constructor(
    readonly blocking: Blocking,
    readonly client: Client,
    readonly db: Database,
    readonly spec: WaitSpec,
    /** Blocking order, for timing out together clients whose deadlines a clock jump passed. */
    readonly seq: number,
  ) {}

  cancel(reason: 'timeout' | 'error' | 'disconnect'): void {
    // The server already cleared client.blocked for a disconnect.
    this.blocking.finish(this, reason);
  }

  deferStats(cmd: Command, argv: string[], usec: number): void {
    this.cmd = cmd;
    this.argv = argv;
    this.usec = usec;
  }
}

/**
 * Blocked clients per (db, key) in FIFO order, the set of keys made ready by the command
 * being executed, and the serving loop run after each top-level command (Redis's
 * handleClientsBlockedOnKeys), plus timeouts and CLIENT UNBLOCK.
 */
export class Blocking {
  /** Number of blocked clients; ServerState.modified checks this before signalling. */
  waiting = 0;
  /** `${db}\0${key}` to its waiters in blocking order. */
  private readonly byKey = new Map<string, Set<Waiter>>();
  /** Keys signalled since the last serving pass, in signal order. */
  readonly ready = new Map<string, { db: Database; key: string }>();
  private serveScheduled = false;
  /** Clients blocked on no key (WAIT): only a timeout or CLIENT UNBLOCK ends their wait. */
  private readonly keyless = new Set<Waiter>();
  private nextSeq = 0;

  constructor(private readonly server: ServerState) {}

  /** Blocks a client; input processing stops until it is served, times out or is unblocked. */
  block(c: Client, spec: WaitSpec): Waiter {
    const w = new Waiter(this, c, c.db, spec, this.nextSeq++);
    if (spec.keys.length === 0) this.keyless.add(w);
    const dbid = c.db.id;
    for (const key of spec.keys) {
      const k = `${dbid}\0${key}`;
      let set = this.byKey.get(k);
      if (!set) this.byKey.set(k, (set = new Set()));
      set.add(w);
    }
    if (this.waiting++ === 0) this.server.keyReadyHandler = (db, key) => this.signal(db, key);
    c.blocked = w;
    if (spec.deadline > 0) this.arm(w);
    return w;
  }

  private arm(w: Waiter): void {
    const delay = w.spec.deadline - this.server.clock.now();
    if (delay <= 0) {
      w.timer = setTimeout(() => this.timedOut(w), 0);
    } else {
      w.timer = setTimeout(() => (delay > MAX_DELAY ? this.arm(w) : this.timedOut(w)), Math.min(delay, MAX_DELAY));
    }
    w.timer.unref();
  }

  private timedOut(w: Waiter): void {
    if (w.done) return;
    if (this.server.clock.now() < w.spec.deadline) {
      this.arm(w);
      return;
    }
    this.finish(w, 'timeout');
  }

  /** Records that a key with waiters may now be able to serve them. */
  signal(db: Database, key: string): void {
    const k = `${db.id}\0${key}`;
    if (!this.byKey.has(k) || this.ready.has(k)) return;
    this.ready.set(k, { db, key });
    // Outside a client's command (e.g. postponed commands after CLIENT PAUSE, embedding),
    // nobody will serve the key after the command: do it once this turn completes.
    if (this.server.currentClient === null && !this.serveScheduled) {
      this.serveScheduled = true;
      setImmediate(() => {
        this.serveScheduled = false;
        if (this.ready.size !== 0) this.handleReady();
      });
    }
  }

  /** Signals every key of `db` some client waits on (SWAPDB, FLUSH...). */
  signalAll(db: Database): void {
    const prefix = `${db.id}\0`;
    for (const k of this.byKey.keys()) {
      if (k.startsWith(prefix) && !this.ready.has(k)) this.ready.set(k, { db, key: k.slice(prefix.length) });
    }
  }

  /** Serves clients blocked on the ready keys; serving may make more keys ready (BLMOVE). */
  handleReady(): void {
    const server = this.server;
    // Not while a script runs busy: what it pushed is served once it ends (its own command's
    // end), never in the middle because a command allowed meanwhile (PING, HELLO) finished.
    if (server.busyError !== null) return;
    const prev = server.currentClient;
    while (this.ready.size !== 0) {
      const batch = [...this.ready];
      this.ready.clear();
      for (const [k, { key }] of batch) {
        const set = this.byKey.get(k);
        if (!set) continue;
        for (const w of [...set]) {
          if (w.done) continue;
          server.currentClient = w.client;
          let served: boolean;
          let failed = false;
          const start = perfNow();
          try {
            served = w.spec.serve(key);
          } catch (e) {
            if (!(e instanceof ReplyError)) throw e;
            w.client.writer.error(e.text);
            served = true;
            failed = true;
          }
          if (served) {
            this.release(w);
            this.accountUnblock(w, (perfNow() - start) * 1000, failed);
            server.afterServed(w.client);
          }
        }
      }
    }
    server.currentClient = prev;
  }

  /** Unblocks without serving: writes the reply the reason calls for. */
  finish(w: Waiter, reason: 'timeout' | 'error' | 'disconnect'): void {
    if (w.done) return;
    this.release(w);
    if (reason === 'disconnect') return;
    if (reason === 'timeout') {
      // (a timeout is not accounted again, as replyToBlockedClientTimedOut)
      w.spec.timeout();
    } else {
      w.client.writer.error(ERR.unblockedClientUnblockedVia);
      this.accountUnblock(w, 0, true);
    }
    this.server.afterServed(w.client);
  }

  /** updateStatsOnUnblock: the command's time (its first run again, plus the reply) and the slowlog. */
  private accountUnblock(w: Waiter, replyUsec: number, failed: boolean): void {
    const cmd = w.cmd;
    if (cmd === null) return;
    const usec = w.usec + replyUsec;
    cmd.stats.usec += usec;
    if (failed) cmd.stats.failed++;
    this.server.latency.addIfNeeded('command-unblocking', replyUsec / 1000);
    const slowlog = this.server.slowlog;
    if (usec >= slowlog.slowerThan && !cmd.flags.has('skip_slowlog')) slowlog.record(w.client, w.argv, usec);
  }

  /** Removes a waiter from every key and clears its timer and the client's blocked state. */
  private release(w: Waiter): void {
    w.done = true;
    if (--this.waiting === 0) this.server.keyReadyHandler = null;
    if (w.timer) clearTimeout(w.timer);
    w.timer = null;
    if (w.spec.keys.length === 0) this.keyless.delete(w);
    const dbid = w.db.id;
    for (const key of w.spec.keys) {
      const k = `${dbid}\0${key}`;
      const set = this.byKey.get(k);
      if (!set) continue;
      set.delete(w);
      if (set.size === 0) this.byKey.delete(k);
    }
    if (w.client.blocked === w) w.client.blocked = null;
  }

  /**
   * The server clock jumped (the `time` API): clients whose deadline has now passed time
   * out at once, in the order they blocked; the others wait for their new remaining time.
   */
  clockMoved(): void {
    const waiters = new Set<Waiter>();
    for (const set of this.byKey.values()) for (const w of set) waiters.add(w);
    for (const w of this.keyless) waiters.add(w);
    const now = this.server.clock.now();
    for (const w of [...waiters].sort((a, b) => a.seq - b.seq)) {
      if (w.done || w.spec.deadline === 0) continue;
      if (w.timer) clearTimeout(w.timer);
      w.timer = null;
      if (w.spec.deadline <= now) this.finish(w, 'timeout');
      else this.arm(w);
    }
  }

  /** CLIENT UNBLOCK: true when the client was blocked by a blocking command. */
  unblock(c: Client, reason: 'timeout' | 'error'): boolean {
    const b = c.blocked;
    if (!(b instanceof Waiter) || b.done) return false;
    this.finish(b, reason);
    return true;
  }

  /** Number of distinct keys with waiters (INFO keyspace-ish stats). */
  get keyCount(): number {
    return this.byKey.size;
  }
}

/**
 * Parses a blocking timeout in seconds (fractions allowed) like Redis's
 * getTimeoutFromObjectOrReply: returns the absolute deadline in ms, or 0 for forever.
 */
export function parseTimeout(arg: string, now: number): number {
  const v = parseDouble(arg);
  if (v === null || Number.isNaN(v)) throw new ReplyError(ERR.timeoutNotFloat);
  let ms = Math.ceil(v * 1000);
  // (long long) of an out-of-range long double yields LLONG_MIN on x86: "negative".
  if (!(ms < 9223372036854775807) || !(ms > -9223372036854775808)) ms = -1;
  if (ms < 0) throw new ReplyError(ERR.timeoutNegative);
  if (ms === 0) return 0;
  return ms + now;
}
