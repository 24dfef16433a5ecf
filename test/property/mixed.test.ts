import { propertySuite } from './common.ts';
import type { Op, Rng } from './harness.ts';

// Every family on the same few keys: type checks (WRONGTYPE), cross-type commands
// (ZUNIONSTORE over sets, SORT/COPY/RENAME of any type, GEO on zsets, PF* and BITOP on
// strings), and type changes through stores and overwrites.
const K = ['a', 'b', 'c'];
const M = ['1', '2', 'x', 'y', '-5', ''];

function gen(r: Rng): Op {
  const k = r.pick(K);
  const k2 = r.pick(K);
  const m = r.pick(M);
  const any = r.chance(0.2) ? 's' : k; // the stream key, for commands that only read
  switch (r.int(34)) {
    case 0: return { argv: ['SET', k, r.pick(M)] };
    case 1: return { argv: ['RPUSH', k, ...r.some(M, 1, 3)] };
    case 2: return { argv: ['SADD', k, ...r.some(M, 1, 3)] };
    case 3: return { argv: ['ZADD', k, String(r.range(-2, 2)), m] };
    case 4: return { argv: ['HSET', k, m, r.pick(M)] };
    case 5: return { argv: ['PFADD', k, ...r.some(M, 0, 2)] };
    case 6: return { argv: ['GEOADD', k, '13.361389', '38.115556', m] };
    // (Streams: DUMP of a stream is not implemented yet, so no DUMP on keys that may hold one.)
    case 7: return { argv: ['XADD', 's', '*', 'f', 'v'], check: 'shape' };
    case 8: return { argv: ['TYPE', any] };
    case 9: return { argv: ['OBJECT', 'ENCODING', any] };
    case 10: return { argv: [r.pick(['ZUNIONSTORE', 'ZINTERSTORE', 'ZDIFFSTORE']), r.pick(K), '2', k, k2] };
    case 11: return { argv: [r.pick(['ZUNION', 'ZINTER', 'ZDIFF']), '2', any, k2, 'WITHSCORES'] };
    case 12: return { argv: [r.pick(['SUNIONSTORE', 'SINTERSTORE', 'SDIFFSTORE']), r.pick(K), k, k2] };
    case 13: return { argv: ['SINTERCARD', '2', any, k2] };
    case 14: return { argv: ['SORT', k, 'ALPHA', ...(r.chance(0.5) ? ['STORE', r.pick(K)] : [])] };
    case 15: return { argv: [r.pick(['RENAME', 'RENAMENX']), k, k2] };
    case 16: return { argv: ['COPY', k, k2, ...(r.chance(0.5) ? ['REPLACE'] : [])] };
    case 17: return { argv: ['GEOPOS', any, m] };
    case 18: return { argv: ['GEODIST', k, m, r.pick(M)] };
    case 19: return { argv: ['PFCOUNT', any] };
    case 20: return { argv: ['PFMERGE', k, k2] };
    case 21: return { argv: ['BITOP', 'OR', r.pick(K), k, k2] };
    case 22: return { argv: ['LCS', any, k2] };
    case 23: return { argv: ['GET', any] };
    case 24: return { argv: ['APPEND', k, m] };
    case 25: return { argv: ['LPOP', k] };
    case 26: return { argv: ['ZRANGE', any, '0', '-1', 'WITHSCORES'] };
    case 27: return { argv: ['SMOVE', k, k2, m] };
    case 28: return { argv: ['LMOVE', k, k2, 'LEFT', 'RIGHT'] };
    case 29: return { argv: ['GEOSEARCHSTORE', r.pick(K), k, 'FROMLONLAT', '13.36', '38.11', 'BYRADIUS', '100', 'km'] };
    case 30: return { argv: ['ZRANGESTORE', r.pick(K), k, '0', '-1'] };
    case 31: return { argv: ['DEL', k] };
    case 32: return { argv: ['DUMP', k], check: 'dump' };
    default: return { argv: ['STRLEN', any] };
  }
}

propertySuite('mixed types', [101, 102, 103], 300, gen);
