/**
 * The types of the public API (src/index.ts) that the server's own modules use too. They
 * live here, at the bottom of the layers and importing nothing but ReplyError, so that the
 * package's declarations (scripts/build.mjs keeps only what src/index.ts reaches) show
 * users these and nothing of the server's internals.
 */
import type { ReplyError } from './reply-error.ts';

/** A server's options (startServer takes them, plus `buffers`). */
export interface ServerOptions {
  /** TCP port; 0 picks a free one. Default 6379. */
  port?: number;
  /** Address to bind. Default 127.0.0.1. */
  host?: string;
  /** requirepass */
  password?: string;
  /** Number of databases. Default 16. */
  databases?: number;
  /** Any other redis.conf parameters, e.g. { 'notify-keyspace-events': 'KEA' }. */
  config?: Record<string, string>;
  /** Where log lines go; default stderr. */
  log?: (line: string) => void;
  /** Directory of the RDB file (config `dir`). */
  dir?: string;
  /** RDB file name (config `dbfilename`). */
  dbfilename?: string;
  /** Save points, as config `save` ('' = none). */
  save?: string;
  /** AOF persistence (config `appendonly`). */
  appendonly?: boolean;
  /** An RDB file to load at startup (a test fixture); it must exist and be valid. */
  rdb?: string;
  /**
   * Load dir/dbfilename at startup when it exists, as redis-server does. Default true;
   * startServer turns it off unless persistence options are given.
   */
  loadOnStart?: boolean;
}

/** What to break, and how. */
export interface FaultSpec {
  /**
   * The command: a name (any case; `'client kill'` or `'client|kill'` for a subcommand),
   * or a RegExp tested against the lowercase command name.
   */
  command: string | RegExp;
  /** Fires only when this returns true for the arguments after the command name (UTF-8 decoded). */
  match?: (args: string[]) => boolean;
  /** Reply `-<error>` instead of running the command (e.g. `'ERR boom'`, `'READONLY ...'`). */
  error?: string;
  /** Hold the reply back this long (real time); the client's later commands wait behind it. */
  delayMs?: number;
  /** Close the connection instead of replying (after `delayMs`, if given). The command does not run. */
  disconnect?: boolean;
  /** Fire at most this many times, then retire. Default: until removed. */
  times?: number;
}

/** An injected fault. */
export interface FaultHandle {
  /** Retires the fault (no-op when already retired). */
  remove(): void;
  /** How many times it fired. */
  readonly fired: number;
  /** False once removed, cleared or used up. */
  readonly active: boolean;
}

/** A saved copy of a whole server's data (RunningServer.snapshot). */
export interface ServerSnapshot {
  /** Server clock reading when it was taken (ms). */
  readonly takenAt: number;
  /** Number of databases it holds. */
  readonly databases: number;
  /** Keys across all databases. */
  readonly keys: number;
}

/**
 * A reply as JavaScript sees it: bulk strings as `string` (UTF-8 decoded) or `Buffer`,
 * integers as `number` (`bigint` beyond 2^53), nil as `null`, arrays (and RESP3 sets and
 * pushes) as arrays, RESP3 maps as `Map`, RESP3 doubles as `number`, booleans as
 * `boolean`, big numbers as `bigint`, and errors nested in an aggregate (an EXEC reply)
 * as `ReplyError` values.
 */
export type Reply = string | Buffer | number | bigint | boolean | null | ReplyError | Reply[] | Map<Reply, Reply>;

/** A command argument: strings are sent as UTF-8, numbers in decimal, Buffers byte for byte. */
export type CommandArg = string | number | bigint | Buffer | Uint8Array;
