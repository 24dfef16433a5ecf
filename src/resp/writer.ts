import type { ReplySink } from './sink.ts';
import { formatDouble17 } from '../util/numbers.ts';

const CHUNK = 64 * 1024;
/** Bulks at least this long are handed to the socket as their own Buffer. */
const LARGE = 16 * 1024;

const CRLF = Buffer.from('\r\n');

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
  private chunk: Buffer = Buffer.allocUnsafe(CHUNK);
  private start = 0;
  private off = 0;
  /** Finished pieces waiting for the next take(): slices and large bulks. */
  private pieces: Buffer[] = [];
  private queuedBytes = 0;

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

  private ensure(n: number): void {
    if (this.off + n <= this.chunk.length) return;
    this.seal();
    this.chunk = Buffer.allocUnsafe(Math.max(CHUNK, n));
    this.start = this.off = 0;
  }

  private ascii(s: string): void {
    this.ensure(s.length);
    this.off += this.chunk.latin1Write(s, this.off);
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
    this.ascii(`:${n}\r\n`);
  }

  bulk(s: string): void {
    if (this.muted) return;
    const len = s.length;
    if (len >= LARGE) {
      this.ascii(`$${len}\r\n`);
      this.seal();
      const b = Buffer.from(s, 'latin1');
      this.pieces.push(b, CRLF);
      this.queuedBytes += len + 2;
      return;
    }
    this.ensure(len + 16);
    const c = this.chunk;
    let o = this.off;
    c[o++] = 36; // '$'
    o += c.latin1Write(String(len), o);
    c[o++] = 13;
    c[o++] = 10;
    o += c.latin1Write(s, o);
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
    this.ascii(`*${n}\r\n`);
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
}
