import type { Client } from './client.ts';
import type { Command } from './types.ts';
import type { ServerState } from './state.ts';
import { pushTo } from './pubsub.ts';
import { setImmediate } from '../util/clock.ts';

/** Per-client tracking state, kept in `Client.tracking` while tracking is on. */
export class TrackingState {
  caching = false;
  brokenRedir = false;
  constructor(
    public redirect: number,
    public bcast: boolean,
    public optin: boolean,
    public optout: boolean,
    public noloop: boolean,
    /** BCAST prefixes, kept sorted bytewise (Redis keeps them in a radix tree). */
    public prefixes: string[],
  ) {}
}

interface BcastState {
  /** Keys modified since the last broadcast, to the client that modified them last. */
  keys: Map<string, Client | null>;
  clients: Set<Client>;
}

/** Sent in place of a key list after a flush: RESP null in the tracking client's protocol. */
const FLUSH = null;

/**
 * Client-side caching support (Redis tracking.c): the table of keys read by tracking
 * clients, BCAST prefixes, and invalidation delivery (RESP3 push or RESP2 redirect to
 * `__redis__:invalidate`).
 */
export class Tracking {
  /** Number of clients with tracking on; ServerState.modified checks it before calling in. */
  clients = 0;
  /** Key name (all databases) to the ids of clients that may have cached it. */
  private readonly table = new Map<string, Set<number>>();
  /** BCAST prefix to its state. */
  private readonly prefixTable = new Map<string, BcastState>();
  /** Invalidations for the client running the current command, sent after its reply. */
  private pending: (string | null)[] = [];
  private broadcastScheduled = false;
  private lastFlushSeq = -1;

  constructor(private readonly server: ServerState) {
    server.clientClosedHooks.push((c) => this.disable(c));
  }

  get active(): boolean {
    return this.clients !== 0;
  }

  get hasPending(): boolean {
    return this.pending.length !== 0;
  }

  /** Number of keys in the tracking table (INFO tracking_total_keys). */
  get totalKeys(): number {
    return this.table.size;
  }

  get totalItems(): number {
    let n = 0;
    for (const s of this.table.values()) n += s.size;
    return n;
  }

  get totalPrefixes(): number {
    return this.prefixTable.size;
  }

  enable(c: Client, redirect: number, bcast: boolean, optin: boolean, optout: boolean, noloop: boolean, prefixes: string[]): void {
    let st = c.tracking;
    if (st === null) {
      this.clients++;
      st = new TrackingState(redirect, bcast, optin, optout, noloop, []);
      c.tracking = st;
    } else {
      st.redirect = redirect;
      st.bcast = bcast;
      st.optin = optin;
      st.optout = optout;
      st.noloop = noloop;
      st.brokenRedir = false;
    }
    if (bcast) {
      if (prefixes.length === 0) this.addPrefix(c, st, '');
      for (const p of prefixes) this.addPrefix(c, st, p);
    }
  }

  private addPrefix(c: Client, st: TrackingState, prefix: string): void {
    let bs = this.prefixTable.get(prefix);
    if (!bs) this.prefixTable.set(prefix, (bs = { keys: new Map(), clients: new Set() }));
    if (bs.clients.has(c)) return;
    bs.clients.add(c);
    if (!st.prefixes.includes(prefix)) {
      st.prefixes.push(prefix);
      st.prefixes.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    }
  }

  /** CLIENT TRACKING OFF, RESET, disconnect. Table entries go away lazily. */
  disable(c: Client): void {
    const st = c.tracking;
    if (st === null) return;
    for (const p of st.prefixes) {
      const bs = this.prefixTable.get(p);
      if (!bs) continue;
      bs.clients.delete(c);
      if (bs.clients.size === 0) this.prefixTable.delete(p);
    }
    c.tracking = null;
    this.clients--;
  }

  /**
   * After a read-only command ran on `c`: remember its keys for the tracking client behind
   * it. A read-only script command itself remembers nothing; a read command a script runs
   * makes its caller remember the keys the script declared (the caller's command), as Redis.
   */
  readBy(c: Client, cmd: Command, argv: string[]): void {
    const name = cmd.name;
    if (name === 'eval_ro' || name === 'evalsha_ro' || name === 'fcall_ro') return;
    if (c.tracking !== null) {
      this.rememberKeys(c, cmd, argv);
      return;
    }
    const server = this.server;
    const scriptArgv = server.scriptCallerArgv;
    const caller = server.currentClient;
    if (c.sock !== null || scriptArgv === null || caller === null || caller.tracking === null) return;
    const callerCmd = server.table.find(scriptArgv);
    if (callerCmd) this.rememberKeys(caller, callerCmd, scriptArgv);
  }

  /** After a read-only command: remember the keys it read for this client. */
  rememberKeys(c: Client, cmd: Command, argv: string[]): void {
    const st = c.tracking;
    if (st === null || st.bcast) return;
    if ((st.optin && !st.caching) || (st.optout && st.caching)) return;
    if (cmd.flags.has('pubsub')) return;
    const idx = cmd.keys(argv);
    for (const i of idx) {
      const key = argv[i];
      let ids = this.table.get(key);
      if (!ids) this.table.set(key, (ids = new Set()));
      ids.add(c.id);
    }
  }

  /**
   * True while maxmemory evicts keys before a command runs: their invalidations go out at
   * once, ahead of the command's reply, as Redis's performEvictions does.
   */
  evicting = false;

  /**
   * A key changed: invalidate it for the clients that read it, record it for BCAST with the
   * client that changed it (none when the server did, by expiry or eviction, so NOLOOP
   * clients still hear of it).
   */
  keyModified(key: string, byServer: boolean): void {
    const server = this.server;
    const current = server.currentClient;
    const evicting = this.evicting;
    if (this.prefixTable.size !== 0) this.rememberForBroadcast(byServer || evicting ? null : current, key);
    this.invalidate(key, !evicting);
  }

  /**
   * Tells the clients that read `key` it changed and forgets them. `inCommand`: the current
   * client hears of it after its reply; otherwise (before its command runs) at once.
   */
  private invalidate(key: string, inCommand: boolean): void {
    const ids = this.table.get(key);
    if (!ids) return;
    const server = this.server;
    const current = server.currentClient;
    this.table.delete(key);
    for (const id of ids) {
      const target = server.clients.get(id);
      if (!target) continue;
      const st = target.tracking;
      if (st === null || st.bcast) continue;
      if (st.noloop && target === current) continue;
      if (target === current && inCommand) this.pending.push(key);
      else this.send(target, [key]);
    }
  }

  /** tracking-table-max-keys; 0 means no limit. */
  maxKeys = 1_000_000;
  /** Rounds in a row that ended still over the limit: each one works harder (Redis's effort). */
  private overLimitRounds = 0;

  /**
   * Keeps the table within tracking-table-max-keys (Redis's trackingLimitUsedSlots, run
   * before each command and from the cron): keys are invalidated, oldest tracked first,
   * with an effort bound that grows while the table stays over the limit.
   */
  limitKeys(): void {
    const max = this.maxKeys;
    if (max === 0 || this.table.size <= max) {
      this.overLimitRounds = 0;
      return;
    }
    let effort = 100 * (this.overLimitRounds + 1);
    for (const key of this.table.keys()) {
      if (effort-- <= 0) break;
      this.invalidate(key, false);
      if (this.table.size <= max) {
        this.overLimitRounds = 0;
        return;
      }
    }
    this.overLimitRounds++;
  }

  private rememberForBroadcast(modifier: Client | null, key: string): void {
    for (const [prefix, bs] of this.prefixTable) {
      if (prefix.length > key.length) continue;
      if (prefix.length !== 0 && !key.startsWith(prefix)) continue;
      bs.keys.set(key, modifier);
    }
    if (!this.broadcastScheduled) {
      this.broadcastScheduled = true;
      setImmediate(() => this.broadcast());
    }
  }

  /** Sends the keys gathered per prefix to the BCAST clients (Redis does it in beforeSleep). */
  broadcast(): void {
    this.broadcastScheduled = false;
    for (const bs of this.prefixTable.values()) {
      if (bs.keys.size === 0) continue;
      const keys = [...bs.keys.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const c of bs.clients) {
        const st = c.tracking;
        if (st === null) continue;
        if (st.noloop) {
          const mine = keys.filter((k) => bs.keys.get(k) !== c);
          if (mine.length !== 0) this.send(c, mine);
        } else {
          this.send(c, keys);
        }
      }
      bs.keys = new Map();
    }
  }

  /** FLUSHDB / FLUSHALL: every tracking client gets a null invalidation; the table empties. */
  flushed(): void {
    // FLUSHALL flushes every database but Redis sends one null per command.
    const seq = this.server.stats.commandsProcessed;
    if (seq === this.lastFlushSeq) {
      this.table.clear();
      return;
    }
    this.lastFlushSeq = seq;
    if (this.clients !== 0) {
      const current = this.server.currentClient;
      for (const c of this.server.clients.values()) {
        if (c.tracking === null) continue;
        if (c === current) this.pending.push(FLUSH);
        else this.send(c, FLUSH);
      }
    }
    this.table.clear();
  }

  /** After the top-level command of `c` finished: pending invalidations, CACHING reset. */
  afterCommand(c: Client): void {
    if (this.pending.length !== 0) {
      const p = this.pending;
      this.pending = [];
      for (const k of p) this.send(c, k === FLUSH ? FLUSH : [k]);
    }
    const st = c.tracking;
    if (st !== null && st.caching && c.multi === null && !c.lastCommand.startsWith('client|')) st.caching = false;
  }

  /** sendTrackingMessage: `keys` null means the flush message (a RESP null). */
  private send(c: Client, keys: string[] | null): void {
    const st = c.tracking;
    if (st === null) return;
    const nullProto = c.resp === 3 ? '_\r\n' : '$-1\r\n';
    let target = c;
    let redirected = false;
    if (st.redirect !== 0) {
      const r = this.server.clients.get(st.redirect);
      if (!r) {
        st.brokenRedir = true;
        if (c.resp === 3) {
          pushTo(c, (out) => {
            out.push(2);
            out.bulk('tracking-redir-broken');
            out.integer(st.redirect);
          });
          c.flush();
        }
        return;
      }
      target = r;
      redirected = true;
    }
    pushTo(target, (out) => {
      if (target.resp === 3) {
        out.push(2);
        out.bulk('invalidate');
      } else if (redirected && target.inPubSubMode) {
        out.array(3);
        out.bulk('message');
        out.bulk('__redis__:invalidate');
      } else {
        return;
      }
      if (keys === null) {
        out.raw(nullProto);
      } else {
        out.array(keys.length);
        for (const k of keys) out.bulk(k);
      }
    });
    target.flush();
  }
}
