import { Server } from './server.ts';
import { InProcessCaller } from './api/call.ts';
import { takeSnapshot, restoreSnapshot } from './api/snapshot.ts';
import type { CommandArg, FaultHandle, FaultSpec, Reply, ServerOptions, ServerSnapshot } from './util/public-types.ts';
import type { ServerClock } from './util/server-clock.ts';

// The package's declarations hold what this file exports, minus what is marked @internal
// (tsconfig.build.json strips it): the server's classes stay out of users' sight.
/** @internal */
export { Server } from './server.ts';
/** @internal */
export type { ReplySink } from './resp/sink.ts';
export { ReplyError } from './util/reply-error.ts';
export type { CommandArg, FaultHandle, FaultSpec, Reply, ServerOptions, ServerSnapshot } from './util/public-types.ts';

/** Options of startServer: the server's own, plus how in-process calls decode replies. */
export interface StartOptions extends ServerOptions {
  /** call()/callIn() return bulk strings as Buffers instead of UTF-8 decoded strings. */
  buffers?: boolean;
}

/** Fault injection for network clients: see FaultSpec. */
export interface FaultControls {
  /**
   * Makes matching commands fail, answer late or drop the connection.
   * Faults apply to commands network clients send (and at EXEC, to the ones MULTI
   * queued); never to call(), nor to the commands a script runs. The first matching fault,
   * in injection order, fires.
   */
  inject(spec: FaultSpec): FaultHandle;
  /** Removes every fault. */
  clear(): void;
}

/** A running redmoon server, as returned by startServer. */
export interface RunningServer {
  /** The port it listens on (the same after stop() and start()). */
  readonly port: number;
  readonly host: string;
  /** `redis://host:port` */
  readonly url: string;
  /**
   * The server object, for redmoon's own tests (not in the package's declarations).
   * @internal
   */
  readonly server: Server;
  /** Stops listening, disconnects clients, clears timers. */
  close(): Promise<void>;
  /** Removes every key of every database. */
  flushall(): void;
  /**
   * Runs one command in-process, as a client on database 0 would, and returns its reply
   * decoded: bulk strings as `string` (`Buffer` with `{ buffers: true }`), integers as
   * `number` (`bigint` beyond 2^53), nil as `null`, arrays as arrays, RESP3 maps (after
   * `call('HELLO', '3')`) as `Map`. An error reply is thrown as a `ReplyError` whose
   * `message` is Redis's text. Keyspace events, WATCH, tracking and blocked clients
   * react as to any client's command.
   *
   * The calling client persists (MULTI/EXEC, WATCH, HELLO span calls) but never blocks:
   * BLPOP on an empty list answers nil at once, as inside MULTI. CLIENT PAUSE does not
   * hold it back and faults do not apply to it.
   *
   * @example server.call('SET', 'k', 'v'); server.call<string>('GET', 'k') // 'v'
   */
  call<T = Reply>(...args: CommandArg[]): T;
  /** call() on database `db` (its own persistent client). */
  callIn<T = Reply>(db: number, ...args: CommandArg[]): T;
  /** Injected faults: errors, delays and disconnects for chosen commands. */
  readonly faults: FaultControls;
  /** Closes every client connection at once, as a network blip would; the server keeps serving. */
  dropConnections(): void;
  /** An outage: the port refuses connections and connected clients are dropped. Data stays. */
  stop(): Promise<void>;
  /** Ends an outage: serves again on the same port with the same data. */
  start(): Promise<void>;
  /**
   * A copy of the whole server's data: every database (TTLs kept as remaining time), the
   * EVAL script cache and the FUNCTION libraries. Later writes do not change it.
   */
  snapshot(): ServerSnapshot;
  /**
   * Replaces the server's data with a snapshot's; the snapshot stays reusable. Clients
   * WATCHing changed keys fail their EXEC, tracking clients get a flush invalidation, and
   * clients blocked on keys the restored data fills are served.
   */
  restore(snapshot: ServerSnapshot): void;
  /**
   * This server's clock. Every time the server reads (TTLs, TIME, stream IDs, blocking
   * timeouts, idle times, CLIENT PAUSE, SLOWLOG) follows it; fake timers in the test
   * process do not touch it.
   */
  readonly time: ServerTime;
}

/** Control over a server's clock (`RunningServer.time`). */
export interface ServerTime {
  /** Stops the clock at its current reading. */
  freeze(): void;
  /**
   * Moves the clock forward by `ms`, frozen or running. Keys now due are removed with their
   * `expired` keyspace events, as Redis's active expiry would have done, and blocked
   * clients whose timeout has passed are answered.
   */
  advance(ms: number): void;
  /** Sets the clock to an epoch time in ms (or a Date); it may go back. Due keys expire as with advance. */
  set(epochMs: number | Date): void;
  /** Lets a frozen clock run again, from its current reading. */
  resume(): void;
  /** The server's current time in epoch milliseconds. */
  now(): number;
}

/**
 * Starts a server and resolves once it accepts connections.
 * `await startServer({ port: 0 })` picks a free port; many servers may run in one process.
 */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const { buffers = false, ...serverOptions } = options;
  // Embedded servers persist nothing unless asked to (redis-server's defaults are the CLI's).
  const persist =
    options.dir !== undefined ||
    options.dbfilename !== undefined ||
    options.save !== undefined ||
    options.appendonly !== undefined ||
    ['dir', 'dbfilename', 'save', 'appendonly'].some((k) => options.config?.[k] !== undefined);
  const server = new Server({
    port: 0,
    ...serverOptions,
    config: persist ? options.config : { save: '', ...options.config },
    loadOnStart: options.loadOnStart ?? persist,
  });
  const { port, host } = await server.listen();
  const caller = new InProcessCaller(server, buffers);
  return {
    port,
    host,
    url: `redis://${host.includes(':') ? `[${host}]` : host}:${port}`,
    server,
    close: () => server.close(),
    flushall: () => server.flushall(),
    call: <T = Reply>(...args: CommandArg[]) => caller.call(0, args) as T,
    callIn: <T = Reply>(db: number, ...args: CommandArg[]) => caller.call(db, args) as T,
    faults: {
      inject: (spec) => server.faults.inject(spec),
      clear: () => server.faults.clear(),
    },
    dropConnections: () => server.dropConnections(),
    stop: () => server.stopListening(),
    start: async () => {
      await server.resumeListening();
    },
    snapshot: () => takeSnapshot(server, server.clock.now()),
    restore: (snapshot) => restoreSnapshot(server, snapshot, server.clock.now()),
    time: timeControl(server.clock),
  };
}

function timeControl(clock: ServerClock): ServerTime {
  return {
    freeze: () => clock.freeze(),
    advance: (ms) => clock.advance(ms),
    set: (epochMs) => clock.set(epochMs),
    resume: () => clock.resume(),
    now: () => clock.now(),
  };
}
