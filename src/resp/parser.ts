/**
 * Incremental request parser: RESP multibulk and inline commands, as redis-server reads them.
 *
 * Pull-based so a connection can stop taking commands (blocked client, running script)
 * and resume later: `feed()` appends bytes, `next()` returns one argv, null when more
 * bytes are needed, or a ProtocolError after which the connection must be closed.
 * Arguments are byte strings (latin1), the representation the whole server uses.
 */

import { splitArgs } from '../util/splitargs.ts';
import { byteString } from './byte-string.ts';
import { constants as bufferConstants } from 'node:buffer';

/** Arguments are JS strings: V8 cannot make one longer than this (just under 512 MB). */
const MAX_ARG = bufferConstants.MAX_STRING_LENGTH;

const CR = 13;
const LF = 10;
/** Longest count line or inline request Redis buffers without a newline (PROTO_INLINE_MAX_SIZE). */
const INLINE_MAX = 64 * 1024;
/** Bulks at least this long are collected in a dedicated buffer instead of re-concatenating. */
const BIG_ARG = 32 * 1024;

export class ProtocolError {
  constructor(readonly message: string) {}
}

export interface ParserLimits {
  /** proto-max-bulk-len */
  maxBulkLen: number;
  /** Redis refuses big requests from clients that have not authenticated yet. */
  authRequired: () => boolean;
}

export class RequestParser {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Remaining elements of the multibulk being read; 0 between commands. */
  private pending = 0;
  private argv: string[] = [];
  /** Length of the bulk whose header was read, -1 when the next thing is a header. */
  private bulkLen = -1;
  private big: Buffer | null = null;
  private readonly names = new NameCache(NAME_CACHE_SIZE);
  /** The first argument after the name: a pipeline or a busy client repeats its keys and script SHAs. */
  private readonly args = new ArgCache(ARG_CACHE_SIZE);
  private bigFill = 0;
  /** A request parsed ahead by prime(), handed out by the next next(). */
  private primed: string[] | ProtocolError | null = null;

  constructor(private readonly limits: ParserLimits) {}

  /**
   * Parses ahead as far as the first request, without handing it out: a request still
   * arriving then shows its complete arguments (partialArgvBytes) and the room of its big
   * bulk (bigSize) at once, as Redis's query buffer and argv account for them as soon as
   * they are read, before any command of that turn runs.
   */
  prime(): void {
    if (this.primed === null) this.primed = this.next();
  }

  /** Bytes buffered but not yet parsed into commands (client-query-buffer accounting). */
  get buffered(): number {
    return this.buf.length - this.pos + (this.big ? this.bigFill : 0);
  }

  /**
   * The complete arguments of a multibulk still being read: their count and bytes. Redis
   * holds them in the client's argv (argv-mem) until the command is whole.
   */
  get partialArgc(): number {
    return this.pending === 0 ? 0 : this.argv.length;
  }

  get partialArgvBytes(): number {
    if (this.pending === 0) return 0;
    let n = 0;
    for (const a of this.argv) n += a.length;
    return n;
  }

  /** The size (with its CRLF) of the big bulk being collected, and what it still lacks; 0 when none. */
  get bigSize(): number {
    return this.big === null ? 0 : this.big.length;
  }

  get bigLeft(): number {
    return this.big === null ? 0 : this.big.length - this.bigFill;
  }

  feed(chunk: Buffer): void {
    if (this.big) {
      const need = this.big.length - this.bigFill;
      const n = Math.min(need, chunk.length);
      chunk.copy(this.big, this.bigFill, 0, n);
      this.bigFill += n;
      if (n === chunk.length) return;
      chunk = chunk.subarray(n);
    }
    if (this.pos >= this.buf.length) {
      this.buf = chunk;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]);
    }
    this.pos = 0;
  }

  next(): string[] | null | ProtocolError {
    const primed = this.primed;
    if (primed !== null) {
      this.primed = null;
      return primed;
    }
    for (;;) {
      if (this.big) {
        if (this.bigFill < this.big.length) return null;
        this.argv.push(this.big.latin1Slice(0, this.big.length - 2));
        this.big = null;
        this.bigFill = 0;
        this.bulkLen = -1;
        this.pending--;
        if (this.pending === 0) return this.take();
      }
      if (this.pending === 0) {
        const buf = this.buf;
        if (this.pos >= buf.length) return null;
        if (buf[this.pos] !== 42 /* '*' */) {
          const r = this.inline();
          if (r === undefined) continue; // empty line
          return r;
        }
        const whole = this.wholeCommand();
        if (whole !== null) return whole;
        const nl = findCR(buf, this.pos);
        if (nl < 0) {
          if (buf.length - this.pos > INLINE_MAX) return new ProtocolError('Protocol error: too big mbulk count string');
          return null;
        }
        if (nl + 1 >= buf.length) return null; // need the byte after CR
        const count = parseCount(buf, this.pos + 1, nl);
        if (count === null || count > 2147483647) return new ProtocolError('Protocol error: invalid multibulk length');
        if (count > 10 && this.limits.authRequired()) {
          return new ProtocolError('Protocol error: unauthenticated multibulk length');
        }
        this.pos = nl + 2;
        if (count <= 0) continue;
        this.pending = count;
        this.argv = [];
      }
      const r = this.bulks();
      if (r !== undefined) return r;
    }
  }

  /**
   * Fast path: the whole multibulk at `pos` is buffered and plainly well formed (small
   * counts and lengths, canonical digits). Parses it in one pass with no state changes
   * until the end; returns null to leave anything else, errors included, to the general
   * state machine.
   */
  private wholeCommand(): string[] | null {
    const buf = this.buf;
    const end = buf.length;
    let p = this.pos + 1;
    let c = buf[p];
    if (c < 49 || c > 57) return null;
    let count = c - 48;
    p++;
    while (p < end && (c = buf[p]) !== 13) {
      c -= 48;
      if (c < 0 || c > 9) return null;
      count = count * 10 + c;
      if (count > 1024) return null;
      p++;
    }
    if (p + 1 >= end || (count > 10 && this.limits.authRequired())) return null;
    p += 2;
    const argv = new Array<string>(count);
    for (let i = 0; i < count; i++) {
      if (p >= end || buf[p] !== 36 /* '$' */) return null;
      p++;
      c = buf[p];
      if (c < 48 || c > 57) return null;
      let len = c - 48;
      p++;
      if (len === 0 && buf[p] !== 13) return null; // leading zero: not canonical
      while (p < end && (c = buf[p]) !== 13) {
        c -= 48;
        if (c < 0 || c > 9) return null;
        len = len * 10 + c;
        if (len > 16384) return null;
        p++;
      }
      if (p + 1 >= end) return null;
      p += 2;
      if (p + len + 2 > end) return null;
      argv[i] = i > 1 || len > ARG_CACHE_MAX_LEN ? byteString(buf, p, len) : i === 0 ? this.names.get(buf, p, len) : this.args.get(buf, p, len);
      p += len + 2;
    }
    this.pos = p;
    return argv;
  }

  private take(): string[] {
    const argv = this.argv;
    this.argv = [];
    return argv;
  }

  /** Reads bulks of the current multibulk; undefined means "continue the outer loop". */
  private bulks(): string[] | null | ProtocolError | undefined {
    const buf = this.buf;
    while (this.pending > 0) {
      if (this.bulkLen < 0) {
        if (this.pos >= buf.length) return null;
        const nl = findCR(buf, this.pos);
        if (nl < 0) {
          if (buf.length - this.pos > INLINE_MAX) return new ProtocolError('Protocol error: too big bulk count string');
          return null;
        }
        if (nl + 1 >= buf.length) return null;
        if (buf[this.pos] !== 36 /* '$' */) {
          return new ProtocolError(`Protocol error: expected '$', got '${String.fromCharCode(buf[this.pos])}'`);
        }
        const len = nl - this.pos <= 10 ? smallCount(buf, this.pos + 1, nl) : parseCount(buf, this.pos + 1, nl);
        if (len === null || len < 0 || len > this.limits.maxBulkLen || len > MAX_ARG) {
          return new ProtocolError('Protocol error: invalid bulk length');
        }
        if (len > 16384 && this.limits.authRequired()) return new ProtocolError('Protocol error: unauthenticated bulk length');
        this.pos = nl + 2;
        this.bulkLen = len;
      }
      const len = this.bulkLen;
      const avail = buf.length - this.pos;
      if (avail >= len + 2) {
        const argv = this.argv;
        // The command name repeats on nearly every request: reuse one string for it, so it is
        // neither sliced nor re-hashed for the command table lookup each time.
        if (argv.length > 1 || len > ARG_CACHE_MAX_LEN) argv.push(byteString(buf, this.pos, len));
        else if (argv.length === 0) argv.push(this.names.get(buf, this.pos, len));
        else argv.push(this.args.get(buf, this.pos, len));
        this.pos += len + 2;
        this.bulkLen = -1;
        this.pending--;
        continue;
      }
      if (len >= BIG_ARG) {
        this.big = Buffer.allocUnsafe(len + 2);
        buf.copy(this.big, 0, this.pos);
        this.bigFill = avail;
        this.pos = buf.length;
        return undefined;
      }
      return null;
    }
    return this.take();
  }

  private inline(): string[] | null | ProtocolError | undefined {
    const buf = this.buf;
    const nl = lineEnd(buf, LF, this.pos);
    if (nl < 0) {
      if (buf.length - this.pos > INLINE_MAX) return new ProtocolError('Protocol error: too big inline request');
      return null;
    }
    let end = nl;
    if (end > this.pos && buf[end - 1] === CR) end--;
    const line = buf.latin1Slice(this.pos, end);
    this.pos = nl + 1;
    const argv = splitArgs(line);
    if (argv === null) return new ProtocolError('Protocol error: unbalanced quotes in request');
    if (argv.length === 0) return undefined;
    return argv;
  }
}

/**
 * Where a header or inline line ends (the first `byte` from `from`), -1 when not there yet.
 * Redis finds it with strchr on the query buffer, which stops at a NUL byte: a NUL before
 * the terminator means "no complete line" (until the 64 KB limit turns that into an error).
 */
/**
 * Position of the CR ending a header line, or -1 when it is not there yet. Header lines are
 * a few bytes long, so a plain loop beats Buffer.indexOf's native call. A NUL before the CR
 * hides it from Redis's strchr, so the line counts as incomplete.
 */
function findCR(buf: Buffer, from: number): number {
  const n = buf.length;
  for (let i = from; i < n; i++) {
    const b = buf[i];
    if (b === 13) return i;
    if (b === 0) return -1;
  }
  return -1;
}

function lineEnd(buf: Buffer, byte: number, from: number): number {
  const nl = buf.indexOf(byte, from);
  if (nl < 0) return -1;
  // A NUL before the terminator hides it from Redis's strchr: the line is not complete yet.
  for (let i = from; i < nl; i++) if (buf[i] === 0) return -1;
  return nl;
}

/** parseCount for up to 9 digits (bulk lengths below 1e9): no sign, no leading zero. */
function smallCount(buf: Buffer, from: number, to: number): number | null {
  if (to <= from) return null;
  let c = buf[from] - 48;
  if (c < 1 || c > 9) return to - from === 1 && c === 0 ? 0 : parseCount(buf, from, to);
  let v = c;
  for (let i = from + 1; i < to; i++) {
    c = buf[i] - 48;
    if (c < 0 || c > 9) return null;
    v = v * 10 + c;
  }
  return v;
}

/** Arguments up to this long are interned (a script's SHA1 is 40 bytes). */
const ARG_CACHE_MAX_LEN = 48;
const NAME_CACHE_SIZE = 256;
const ARG_CACHE_SIZE = 512;

/**
 * Interns short first arguments (command names) by their bytes: a small direct-mapped cache
 * keyed by a hash of the length and a few bytes (first, middle, last two: enough to tell
 * command names apart), verified byte for byte on a hit.
 */
/** A cheap hash of a few of the bytes, to pick a cache slot (for len 1 the byte before stands in: any byte does). */
function bytesHash(buf: Buffer, pos: number, len: number): number {
  return len === 0 ? 0 : len ^ (buf[pos] << 1) ^ (buf[pos + (len >> 1)] << 2) ^ (buf[pos + len - 1] << 3) ^ (buf[pos + len - 2] << 5);
}

/** Whether `s` is exactly these bytes; compared from the end, where keys that differ mostly differ. */
function holdsBytes(s: string, buf: Buffer, pos: number, len: number): boolean {
  if (s.length !== len) return false;
  let i = len - 1;
  while (i >= 0 && s.charCodeAt(i) === buf[pos + i]) i--;
  return i < 0;
}

class NameCache {
  private readonly slots: (string | undefined)[];
  private readonly mask: number;

  /** `size`: a power of two */
  constructor(size: number) {
    this.slots = new Array(size);
    this.mask = size - 1;
  }

  get(buf: Buffer, pos: number, len: number): string {
    const slot = bytesHash(buf, pos, len) & this.mask;
    const cached = this.slots[slot];
    if (cached !== undefined && holdsBytes(cached, buf, pos, len)) return cached;
    const s = byteString(buf, pos, len);
    this.slots[slot] = s;
    return s;
  }
}

/**
 * Interns the first argument after the name (the key of most commands, a script's SHA1):
 * pipelines and busy clients repeat the same few keys, and a string the keyspace has
 * already hashed is found in its Map without being hashed again. Unlike command names,
 * keys are often all different, so a miss must cost next to nothing: bytes are compared
 * from the end (keys that differ mostly differ in their last bytes), and only one miss in
 * eight stores its string (storing young strings into an old array, and keeping them
 * alive, costs more than a hit saves); a key that keeps coming back gets in soon enough.
 */
class ArgCache {
  private readonly slots: (string | undefined)[];
  private readonly mask: number;
  private misses = 0;

  /** `size`: a power of two */
  constructor(size: number) {
    this.slots = new Array(size);
    this.mask = size - 1;
  }

  get(buf: Buffer, pos: number, len: number): string {
    const slot = bytesHash(buf, pos, len) & this.mask;
    const cached = this.slots[slot];
    if (cached !== undefined && holdsBytes(cached, buf, pos, len)) return cached;
    const s = byteString(buf, pos, len);
    if ((++this.misses & 7) === 0) this.slots[slot] = s;
    return s;
  }
}

/** string2ll over buf[from, to): canonical integers only; null otherwise. */
function parseCount(buf: Buffer, from: number, to: number): number | null {
  const n = to - from;
  if (n <= 0 || n > 20) return null;
  let i = from;
  let neg = false;
  if (buf[i] === 45) {
    neg = true;
    i++;
    if (i === to) return null;
  }
  if (buf[i] === 48) return to - i === 1 && !neg ? 0 : null;
  let v = 0;
  for (; i < to; i++) {
    const c = buf[i] - 48;
    if (c < 0 || c > 9) return null;
    v = v * 10 + c;
  }
  return neg ? -v : v;
}
