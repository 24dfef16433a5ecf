import fs from 'node:fs';
import type { Database, RedisValue } from '../keyspace/db.ts';
import type { List } from '../keyspace/list.ts';
import type { SetValue } from '../keyspace/set.ts';
import type { HashValue } from '../keyspace/hash.ts';
import type { ZSet } from '../keyspace/zset.ts';
import { type Stream, formatID, ID_ZERO, ID_MAX } from '../keyspace/stream.ts';
import { formatDouble17 } from '../util/numbers.ts';

/** Elements per RPUSH/SADD/ZADD/HMSET of a rewritten collection (AOF_REWRITE_ITEMS_PER_CMD). */
const ITEMS_PER_CMD = 64;
/** Output is handed to the file in pieces of about this many bytes. */
const CHUNK = 1 << 20;

/** A command in the AOF's RESP form (catAppendOnlyGenericCommand). */
export function encodeCommand(argv: readonly string[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

/** Accumulates latin1 text and writes it to a file descriptor in large pieces. */
export class ChunkedFileWriter {
  private buf = '';
  bytes = 0;
  constructor(private readonly fd: number) {}

  write(s: string): void {
    this.buf += s;
    if (this.buf.length >= CHUNK) this.flush();
  }

  flush(): void {
    if (this.buf.length === 0) return;
    const b = Buffer.from(this.buf, 'latin1');
    let off = 0;
    while (off < b.length) off += fs.writeSync(this.fd, b, off, b.length - off);
    this.bytes += b.length;
    this.buf = '';
  }
}

/** Where rewritten commands go. */
interface TextOut {
  write(s: string): void;
}

/** Something that can list the server's functions as FUNCTION LOAD sources. */
export type FunctionSources = () => Iterable<string>;

/**
 * rewriteAppendOnlyFileRio: the whole dataset as commands that rebuild it (functions first,
 * then each non-empty database after its SELECT), as Redis writes an AOF base without the
 * RDB preamble.
 */
export function writeAofBase(out: ChunkedFileWriter, dbs: readonly Database[], functions: FunctionSources): void {
  for (const code of functions()) out.write(encodeCommand(['FUNCTION', 'LOAD', code]));
  for (const db of dbs) {
    if (db.data.size === 0) continue;
    out.write(encodeCommand(['SELECT', String(db.id)]));
    for (const [key, value] of db.entries()) {
      writeKey(out, key, value);
      const when = db.expires.get(key);
      if (when !== undefined) out.write(encodeCommand(['PEXPIREAT', key, String(when)]));
    }
  }
}

/** One key as the commands that rebuild it, its expiry as PEXPIREAT (a background rewrite's entry). */
export function keyCommands(key: string, value: RedisValue, expireAt: number | undefined): string {
  const parts: string[] = [];
  const out = { write: (s: string) => void parts.push(s) };
  writeKey(out, key, value);
  if (expireAt !== undefined) out.write(encodeCommand(['PEXPIREAT', key, String(expireAt)]));
  return parts.join('');
}

function writeKey(out: TextOut, key: string, v: RedisValue): void {
  if (typeof v === 'string') {
    out.write(encodeCommand(['SET', key, v]));
    return;
  }
  switch (v.type) {
    case 'list':
      batched(out, 'RPUSH', key, (v as List).toArray(), 1);
      return;
    case 'set':
      batched(out, 'SADD', key, [...(v as SetValue).members()], 1);
      return;
    case 'zset': {
      const items: string[] = [];
      for (const [m, s] of v as ZSet) items.push(formatDouble17(s), m);
      batched(out, 'ZADD', key, items, 2);
      return;
    }
    case 'hash': {
      const items: string[] = [];
      for (const [f, val] of (v as HashValue).map) items.push(f, val);
      batched(out, 'HMSET', key, items, 2);
      return;
    }
    case 'stream':
      writeStream(out, key, v as Stream);
      return;
  }
}

/** `items` (each element `width` strings) as commands of at most ITEMS_PER_CMD elements. */
function batched(out: TextOut, name: string, key: string, items: string[], width: number): void {
  const per = ITEMS_PER_CMD * width;
  for (let i = 0; i < items.length; i += per) out.write(encodeCommand([name, key, ...items.slice(i, i + per)]));
}

/** rewriteStreamObject: entries, the stream's IDs and counters, then groups, consumers and PELs. */
function writeStream(out: TextOut, key: string, s: Stream): void {
  if (s.length > 0) {
    for (const e of s.range(ID_ZERO, ID_MAX, false, 0)) out.write(encodeCommand(['XADD', key, formatID(e.id), ...e.pairs]));
  } else {
    // an empty stream cannot be created otherwise: add an entry and trim it away at once
    out.write(encodeCommand(['XADD', key, 'MAXLEN', '0', '0-1', 'x', 'y']));
  }
  out.write(
    encodeCommand(['XSETID', key, formatID(s.lastId), 'ENTRIESADDED', String(s.entriesAdded), 'MAXDELETEDID', formatID(s.maxDeletedId)]),
  );
  for (const g of s.sortedGroups()) {
    out.write(encodeCommand(['XGROUP', 'CREATE', key, g.name, formatID(g.lastId), 'ENTRIESREAD', String(g.entriesRead)]));
    for (const consumer of g.sortedConsumers()) {
      const pel = consumer.pel.ordered();
      if (pel.length === 0) {
        out.write(encodeCommand(['XGROUP', 'CREATECONSUMER', key, g.name, consumer.name]));
        continue;
      }
      for (const n of pel) {
        out.write(
          encodeCommand([
            'XCLAIM', key, g.name, consumer.name, '0', formatID(n.id),
            'TIME', String(n.deliveryTime), 'RETRYCOUNT', String(n.deliveryCount), 'JUSTID', 'FORCE',
          ]),
        );
      }
    }
  }
}
