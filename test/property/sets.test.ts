import { propertySuite, KEYS, FIELDS } from './common.ts';
import type { Op, Rng } from './harness.ts';

const MEMBERS = [...FIELDS, '0', '-1', '9223372036854775807', '-9223372036854775808', '9223372036854775808', '+1', '01', '3', '4', '5', '6'];

function gen(r: Rng): Op {
  const k = r.pick(KEYS);
  const m = r.chance(0.1) ? r.bytes(5) : r.pick(MEMBERS);
  const cnt = (): string => r.pick(['0', '1', '2', '5', '100', '-1', '-5', 'x', '', '9223372036854775807', '-9223372036854775808']);
  switch (r.int(25)) {
    case 0:
    case 1: return { argv: ['SADD', k, ...r.some(MEMBERS, 1, 5)] };
    case 2: return { argv: ['SREM', k, ...r.some(MEMBERS, 1, 3)] };
    case 3: return { argv: ['SISMEMBER', k, m] };
    case 4: return { argv: ['SMISMEMBER', k, ...r.some(MEMBERS, 1, 4)] };
    case 5: return { argv: ['SCARD', k] };
    case 6: return { argv: ['SMEMBERS', k], check: 'unordered' };
    case 7: return { argv: [r.pick(['SINTER', 'SUNION', 'SDIFF']), ...r.some(KEYS, 1, 3)], check: 'unordered' };
    case 8: return { argv: [r.pick(['SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE']), r.pick(KEYS), ...r.some(KEYS, 1, 3)] };
    case 9: {
      const argv = ['SINTERCARD', r.pick(['1', '2', '3', '0', '-1', 'x'])];
      argv.push(...r.some(KEYS, 1, 3));
      if (r.chance(0.4)) argv.push('LIMIT', r.pick(['0', '1', '2', '-1', 'x']));
      return { argv };
    }
    case 10: return { argv: ['SMOVE', k, r.pick(KEYS), m] };
    case 11: {
      // SPOP is random: compare the reply's shape, then drop the key on both servers.
      const argv = ['SPOP', k];
      if (r.chance(0.6)) argv.push(cnt());
      return { argv, check: 'shape', resync: [k] };
    }
    case 12: {
      const argv = ['SRANDMEMBER', k];
      if (r.chance(0.7)) argv.push(cnt());
      return { argv, check: 'shape' };
    }
    case 13: {
      const argv = ['SSCAN', k, '0'];
      if (r.chance(0.5)) argv.push('MATCH', r.pick(['*', '1*', '-*', '[fg]', '*\xff*']));
      // A hashtable is only returned whole (cursor 0, any order) when COUNT covers it.
      argv.push('COUNT', r.chance(0.9) ? '1000' : r.pick(['0', '-1', 'x']));
      return { argv, check: 'unordered' };
    }
    case 14: return { argv: ['OBJECT', 'ENCODING', k] };
    case 15: return { argv: ['SET', k, 'v'] };
    case 16: return { argv: ['DEL', k] };
    case 17: return { argv: ['SADD', k, ...r.some(['1', '2', '3', '4', '5', '6', '7', '-9', '100'], 1, 4)] };
    // SORT ALPHA without STORE compares with strcoll, so "" and "\0" tie and their order is
    // the set's hash order: sort into a list (binary comparison) and read that instead.
    case 18: return { argv: ['SORT', k, ...r.pick([[], ['ALPHA'], ['DESC', 'ALPHA'], ['LIMIT', '0', '2', 'ALPHA']]), 'STORE', 'sorted'] };
    case 24: return { argv: ['LRANGE', 'sorted', '0', '-1'] };
    case 19: return { argv: ['COPY', k, r.pick(KEYS), 'REPLACE'] };
    case 20: return { argv: ['SPOP', k, '1000'], check: 'unordered' };
    case 21: return { argv: ['TYPE', k] };
    default: return { argv: ['SMEMBERS', r.pick(KEYS)], check: 'unordered' };
  }
}

propertySuite('sets', [31, 32, 33], 400, gen);
