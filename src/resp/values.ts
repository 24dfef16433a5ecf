import type { ClientOutput } from './sink.ts';
import { ReplyError } from '../errors.ts';
import { formatDouble17 } from '../util/numbers.ts';

export type { Reply } from '../util/public-types.ts';
import type { Reply } from '../util/public-types.ts';

/** Characters a byte string holds that make it more than ASCII (UTF-8 decoding needed). */
const NON_ASCII = /[^\x00-\x7f]/;

interface Frame {
  items: Reply[];
  left: number;
  kind: 'array' | 'map' | 'push';
}

/**
 * A client output that builds the reply values directly, for in-process calls: no RESP
 * bytes are made or parsed. Replies are collected between `begin()` and `end()`; what is
 * written outside (pub/sub messages or tracking invalidations arriving between calls) is
 * dropped, as a connection nobody reads from would drop it.
 *
 * Out-of-band pushes (RESP3 push frames, and pub/sub frames in RESP2) are kept apart
 * from replies: `end()` returns the command's reply, or its pushes when it wrote nothing
 * else (SUBSCRIBE's confirmations).
 */
export class ValueWriter implements ClientOutput {
  resp: 2 | 3 = 2;
  muted = false;
  onError: ((text: string) => void) | null = null;
  uncountedErrors = 0;
  readonly pendingBytes = 0;
  readonly hasPending = false;
  onGrow: (() => void) | null = null;
  private capturing = false;
  private readonly stack: Frame[] = [];
  /** The command's first reply and how many it wrote; later ones go to `more`. */
  private first: Reply = null;
  private count = 0;
  private more: Reply[] | null = null;
  private pushes: Reply[] | null = null;

  /** `buffers`: bulk strings become Buffers instead of UTF-8 decoded strings. */
  constructor(private readonly buffers = false) {}

  take(): Buffer[] {
    return [];
  }

  drop(): void {
    // nothing is buffered for a connection here
  }

  /** Starts collecting the replies of one command. */
  begin(): void {
    this.capturing = true;
    if (this.stack.length !== 0) this.stack.length = 0;
    this.first = null;
    this.count = 0;
    this.more = this.pushes = null;
  }

  /**
   * Stops collecting and returns what the command replied: its one reply, an array when
   * it replied several times, its pushes when it replied nothing else, null when nothing
   * was written (CLIENT REPLY OFF). Throws the reply when it is an error.
   */
  end(): Reply {
    this.capturing = false;
    let out: Reply;
    if (this.count === 1) out = this.first;
    else if (this.count > 1) out = [this.first, ...this.more!];
    else if (this.pushes !== null) out = this.pushes.length === 1 ? this.pushes[0] : this.pushes;
    else out = null;
    this.first = null;
    this.more = this.pushes = null;
    if (out instanceof ReplyError) throw out;
    return out;
  }

  private add(v: Reply): void {
    const stack = this.stack;
    for (;;) {
      if (stack.length === 0) {
        if (this.count++ === 0) this.first = v;
        else (this.more ??= []).push(v);
        return;
      }
      const f = stack[stack.length - 1];
      f.items.push(v);
      if (--f.left !== 0) return;
      stack.pop();
      if (f.kind === 'push' && stack.length === 0) {
        (this.pushes ??= []).push(f.items);
        return;
      }
      v = f.kind === 'map' ? toMap(f.items) : f.items;
    }
  }

  private open(kind: Frame['kind'], n: number): void {
    if (n > 0) {
      this.stack.push({ items: [], left: n, kind });
    } else if (kind === 'push') {
      if (this.stack.length === 0) (this.pushes ??= []).push([]);
      else this.add([]);
    } else {
      this.add(kind === 'map' ? new Map() : []);
    }
  }

  private str(s: string): Reply {
    if (this.buffers) return Buffer.from(s, 'latin1');
    return NON_ASCII.test(s) ? Buffer.from(s, 'latin1').toString('utf8') : s;
  }

  simple(s: string): void {
    if (this.muted || !this.capturing) return;
    this.add(s);
  }

  error(s: string): void {
    if (s.includes('\r') || s.includes('\n')) s = s.replace(/[\r\n]+$/, '').replace(/[\r\n]/g, ' ');
    if (this.onError !== null) this.onError(s);
    if (this.muted || !this.capturing) return;
    this.add(new ReplyError(s));
  }

  /** An error already counted in errorstats where it happened (a script's command's). */
  errorNoStats(s: string): void {
    this.uncountedErrors++;
    const onError = this.onError;
    this.onError = null;
    this.error(s);
    this.onError = onError;
  }

  integer(n: number | bigint): void {
    if (this.muted || !this.capturing) return;
    if (typeof n === 'number') this.add(Number.isSafeInteger(n) || !Number.isInteger(n) ? n : BigInt(n));
    else this.add(n >= -MAX_SAFE && n <= MAX_SAFE ? Number(n) : n);
  }

  bulk(s: string): void {
    if (this.muted || !this.capturing) return;
    this.add(this.str(s));
  }

  null(): void {
    if (this.muted || !this.capturing) return;
    this.add(null);
  }

  nullArray(): void {
    if (this.muted || !this.capturing) return;
    this.add(null);
  }

  array(n: number): void {
    if (this.muted || !this.capturing) return;
    this.open('array', n);
  }

  map(n: number): void {
    if (this.muted || !this.capturing) return;
    if (this.resp === 3) this.open('map', n * 2);
    else this.open('array', n * 2);
  }

  set(n: number): void {
    if (this.muted || !this.capturing) return;
    this.open('array', n);
  }

  double(d: number): void {
    if (this.muted || !this.capturing) return;
    this.add(this.resp === 3 ? d : this.str(formatDouble17(d)));
  }

  doubleText(text: string, d: number): void {
    if (this.muted || !this.capturing) return;
    this.add(this.resp === 3 ? d : this.str(text));
  }

  bool(b: boolean): void {
    if (this.muted || !this.capturing) return;
    this.add(this.resp === 3 ? b : b ? 1 : 0);
  }

  verbatim(s: string): void {
    if (this.muted || !this.capturing) return;
    this.add(this.str(s));
  }

  bigNumber(s: string): void {
    if (this.muted || !this.capturing) return;
    this.add(this.resp === 3 ? BigInt(s) : this.str(s));
  }

  push(n: number): void {
    if (this.muted || !this.capturing) return;
    // Pub/sub frames are pushes in both protocols here: they are not the command's reply.
    this.open('push', n);
  }

  raw(s: string): void {
    if (this.muted || !this.capturing) return;
    // The server writes raw only a null ('_' or '$-1') or a status line (MONITOR).
    this.add(s.startsWith('_') || s.startsWith('$-1') || s.startsWith('*-1') ? null : s.slice(1).replace(/\r\n$/, ''));
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function toMap(items: Reply[]): Map<Reply, Reply> {
  const m = new Map<Reply, Reply>();
  for (let i = 0; i + 1 < items.length; i += 2) m.set(items[i], items[i + 1]);
  return m;
}
