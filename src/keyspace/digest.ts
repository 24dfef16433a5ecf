/**
 * DEBUG DIGEST and DEBUG DIGEST-VALUE as Redis computes them (debug.c): SHA1-based digests
 * of the dataset's content, where unordered collections are combined with XOR and ordered
 * ones mixed in sequence, so two servers holding the same data agree whatever their
 * iteration order. Persistence tests compare them before and after a save and reload.
 */
import { nodeCrypto } from '../util/lazy-node.ts';
import type { Database, RedisValue } from './db.ts';
import type { List } from './list.ts';
import type { SetValue } from './set.ts';
import type { ZSet } from './zset.ts';
import type { HashValue } from './hash.ts';
import { FLAG_DELETED, type Stream } from './stream.ts';
import { formatDouble17 } from '../util/numbers.ts';

const TYPE_CODE: Record<string, number> = { string: 0, list: 1, set: 2, zset: 3, hash: 4, stream: 6 };

function sha1(data: Uint8Array | string): Buffer {
  return nodeCrypto().createHash('sha1').update(typeof data === 'string' ? Buffer.from(data, 'latin1') : data).digest();
}

/** xorDigest: digest ^= SHA1(data) */
function xorDigest(digest: Buffer, data: Uint8Array | string): void {
  const h = sha1(data);
  for (let j = 0; j < 20; j++) digest[j] ^= h[j];
}

/** mixDigest: digest = SHA1(digest ^ SHA1(data)), order-sensitive */
function mixDigest(digest: Buffer, data: Uint8Array | string): void {
  xorDigest(digest, data);
  sha1(digest).copy(digest);
}

function be32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** xorObjectDigest: a value (and whether it has a TTL) into `digest`. */
function objectDigest(digest: Buffer, v: RedisValue, hasExpire: boolean): void {
  const type = typeof v === 'string' ? 'string' : v.type;
  mixDigest(digest, be32(TYPE_CODE[type]));
  if (typeof v === 'string') {
    mixDigest(digest, v);
  } else if (v.type === 'list') {
    const l = v as List;
    for (let i = 0; i < l.length; i++) mixDigest(digest, l.get(i));
  } else if (v.type === 'set') {
    for (const m of (v as unknown as SetValue).members()) xorDigest(digest, m);
  } else if (v.type === 'zset') {
    for (const [m, score] of v as ZSet) {
      const ele = Buffer.alloc(20);
      mixDigest(ele, m);
      mixDigest(ele, formatDouble17(score));
      xorDigest(digest, ele);
    }
  } else if (v.type === 'hash') {
    for (const [f, val] of (v as unknown as HashValue).map) {
      const ele = Buffer.alloc(20);
      mixDigest(ele, f);
      mixDigest(ele, val);
      xorDigest(digest, ele);
    }
  } else if (v.type === 'stream') {
    for (const node of (v as Stream).nodes) {
      for (let i = 0; i < node.ms.length; i++) {
        if ((node.flags[i] & FLAG_DELETED) !== 0) continue;
        mixDigest(digest, `${node.ms[i]}.${node.seq[i]}`);
        for (const x of node.pairs(i)) mixDigest(digest, x);
      }
    }
  }
  if (hasExpire) xorDigest(digest, '!!expire!!');
}

/** DEBUG DIGEST: 40 hex digits, all zeros for an empty dataset. */
export function datasetDigest(dbs: readonly Database[]): string {
  const final = Buffer.alloc(20);
  for (const db of dbs) {
    if (db.data.size === 0) continue;
    mixDigest(final, be32(db.id));
    for (const [key, v] of db.entries()) {
      const d = Buffer.alloc(20);
      mixDigest(d, key);
      objectDigest(d, v, db.expires.has(key));
      xorDigest(final, d);
    }
  }
  return final.toString('hex');
}

/** DEBUG DIGEST-VALUE of one key (zeros when it does not exist). */
export function valueDigest(db: Database, key: string): string {
  const v = db.peek(key);
  const d = Buffer.alloc(20);
  if (v !== undefined) objectDigest(d, v, db.expires.has(key));
  return d.toString('hex');
}
