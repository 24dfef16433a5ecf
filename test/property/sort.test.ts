import { propertySuite } from './common.ts';
import type { Op, Rng } from './harness.ts';

// SORT with BY/GET patterns over lists, sets and sorted sets of small ids, with weights in
// strings (w_<id>) and hash fields (h_<id> -> f). No ALPHA together with BY: equal
// collation keys are left in input order, which for sets is hash order. A BY pattern
// without '*' means "don't sort": a set then comes in hash order (only the shape is
// compared). Weights never overflow strtod: Redis checks errno without clearing it, so after
// one ERANGE every later SORT by weights fails until some other command resets errno.
const WEIGHTS = ['0', '1', '-1', '1.5', '-2.25', '1e3', '+inf', '-inf', 'inf', 'nan', '', 'abc', ' 1', '1 ', '0x10', '5.', '.5'];
// No NUL bytes: ALPHA compares C strings, so "" and "\0" tie and come out in whatever order
// the C library's qsort leaves them.
const IDS = ['1', '2', '3', '4', '5', '10', '-1', '1.5', 'x', '', '\xff', 'a\x01'];
const SRC = ['L', 'S', 'Z', 'none', 'w_1'];

function gen(r: Rng): Op {
  const id = r.pick(IDS);
  switch (r.int(12)) {
    case 0:
    case 1: return { argv: ['RPUSH', 'L', ...r.some(IDS, 1, 3)] };
    case 2: return { argv: ['SADD', 'S', ...r.some(IDS, 1, 3)] };
    case 3: return { argv: ['ZADD', 'Z', String(r.range(-3, 3)), id] };
    case 4: return { argv: ['SET', `w_${id}`, r.chance(0.8) ? String(r.range(-5, 5)) : r.pick(WEIGHTS)] };
    case 5: return { argv: ['HSET', `h_${id}`, r.pick(['f', 'g']), r.chance(0.8) ? String(r.range(-5, 5)) : r.pick(WEIGHTS)] };
    case 6: return { argv: ['DEL', r.pick(['L', 'S', 'Z', `w_${id}`, `h_${id}`])] };
    case 7: return { argv: ['LRANGE', r.pick(['dst', 'L']), '0', '-1'] };
    default: {
      const src = r.pick(SRC);
      const argv = [r.chance(0.85) ? 'SORT' : 'SORT_RO', src];
      const by = r.chance(0.5);
      const pattern = r.pick(['w_*', 'h_*->f', 'nosort', 'missing_*', '*', 'h_*->', '#', 'w_']);
      if (by) argv.push('BY', pattern);
      if (r.chance(0.4)) argv.push('LIMIT', String(r.range(-1, 3)), String(r.range(-1, 4)));
      for (let i = r.range(0, 3); i > 0; i--) argv.push('GET', r.pick(['#', 'w_*', 'h_*->f', 'h_*->g', 'nokey_*', 'h_*->', '*']));
      if (r.chance(0.4)) argv.push(r.pick(['ASC', 'DESC']));
      if (!by && r.chance(0.4)) argv.push('ALPHA');
      if (argv[0] === 'SORT' && r.chance(0.3)) argv.push('STORE', 'dst');
      if (r.chance(0.03)) argv.push(r.pick(['LIMIT', 'BY', 'GET', 'bogus']));
      const dontSort = by && !pattern.includes('*');
      return { argv, check: dontSort && src === 'S' && !argv.includes('STORE') ? 'shape' : 'exact' };
    }
  }
}

propertySuite('sort', [91, 92, 93], 300, gen);
