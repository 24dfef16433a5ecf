import { propertySuite, KEYS, FIELDS } from './common.ts';
import { NASTY_FLOATS, type Op, type Rng } from './harness.ts';

const SCORES = ['0', '1', '-1', '2.5', '-0', '1e3', '+inf', '-inf', '3', '3', '7', '0.1', '1e-320', '-2.5'];
const RANGES = ['0', '1', '-1', '(1', '(0', '2.5', '+inf', '-inf', '(+inf', '(-inf', '(x', 'x', '', '3', '(3', 'nan', '1e400'];
const LEX = ['-', '+', '[a', '(a', '[f', '(g', '[', '(', 'a', '[1', '(\xff', '[\x00'];

// Lex ranges are only defined when every member has the same score (with mixed scores the
// result depends on the skiplist's random levels), so lex commands use their own keys where
// only score 0 is ever added.
const LEXKEYS = ['L', 'M'];

function gen(r: Rng): Op {
  if (r.chance(0.2)) return lexGen(r);
  const k = r.pick(KEYS);
  const m = r.chance(0.1) ? r.bytes(4) : r.pick(FIELDS);
  const idx = (): string => (r.chance(0.85) ? String(r.range(-6, 6)) : r.pick(['9223372036854775807', '-9223372036854775808', 'x', '']));
  const limit = (): string[] => (r.chance(0.3) ? ['LIMIT', idx(), idx()] : []);
  const ws = (): string[] => (r.chance(0.4) ? ['WITHSCORES'] : []);
  switch (r.int(30)) {
    case 0:
    case 1: {
      const argv = ['ZADD', k];
      if (r.chance(0.3)) argv.push(...r.some(['NX', 'XX', 'GT', 'LT', 'CH', 'INCR'], 1, 2));
      for (let i = r.range(1, 3); i > 0; i--) argv.push(r.chance(0.9) ? r.pick(SCORES) : r.pick(NASTY_FLOATS), r.pick(FIELDS));
      return { argv };
    }
    case 2: return { argv: ['ZINCRBY', k, r.pick(NASTY_FLOATS), m] };
    case 3: return { argv: ['ZREM', k, ...r.some(FIELDS, 1, 3)] };
    case 4: return { argv: ['ZSCORE', k, m] };
    case 5: return { argv: ['ZMSCORE', k, ...r.some(FIELDS, 1, 3)] };
    case 6: return { argv: [r.pick(['ZRANK', 'ZREVRANK']), k, m] };
    case 7: return { argv: ['ZCARD', k] };
    case 8: return { argv: [r.pick(['ZRANGE', 'ZREVRANGE']), k, idx(), idx(), ...ws()] };
    case 9: return { argv: [r.pick(['ZRANGEBYSCORE', 'ZREVRANGEBYSCORE']), k, r.pick(RANGES), r.pick(RANGES), ...ws(), ...limit()] };
    case 10: return { argv: ['ZRANGEBYSCORE', k, '-inf', '+inf', 'WITHSCORES'] };
    case 11: return { argv: ['ZCOUNT', k, r.pick(RANGES), r.pick(RANGES)] };
    case 12: return { argv: ['ZREVRANGEBYSCORE', k, '+inf', '-inf', ...limit()] };
    case 13: {
      const by = r.pick([[], ['BYSCORE']]);
      const a = by[0] === 'BYLEX' ? r.pick(LEX) : by[0] === 'BYSCORE' ? r.pick(RANGES) : idx();
      const b = by[0] === 'BYLEX' ? r.pick(LEX) : by[0] === 'BYSCORE' ? r.pick(RANGES) : idx();
      return { argv: [r.chance(0.7) ? 'ZRANGE' : 'ZRANGESTORE', ...(r.chance(0.5) ? [k] : [r.pick(KEYS), k]), a, b, ...by, ...(r.chance(0.3) ? ['REV'] : []), ...limit(), ...ws()] };
    }
    case 14: return { argv: ['ZREMRANGEBYRANK', k, idx(), idx()] };
    case 15: return { argv: ['ZREMRANGEBYSCORE', k, r.pick(RANGES), r.pick(RANGES)] };
    case 16: return { argv: ['ZSCORE', k, r.pick(FIELDS)] };
    case 17: {
      const keys = r.some(KEYS, 1, 3);
      const argv = [r.pick(['ZUNION', 'ZINTER', 'ZDIFF']), r.pick([String(keys.length), String(keys.length), '0', '9', 'x']), ...keys];
      if (argv[0] !== 'ZDIFF' && r.chance(0.4)) argv.push('WEIGHTS', ...keys.map(() => r.pick(['1', '2', '-1', '0', 'inf', 'x'])));
      if (argv[0] !== 'ZDIFF' && r.chance(0.4)) argv.push('AGGREGATE', r.pick(['SUM', 'MIN', 'MAX', 'avg']));
      argv.push(...ws());
      return { argv };
    }
    case 18: {
      const keys = r.some(KEYS, 1, 3);
      const argv = [r.pick(['ZUNIONSTORE', 'ZINTERSTORE', 'ZDIFFSTORE']), r.pick(KEYS), String(keys.length), ...keys];
      if (argv[0] !== 'ZDIFFSTORE' && r.chance(0.3)) argv.push('AGGREGATE', r.pick(['SUM', 'MIN', 'MAX']));
      return { argv };
    }
    case 19: {
      const keys = r.some(KEYS, 1, 2);
      const argv = ['ZINTERCARD', String(keys.length), ...keys];
      if (r.chance(0.4)) argv.push('LIMIT', r.pick(['0', '1', '-1']));
      return { argv };
    }
    case 20: return { argv: [r.pick(['ZPOPMIN', 'ZPOPMAX']), k, ...(r.chance(0.5) ? [r.pick(['0', '1', '2', '10', '-1', 'x'])] : [])] };
    case 21: {
      const keys = r.some(KEYS, 1, 2);
      const argv = ['ZMPOP', String(keys.length), ...keys, r.pick(['MIN', 'MAX', 'mid'])];
      if (r.chance(0.4)) argv.push('COUNT', r.pick(['1', '3', '0', '-1']));
      return { argv };
    }
    case 22: {
      const argv = ['ZRANDMEMBER', k];
      if (r.chance(0.7)) argv.push(r.pick(['0', '1', '3', '-3', '100', '-100', 'x']));
      if (argv.length === 3 && r.chance(0.4)) argv.push('WITHSCORES');
      return { argv, check: 'shape' };
    }
    case 23: return { argv: ['ZSCAN', k, '0', 'COUNT', '1000'], check: 'unordered' };
    case 24: return { argv: ['OBJECT', 'ENCODING', k] };
    case 25: return { argv: ['SET', k, 'v'] };
    case 26: return { argv: ['DEL', k] };
    case 27: return { argv: ['ZADD', k, String(r.range(-3, 3)), 'm'.repeat(r.pick([1, 8, 9, 70]))] };
    case 28: return { argv: ['DUMP', k], check: 'dump' };
    default: return { argv: ['ZRANGE', k, '0', '-1', 'WITHSCORES'] };
  }
}

function lexGen(r: Rng): Op {
  const k = r.pick(LEXKEYS);
  const limit = (): string[] => (r.chance(0.3) ? ['LIMIT', String(r.range(-2, 4)), String(r.range(-2, 4))] : []);
  switch (r.int(8)) {
    case 0:
    case 1: return { argv: ['ZADD', k, ...r.some(FIELDS, 1, 4).flatMap((m) => ['0', m])] };
    case 2: return { argv: [r.pick(['ZRANGEBYLEX', 'ZREVRANGEBYLEX']), k, r.pick(LEX), r.pick(LEX), ...limit()] };
    case 3: return { argv: ['ZLEXCOUNT', k, r.pick(LEX), r.pick(LEX)] };
    case 4: return { argv: ['ZREMRANGEBYLEX', k, r.pick(LEX), r.pick(LEX)] };
    case 5: return { argv: ['ZRANGE', k, r.pick(LEX), r.pick(LEX), 'BYLEX', ...(r.chance(0.5) ? ['REV'] : []), ...limit()] };
    case 6: return { argv: ['ZRANGESTORE', r.pick(LEXKEYS), k, r.pick(LEX), r.pick(LEX), 'BYLEX', ...limit()] };
    default: return { argv: ['ZRANGE', k, '0', '-1', 'WITHSCORES'] };
  }
}

propertySuite('zsets', [51, 52, 53], 400, gen);
