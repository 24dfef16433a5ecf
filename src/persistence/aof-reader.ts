import fs from 'node:fs';

/** Bytes read from the file at a time; the buffer grows only for an argument larger than this. */
export const AOF_READ_CHUNK = 1 << 20;

/** fgets(buf, AOF_ANNOTATION_LINE_MAX_LEN): a line is read up to its newline or 1023 bytes. */
const LINE_MAX = 1023;

/**
 * Reads an AOF file from its descriptor a chunk at a time, never whole (an AOF may be larger
 * than V8's longest string or than one Buffer), with the two reads the loader needs: a line
 * as fgets returns it, and a bulk argument of known length with its CRLF.
 */
export class AofReader {
  private buf: Buffer;
  /** `buf` up to the bytes read into it (indexOf must not look past them). */
  private view: Buffer;
  private pos = 0;
  /** File offset of buf[0]. */
  private bufAt: number;
  private eof = false;
  /** The largest buffer held, in bytes. */
  peakBytes: number;

  constructor(
    private readonly fd: number,
    at: number,
    private readonly chunk = AOF_READ_CHUNK,
  ) {
    this.buf = Buffer.allocUnsafe(chunk);
    this.view = this.buf.subarray(0, 0);
    this.bufAt = at;
    this.peakBytes = chunk;
  }

  /** The file offset of the next byte to read. */
  get offset(): number {
    return this.bufAt + this.pos;
  }

  /** At least `n` bytes made available past the read position (fewer at the end of the file); returns how many are. */
  private fill(n: number): number {
    const have = this.view.length - this.pos;
    if (have >= n || this.eof) return have;
    let buf = this.buf;
    if (n > buf.length) {
      buf = Buffer.allocUnsafe(Math.max(n, buf.length * 2));
      this.peakBytes = Math.max(this.peakBytes, buf.length);
    } else if (buf.length > this.chunk && n <= this.chunk) {
      // back to a chunk once the large argument that needed more is behind
      buf = Buffer.allocUnsafe(this.chunk);
    }
    this.buf.copy(buf, 0, this.pos, this.view.length);
    this.bufAt += this.pos;
    this.pos = 0;
    this.buf = buf;
    let len = have;
    while (len < buf.length) {
      const got = fs.readSync(this.fd, buf, len, buf.length - len, this.bufAt + len);
      if (got === 0) {
        this.eof = true;
        break;
      }
      len += got;
    }
    this.view = buf.subarray(0, len);
    return len;
  }

  /** The next line with its newline, or its first 1023 bytes; null at the end of the file. */
  readLine(): string | null {
    const avail = this.fill(LINE_MAX);
    if (avail === 0) return null;
    const start = this.pos;
    const nl = this.view.indexOf(10, start);
    const end = nl >= 0 && nl - start < LINE_MAX ? nl + 1 : start + Math.min(avail, LINE_MAX);
    this.pos = end;
    return this.buf.latin1Slice(start, end);
  }

  /** `len` bytes, then the two of the CRLF after them (not checked, as Redis does not); null when the file ends first. */
  readBulk(len: number): string | null {
    const avail = this.fill(len + 2);
    if (avail < len + 2) return null;
    const s = len === 0 ? '' : this.buf.latin1Slice(this.pos, this.pos + len);
    this.pos += len + 2;
    return s;
  }
}
