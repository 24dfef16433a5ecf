import type { ReplySink } from './sink.ts';
import { formatDouble17 } from '../util/numbers.ts';

const CHUNK = 64 * 1024;
/** Bulks at least this long are handed to the socket as their own Buffer. */
const LARGE = 16 * 1024;

const CRLF = Buffer.from('\r\n');
/** Strings up to this length are copied byte by byte instead of through latin1Write. */
const SMALL = 32;
/** Integers up to this are written digit by digit. */
const MAX_FAST = 999_999_999_999_999;

/** Writes the decimal digits of a non-negative safe integer at `o`; returns the new offset. */
function writeDigits(c: Buffer, o: number, n: number): number {
  if (n < 10) {
    c[o] = 48 + n;
    return o + 1;
  }
  if (n < 2147483648) {
    // Small integers: int32 arithmetic, no float division.
    const len = n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : n < 100000 ? 5 : n < 1000000 ? 6 : n < 10000000 ? 7 : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10;
    let p = o + len;
    let v = n | 0;
    while (v >= 10) {
      const q = (v / 10) | 0;
      c[--p] = 48 + v - q * 10;
      v = q;
    }
    c[--p] = 48 + v;
    return o + len;
  }
  let len = 1;
  for (let t = n; t >= 10; t = Math.floor(t / 10)) len++;
  let p = o + len;
  while (n >= 10) {
    const q = Math.floor(n / 10);
    c[--p] = 48 + (n - q * 10);
    n = q;
  }
  c[--p] = 48 + n;
  return o + len;
}

/**
 * Encodes replies as RESP2 or RESP3 straight into a chunked output buffer.
 * Written regions are handed out by `take()` as zero-copy slices; a chunk is never
 * written again after a slice of it was taken, so the socket may keep the slices.
 */
export class RespWriter implements ReplySink {
  resp: 2 | 3 = 2;
  /** When set, replies are discarded (CLIENT REPLY OFF/SKIP). */
  muted = false;
  /** Called with every error reply's text (INFO errorstats), muted or not. */
  onError: ((text: string) => void) | null = null;
  /** Error replies written with errorNoStats (their command still counts as failed). */
  uncountedErrors = 0;
  private chunk: Buffer = Buffer.allocUnsafe(CHUNK);
  private start = 0;
  private off = 0;
  /** Finished pieces waiting for the next take(): slices and large bulks. */
  private pieces: Buffer[] = [];
  private queuedBytes = 0;
  /**
   * Called each time the output grows by a chunk (64 KB) or a large bulk: where the server
   * checks client-output-buffer-limit as output is added, at no cost to small replies.
   */
  onGrow: (() => void) | null = null;
  /** Set by drop(): the client is being closed, and what it is sent goes nowhere. */
  private dropping = false;

  /** Bytes written and not yet taken (client-output-buffer accounting). */
  get pendingBytes(): number {
    return this.queuedBytes + (this.off - this.start);
  }

  get hasPending(): boolean {
    return this.off > this.start || this.pieces.length > 0;
  }

  /** Everything written since the last take, in order; empty when there is nothing. */
  take(): Buffer[] {
    this.seal();
    const p = this.pieces;
    this.pieces = [];
    this.queuedBytes = 0;
    return p;
  }

  private seal(): void {
    if (this.off > this.start) {
      const slice = this.chunk.subarray(this.start, this.off);
      this.pieces.push(slice);
      this.queuedBytes += slice.length;
      this.start = this.off;
    }
  }

  /**
   * Discards everything not taken yet, and from now on reuses one chunk for whatever is
   * written: a client closed for its output (or evicted) mid-command costs no more memory.
   */
  drop(): void {
    this.dropping = true;
    this.pieces = [];
    this.queuedBytes = 0;
    // (a fresh chunk: the socket may still hold slices of the old one)
    this.chunk = Buffer.allocUnsafe(CHUNK);
    this.start = this.off = 0;
  }

  private ensure(n: number): void {
    if (this.off + n <= this.chunk.length) return;
    if (this.dropping) {
      if (n > this.chunk.length) this.chunk = Buffer.allocUnsafe(n);
      this.start = this.off = 0;
      return;
    }
    this.seal();
    this.chunk = Buffer.allocUnsafe(Math.max(CHUNK, n));
    this.start = this.off = 0;
    if (this.onGrow !== null) this.onGrow();
  }

  private ascii(s: string): void {
    const n = s.length;
    this.ensure(n);
    if (n > SMALL) {
      this.off += this.chunk.latin1Write(s, this.off);
      return;
    }
    // Short replies: a JS loop is cheaper than the native latin1Write call.
    const c = this.chunk;
    let o = this.off;
    for (let i = 0; i < n; i++) c[o++] = s.charCodeAt(i);
    this.off = o;
  }

  /** Writes `<prefix><n>\r\n` for a non-negative safe integer without building a string. */
  private header(prefix: number, n: number): void {
    this.ensure(24);
    const c = this.chunk;
    let o = this.off;
    c[o++] = prefix;
    o = writeDigits(c, o, n);
    c[o++] = 13;
    c[o++] = 10;
    this.off = o;
  }

  /** Raw bytes of an already encoded reply. */
  raw(s: string): void {
    if (this.muted) return;
    this.ascii(s);
  }

  simple(s: string): void {
    if (this.muted) return;
    this.ascii(`+${s}\r\n`);
  }

  errorNoStats(s: string): void {
    this.uncountedErrors++;
    const onError = this.onError;
    this.onError = null;
    this.error(s);
    this.onError = onError;
  }

  error(s: string): void {
    // Like addReplyErrorFormat: errors quoting user data must not break the protocol, so
    // trailing CR/LF are dropped and inner ones become spaces.
    if (s.includes('\r') || s.includes('\n')) s = s.replace(/[\r\n]+$/, '').replace(/[\r\n]/g, ' ');
    if (this.onError !== null) this.onError(s);
    if (this.muted) return;
    this.ascii(`-${s}\r\n`);
  }

  integer(n: number | bigint): void {
    if (this.muted) return;
    if (typeof n === 'number' && n >= 0 && n <= MAX_FAST) this.header(58 /* ':' */, n);
    else this.ascii(`:${n}\r\n`);
  }

  bulk(s: string): void {
    if (this.muted) return;
    const len = s.length;
    if (len >= LARGE) {
      this.ascii(`$${len}\r\n`);
      if (this.dropping) return;
      this.seal();
      const b = Buffer.from(s, 'latin1');
      this.pieces.push(b, CRLF);
      this.queuedBytes += len + 2;
      if (this.onGrow !== null) this.onGrow();
      return;
    }
    this.ensure(len + 16);
    const c = this.chunk;
    let o = this.off;
    c[o++] = 36; // '$'
    o = writeDigits(c, o, len);
    c[o++] = 13;
    c[o++] = 10;
    if (len > SMALL) o += c.latin1Write(s, o);
    else for (let i = 0; i < len; i++) c[o++] = s.charCodeAt(i);
    c[o++] = 13;
    c[o++] = 10;
    this.off = o;
  }

  null(): void {
    if (this.muted) return;
    this.ascii(this.resp === 3 ? '_\r\n' : '$-1\r\n');
  }

  nullArray(): void {
    if (this.muted) return;
    this.ascii(this.resp === 3 ? '_\r\n' : '*-1\r\n');
  }

  array(n: number): void {
    if (this.muted) return;
    this.header(42 /* '*' */, n);
  }

  map(n: number): void {
    if (this.muted) return;
    this.ascii(this.resp === 3 ? `%${n}\r\n` : `*${n * 2}\r\n`);
  }

  set(n: number): void {
    if (this.muted) return;
    this.ascii(this.resp === 3 ? `~${n}\r\n` : `*${n}\r\n`);
  }

  double(d: number): void {
    if (this.muted) return;
    const s = formatDouble17(d);
    if (this.resp === 3) this.ascii(`,${s}\r\n`);
    else this.bulk(s);
  }

  doubleText(text: string): void {
    if (this.muted) return;
    if (this.resp === 3) this.ascii(`,${text}\r\n`);
    else this.bulk(text);
  }

  bool(b: boolean): void {
    if (this.muted) return;
    if (this.resp === 3) this.ascii(b ? '#t\r\n' : '#f\r\n');
    else this.ascii(b ? ':1\r\n' : ':0\r\n');
  }

  verbatim(s: string, format = 'txt'): void {
    if (this.muted) return;
    if (this.resp === 3) {
      this.ascii(`=${s.length + 4}\r\n${format}:`);
      this.ascii(s);
      this.ascii('\r\n');
    } else {
      this.bulk(s);
    }
  }

  bigNumber(s: string): void {
    if (this.muted) return;
    if (this.resp === 3) this.ascii(`(${s}\r\n`);
    else this.bulk(s);
  }

  push(n: number): void {
    if (this.muted) return;
    this.ascii(this.resp === 3 ? `>${n}\r\n` : `*${n}\r\n`);
  }

  attribute(n: number): void {
    if (this.muted) return;
    this.ascii(`|${n}\r\n`);
  }
}
