import { propertySuite } from './common.ts';
import type { Op, Rng } from './harness.ts';

// Collections of hundreds of elements: skiplist ranks and ranges, long lists across many
// quicklist nodes, big hashtable sets/hashes (compared unordered), bulk pops and trims.
function member(r: Rng): string {
  return r.chance(0.5) ? String(r.int(400)) : `m${r.int(400)}`;
}

function gen(r: Rng): Op {
  const n = (lo: number, hi: number): string => String(r.range(lo, hi));
  switch (r.int(22)) {
    case 0:
    case 1: return { argv: ['ZADD', 'z', ...Array.from({ length: r.range(1, 40) }, () => [String(r.range(-50, 50) / (r.chance(0.5) ? 1 : 4)), member(r)]).flat()] };
    case 2: return { argv: ['ZRANGE', 'z', n(-300, 300), n(-300, 300), ...(r.chance(0.5) ? ['WITHSCORES'] : [])] };
    case 3: return { argv: ['ZRANGEBYSCORE', 'z', r.pick(['-inf', n(-50, 50), `(${n(-50, 50)}`]), r.pick(['+inf', n(-50, 50), `(${n(-50, 50)}`]), 'LIMIT', n(0, 100), n(-1, 50)] };
    case 4: return { argv: [r.pick(['ZRANK', 'ZREVRANK', 'ZSCORE']), 'z', member(r)] };
    case 5: return { argv: ['ZREMRANGEBYRANK', 'z', n(-300, 300), n(-300, 300)] };
    case 6: return { argv: ['ZCOUNT', 'z', n(-50, 50), n(-50, 50)] };
    case 7: return { argv: [r.pick(['ZPOPMIN', 'ZPOPMAX']), 'z', n(0, 30)] };
    case 8: return { argv: ['ZUNIONSTORE', 'z2', '2', 'z', 'z2', 'WEIGHTS', '1', '-1', 'AGGREGATE', r.pick(['SUM', 'MIN', 'MAX'])] };
    case 9: return { argv: ['ZINTERSTORE', 'z3', '2', 'z', 'z2'] };
    case 10: return { argv: [r.pick(['LPUSH', 'RPUSH']), 'l', ...Array.from({ length: r.range(1, 60) }, () => member(r))] };
    case 11: return { argv: ['LRANGE', 'l', n(-500, 500), n(-500, 500)] };
    case 12: return { argv: ['LTRIM', 'l', n(-500, 500), n(-500, 500)] };
    case 13: return { argv: ['LREM', 'l', n(-5, 5), member(r)] };
    case 14: return { argv: ['LINSERT', 'l', r.pick(['BEFORE', 'AFTER']), member(r), member(r)] };
    case 15: return { argv: ['LPOS', 'l', member(r), 'RANK', r.pick(['1', '-1', '2']), 'COUNT', n(0, 5)] };
    case 16: return { argv: ['SADD', 's', ...Array.from({ length: r.range(1, 60) }, () => member(r))] };
    case 17: return { argv: [r.pick(['SINTERCARD']), '2', 's', 's2'] };
    case 18: return { argv: ['SDIFFSTORE', 's2', 's', 's2'] };
    case 19: return { argv: ['HSET', 'h', ...Array.from({ length: r.range(1, 30) }, () => [member(r), member(r)]).flat()] };
    case 20: return { argv: [r.pick(['HLEN', 'SCARD', 'ZCARD', 'LLEN']), r.pick(['h', 's', 'z', 'l'])] };
    default: return { argv: [r.pick(['ZRANGESTORE']), 'z4', 'z', n(-300, 300), n(-300, 300)] };
  }
}

propertySuite('large collections', [111, 112], 200, gen);
