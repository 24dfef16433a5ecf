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

export class QueryBuffer {
  /** sdslen: bytes read and not yet trimmed (the command running is still in it). */
  len = 0;
  /** sdsalloc: the buffer's capacity. */
  alloc = 0;
  /** querybuf_peak: the most it was asked to hold since the last cron pass. */
  peak = 0;

  /** A read of `n` bytes arrived with `pending` unparsed bytes already buffered. */
  read(pending: number, n: number): void {
    const readlen = Math.max(IOBUF_LEN, n);
    if (this.peak < pending + readlen) this.peak = pending + readlen;
    // sdsMakeRoomForNonGreedy: exactly the room for this read
    if (this.alloc - pending < readlen) this.alloc = sdsCapacity(pending + readlen);
    this.len = pending + n;
  }

  /** The commands of the last read ran: what is left unparsed stays. */
  trimmed(pending: number): void {
    this.len = pending;
  }

  /** clientsCronResizeQueryBuffer, with the client idle for `idleSec` seconds. */
  cronResize(idleSec: number): void {
    if (this.alloc - this.len > 4 * 1024) {
      if (idleSec > 2) {
        this.alloc = sdsCapacity(this.len);
      } else if (this.alloc > RESIZE_THRESHOLD && this.alloc / 2 > this.peak) {
        this.alloc = sdsCapacity(Math.max(this.len, this.peak));
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
