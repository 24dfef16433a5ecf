import fs from 'node:fs';
import net from 'node:net';
import { writeRdb } from './persistence/rdb-writer.ts';
import type { Client } from './core/client.ts';
import { Config } from './core/config.ts';
import { normalizeStartupConfig } from './commands/config.ts';
import { CommandTable } from './core/table.ts';
import type { Command } from './core/types.ts';
import { ALL_FAMILIES } from './commands/index.ts';
import { scriptGateFlags } from './commands/scripting.ts';
import { RequestParser } from './resp/parser.ts';
import { ServerState } from './core/state.ts';
import { clientInfoLine } from './core/client-info.ts';
import { Scripting } from './lua/scripting.ts';
import { Persistence } from './persistence/persistence.ts';
import { queuedInMulti } from './core/dispatch.ts';
import { discardTransaction } from './commands/transactions.ts';
import { ERR } from './errors.ts';
import { clearInterval, clearTimeout, perfNow, setImmediate, setInterval, setTimeout } from './util/clock.ts';
import { Aof } from './persistence/aof.ts';
import { strerror } from './util/strerror.ts';
import { OomScoreAdj } from './core/oom-score.ts';

export { Stats, type LogLevel } from './core/state.ts';

/** Empties a batch's list of untimed commands without giving them time. */
function forgetUntimed(fast: Command[]): void {
  for (const cmd of fast) cmd.stats.untimed = 0;
  fast.length = 0;
}

export type { ServerOptions } from './util/public-types.ts';
import type { ServerOptions } from './util/public-types.ts';


/**
 * One redmoon server: the state and command machinery of src/core/state.ts, plus the
 * network (sockets, reply writing), the cron and the lifecycle. Nothing is shared between
 * instances, so many can run in one process.
 */
export class Server extends ServerState {
  /** The array batchFast uses (a read batch never starts inside another). */
  private readonly fastScratch: Command[] = [];
  /** client-query-buffer-limit, read on every socket read */
  private queryBufferLimit = 0;
  private netServers: net.Server[] = [];
  /** Between bind() and stopListening()/stopAccepting(), with or without TCP listeners. */
  private accepting = false;
  /** An embedded server without a `bind` of its own listens on loopback only. */
  private loopbackByDefault: boolean;
  private unixServer: net.Server | null = null;
  private readonly listenersClosing: Promise<void>[] = [];
  private cron: NodeJS.Timeout | null = null;
  private flushQueue: Client[] = [];
  private flushSpare: Client[] = [];
  /** Clients read in this turn whose commands have not run yet, in the order they were read. */
  private inputQueue: Client[] = [];
  private inputSpare: Client[] = [];
  /** Clients closed ASAP during this turn, not yet freed. */
  private asapClients: Client[] = [];
  /** The end-of-turn callback is due (it runs the input queue, then writes the flush queue). */
  private flushScheduled = false;
  /** Where it last listened: stopListening() then resumeListening() serves there again. */
  private boundAddress: { port: number; host: string } | null = null;
  /** The append-only file (src/persistence/aof.ts); idle unless appendonly is on. */
  readonly aof: Aof;

  constructor(readonly options: ServerOptions = {}) {
    const overrides: Record<string, string> = { ...(options.config ?? {}) };
    if (options.password !== undefined) overrides['requirepass'] = options.password;
    if (options.databases !== undefined) overrides['databases'] = String(options.databases);
    if (options.port !== undefined) overrides['port'] = String(options.port);
    if (options.host !== undefined) overrides['bind'] = options.host;
    if (options.dir !== undefined) overrides['dir'] = options.dir;
    if (options.dbfilename !== undefined) overrides['dbfilename'] = options.dbfilename;
    if (options.save !== undefined) overrides['save'] = options.save;
    if (options.appendonly !== undefined) overrides['appendonly'] = options.appendonly ? 'yes' : 'no';
    const config = new Config(overrides);
    const loopbackByDefault = !('bind' in overrides);
    normalizeStartupConfig(config, Object.keys(overrides).map((k) => k.toLowerCase()));
    super(config, new CommandTable(ALL_FAMILIES), options.log ?? ((line) => process.stderr.write(line + '\n')));
    this.loopbackByDefault = loopbackByDefault;
    new OomScoreAdj(this.config, (msg) => this.log('warning', msg));
    this.functionLibraries = {
      codes: () => [...Scripting.of(this).functions.libraries.values()].map((lib) => lib.code),
      load: (code, replace) => {
        const r = Scripting.of(this).functions.createLibrary(code, replace, 0);
        return 'error' in r ? r.error : null;
      },
      flush: () => Scripting.of(this).functions.flush(),
    };
    this.scriptGateFlags = (cmd, argv) => scriptGateFlags(this, cmd, argv);
    this.config.watch('client-query-buffer-limit', () => {
      this.queryBufferLimit = this.config.getInt('client-query-buffer-limit');
    });
    this.aof = Aof.install(this, {
      functions: () => [...Scripting.of(this).functions.libraries.values()].map((l) => l.code),
      // aof-use-rdb-preamble yes: the base is an RDB file marked aof-base
      writeRdb: (state, fd) => {
        const data = writeRdb(state, { aofBase: true });
        let off = 0;
        while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off);
      },
    });
    this.config.watch('hz', () => {
      // CONFIG SET hz: re-arm the cron at the new frequency (if it is running).
      if (this.cron === null) return;
      clearInterval(this.cron);
      this.cron = null;
      this.startCron();
    });
  }

  // ---- network ---------------------------------------------------------------------------

  /**
   * Starts listening (then calls `onBound`), then loads the dataset; resolves with the bound address. With
   * appendonly yes the AOF is the dataset (dir/dbfilename is not read, as in Redis 7.0);
   * otherwise the `rdb` fixture, or dir/dbfilename when loadOnStart. Rejects with an
   * RdbLoadError (its `lines` are Redis's log lines) or a PersistenceStartupError (logged
   * already) when a file cannot be loaded. `onBound` runs once it listens, before loading.
   */
  async listen(onBound?: () => void): Promise<{ port: number; host: string }> {
    const persistence = Persistence.of(this);
    // appendonly yes: the AOF is the dataset (dir/dbfilename is not read, as in Redis 7.0)
    const useAof = this.options.rdb === undefined && this.options.loadOnStart !== false && this.config.get('appendonly') === 'yes';
    const file = useAof ? null : (this.options.rdb ?? (this.options.loadOnStart !== false ? persistence.rdbPath() : null));
    // As Redis: listening first, so clients get LOADING (not a refused connection) meanwhile.
    const addr = await this.bind();
    onBound?.();
    try {
      if (useAof) await this.aof.loadAtStartup();
      else if (file !== null) await persistence.loadAtStartup(file, this.options.rdb !== undefined);
    } catch (e) {
      await this.close();
      throw e;
    }
    this.watchAppendonly();
    return addr;
  }

  /**
   * Listens again after stopListening(), on the address it had (the port a `port: 0`
   * server got), with the data it has: nothing is loaded.
   */
  resumeListening(): Promise<{ port: number; host: string }> {
    return this.bind(this.boundAddress ?? undefined);
  }

  /**
   * Listens on TCP at each `bind` address, and on `unixsocket` when set; resolves with the
   * first bound TCP address (`at`, after an outage: that one address and port again).
   */
  private async bind(at?: { port: number; host: string }): Promise<{ port: number; host: string }> {
    if (this.closing) throw new Error('the server was closed');
    if (this.accepting) return this.boundAddress ?? { port: 0, host: '' };
    const port = at?.port ?? this.config.getInt('port');
    const servers = await this.listenTcp(port, at ? [at.host] : this.bindAddresses());
    this.netServers = servers;
    const unixsocket = this.config.get('unixsocket');
    if (unixsocket !== '') {
      try {
        await this.listenUnix(unixsocket);
      } catch (e) {
        this.log('warning', `Failed opening Unix socket: ${strerror(e)}`);
        this.netServers = [];
        for (const srv of servers) srv.close();
        throw e;
      }
    }
    this.accepting = true;
    this.boundAddress = servers.length ? tcpAddress(servers[0]) : { port, host: '' };
    this.startCron();
    return this.boundAddress;
  }

  /**
   * The `bind` addresses. An embedded server whose `bind` was never given keeps to the
   * loopback interface; redis-server (the CLI) listens on every interface by default.
   */
  private bindAddresses(): string[] {
    const bind = this.config.get('bind');
    if (this.loopbackByDefault) return ['127.0.0.1'];
    return bind === '' ? [] : bind.split(' ');
  }

  /**
   * Redis's listenToPort: a listener per address (`*` any IPv4, `::*` any IPv6, a leading
   * `-` marks an address that may be missing); one failure closes those already opened.
   * Port 0 takes a free port, shared by every address.
   */
  private async listenTcp(port: number, addrs: string[]): Promise<net.Server[]> {
    const servers: net.Server[] = [];
    let chosen = port;
    for (const entry of addrs) {
      const optional = entry.startsWith('-');
      const addr = optional ? entry.slice(1) : entry;
      const v6 = addr.includes(':');
      const host = addr === '*' ? '0.0.0.0' : addr === '::*' ? '::' : addr;
      const srv = net.createServer({ noDelay: true }, (sock) => this.accept(sock));
      try {
        await new Promise<void>((resolve, reject) => {
          srv.once('error', reject);
          srv.listen({ port: chosen, host, ipv6Only: v6 }, () => {
            srv.off('error', reject);
            resolve();
          });
        });
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        const why = err.syscall === 'getaddrinfo' ? 'Name or service not known' : `${err.syscall ?? 'bind'}: ${strerror(err)}`;
        this.log('warning', `Warning: Could not create server TCP listening socket ${addr}:${chosen}: ${why}`);
        if (err.code === 'EADDRNOTAVAIL' && optional) continue;
        if (err.code === 'EAFNOSUPPORT' || err.code === 'EPROTONOSUPPORT') continue;
        for (const s of servers) s.close();
        throw e;
      }
      servers.push(srv);
      if (chosen === 0) chosen = tcpAddress(srv).port;
    }
    return servers;
  }

  /**
   * CONFIG SET port / bind: closes the TCP listeners and opens them on the current `port`
   * and `bind`; when that fails, listens as before again and rejects.
   */
  override async relisten(previousPort: number, bindChanged: boolean): Promise<void> {
    if (bindChanged) this.loopbackByDefault = false;
    if (!this.accepting) {
      // Stopped by the test API (an outage): start() will listen on the new port.
      const port = this.config.getInt('port');
      if (this.boundAddress !== null && port !== 0) this.boundAddress = { ...this.boundAddress, port };
      return;
    }
    // (port 0 keeps the port: embedded servers use it for "any free port")
    const current = this.boundAddress?.port ?? previousPort;
    const port = this.config.getInt('port') || current;
    const old = this.netServers;
    const oldAddrs = old.map((srv) => tcpAddress(srv).host);
    this.netServers = [];
    for (const srv of old) srv.close();
    try {
      this.netServers = await this.listenTcp(port, this.bindAddresses());
    } catch (e) {
      if (bindChanged) this.log('warning', 'Failed to bind');
      this.netServers = await this.listenTcp(current, oldAddrs).catch(() => []);
      throw e;
    }
    if (this.closing) {
      for (const srv of this.netServers) srv.close();
      this.netServers = [];
      return;
    }
    this.boundAddress = this.netServers.length ? tcpAddress(this.netServers[0]) : { port, host: '' };
  }

  /** Listens on a unix socket too, replacing a stale socket file as Redis does. */
  private async listenUnix(file: string): Promise<void> {
    try {
      if (fs.statSync(file).isSocket()) fs.unlinkSync(file);
    } catch {
      /* no file there */
    }
    const srv = net.createServer((sock) => this.accept(sock));
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(file, () => {
        srv.off('error', reject);
        resolve();
      });
    });
    const perm = parseInt(this.config.get('unixsocketperm'), 8);
    if (perm > 0) fs.chmodSync(file, perm);
    this.unixServer = srv;
  }

  /** From now on CONFIG SET appendonly yes/no starts and stops the AOF. */
  private watchAppendonly(): void {
    let first = true;
    this.config.watch('appendonly', (v) => {
      if (first) {
        first = false;
        return;
      }
      if (v === 'yes') this.aof.start(this.currentClient !== null && this.currentClient.inExecOrScript);
      else this.aof.stop();
    });
  }

  private accept(sock: net.Socket): void {
    if (this.closing) {
      sock.destroy();
      return;
    }
    const maxClients = this.config.getInt('maxclients');
    if (this.clients.size >= maxClients) {
      this.stats.rejectedConnections++;
      sock.end('-ERR max number of clients reached\r\n');
      return;
    }
    // Protected mode: with no password for the default user, only local clients are served.
    if (this.acl.defaultUser.nopass && !isLocalAddress(sock.remoteAddress) && this.config.getBool('protected-mode')) {
      this.stats.rejectedConnections++;
      sock.end(`-${ERR.protectedModeDenied}\r\n`);
      sock.on('error', () => {});
      return;
    }
    this.stats.connectionsReceived++;
    const c = this.createClient(sock);
    const parser = new RequestParser({
      maxBulkLen: this.config.getInt('proto-max-bulk-len'),
      authRequired: () => !c.authenticated && this.requiresAuth(),
    });
    c.parser = parser;
    c.writer.onGrow = () => this.checkOutputLimit(c, true);
    const memory = this.clientMemory;
    if (memory.tracking) memory.update(c);
    sock.on('data', (chunk: Buffer) => {
      // After a protocol error or QUIT nothing more is read: the connection only waits for
      // its last reply to be written.
      if (c.closeAfterReply || c.closeAsap) return;
      this.stats.netInputBytes += chunk.length;
      this.stats.readsProcessed++;
      if (c.rawInput !== null) {
        c.rawInput(chunk);
        return;
      }
      if (c.inputQueued) {
        // More of the same client in one turn: what it sent before runs first, as Redis runs
        // it between two reads, so the unparsed input stays about one read long.
        this.processInput(c);
        if (c.closeAfterReply || c.closeAsap || !this.clients.has(c.id)) return;
      }
      c.qb.read(parser.buffered, chunk.length, parser.bigLeft);
      parser.feed(chunk);
      if (parser.buffered > this.queryBufferLimit) {
        this.log('warning', `Closing client that reached max query buffer length: id=${c.id} addr=${c.addr}`);
        this.stats.queryBufferLimitDisconnections++;
        sock.destroy();
        return;
      }
      // Accounted at once, as Redis accounts what it reads: a big argument still arriving has
      // its room, so CLIENT LIST, INFO and client eviction see it even when a command of
      // another connection read in this turn runs first.
      parser.prime();
      c.qb.reserve(parser.bigSize);
      if (memory.tracking) memory.update(c);
      this.queueInput(c);
    });
    sock.on('close', () => this.unlinkClient(c));
    sock.on('error', () => {});
  }

  /**
   * The commands a read brought run once every socket ready in this turn has been read, as
   * Redis reads every ready connection of an event-loop iteration before it sleeps again: a
   * command that looks at other clients (CLIENT LIST, INFO) or at memory (maxmemory, client
   * eviction) sees what they sent, however late the loop polled.
   */
  private queueInput(c: Client): void {
    if (c.inputQueued) return;
    c.inputQueued = true;
    this.inputQueue.push(c);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.endOfTurn);
  }

  /** Runs every complete command buffered for a client, unless it is blocked. */
  processInput(c: Client): void {
    const parser = c.parser;
    if (!parser || c.rawInput !== null) return;
    if (this.exclusiveClient !== null && c !== this.exclusiveClient) {
      this.heldClients.add(c);
      return;
    }
    const t0 = perfNow();
    // (idle time in CLIENT LIST only needs seconds: no second clock read)
    c.lastInteraction = this.clock.atPerf(t0);
    const fast = this.fastScratch;
    if (fast.length !== 0) forgetUntimed(fast); // left over by a batch that threw
    this.batchFast = fast;
    this.batchTimedUsec = 0;
    this.lastClock = t0;
    this.clockFresh = true;
    try {
      this.processBatch(c, parser);
    } finally {
      this.batchFast = null;
    }
    c.qb.trimmed(parser.buffered, parser.bigSize);
    if (fast.length !== 0) {
      let calls = 0;
      for (let i = 0; i < fast.length; i++) calls += fast[i].stats.untimed;
      const share = Math.max(0, (perfNow() - t0) * 1000 - this.batchTimedUsec) / calls;
      for (let i = 0; i < fast.length; i++) {
        const stats = fast[i].stats;
        stats.usec += share * stats.untimed;
        stats.untimed = 0;
      }
      fast.length = 0;
    }
    this.flushClient(c);
  }

  private processBatch(c: Client, parser: RequestParser): void {
    const memory = this.clientMemory;
    while (c.blocked === null && !c.closeAfterReply && !c.closeAsap) {
      const argv = parser.next();
      if (argv === null) break;
      // Redis's processCommand: clients over maxmemory-clients go before any command, so
      // before keys are evicted for their memory; this client may be one of them.
      if (memory.tracking && memory.overLimit) {
        memory.evict();
        if (!this.clients.has(c.id)) break;
      }
      // (a map check, where instanceof would walk the array's prototype chain per command)
      if (!Array.isArray(argv)) {
        c.writer.muted = false;
        c.writer.error(ERR.withText(argv.message));
        c.closeAfterReply = true;
        break;
      }
      const mode = c.replyMode;
      if (this.faults.size === 0) this.execute(c, argv);
      else this.executeWithFaults(c, argv);
      // (as Redis's call(): the output this command added counts before the next one runs)
      if (memory.tracking) memory.update(c);
      if (mode === 'skip' && c.replyMode === 'skip') {
        c.replyMode = 'on';
        c.writer.muted = false;
      }
    }
  }

  /**
   * Runs a network command under the injected faults (src/core/faults.ts). A command MULTI
   * queues meets its faults at EXEC instead. With `error` or `disconnect` it does not run.
   */
  private executeWithFaults(c: Client, argv: string[]): void {
    const name = argv[0].toLowerCase();
    const f = c.multi !== null && queuedInMulti(name) ? null : this.faults.pick(argv);
    if (f === null) {
      this.execute(c, argv);
      return;
    }
    // Replies to the commands before it are not held back with it.
    if ((f.delayMs > 0 || f.disconnect) && c.writer.hasPending) this.writeOut(c);
    if (f.error !== undefined || f.disconnect) {
      // A refused EXEC ends the transaction, as when Redis rejects it (execCommandAbort).
      if (name === 'exec' && c.multi !== null) discardTransaction(c);
      if (!f.disconnect) c.writer.error(f.error!);
    } else {
      this.execute(c, argv);
    }
    if (f.delayMs > 0 || f.disconnect) this.holdClient(c, f.delayMs, f.disconnect);
  }

  holdClient(c: Client, delayMs: number, disconnect: boolean): void {
    if (delayMs <= 0) {
      if (disconnect) this.closeWithoutReply(c);
      return;
    }
    c.outputHeld++;
    // The client's later commands wait behind the held reply. A command that blocked
    // (BLPOP) already keeps them waiting, and its waiter must stay what the client is
    // blocked on, so a disconnect still unregisters it.
    const hold = c.blocked === null ? { cancel: () => clearTimeout(timer) } : null;
    const timer = setTimeout(() => {
      c.outputHeld--;
      if (hold !== null && c.blocked === hold) c.blocked = null;
      if (!this.clients.has(c.id)) return;
      // Holds may overlap (a faulted EXEC holding a faulted queued command): the longest wins.
      if (c.outputHeld !== 0 && !disconnect) return;
      if (disconnect) {
        this.closeWithoutReply(c);
        return;
      }
      this.flushClient(c);
      this.resumeClient(c);
    }, delayMs);
    // Like the server's other timers, this one alone does not keep a process alive.
    timer.unref();
    if (hold !== null) c.blocked = hold;
  }

  /**
   * Closes a connection once what it was already owed is written (the faulted command
   * wrote nothing); its later commands never run.
   */
  private closeWithoutReply(c: Client): void {
    c.closeAfterReply = true;
    c.outputHeld = 0;
    this.flushClient(c);
  }

  /**
   * Queues a client's pending output to be written once this turn of the event loop has
   * read every ready socket, as Redis writes replies before it sleeps: under many
   * connections the replies then go out in one burst, which costs far fewer wake-ups.
   */
  flushClient(c: Client): void {
    if (!c.sock || c.flushQueued || c.outputHeld !== 0) return;
    c.flushQueued = true;
    this.flushQueue.push(c);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.endOfTurn);
  }

  /** The end of a turn of the event loop: the commands read in it run, then replies are written. */
  private readonly endOfTurn = (): void => {
    const inq = this.inputQueue;
    if (inq.length !== 0) {
      this.inputQueue = this.inputSpare;
      this.inputSpare = inq;
      for (let i = 0; i < inq.length; i++) {
        const c = inq[i];
        c.inputQueued = false;
        if (!c.closeAsap && c.sock !== null && !c.sock.destroyed && this.clients.has(c.id)) this.processInput(c);
        // Gone before the next connection's commands run, as Redis frees them before reading more.
        if (this.asapClients.length !== 0) this.freeAsapClients();
      }
      inq.length = 0;
    }
    this.flushScheduled = false;
    // Logged writes reach the AOF (and the disk, with appendfsync always) before their replies leave.
    if (this.aof.state !== 'off') this.aof.flush();
    const q = this.flushQueue;
    this.flushQueue = this.flushSpare;
    this.flushSpare = q;
    for (let i = 0; i < q.length; i++) {
      const cl = q[i];
      cl.flushQueued = false;
      try {
        this.writeOut(cl);
      } catch (e) {
        // one broken socket must not keep the others' replies (or its own flag) stuck
        this.log('warning', `write to client id=${cl.id} failed: ${(e as Error)?.message ?? e}`);
      }
    }
    q.length = 0;
    if (this.clientMemory.tracking) this.clientMemory.evict();
  };

  private writeOut(c: Client): void {
    const sock = c.sock;
    if (c.closeAsap) {
      this.killClient(c);
      return;
    }
    // (a client in a Lua debugging session is written to by the session alone)
    if (!sock || sock.destroyed || sock.writableEnded || c.outputHeld !== 0 || c.rawInput !== null) return;
    // Checked before writing: what this turn's commands added counts whole, as Redis counts
    // its reply list as it grows, even when the socket could take it all now.
    if (this.checkOutputLimit(c, true)) {
      this.killClient(c);
      return;
    }
    if (c.writer.hasPending) {
      this.stats.writesProcessed++;
      const pieces = c.writer.take();
      if (pieces.length === 1) {
        this.stats.netOutputBytes += pieces[0].length;
        c.rb.wrote(pieces[0].length);
        sock.write(pieces[0]);
      } else {
        sock.cork();
        let n = 0;
        for (const p of pieces) {
          n += p.length;
          sock.write(p);
        }
        this.stats.netOutputBytes += n;
        c.rb.wrote(n);
        sock.uncork();
      }
    }
    if (c.closeAfterReply) {
      // Closed outright once the reply is out, as Redis does: no half-open socket that
      // the peer could go on writing into.
      sock.pause();
      sock.end(() => sock.destroy());
      // Gone for the server at once, as Redis frees it after the reply: a redirect to it is
      // broken even before the peer has seen the socket close.
      this.unlinkClient(c);
      return;
    }
    // A client that has not authenticated may not pile up replies it does not read.
    if (!c.authenticated && c.outputBytes > 1024 && this.requiresAuth()) {
      this.log('warning', `Client ${clientInfoLine(c)} scheduled to be closed ASAP for overcoming of output buffer limits.`);
      this.stats.outputBufferLimitDisconnections++;
      this.killClient(c);
      return;
    }
    if (this.clientMemory.tracking) this.clientMemory.update(c);
  }

  /**
   * Redis's closeClientOnOutputBufferLimitReached: a client whose unsent output passed its
   * class's limit is closed, logged with its CLIENT LIST line. `asap` while output is being
   * added (a command or a publish is running): the client stops there and goes at the end
   * of the turn; otherwise at once. True when it was closed.
   */
  checkOutputLimit(c: Client, asap: boolean): boolean {
    if (!this.obufLimits.active || c.closeAsap || c.sock === null || !this.obufLimits.limited(c)) return false;
    if (!this.obufLimits.exceeded(c, c.outputBytes, this.clock.now())) return false;
    const how = asap ? 'scheduled to be closed ASAP' : 'closed';
    this.log('warning', `Client ${clientInfoLine(c)} ${how} for overcoming of output buffer limits.`);
    this.stats.outputBufferLimitDisconnections++;
    if (asap) this.closeAsap(c);
    else this.killClient(c);
    return true;
  }

  /** Redis's freeClientAsync: nothing more is read, run or written; the connection goes at the end of the turn. */
  closeAsap(c: Client): void {
    if (c.closeAsap) return;
    c.closeAsap = true;
    c.writer.drop();
    this.clientMemory.forget(c);
    this.asapClients.push(c);
    this.flushClient(c);
  }

  /** Redis's freeClientsInAsyncFreeQueue. */
  private freeAsapClients(): void {
    const list = this.asapClients;
    this.asapClients = [];
    for (const c of list) this.killClient(c);
  }

  /** Closes a client's connection (CLIENT KILL, QUIT after reply, shutdown). */
  killClient(c: Client): void {
    if (c.sock) c.sock.destroy();
    this.unlinkClient(c);
  }

  protected override unlinkClient(c: Client): void {
    super.unlinkClient(c);
    this.clientMemory.forget(c);
  }

  /** Resumes a client after it was unblocked: runs what it had pipelined meanwhile. */
  resumeClient(c: Client): void {
    if (c.blocked !== null) return;
    setImmediate(() => this.processInput(c));
  }

  /** True while the server accepts connections. */
  get listening(): boolean {
    return this.accepting;
  }

  /**
   * An outage: stops accepting connections (the port refuses them) and drops the
   * connected clients. Data, scripts and timers stay; listen() serves again.
   */
  async stopListening(): Promise<void> {
    const listeners = [...this.netServers, this.unixServer];
    this.netServers = [];
    this.unixServer = null;
    this.accepting = false;
    this.dropConnections();
    for (const srv of listeners) if (srv) await new Promise<void>((r) => srv.close(() => r()));
  }

  /** Closes every client connection at once, as a network failure would. */
  dropConnections(): void {
    for (const c of [...this.clients.values()]) if (c.sock !== null) this.killClient(c);
  }

  // ---- periodic work ---------------------------------------------------------------------

  private startCron(): void {
    if (this.cron) return;
    const hz = Math.min(500, Math.max(1, this.config.getInt('hz')));
    this.cron = setInterval(() => this.serverCron(), Math.floor(1000 / hz));
    this.cron.unref();
  }

  /** Active expiry: like Redis, keep sampling while many sampled keys turn out expired. */
  private serverCron(): void {
    if (this.cronPaused) return;
    if (this.shutdownSignal !== null) this.onSignalShutdown?.(this.shutdownSignal);
    // while loading, as Redis's whileBlockedCron: no save, rewrite or expiry of a half-loaded dataset
    if (this.loading) {
      this.clientsCron();
      return;
    }
    Persistence.of(this).cron();
    this.aof.cron();
    this.clientsCron();
    // (also before each command; here so that a CONFIG SET takes effect on an idle server)
    if (this.tracking.clients !== 0) this.tracking.limitKeys();
    // databasesCron: tables shrink (tryResizeHashTables) and rehash (incrementallyRehash, a
    // millisecond's worth: all of it here), never while a child runs
    if (this.backgroundJob === null) {
      const rehash = this.config.get('activerehashing') === 'yes';
      for (const db of this.dbs) {
        const shape = db.keysShape;
        shape.shrinkIfNeeded(db.size, true, null);
        if (rehash) shape.finish();
      }
    }
    this.heapGuard.idleTick(this.stats.commandsProcessed, perfNow());
    // Like Redis, no active expiry while clients are paused (CLIENT PAUSE).
    if (!this.activeExpireEnabled || this.busyError !== null || this.clientPause !== null || this.exclusiveClient !== null) return;
    const start = perfNow();
    const deadline = start + 25;
    let swept = false;
    for (const db of this.dbs) {
      if (db.expires.size === 0) continue;
      swept = true;
      while (db.sweepExpired(20) > 5 && perfNow() < deadline) {
        /* keep going while over 25% of the sample expired */
      }
    }
    if (swept && this.latency.threshold !== 0) this.latency.addIfNeeded('expire-cycle', perfNow() - start);
    // one cycle's deletions reach the AOF together, never as one transaction
    if (this.propagator.pending !== 0) this.propagator.flush(true);
  }

  /**
   * Redis's clientsCron, for every client: the query buffer's idle trim, the output buffer
   * limits (a soft limit expires with no traffic), and the memory count client eviction uses.
   */
  private clientsCron(): void {
    const nowSec = Math.floor(this.clock.now() / 1000);
    const memory = this.clientMemory;
    const nowMs = this.clock.now();
    const resizeReplies = this.replyBufferResizing;
    for (const c of this.clients.values()) {
      c.qb.cronResize(nowSec - Math.floor(c.lastInteraction / 1000), c.parser?.bigSize ?? 0);
      if (resizeReplies) c.rb.cronResize(nowMs, this.replyBufferPeakResetMs);
      if (this.checkOutputLimit(c, false)) continue;
      if (memory.tracking) memory.update(c);
    }
    if (memory.tracking) memory.evict();
  }

  // ---- lifecycle -------------------------------------------------------------------------

  /** Stops listening, disconnects every client and clears timers. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.aof.close();
    if (this.cron) clearInterval(this.cron);
    this.cron = null;
    Persistence.of(this).killBgsave();
    for (const c of [...this.clients.values()]) this.killClient(c);
    this.stopAccepting();
    await Promise.all(this.listenersClosing);
  }

  /** Refuses new connections from now on (SHUTDOWN does this before its last reply goes out). */
  stopAccepting(): void {
    // (closing a unix listener removes its socket file)
    for (const srv of [...this.netServers, this.unixServer]) {
      if (srv) this.listenersClosing.push(new Promise<void>((r) => srv.close(() => r())));
    }
    this.netServers = [];
    this.unixServer = null;
    this.accepting = false;
  }
}

function tcpAddress(srv: net.Server): { port: number; host: string } {
  const a = srv.address() as net.AddressInfo;
  return { port: a.port, host: a.address };
}

/** islocalClient: a unix socket or the loopback address. */
function isLocalAddress(a: string | undefined): boolean {
  return a === undefined || a === '127.0.0.1' || a === '::1' || a === '::ffff:127.0.0.1';
}
