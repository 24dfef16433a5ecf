import { PEAK_RESET_MS } from './querybuf.ts';
import type net from 'node:net';
import { Client } from './client.ts';
import type { Config } from './config.ts';
import { Database, type KeyspaceEvents } from '../keyspace/db.ts';
import type { CommandTable } from './table.ts';
import type { Command } from './types.ts';
import type { ClientOutput } from '../resp/sink.ts';
import { processCommand } from './dispatch.ts';
import { PubSub } from './pubsub.ts';
import { Notifier } from './notify.ts';
import { Evictor } from './evict.ts';
import { Blocking } from './blocking.ts';
import { Tracking } from './tracking.ts';
import { Slowlog } from './slowlog.ts';
import { LatencyMonitor } from './latency.ts';
import { feedMonitors } from './monitor.ts';
import type { ClientPause } from './pause.ts';
import { Acl } from './acl.ts';
import { WatchRegistry } from './watch.ts';
import { Attachments } from './attachments.ts';
import { OutputBufferLimits } from './obuf.ts';
import { ClientEviction } from './client-eviction.ts';
import { HeapGuard } from './heap.ts';
import { Faults } from './faults.ts';
import { ServerClock } from '../util/server-clock.ts';
import { dateNow, perfNow } from '../util/clock.ts';
import { Propagator } from './propagate.ts';
import { usedMemory } from './memory.ts';
import type { CrashInfo } from '../keyspace/rdb.ts';

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning' | 'nothing';
const LEVELS: LogLevel[] = ['debug', 'verbose', 'notice', 'warning', 'nothing'];

/**
 * Function libraries as persistence sees them: the Lua layer implements this and the
 * network side (src/server.ts) hands it over, so RDB code below the Lua layer can save and
 * load libraries.
 */
export interface FunctionLibraries {
  /** Each library's source code, in load order. */
  codes(): string[];
  /** Compiles and adds a library (replacing one of the same name if `replace`); an error text on failure. */
  load(code: string, replace: boolean): string | null;
  /** Removes every library. */
  flush(): void;
}

/** Server-wide counters for INFO stats. */
export class Stats {
  connectionsReceived = 0;
  /** Commands that ran (Redis counts in call(): EXEC's and scripts' commands too, not rejected ones). */
  commandsProcessed = 0;
  /** Socket reads and writes (total_reads_processed / total_writes_processed). */
  readsProcessed = 0;
  writesProcessed = 0;
  rejectedCalls = 0;
  expiredKeys = 0;
  keyspaceHits = 0;
  keyspaceMisses = 0;
  rejectedConnections = 0;
  /** Values Redis would have freed in the background (UNLINK, asynchronous flushes): lazyfreed_objects. */
  lazyfreedObjects = 0;
  /** Clients closed for passing client-query-buffer-limit / client-output-buffer-limit. */
  queryBufferLimitDisconnections = 0;
  outputBufferLimitDisconnections = 0;
  /** Clients closed by maxmemory-clients (INFO evicted_clients). */
  evictedClients = 0;
  netInputBytes = 0;
  netOutputBytes = 0;
  /** Error replies sent (INFO total_error_replies) and their counts per code (errorstats). */
  errorReplies = 0;
  readonly errors = new Map<string, number>();
  /** Child processes started for saves and rewrites (total_forks), and how long the last start took. */
  forks = 0;
  latestForkUsec = 0;
}

/**
 * A server's state and the command-level machinery every layer below the network shares:
 * databases, clients, the command table, configuration and subsystems. The network side
 * (src/server.ts) extends it and supplies the few things only it can do: write a client's
 * replies, close a connection, resume reading, shut down. Code below server.ts reaches the
 * server only through this class.
 */
/** HASHTABLE_MAX_LOAD_FACTOR: past this fill a table grows even against maxmemory. */
const MAX_LOAD_FACTOR = 1.618;

export abstract class ServerState implements KeyspaceEvents {
  readonly config: Config;
  /** ACL users and the ACL LOG (src/acl.ts). */
  readonly acl: Acl;
  readonly table: CommandTable;
  readonly dbs: Database[];
  readonly clients = new Map<number, Client>();
  readonly stats = new Stats();
  /** client-output-buffer-limit per client class. */
  readonly obufLimits = new OutputBufferLimits();
  /** Client memory accounting and maxmemory-clients (src/core/client-eviction.ts). */
  readonly clientMemory = new ClientEviction(this);
  readonly pubsub = new PubSub();
  readonly notifier = new Notifier(this.pubsub);
  readonly monitors = new Set<Client>();
  /** maxmemory eviction; dispatch consults it only when maxmemory is set. */
  readonly evictor = new Evictor(this);
  /** State that layers above core keep per server (scripting, persistence...). */
  readonly attachments = new Attachments(this);
  /** True once close() began: work scheduled earlier must not touch the server. */
  closing = false;
  /** WATCH's registry. */
  readonly watches = new WatchRegistry();
  /** Refuses writes before the V8 heap reaches its limit (src/core/heap.ts). */
  readonly heapGuard = new HeapGuard(() => {
    let most = 0;
    for (const db of this.dbs) most = Math.max(most, db.data.size, db.expires.size);
    return most;
  });
  /** This server's clock: every time the server reads comes from it (the `time` API moves it). */
  readonly clock = new ServerClock();
  readonly startTime = this.clock.now();
  /** Write effects on their way to the AOF (src/core/propagate.ts). */
  readonly propagator = new Propagator();
  /** lazyfree-lazy-expire: expired keys are propagated as UNLINK rather than DEL. */
  private lazyExpire = false;
  /** Error text other clients get while a script runs past busy-reply-threshold; null otherwise. */
  busyError: string | null = null;
  /**
   * While a script or an EXEC runs, keys expire by the time it started (Redis's
   * scriptTimeSnapshot and fixed_time_expire), so it sees a key either live or gone.
   */
  get scriptTimeSnapshot(): number | null {
    if (this.snapshotPerf >= 0) {
      // the wall time at the start, from the clock read now and the time elapsed since
      this.snapshotMs = this.clock.isFrozen ? this.clock.now() : Math.floor(this.clock.now() - (perfNow() - this.snapshotPerf));
      this.snapshotPerf = -1;
    }
    return this.snapshotMs;
  }

  set scriptTimeSnapshot(ms: number | null) {
    this.snapshotMs = ms;
    this.snapshotPerf = -1;
  }

  private snapshotMs: number | null = null;
  /** perfNow() at the start of a script whose snapshot nothing read yet; -1 otherwise */
  private snapshotPerf = -1;

  /**
   * A script starts at `start` (a perfNow() reading): its scriptTimeSnapshot is that time,
   * worked out when first read. Most scripts touch no key with a TTL and never read it,
   * which saves a clock read per run.
   */
  snapshotTimeAt(start: number): void {
    this.snapshotMs = null;
    this.snapshotPerf = start;
  }
  /**
   * The gate flags (GATE_*) of a script command: EVAL, EVALSHA, FCALL and their _RO forms
   * take what the script or function declares (Redis's evalGetCommandFlags and
   * fcallGetCommandFlags). Installed by the scripting commands; null until then.
   */
  scriptGateFlags: ((cmd: Command, argv: string[]) => number) | null = null;
  /**
   * min-replicas-to-write and min-replicas-max-lag are both set: with no replica connected,
   * write commands are refused with NOREPLICAS.
   */
  writesNeedReplicas = false;
  /** The full command of the client whose script is running (its declared keys), or null. */
  scriptCallerArgv: string[] | null = null;
  /** processCommand's out-of-memory verdict for the top-level command (a script's first write checks it). */
  preCommandOom = false;
  lastSave = Math.floor(this.clock.now() / 1000);
  dirty = 0;
  /**
   * The background job running, as Redis's child_type: a BGSAVE ('rdb') or an AOF rewrite
   * ('aof'). Only one runs at a time; the other waits (BGSAVE SCHEDULE) or is refused.
   */
  backgroundJob: 'rdb' | 'aof' | null = null;

  /** Hash tables may resize freely: no child process (Redis's updateDictResizePolicy). */
  get resizeAllowed(): boolean {
    return this.backgroundJob === null;
  }
  /**
   * The keyspace's dictExpandAllowed: under maxmemory, a main table that is not overfull
   * (at most 1.618 entries per bucket) grows only if its new buckets fit under the limit,
   * so a resize cannot itself push the server into evicting.
   */
  readonly expandAllowed = (bytes: number, fill: number): boolean => {
    const max = this.evictor.maxmemory;
    return max === 0 || fill > MAX_LOAD_FACTOR || usedMemory(this) + bytes <= max;
  };
  /**
   * While persistence is failing in a way that stops writes (a failed BGSAVE with save
   * points and stop-writes-on-bgsave-error): the MISCONF error write commands and PING get.
   */
  diskWriteError: string | null = null;
  /**
   * The dataset is being loaded at startup: commands without the `loading` flag get LOADING,
   * and keys do not expire (an AOF's later commands may still act on a key whose deadline
   * passed), as in Redis.
   */
  loading = false;
  /** Function libraries for RDB files; null until the network side wires the Lua layer in. */
  functionLibraries: FunctionLibraries | null = null;
  private nextClientId = 1;
  private logLevel = 2;
  /** Hooks called on every modified key (tracking, blocking layers register here). */
  readonly keyModifiedHooks: ((db: Database, key: string) => void)[] = [];
  /**
   * Blocking layer hook: called by signalKeyAsReady after a push to a list (or zset/stream)
   * key, so clients blocked on it can be served. Null until the blocking layer installs it.
   */
  keyReadyHandler: ((db: Database, key: string) => void) | null = null;
  /** Hooks called when a client disconnects. */
  readonly clientClosedHooks: ((c: Client) => void)[] = [];
  /** Blocked clients (BLPOP...) and the keys ready to serve them. */
  readonly blocking = new Blocking(this);
  /** Client-side caching (CLIENT TRACKING). */
  readonly tracking = new Tracking(this);
  /** Injected faults (the test API's `faults`); dispatch of network commands consults them. */
  readonly faults = new Faults((msg) => this.log('warning', msg));
  /** The client whose command is executing (or being served after blocking); null between. */
  currentClient: Client | null = null;
  /**
   * While set, only this client is served (a SCRIPT DEBUG SYNC session: Redis is blocked
   * in the debugger); the input of every other client waits in `heldClients`.
   */
  exclusiveClient: Client | null = null;
  readonly heldClients = new Set<Client>();
  private flushDepth = 0;

  constructor(config: Config, table: CommandTable, private readonly logSink: (line: string) => void) {
    this.config = config;
    this.table = table;
    this.acl = new Acl(this.config);
    this.config.watch('client-output-buffer-limit', (v) => this.obufLimits.configure(v));
    this.config.watch('loglevel', (v) => {
      const i = LEVELS.indexOf(v as LogLevel);
      this.logLevel = i < 0 ? 2 : i;
    });
    this.config.watch('notify-keyspace-events', (v) => {
      this.notifier.configure(v);
      this.newKeyEvents = this.notifier.wants('n');
    });
    this.config.watch('slowlog-log-slower-than', (v) => {
      this.slowlog.slowerThan = Number(v) < 0 ? Infinity : Number(v);
    });
    this.config.watch('latency-monitor-threshold', (v) => {
      this.latency.threshold = Number(v) || 0;
    });
    this.config.watch('slowlog-max-len', (v) => {
      this.slowlog.maxLen = Number(v);
      this.slowlog.trim();
    });
    const n = Math.max(1, this.config.getInt('databases'));
    this.dbs = [];
    // While loading, time stands still at 0 so nothing expires.
    const clock = () => (this.loading ? 0 : (this.scriptTimeSnapshot ?? this.clock.now()));
    this.config.watch('lazyfree-lazy-expire', (v) => {
      this.lazyExpire = v === 'yes';
    });
    for (let i = 0; i < n; i++) this.dbs.push(new Database(i, this, clock));
    this.clock.onJump = () => this.clockJumped();
    let configured = false;
    const clientLimits = () => {
      const v = this.config.get('maxmemory-clients');
      this.clientMemory.configure(v.endsWith('%') ? -Number(v.slice(0, -1)) : Number(v) || 0, this.evictor.maxmemory);
      // Like Redis, a lower limit evicts before the next command runs.
      if (configured) this.clientMemory.evict();
    };
    this.config.watch('maxmemory-clients', clientLimits);
    this.config.watch('maxmemory', (v) => {
      this.evictor.maxmemory = Number(v) || 0;
      clientLimits();
      // CONFIG SET maxmemory evicts at once (Redis's updateMaxmemory), not at the next write.
      if (configured && this.evictor.maxmemory !== 0) this.evictor.perform();
    });
    configured = true;
    this.config.watch('maxmemory-policy', (v) => {
      this.evictor.policy = v;
      // Keys keep their fields as they are: Redis reads an LRU time as an LFU field (and
      // the reverse) after a policy change too.
      const lfu = v.includes('lfu');
      for (const db of this.dbs) db.lfu = lfu;
    });
    const replicasGate = () => {
      this.writesNeedReplicas = this.config.getInt('min-replicas-to-write') > 0 && this.config.getInt('min-replicas-max-lag') > 0;
    };
    this.config.watch('min-replicas-to-write', replicasGate);
    this.config.watch('min-replicas-max-lag', replicasGate);
    this.config.watch('tracking-table-max-keys', (v) => {
      this.tracking.maxKeys = Number(v);
    });
    this.config.watch('lfu-log-factor', (v) => {
      for (const db of this.dbs) db.lfuLogFactor = Number(v);
    });
    this.config.watch('lfu-decay-time', (v) => {
      for (const db of this.dbs) db.lfuDecayTime = Number(v);
    });
  }

  // ---- keyspace events -------------------------------------------------------------------

  modified(db: Database, key: string, byServer = false): void {
    if (this.watches.size !== 0) this.watches.touchKey(db, key, this.clock.now());
    if (this.tracking.clients !== 0 && this.flushDepth === 0) this.tracking.keyModified(key, byServer);
    if (this.keyModifiedHooks.length !== 0) for (const h of this.keyModifiedHooks) h(db, key);
    // A deleted or retyped key unblocks its XREADGROUP clients (the blocked commands decide).
    if (this.keyReadyHandler !== null) this.keyReadyHandler(db, key);
  }

  /**
   * A database's keys are replaced wholesale (snapshot restore): like Redis's
   * touchAllWatchedKeysInDb, only the watched keys are looked at, so the cost does not
   * grow with the keyspace. A key watched while expired that the new contents lack stays
   * clean.
   */
  replaced(db: Database, before: ReadonlyMap<string, unknown>, after: ReadonlyMap<string, unknown>): void {
    this.watches.touchAllInDb(db.id, before, after);
    if (this.keyModifiedHooks.length !== 0) {
      for (const key of before.keys()) for (const h of this.keyModifiedHooks) h(db, key);
      for (const key of after.keys()) if (!before.has(key)) for (const h of this.keyModifiedHooks) h(db, key);
    }
  }

  /** `n` keyspace events are on (Database.set checks this before looking the key up). */
  newKeyEvents = false;

  newKey(db: Database, key: string): void {
    this.notifier.notify('n', 'new', key, db.id);
  }

  /** FLUSHDB/FLUSHALL bracket: tracking sends one null invalidation instead of one per key. */
  flushing(_db: Database, start: boolean): void {
    if (start) {
      this.flushDepth++;
      // (the table empties even with no tracking client left: its entries are stale)
      if (this.tracking.clients !== 0 || this.tracking.totalKeys !== 0) this.tracking.flushed();
    } else {
      this.flushDepth--;
    }
  }

  /** A key blocked clients may wait on got data (Redis signalKeyAsReady). */
  signalKeyAsReady(db: Database, key: string): void {
    if (this.keyReadyHandler !== null) this.keyReadyHandler(db, key);
  }

  /** Set by dispatch around read-only commands (lookupKeyRead's hits, misses and keymiss). */
  inReadCommand = false;

  readLookup(db: Database, key: string, hit: boolean): void {
    if (hit) {
      this.stats.keyspaceHits++;
    } else {
      this.stats.keyspaceMisses++;
      if (this.notifier.wants('m')) this.notifier.notify('m', 'keymiss', key, db.id);
    }
  }

  expired(db: Database, key: string): void {
    this.stats.expiredKeys++;
    this.notifier.notify('x', 'expired', key, db.id);
    // propagateDeletion: the AOF must drop the key too, whatever the command that found it
    if (this.propagator.active) this.propagator.also(db.id, [this.lazyExpire ? 'UNLINK' : 'DEL', key]);
  }

  // ---- configuration helpers -------------------------------------------------------------

  /** The default user needs a password (or is disabled): clients start unauthenticated. */
  requiresAuth(): boolean {
    return this.acl.defaultNeedsAuth();
  }

  /** A log line without the pid/time prefix (the start banner), at a level like log(). */
  logRaw(level: LogLevel, line: string): void {
    if (LEVELS.indexOf(level) < this.logLevel) return;
    this.logSink(line);
  }

  /**
   * A crash (DEBUG SEGFAULT/PANIC/ASSERT, SIGABRT): writes a crash report where log lines go
   * and hands over to onCrash, which the CLI sets to end the process. Embedded servers have
   * no onCrash: false is returned and the caller answers with an error instead.
   */
  crashReport(reason: 'signal' | 'debug', text: string): boolean {
    if (this.onCrash === null) return false;
    this.logSink('');
    this.logSink('');
    this.logSink(`=== REDMOON BUG REPORT START: Cut & paste starting from here ===`);
    this.log('warning', `Redis 7.0.15 ${text}`);
    this.log('warning', `redmoon 0.1.0 (Redis 7.0.15 compatible) ${text}`);
    this.logSink(`=== REDMOON BUG REPORT END. Make sure to include from START to END. ===`);
    this.onCrash(reason);
    return true;
  }

  /**
   * serverAssert / serverPanic: `pre` lines, then a bug report holding `lines`, then the end
   * of the process as after a crash. False (nothing logged) for an embedded server.
   */
  bugReport(pre: string[], lines: string[]): boolean {
    if (this.onCrash === null) return false;
    for (const l of pre) this.log('warning', l);
    this.logSink('');
    this.logSink('');
    this.logSink(`=== REDMOON BUG REPORT START: Cut & paste starting from here ===`);
    for (const l of lines) this.log('warning', l);
    this.logSink(`=== REDMOON BUG REPORT END. Make sure to include from START to END. ===`);
    this.onCrash('debug');
    return true;
  }

  /** Values kept from corrupt RESTORE payloads, and the crash each stands for (core/corrupt-values.ts). */
  corruptValues: WeakMap<object, CrashInfo> | null = null;

  /** DEBUG SET-SKIP-CHECKSUM-VALIDATION: RESTORE payloads and RDB files load whatever their CRC. */
  skipChecksumValidation = false;

  /** Ends the process after a crash report (set by the CLI; null when embedded). */
  onCrash: ((reason: 'signal' | 'debug') => void) | null = null;

  log(level: LogLevel, msg: string): void {
    if (LEVELS.indexOf(level) < this.logLevel) return;
    const d = new Date(dateNow());
    const mark = level === 'warning' ? '#' : level === 'notice' ? '*' : level === 'verbose' ? '-' : '.';
    // toDateString's month, not toLocaleString's: the latter starts ICU, a costly first log line
    const ts = `${d.getDate().toString().padStart(2, '0')} ${d.toDateString().slice(4, 7)} ${d.getFullYear()} ${d.toTimeString().slice(0, 8)}.${d.getMilliseconds().toString().padStart(3, '0')}`;
    this.logSink(`${process.pid}:M ${ts} ${mark} ${msg}`);
  }


  /** MONITOR feed; `fromScript` (the reply goes to a script, not the socket) shows `lua`. */
  feedMonitors(c: Client, argv: string[], fromScript = false): void {
    feedMonitors(this.monitors, c, argv, fromScript);
  }

  /** CLIENT PAUSE in effect, or null (dispatch checks this on every command). */
  clientPause: ClientPause | null = null;

  /** While clients are paused nothing expires or is evicted: the dataset stays constant. */
  get expiryPaused(): boolean {
    return this.clientPause !== null;
  }
  readonly slowlog = new Slowlog(this.clock.now);
  /** LATENCY events (latency-monitor-threshold). */
  readonly latency = new LatencyMonitor(this.clock.now);

  /**
   * stats.errorReplies when the innermost command started or last settled its error
   * count (Redis's prev_err_count): errors past it make the running command failed.
   */
  errorMark = 0;

  /** Counts an error reply for INFO errorstats: the code is the first word (ERR when none). */
  readonly countError = (text: string): void => {
    this.stats.errorReplies++;
    const sp = text.indexOf(' ');
    const code = sp > 0 && sp < 31 ? text.slice(0, sp) : 'ERR';
    this.stats.errors.set(code, (this.stats.errors.get(code) ?? 0) + 1);
  };

  // ---- clients and commands ------------------------------------------------------------

  /** Creates a client with no socket (embedding, scripts). */
  createClient(sock: net.Socket | null = null, writer?: ClientOutput): Client {
    const c = new Client(this, sock, this.nextClientId++, writer);
    c.writer.onError = this.countError;
    if (sock) this.clients.set(c.id, c);
    return c;
  }

  /**
   * While a read batch runs: the `fast` commands run untimed (dispatch's `call()`), which
   * share the batch's time not spent in timed commands; null outside a batch. Each command
   * that ran untimed is listed once, its `stats.untimed` counting its calls.
   */
  batchFast: Command[] | null = null;
  batchTimedUsec = 0;
  /** performance.now() when the innermost command in call() started; 0 when it runs untimed. */
  callStart = 0;
  /** In a batch: when the last timed command ended, valid while `clockFresh`. */
  lastClock = 0;
  clockFresh = false;

  /**
   * Runs one top-level command of a client, then what Redis does after it: pending
   * tracking invalidations, then serving clients blocked on keys the command made ready.
   */
  execute(c: Client, argv: string[]): void {
    this.currentClient = c;
    c.argv = argv;
    processCommand(c, argv, c.writer);
    // (a blocked command keeps its arguments)
    if (c.blocked === null) c.argv = null;
    this.afterCommand(c);
    if (this.blocking.ready.size !== 0) this.blocking.handleReady();
    this.currentClient = null;
  }

  /** Ends exclusiveClient's hold: the clients that waited run their input. */
  releaseExclusive(): void {
    this.exclusiveClient = null;
    const held = [...this.heldClients];
    this.heldClients.clear();
    for (const c of held) if (this.clients.has(c.id)) this.resumeClient(c);
  }

  /**
   * Forgets a client as if it had disconnected, leaving its connection to its new owner
   * (a forked debugging session: Redis's parent frees the client, its child keeps the socket).
   */
  detachClient(c: Client): void {
    this.unlinkClient(c);
  }

  protected unlinkClient(c: Client): void {
    if (!this.clients.delete(c.id)) return;
    if (c.blocked) {
      const b = c.blocked;
      c.blocked = null;
      b.cancel('disconnect');
    }
    this.pubsub.removeClient(c);
    this.monitors.delete(c);
    this.unwatchAll(c);
    for (const h of this.clientClosedHooks) h(c);
  }

  /** Drops every WATCH of a client (EXEC, DISCARD, UNWATCH, RESET, disconnect). */
  unwatchAll(c: Client): void {
    this.watches.unwatchAll(c);
  }

  /** A blocked client was served or unblocked: send its reply, then run its pipelined input. */
  afterServed(c: Client): void {
    // a served client's pop or move is an execution unit of its own
    if (this.propagator.pending !== 0 && this.propagator.depth === 0) this.propagator.flush();
    this.afterCommand(c);
    c.flush();
    this.resumeClient(c);
  }

  /**
   * What follows every command of a client, whether it ran at once or was served after
   * blocking: the tracking invalidations it caused go out before its next reply.
   */
  private afterCommand(c: Client): void {
    if (this.tracking.clients !== 0) this.tracking.afterCommand(c);
  }

  /** Removes every key of every database. */
  flushall(): void {
    for (const db of this.dbs) db.flush();
  }

  /**
   * After the `time` API moved the clock: what Redis's timers would have done by then. A
   * CLIENT PAUSE that has ended ends first; keys now due are removed (with their `expired`
   * events), unless active expiry is off or clients are still paused; then blocked clients
   * whose deadline passed time out.
   */
  private clockJumped(): void {
    if (this.clientPause !== null) this.clientPause.clockMoved();
    if (this.activeExpireEnabled && !this.expiryPaused) {
      for (const db of this.dbs) db.expireAllDue();
    }
    this.blocking.clockMoved();
  }

  /** DEBUG REPLYBUFFER RESIZING: the cron resizes idle clients' reply buffers (see ReplyBuffer). */
  replyBufferResizing = true;
  /** DEBUG REPLYBUFFER PEAK-RESET-TIME: how often reply buffer peaks are forgotten (ms, -1 never). */
  replyBufferPeakResetMs = PEAK_RESET_MS;
  /** DEBUG SET-ACTIVE-EXPIRE: the cron's active expiry runs while true. */
  activeExpireEnabled = true;
  /** The config file the server started from (absolute), for CONFIG REWRITE; null when none. */
  configFile: string | null = null;
  /** DEBUG SET-DISABLE-DENY-SCRIPTS: scripts may call commands flagged noscript. */
  scriptDenyDisabled = false;

  // ---- supplied by the network side ---------------------------------------------------------

  /** Queues a client's pending output to be written (src/server.ts). */
  abstract flushClient(c: Client): void;
  /** Closes a client's connection (CLIENT KILL, QUIT after reply, shutdown). */
  abstract killClient(c: Client): void;
  /** Closes a client at the end of the turn, running and sending nothing more (Redis's freeClientAsync). */
  abstract closeAsap(c: Client): void;
  /** Resumes a client after it was unblocked: runs what it had pipelined meanwhile. */
  abstract resumeClient(c: Client): void;
  /**
   * Fault injection: holds the client's output (and its further input) for `delayMs` of
   * real time, then sends it, or closes the connection instead when `disconnect`.
   */
  abstract holdClient(c: Client, delayMs: number, disconnect: boolean): void;
  /**
   * CONFIG SET port or bind: listens on the current `port` and `bind` instead of the old
   * ones; rejects (listening as before) when it cannot.
   */
  relisten(_previousPort: number, _bindChanged: boolean): Promise<void> {
    return Promise.resolve();
  }
  /** Stops listening, disconnects every client and clears timers (SHUTDOWN). */
  abstract close(): Promise<void>;
  /** Refuses new connections from now on (SHUTDOWN, before its connection closes). */
  abstract stopAccepting(): void;
  /** What SHUTDOWN does once the server is closed; the CLI exits the process. */
  onShutdown: (() => void) | null = null;
  /** DEBUG PAUSE-CRON: the periodic work (expiry, saves, a signalled shutdown) waits while set. */
  cronPaused = false;
  /**
   * A shutdown signal received and not yet acted on (Redis's shutdown_asap): the cron hands
   * it to onSignalShutdown (the CLI's); SHUTDOWN ABORT clears it.
   */
  shutdownSignal: 'SIGINT' | 'SIGTERM' | null = null;
  onSignalShutdown: ((signal: 'SIGINT' | 'SIGTERM') => void) | null = null;
}
