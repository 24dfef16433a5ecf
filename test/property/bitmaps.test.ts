import { propertySuite, KEYS, VALUES } from './common.ts';
import type { Op, Rng } from './harness.ts';

const BAD = ['-1', 'x', '', '4294967296', '9223372036854775807', '-9223372036854775808', '1.5'];
const TYPES = ['u1', 'i1', 'u8', 'i8', 'u16', 'i5', 'u63', 'i64', 'u64', 'i65', 'x8', 'u0', 'U8', 'i32'];

function gen(r: Rng): Op {
  const k = r.pick(KEYS);
  const off = (): string => (r.chance(0.85) ? String(r.range(0, 100)) : r.pick(BAD));
  const idx = (): string => (r.chance(0.85) ? String(r.range(-12, 12)) : r.pick(BAD));
  switch (r.int(16)) {
    case 0:
    case 1: return { argv: ['SETBIT', k, off(), r.chance(0.95) ? r.pick(['0', '1']) : r.pick(['2', '-1', 'x', ''])] };
    case 2: return { argv: ['GETBIT', k, off()] };
    case 3: {
      const argv = ['BITCOUNT', k];
      if (r.chance(0.7)) argv.push(idx(), idx());
      if (argv.length === 4 && r.chance(0.4)) argv.push(r.pick(['BYTE', 'BIT', 'bit', 'word']));
      if (r.chance(0.05)) argv.splice(2, 1);
      return { argv };
    }
    case 4: {
      const argv = ['BITPOS', k, r.chance(0.95) ? r.pick(['0', '1']) : r.pick(['2', 'x'])];
      if (r.chance(0.7)) argv.push(idx());
      if (argv.length === 4 && r.chance(0.6)) argv.push(idx());
      if (argv.length === 5 && r.chance(0.4)) argv.push(r.pick(['BYTE', 'BIT', 'bit', 'word']));
      return { argv };
    }
    case 5: return { argv: ['BITOP', r.pick(['AND', 'OR', 'XOR', 'NOT', 'and', 'nand']), r.pick(KEYS), ...r.some(KEYS, 1, 3)] };
    case 6:
    case 7: {
      const argv = [r.chance(0.8) ? 'BITFIELD' : 'BITFIELD_RO', k];
      for (let i = r.range(0, 4); i > 0; i--) {
        const t = r.pick(TYPES);
        const o = r.chance(0.3) ? `#${r.range(0, 5)}` : r.chance(0.9) ? String(r.range(0, 70)) : r.pick(BAD);
        switch (r.int(4)) {
          case 0: argv.push('GET', t, o); break;
          case 1: argv.push('SET', t, o, r.pick(['0', '1', '-1', '255', '-128', '127', '9223372036854775807', '-9223372036854775808', '100000', 'x'])); break;
          case 2: argv.push('INCRBY', t, o, r.pick(['1', '-1', '100', '-200', '9223372036854775807', 'x'])); break;
          default: argv.push('OVERFLOW', r.pick(['WRAP', 'SAT', 'FAIL', 'wrap', 'nope']));
        }
      }
      return { argv };
    }
    case 8: return { argv: ['SETRANGE', k, String(r.range(0, 12)), r.pick(VALUES)] };
    case 9: return { argv: ['GET', k] };
    case 10: return { argv: ['SET', k, r.bytes(8)] };
    case 11: return { argv: ['DEL', k] };
    case 12: return { argv: ['APPEND', k, r.bytes(3)] };
    case 13: return { argv: ['RPUSH', k, 'x'] };
    case 14: return { argv: ['STRLEN', k] };
    default: return { argv: ['GETRANGE', k, '0', '-1'] };
  }
}

propertySuite('bitmaps', [61, 62, 63], 400, gen);
