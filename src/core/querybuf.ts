/**
 * A model of the query buffer Redis keeps per client (networking.c), for what CLIENT LIST
 * and CLIENT INFO report (qbuf, qbuf-free, tot-mem): the bytes read and not yet trimmed,
 * and the allocation holding them, grown by each read as Redis grows its sds and trimmed by
 * the cron as clientsCronResizeQueryBuffer does. redmoon's real buffers are Node's; only
 * the figures follow Redis.
 */

/** PROTO_IOBUF_LEN: what one read asks room for. */
const IOBUF_LEN = 16 * 1024;
/** PROTO_RESIZE_THRESHOLD: a buffer above this is trimmed towards its recent peak. */
const RESIZE_THRESHOLD = 32 * 1024;

/** jemalloc's size class for an allocation of n bytes. */
function jemallocSize(n: number): number {
  if (n <= 8) return 8;
  if (n <= 128) return (n + 15) & ~15;
  const spacing = 2 ** (Math.floor(Math.log2(n - 1)) - 2);
  return Math.ceil(n / spacing) * spacing;
}

/** An sds able to hold `len` bytes: its usable capacity (sdsalloc) after jemalloc's rounding. */
function sdsCapacity(len: number): number {
  if (len === 0) return 0;
  const hdr = len < 256 ? 3 : len < 65536 ? 5 : 9;
  return jemallocSize(hdr + len + 1) - hdr - 1;
}

/** PROTO_REPLY_CHUNK_BYTES and PROTO_REPLY_MIN_BYTES: a reply buffer's largest and smallest size. */
const REPLY_CHUNK = 16 * 1024;
const REPLY_MIN = 1024;
/** reply-buffer-peak-reset-time: how often the peak is forgotten, so an idle buffer shrinks. */
export const PEAK_RESET_MS = 5000;

/**
 * A model of the fixed reply buffer Redis gives each client (c->buf), for CLIENT LIST's rbs
 * and rbp and for tot-mem: 16 KB at first, halved by the cron while its peak use stays
 * under half (down to 1 KB), doubled back when a turn fills it (clientsCronResizeOutputBuffer).
 */
export class ReplyBuffer {
  /** buf_usable_size */
  size = REPLY_CHUNK;
  /** buf_peak: the most one turn put in it since the last reset. */
  peak = 0;
  private peakResetAt = 0;

  /** A turn wrote `n` bytes of replies: Redis's buffer took up to its size of them. */
  wrote(n: number): void {
    const used = n < this.size ? n : this.size;
    if (used > this.peak) this.peak = used;
  }

  /** `resetMs`: how often the peak is forgotten (DEBUG REPLYBUFFER PEAK-RESET-TIME), -1 never. */
  cronResize(nowMs: number, resetMs = PEAK_RESET_MS): void {
    if (this.peakResetAt === 0) this.peakResetAt = nowMs;
    if (this.size / 2 >= REPLY_MIN && this.peak < this.size / 2) this.size = Math.max(REPLY_MIN, this.peak + 1);
    else if (this.size * 2 < REPLY_CHUNK * 2 && this.peak === this.size) this.size = Math.min(REPLY_CHUNK, this.size * 2);
    if (resetMs >= 0 && nowMs - this.peakResetAt >= resetMs) {
      this.peak = 0;
      this.peakResetAt = nowMs;
    }
  }
}

export class QueryBuffer {
  /** sdslen: bytes read and not yet trimmed (the command running is still in it). */
  len = 0;
  /** sdsalloc: the buffer's capacity. */
  alloc = 0;
  /** querybuf_peak: the most it was asked to hold since the last cron pass. */
  peak = 0;

  /**
   * A read of `n` bytes arrived with `pending` unparsed bytes already buffered. While a big
   * bulk is collected Redis reads only what it lacks (`bigLeft`), into room made for it.
   */
  read(pending: number, n: number, bigLeft = 0): void {
    const readlen = bigLeft > 0 ? Math.min(bigLeft, n) : Math.max(IOBUF_LEN, n);
    if (this.peak < pending + readlen) this.peak = pending + readlen;
    // sdsMakeRoomForNonGreedy: exactly the room for this read
    if (this.alloc - pending < readlen) this.alloc = sdsCapacity(pending + readlen);
    this.len = pending + n;
  }

  /**
   * The commands of the last read ran: what is left unparsed stays. A big bulk (32 KB or
   * more) being collected has room made for all of it, exactly (sdsMakeRoomForNonGreedy);
   * once complete the buffer becomes the argument and a new one of its size is kept for
   * the next, until the cron trims it.
   */
  trimmed(pending: number, bigSize = 0): void {
    this.len = pending;
    this.reserve(bigSize);
  }

  /** The header of a big bulk (`bigSize` with its CRLF, 0 for none) was parsed: room is made for all of it. */
  reserve(bigSize: number): void {
    if (bigSize > 0) {
      const cap = sdsCapacity(bigSize);
      if (this.alloc < cap) this.alloc = cap;
    }
  }

  /** clientsCronResizeQueryBuffer, with the client idle for `idleSec` seconds. */
  cronResize(idleSec: number, bigSize = 0): void {
    if (this.alloc - this.len > 4 * 1024) {
      if (idleSec > 2) {
        this.alloc = sdsCapacity(this.len);
      } else if (this.alloc > RESIZE_THRESHOLD && this.alloc / 2 > this.peak) {
        // never below the big argument being read, whose room was made up front
        this.alloc = sdsCapacity(Math.max(this.len, this.peak, bigSize));
      }
    }
    this.peak = this.len;
  }

  /** sdsZmallocSize: the allocation's bytes (for tot-mem). */
  get allocated(): number {
    if (this.alloc === 0) return 0;
    const hdr = this.alloc < 256 ? 3 : this.alloc < 65536 ? 5 : 9;
    return this.alloc + hdr + 1;
  }
}
