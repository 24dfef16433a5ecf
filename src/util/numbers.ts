/**
 * Number parsing and formatting with Redis's exact rules (string2ll, strtod, %.17g).
 * All inputs are byte strings.
 */
import { formatG } from './printf.ts';

/** C's printf("%.<p>g", d), glibc style ("inf", "-inf", "nan", "-nan", "-0"). */
export { formatG };

const MAX_I64 = 9223372036854775807n;
const MIN_I64 = -9223372036854775808n;

/**
 * Parses a canonical 64-bit integer as Redis's string2ll does: optional '-', no '+',
 * no leading zeros, no spaces. Returns a number when it is exactly representable,
 * a bigint otherwise, or null when the text is not an int64.
 */
export function parseInt64(s: string): number | bigint | null {
  const len = s.length;
  if (len === 0 || len > 20) return null;
  let i = 0;
  const neg = s.charCodeAt(0) === 45; // '-'
  if (neg) {
    i = 1;
    if (len === 1) return null;
  }
  const first = s.charCodeAt(i);
  if (first === 48) return len === 1 ? 0 : null; // "0" only; "-0" and "01" are not canonical
  if (first < 49 || first > 57) return null;
  if (len - i <= 15) {
    let v = 0;
    for (; i < len; i++) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return null;
      v = v * 10 + c;
    }
    return neg ? -v : v;
  }
  for (let j = i; j < len; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  const b = BigInt(s);
  if (b > MAX_I64 || b < MIN_I64) return null;
  if (b <= BigInt(Number.MAX_SAFE_INTEGER) && b >= BigInt(Number.MIN_SAFE_INTEGER)) return Number(b);
  return b;
}

/** Like parseInt64 but always a bigint (exact 64-bit arithmetic). */
export function parseInt64Big(s: string): bigint | null {
  const v = parseInt64(s);
  return v === null ? null : BigInt(v);
}

export function inInt64Range(b: bigint): boolean {
  return b <= MAX_I64 && b >= MIN_I64;
}

/**
 * Parses an integer argument as a JS number (Redis getLongLongFromObject). Values beyond
 * 2^53 come back rounded; callers needing exactness use parseInt64Big.
 */
export function parseIntArg(s: string): number | null {
  const v = parseInt64(s);
  if (v === null) return null;
  return typeof v === 'number' ? v : Number(v);
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEXFLOAT = /^([+-]?)0[xX]((?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+))(?:[pP]([+-]?\d+))?$/;
const INF = /^([+-]?)(?:inf|infinity)$/i;

/**
 * Parses a double like Redis's getDoubleFromObject (strtod over the whole string, no
 * leading space, no NaN, overflow/underflow rejected). Returns null when invalid.
 */
export function parseDouble(s: string): number | null {
  const len = s.length;
  if (len === 0 || len > 5000) return null;
  const c0 = s.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null;
  if (DECIMAL.test(s)) {
    const v = Number(s);
    if (!Number.isFinite(v)) return null; // ERANGE overflow
    if (v === 0 && /[1-9]/.test(mantissaPart(s))) return null; // ERANGE underflow
    return v;
  }
  let m = INF.exec(s);
  if (m) return m[1] === '-' ? -Infinity : Infinity;
  m = HEXFLOAT.exec(s);
  if (m) {
    const [intPart, fracPart = ''] = m[2].split('.');
    let v = 0;
    for (const ch of intPart) v = v * 16 + parseInt(ch, 16);
    let scale = 1 / 16;
    for (const ch of fracPart) {
      v += parseInt(ch, 16) * scale;
      scale /= 16;
    }
    v *= Math.pow(2, m[3] ? parseInt(m[3], 10) : 0);
    if (!Number.isFinite(v)) return null;
    return m[1] === '-' ? -v : v;
  }
  return null;
}

function mantissaPart(s: string): string {
  const e = s.search(/[eE]/);
  return e < 0 ? s : s.slice(0, e);
}

/** C's printf("%.17g", d) as Redis uses for double replies; inf as "inf", nan as "nan". */
export function formatDouble17(d: number): string {
  // Fast paths (replies with many scores): exact integers, and fixed notation via one
  // toPrecision call; everything else (exponent forms, zero, inf, nan) through formatG.
  if (Number.isSafeInteger(d) && d !== 0) return String(d);
  if (d === d && d !== 0) {
    const s = d.toPrecision(17);
    const c = s.charCodeAt(0) === 45 ? 1 : 0;
    if (s.indexOf('e') < 0 && s.indexOf('.') > 0 && !(s.charCodeAt(c) === 48 && s.startsWith('0.0000', c))) {
      let l = s.length;
      while (s.charCodeAt(l - 1) === 48) l--;
      if (s.charCodeAt(l - 1) === 46) l--;
      return l === s.length ? s : s.slice(0, l);
    }
  }
  return formatG(d, 17);
}

/**
 * C strtod over a whole C string, as Redis's zslParseRange and SORT's weights use it: the
 * text ends at the first NUL ("" is 0), leading whitespace is skipped (whitespace alone is
 * invalid), the rest must be one number, NaN is refused. `overflowToInf`: an out-of-range
 * value is +-inf (zslParseRange ignores ERANGE) rather than invalid (SORT checks it).
 */
export function strtodWhole(s: string, overflowToInf: boolean): number | null {
  const nul = s.indexOf('\0');
  if (nul >= 0) s = s.slice(0, nul);
  if (s.length === 0) return 0;
  let i = 0;
  while (i < s.length) {
    const ch = s.charCodeAt(i);
    if (ch === 32 || (ch >= 9 && ch <= 13)) i++;
    else break;
  }
  if (i === s.length) return null;
  if (i > 0) s = s.slice(i);
  if (overflowToInf && DECIMAL.test(s)) return Number(s);
  const v = parseDouble(s);
  return v === null || Number.isNaN(v) ? null : v;
}

/**
 * Formats a double the way Redis's `%.17g` does when it stores a computed float as a string
 * (e.g. ZINCRBY results). Kept as a separate name for call sites that mean "store as text".
 */
export const doubleToString = formatDouble17;
