import { propertySuite, KEYS, FIELDS } from './common.ts';
import type { Op, Rng } from './harness.ts';

function gen(r: Rng): Op {
  const k = r.pick(KEYS);
  switch (r.int(10)) {
    case 0:
    case 1:
    case 2: return { argv: ['PFADD', k, ...r.some(FIELDS, 0, 5)] };
    case 3: {
      // Many distinct elements: sparse → dense promotion.
      const base = r.int(1000);
      return { argv: ['PFADD', k, ...Array.from({ length: r.range(50, 400) }, (_, i) => `e${base + i * 7}`)] };
    }
    case 4: return { argv: ['PFCOUNT', ...r.some(KEYS, 1, 3)] };
    case 5: return { argv: ['PFMERGE', r.pick(KEYS), ...r.some(KEYS, 0, 3)] };
    case 6: return { argv: ['GET', k] };
    case 7: return { argv: [r.chance(0.7) ? 'SET' : 'APPEND', k, r.pick(['v', 'HYLL', 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00', r.bytes(20)])] };
    case 8: return { argv: ['DEL', k] };
    default: return { argv: ['SETRANGE', k, String(r.range(0, 30)), r.bytes(2)] };
  }
}

propertySuite('hyperloglog', [71, 72, 73], 300, gen, { 'hll-sparse-max-bytes': '300' });
