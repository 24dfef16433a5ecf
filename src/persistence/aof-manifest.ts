import { splitArgs } from '../util/splitargs.ts';
import { reprBytes } from '../core/monitor.ts';

/** One file of the multi-part AOF: base (b), incremental (i) or history awaiting deletion (h). */
export interface AofFileInfo {
  name: string;
  seq: number;
  type: 'b' | 'h' | 'i';
}

/** appendonly.aof.manifest: which files make up the AOF, in load order. */
export class AofManifest {
  base: AofFileInfo | null = null;
  history: AofFileInfo[] = [];
  incr: AofFileInfo[] = [];
  baseSeq = 0;
  incrSeq = 0;

  clone(): AofManifest {
    const m = new AofManifest();
    m.base = this.base && { ...this.base };
    m.history = this.history.map((f) => ({ ...f }));
    m.incr = this.incr.map((f) => ({ ...f }));
    m.baseSeq = this.baseSeq;
    m.incrSeq = this.incrSeq;
    return m;
  }

  /** The manifest text: base first, then history, then incremental files. */
  format(): string {
    let s = '';
    const line = (f: AofFileInfo) => {
      s += `file ${needsRepr(f.name) ? reprBytes(f.name) : f.name} seq ${f.seq} type ${f.type}\n`;
    };
    if (this.base) line(this.base);
    for (const f of this.history) line(f);
    for (const f of this.incr) line(f);
    return s;
  }

  /** A new base named `${prefix}.${seq}.base.(rdb|aof)`; the old base becomes history. */
  newBase(prefix: string, rdb: boolean): AofFileInfo {
    if (this.base) {
      this.base.type = 'h';
      this.history.unshift(this.base);
    }
    const seq = ++this.baseSeq;
    this.base = { name: `${prefix}.${seq}.base.${rdb ? 'rdb' : 'aof'}`, seq, type: 'b' };
    return this.base;
  }

  /** A new incremental file `${prefix}.${seq}.incr.aof`, appended to the list. */
  newIncr(prefix: string): AofFileInfo {
    const seq = ++this.incrSeq;
    const f: AofFileInfo = { name: `${prefix}.${seq}.incr.aof`, seq, type: 'i' };
    this.incr.push(f);
    return f;
  }

  /** After a rewrite: every incremental file but the one being written (if any) is history. */
  markRewrittenIncrAsHistory(keepLast: boolean): void {
    const keep = keepLast && this.incr.length > 0 ? this.incr.slice(-1) : [];
    const done = keepLast ? this.incr.slice(0, -1) : this.incr;
    for (let i = done.length - 1; i >= 0; i--) this.history.unshift({ ...done[i], type: 'h' });
    this.incr = keep;
  }
}

/** sdsneedsrepr: names with spaces, quotes, backslashes or unprintable bytes are quoted. */
function needsRepr(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c || c === 0x22 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x07 || c === 0x08 || c < 0x20 || c > 0x7e || c === 0x20) return true;
  }
  return false;
}

/** Why a manifest could not be read, with the line Redis shows (0 when none). */
export class ManifestError extends Error {
  constructor(
    readonly reason: string,
    readonly lineNumber: number,
    readonly line: string | null,
  ) {
    super(reason);
  }
}

const MANIFEST_MAX_LINE = 1024;

/** aofLoadManifestFromFile: parses manifest text with Redis's checks and error texts. */
export function parseManifest(text: string): AofManifest {
  const m = new AofManifest();
  if (text.length === 0) throw new ManifestError('Found an empty AOF manifest', 0, null);
  let maxSeq = 0;
  let pos = 0;
  let lineNumber = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    // fgets reads at most MANIFEST_MAX_LINE bytes at a time
    const raw = end < 0 || end - pos + 1 > MANIFEST_MAX_LINE ? text.slice(pos, pos + MANIFEST_MAX_LINE) : text.slice(pos, end + 1);
    if (end < 0 || end - pos + 1 > MANIFEST_MAX_LINE) end = pos + raw.length - 1;
    pos = end + 1;
    lineNumber++;
    if (raw[0] === '#') continue;
    if (!raw.includes('\n')) throw new ManifestError('The AOF manifest file contains too long line', lineNumber, null);
    const line = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (line.length === 0) throw new ManifestError('Invalid AOF manifest file format', lineNumber, line);
    const argv = splitArgs(line);
    if (argv === null || argv.length < 6 || argv.length % 2 !== 0) throw new ManifestError('Invalid AOF manifest file format', lineNumber, line);
    let name: string | null = null;
    let seq = 0;
    let type = '';
    for (let i = 0; i < argv.length; i += 2) {
      const k = argv[i].toLowerCase();
      if (k === 'file') {
        name = argv[i + 1];
        if (name.includes('/')) throw new ManifestError("File can't be a path, just a filename", lineNumber, line);
      } else if (k === 'seq') {
        seq = atoll(argv[i + 1]);
      } else if (k === 'type') {
        type = argv[i + 1][0] ?? '';
      }
    }
    if (name === null || seq === 0 || type === '') throw new ManifestError('Invalid AOF manifest file format', lineNumber, line);
    if (type === 'b') {
      if (m.base) throw new ManifestError('Found duplicate base file information', lineNumber, line);
      m.base = { name, seq, type };
      m.baseSeq = seq;
    } else if (type === 'h') {
      m.history.push({ name, seq, type });
    } else if (type === 'i') {
      if (seq <= maxSeq) throw new ManifestError('Found a non-monotonic sequence number', lineNumber, line);
      m.incr.push({ name, seq, type });
      m.incrSeq = seq;
      maxSeq = seq;
    } else {
      throw new ManifestError('Unknown AOF file type', lineNumber, line);
    }
  }
  return m;
}

/** C's atoll: leading blanks, optional sign, digits; 0 when none. */
function atoll(s: string): number {
  const r = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return r === null ? 0 : Number(r[1]);
}
