/**
 * The reply sink: the one interface every command handler writes its reply through.
 *
 * Strings are "byte strings": JS strings whose every char code is a byte (0-255),
 * i.e. latin1. The whole server keeps keys, values and arguments in this form, so a
 * Buffer converts to it with `buf.latin1Slice()` and back with `Buffer.from(s, 'latin1')`.
 *
 * Implementations: `RespWriter` (src/resp/writer.ts) encodes RESP2/RESP3 bytes for a
 * connection; the Lua bridge builds Lua values directly for `redis.call`. Aggregates are
 * announced with their element count and followed by exactly that many elements.
 */
import { ERR } from '../errors.ts';
export interface ReplySink {
  /** Protocol version the caller speaks: shapes replies whose RESP2 and RESP3 forms differ. */
  readonly resp: 2 | 3;
  /** Status reply: `+OK`. Must not contain CR or LF. */
  simple(s: string): void;
  /** Error reply; `s` is the full text with its code, e.g. ERR.syntax. */
  error(s: string): void;
  /**
   * An error reply already counted in INFO errorstats where it happened (a script returning
   * or raising a command's error): Redis's ERR_REPLY_FLAG_NO_STATS_UPDATE. Optional: sinks
   * that count nothing fall back to error().
   */
  errorNoStats?(s: string): void;
  integer(n: number | bigint): void;
  /** Bulk string (binary safe, byte string). */
  bulk(s: string): void;
  /** Null bulk in RESP2 (`$-1`), null (`_`) in RESP3. */
  null(): void;
  /** Null array in RESP2 (`*-1`), null (`_`) in RESP3. */
  nullArray(): void;
  array(n: number): void;
  /** A map of n pairs (2n elements follow). RESP2: flat array of 2n. */
  map(n: number): void;
  /** RESP2: array. */
  set(n: number): void;
  /** RESP3 double; RESP2 bulk string formatted as Redis's `%.17g`. */
  double(d: number): void;
  /**
   * A double whose text the caller formatted (Redis's addReplyHumanLongDouble): RESP3 double
   * with exactly that text, RESP2 bulk. Optional: without it, callers fall back to double().
   */
  doubleText?(text: string, d: number): void;
  /** RESP3 boolean; RESP2 integer 1/0. */
  bool(b: boolean): void;
  /** RESP3 verbatim string (`=len\r\ntxt:...`); RESP2 bulk. */
  verbatim(s: string, format?: string): void;
  /** RESP3 big number; RESP2 bulk. */
  bigNumber(s: string): void;
  /** RESP3 push; RESP2 array. */
  push(n: number): void;
  /**
   * RESP3 attribute of n pairs, sent before the reply it describes (RESP3 callers only).
   * Optional: sinks without it drop the attribute and keep the reply.
   */
  attribute?(n: number): void;
}

/**
 * What a client's replies go to: a reply sink plus the connection-level controls the
 * server uses (CLIENT REPLY muting, error accounting, the pending output). `RespWriter`
 * encodes bytes for a socket; `ValueWriter` (src/resp/values.ts) builds JS values for
 * in-process calls.
 */
export interface ClientOutput extends ReplySink {
  resp: 2 | 3;
  /** When set, replies are discarded (CLIENT REPLY OFF/SKIP). */
  muted: boolean;
  /** Called with every error reply's text (INFO errorstats), muted or not. */
  onError: ((text: string) => void) | null;
  /** Error replies written with errorNoStats (their command still counts as failed). */
  readonly uncountedErrors: number;
  /** Bytes written and not yet taken (client-output-buffer accounting). */
  readonly pendingBytes: number;
  readonly hasPending: boolean;
  /** Everything written since the last take, in order. */
  take(): Buffer[];
  /** Called as the pending output grows by a chunk or a large reply (output buffer limits). */
  onGrow: (() => void) | null;
  /** Discards the pending output, and whatever is written from now on (a client being closed). */
  drop(): void;
  /** One already encoded reply (a MONITOR line, a null inside a push). */
  raw(s: string): void;
}
