import { propertySuite, KEYS, VALUES, FIELDS } from './common.ts';
import { NASTY_NUMBERS, NASTY_FLOATS, type Op, type Rng } from './harness.ts';

function gen(r: Rng): Op {
  const k = r.pick(KEYS);
  const f = r.chance(0.1) ? r.bytes(6) : r.pick(FIELDS);
  const v = r.pick(VALUES);
  switch (r.int(22)) {
    case 0:
    case 1: {
      const argv = [r.pick(['HSET', 'HMSET']), k];
      for (let i = r.range(1, 4); i > 0; i--) argv.push(r.pick(FIELDS), r.pick(VALUES));
      if (r.chance(0.05)) argv.push('odd');
      return { argv };
    }
    case 2: return { argv: ['HSETNX', k, f, v] };
    case 3: return { argv: ['HGET', k, f] };
    case 4: return { argv: ['HMGET', k, ...r.some(FIELDS, 1, 4)] };
    case 5: return { argv: ['HDEL', k, ...r.some(FIELDS, 1, 3)] };
    case 6: return { argv: ['HLEN', k] };
    case 7: return { argv: ['HSTRLEN', k, f] };
    case 8: return { argv: ['HEXISTS', k, f] };
    case 9: return { argv: ['HINCRBY', k, f, r.chance(0.6) ? String(r.range(-50, 50)) : r.pick(NASTY_NUMBERS)] };
    case 10: return { argv: ['HINCRBYFLOAT', k, f, r.pick(NASTY_FLOATS)] };
    case 11: return { argv: [r.pick(['HGETALL', 'HKEYS', 'HVALS']), k], check: 'unordered' };
    case 12: {
      const argv = ['HRANDFIELD', k];
      if (r.chance(0.7)) argv.push(r.pick(['0', '1', '3', '-3', '100', '-100', 'x', '9223372036854775807', '-9223372036854775808']));
      if (argv.length === 3 && r.chance(0.4)) argv.push(r.pick(['WITHVALUES', 'withvalues', 'bogus']));
      return { argv, check: 'shape' };
    }
    case 13: {
      const argv = ['HSCAN', k, '0'];
      if (r.chance(0.5)) argv.push('MATCH', r.pick(['*', 'f', '[fg]', '1*', '*\xff*']));
      // A hashtable is only returned whole (cursor 0, any order) when COUNT covers it.
      argv.push('COUNT', r.chance(0.9) ? '1000' : r.pick(['0', '-1', 'x']));
      return { argv, check: 'unordered' };
    }
    case 14: return { argv: ['OBJECT', 'ENCODING', k] };
    case 15: return { argv: ['SET', k, v] };
    case 16: return { argv: ['DEL', k] };
    case 17: return { argv: ['COPY', k, r.pick(KEYS), 'REPLACE'] };
    case 18: return { argv: ['HSET', k, f, 'z'.repeat(r.pick([1, 8, 9, 64, 65]))] };
    case 19: return { argv: ['HSET', k, r.pick(['100', '-5', '12345678901234567890', '007']), String(r.range(-1e6, 1e6))] };
    case 20: return { argv: ['TYPE', k] };
    default: return { argv: ['EXISTS', k] };
  }
}

propertySuite('hashes', [21, 22, 23], 400, gen);
