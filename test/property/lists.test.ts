import { propertySuite, KEYS, VALUES } from './common.ts';
import type { Op, Rng } from './harness.ts';

function idx(r: Rng): string {
  return r.chance(0.85) ? String(r.range(-8, 8)) : r.pick(['9223372036854775807', '-9223372036854775808', '100', '-100', 'x', '', '1.5']);
}

function gen(r: Rng): Op {
  const k = r.pick(KEYS);
  const v = r.chance(0.1) ? r.bytes(6) : r.pick(VALUES);
  const side = (): string => r.pick(['LEFT', 'RIGHT', 'left', 'up']);
  switch (r.int(26)) {
    case 0:
    case 1: return { argv: [r.pick(['LPUSH', 'RPUSH']), k, ...r.some(VALUES, 1, 4)] };
    case 2: return { argv: [r.pick(['LPUSHX', 'RPUSHX']), k, v] };
    case 3: {
      const argv = [r.pick(['LPOP', 'RPOP']), k];
      if (r.chance(0.4)) argv.push(r.pick(['0', '1', '2', '10', '-1', 'x', '9223372036854775807']));
      return { argv };
    }
    case 4: return { argv: ['LRANGE', k, idx(r), idx(r)] };
    case 5: return { argv: ['LINDEX', k, idx(r)] };
    case 6: return { argv: ['LSET', k, idx(r), v] };
    case 7: return { argv: ['LLEN', k] };
    case 8: return { argv: ['LREM', k, idx(r), r.pick(VALUES)] };
    case 9: return { argv: ['LTRIM', k, idx(r), idx(r)] };
    case 10: return { argv: ['LINSERT', k, r.pick(['BEFORE', 'AFTER', 'after', 'middle']), r.pick(VALUES), v] };
    case 11: {
      const argv = ['LPOS', k, r.pick(VALUES)];
      if (r.chance(0.4)) argv.push('RANK', r.pick(['1', '-1', '2', '-2', '0', 'x', '-9223372036854775808']));
      if (r.chance(0.4)) argv.push('COUNT', r.pick(['0', '1', '2', '-1', 'x']));
      if (r.chance(0.3)) argv.push('MAXLEN', r.pick(['0', '1', '3', '-1']));
      return { argv };
    }
    case 12: return { argv: ['RPOPLPUSH', k, r.pick(KEYS)] };
    case 13: return { argv: ['LMOVE', k, r.pick(KEYS), side(), side()] };
    case 14: {
      const keys = r.some(KEYS, 1, 3);
      const argv = ['LMPOP', r.pick([String(keys.length), String(keys.length), '0', '5', 'x']), ...keys, side()];
      if (r.chance(0.5)) argv.push('COUNT', r.pick(['1', '2', '10', '0', '-1', 'x']));
      return { argv };
    }
    case 15: return { argv: ['OBJECT', 'ENCODING', k] };
    case 16: return { argv: ['SET', k, v] };
    case 17: return { argv: ['DEL', k] };
    case 18: return { argv: ['SORT', k, ...r.pick([['ALPHA'], ['DESC', 'ALPHA'], ['LIMIT', idx(r), idx(r), 'ALPHA'], [], ['BY', 'nosort']])] };
    case 19: return { argv: ['SORT', k, 'ALPHA', 'STORE', r.pick(KEYS)] };
    case 20: return { argv: ['RPUSH', k, 'w'.repeat(r.pick([10, 70, 9000]))] };
    case 21: return { argv: ['COPY', k, r.pick(KEYS), 'REPLACE'] };
    case 22: return { argv: ['DUMP', k], check: 'dump' };
    case 23: return { argv: r.chance(0.25) ? ['BLPOP', ...r.some(KEYS, 1, 2), '0.01'] : ['LINDEX', k, '-1'] };
    case 24: return { argv: ['TYPE', k] };
    default: return { argv: ['LRANGE', k, '0', '-1'] };
  }
}

propertySuite('lists', [41, 42, 43], 400, gen);
