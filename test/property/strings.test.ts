import { propertySuite, KEYS, VALUES } from './common.ts';
import { NASTY_NUMBERS, NASTY_FLOATS, type Op, type Rng } from './harness.ts';

const FAR = ['4102444800', '9999999999']; // absolute unix times far in the future
// Expire arguments: never small positive ones (timing-dependent).
const TTLS = ['0', '-1', '-5', '100000000', '9223372036854775807', '-9223372036854775808', 'x', '', '1.5'];
const SMALL = ['0', '1', '2', '3', '5', '-1', '-2', '-5', '100', '-100', '9223372036854775807', '-9223372036854775808', 'x'];

function num(r: Rng): string {
  return r.chance(0.7) ? String(r.range(-20, 20)) : r.pick(NASTY_NUMBERS);
}

function gen(r: Rng): Op {
  const k = r.pick(KEYS);
  const v = r.chance(0.1) ? r.bytes(12) : r.pick(VALUES);
  switch (r.int(26)) {
    case 0: {
      const argv = ['SET', k, v];
      if (r.chance(0.3)) argv.push(r.pick(['NX', 'XX', 'nx', 'xX']));
      if (r.chance(0.3)) argv.push('GET');
      if (r.chance(0.3)) argv.push(...r.pick([['EX', '100000'], ['PX', '100000000'], ['EXAT', r.pick(FAR)], ['PXAT', '4102444800000'], ['KEEPTTL'], ['EX', r.pick(TTLS)], ['PX', '-1'], ['EX', '0']]));
      if (r.chance(0.05)) argv.push(r.pick(['NX', 'XX', 'GET', 'KEEPTTL', 'EX', 'bogus']));
      return { argv };
    }
    case 1: return { argv: ['GET', k] };
    case 2: return { argv: ['GETSET', k, v] };
    case 3: return { argv: ['GETDEL', k] };
    case 4: return { argv: ['GETEX', k, ...r.pick([[], ['PERSIST'], ['EX', '1000000'], ['EXAT', r.pick(FAR)], ['PX', r.pick(TTLS)], ['EX', '-1'], ['PERSIST', 'EX', '10'], ['KEEPTTL']])] };
    case 5: return { argv: ['APPEND', k, v] };
    case 6: return { argv: ['STRLEN', k] };
    case 7: return { argv: ['SETRANGE', k, r.chance(0.8) ? String(r.range(0, 80)) : r.pick(['-1', '536870912', '536870911x', '9223372036854775807', 'x']), v] };
    case 8: return { argv: [r.pick(['GETRANGE', 'SUBSTR']), k, r.chance(0.8) ? String(r.range(-10, 10)) : r.pick(SMALL), r.chance(0.8) ? String(r.range(-10, 80)) : r.pick(SMALL)] };
    case 9: return { argv: [r.pick(['INCR', 'DECR']), k] };
    case 10: return { argv: [r.pick(['INCRBY', 'DECRBY']), k, num(r)] };
    case 11: return { argv: ['INCRBYFLOAT', k, r.pick(NASTY_FLOATS)] };
    case 12: return { argv: ['SETNX', k, v] };
    case 13: {
      const argv = [r.pick(['MSET', 'MSETNX'])];
      for (let i = r.range(1, 3); i > 0; i--) argv.push(r.pick(KEYS), r.pick(VALUES));
      if (r.chance(0.05)) argv.push('odd');
      return { argv };
    }
    case 14: return { argv: ['MGET', ...r.some(KEYS, 1, 5)] };
    case 15: {
      const argv = ['LCS', k, r.pick(KEYS)];
      if (r.chance(0.3)) argv.push('LEN');
      if (r.chance(0.4)) argv.push('IDX');
      if (r.chance(0.3)) argv.push('MINMATCHLEN', r.pick(['0', '1', '2', '-1', 'x']));
      if (r.chance(0.3)) argv.push('WITHMATCHLEN');
      return { argv };
    }
    case 16: return { argv: [r.pick(['SETEX', 'PSETEX']), k, r.pick(['100000', '100000000', '0', '-5', 'x', '9223372036854775807']), v] };
    case 17: return { argv: ['TTL', k], check: 'shape' };
    case 18: return { argv: ['PEXPIRETIME', k], check: 'shape' };
    case 19: return { argv: ['TYPE', k] };
    case 20: return { argv: ['OBJECT', 'ENCODING', k] };
    case 21: return { argv: ['LPUSH', k, v] };
    case 22: return { argv: ['SET', k, r.pick(['12', '-7', '9223372036854775806', '-9223372036854775807', '1.5', '3e2', String(r.range(-1000, 1000))])] };
    case 23: return { argv: ['EXISTS', ...r.some(KEYS, 1, 4)] };
    case 24: return { argv: ['INCRBYFLOAT', k, String((r.next() - 0.5) * 10 ** r.range(-5, 20))] };
    default: return { argv: ['DEL', k] };
  }
}

propertySuite('strings', [1, 2, 3], 400, gen);
