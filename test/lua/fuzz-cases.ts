/**
 * Deterministic random Lua expressions (numbers, string coercion, math and string library
 * calls, string.format specs) for the differential tests.
 */
import type { DiffCase } from './cases.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function fuzzCases(seed: number, count: number): DiffCase[] {
  const r = rng(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)];
  const num = (): string => {
    switch (Math.floor(r() * 9)) {
      case 0:
        return String(Math.floor(r() * 100));
      case 1:
        return (r() * 1000 - 500).toFixed(Math.floor(r() * 6));
      case 2:
        return `${Math.floor(r() * 10)}e${Math.floor(r() * 40) - 20}`;
      case 3:
        return pick(['0', '1', '2', '3', '10', '0.5', '0.1', '1e308', '2^53', '2^63', '(1/0)', '(-1/0)', '(0/0)', '(-0)']);
      case 4:
        return `0x${Math.floor(r() * 0xffffff).toString(16)}`;
      case 5:
        return `'${pick(['10', ' 0x1A ', '1e3', '  7  ', '-3.5', '.5', '5.', '0x10'])}'`;
      case 6:
        return String(Math.floor(r() * 2 ** 40) - 2 ** 39);
      default:
        return String(Math.floor(r() * 10) - 5);
    }
  };
  const expr = (depth: number): string => {
    if (depth <= 0 || r() < 0.3) return num();
    switch (Math.floor(r() * 12)) {
      case 0:
      case 1:
      case 2:
        return `(${expr(depth - 1)} ${pick(['+', '-', '*', '/', '%', '^'])} ${expr(depth - 1)})`;
      case 3:
        return `(-${expr(depth - 1)})`;
      case 4:
        return `math.${pick(['floor', 'ceil', 'abs', 'sqrt', 'exp', 'log', 'log10', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'deg', 'rad'])}(${expr(depth - 1)})`;
      case 5:
        return `math.${pick(['fmod', 'pow', 'max', 'min', 'atan2', 'ldexp'])}(${expr(depth - 1)}, ${expr(depth - 1)})`;
      case 6:
        return `(#tostring(${expr(depth - 1)}))`;
      case 7:
        return `(tonumber(tostring(${expr(depth - 1)})) or 0)`;
      case 8:
        return `select(${pick(['1', '2'])}, math.modf(${expr(depth - 1)}))`;
      case 9:
        return `(select(2, math.frexp(${expr(depth - 1)})))`;
      default:
        return `string.len(string.rep('ab', ${Math.floor(r() * 4)}) .. ${expr(depth - 1)})`;
    }
  };
  const fmt = (): string => {
    const flags = ['', '-', '+', ' ', '#', '0', '-0', '+ '];
    const conv = pick(['d', 'i', 'u', 'c', 'x', 'X', 'o', 'e', 'E', 'f', 'g', 'G', 's', 'q']);
    const width = r() < 0.5 ? '' : String(Math.floor(r() * 25));
    const prec = r() < 0.5 ? '' : '.' + Math.floor(r() * 20);
    return `%${pick(flags)}${width}${prec}${conv}`;
  };
  const cases: DiffCase[] = [];
  for (let i = 0; i < count; i++) {
    const k = r();
    let body: string;
    if (k < 0.55) body = `return tostring(${expr(3)})`;
    else if (k < 0.85) body = `return string.format('${fmt()}|${fmt()}', ${expr(2)}, ${expr(2)})`;
    else body = `local t = {} for i = 1, ${Math.floor(r() * 40)} do t[${pick(['i', "'k' .. i", 'i * 2', '-i', 'i + 0.5'])}] = ${expr(1)} end return cjson.encode(t)`;
    cases.push({ script: body });
  }
  return cases;
}
