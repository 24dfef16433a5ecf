/**
 * An exact software model of the x87 80-bit `long double` Redis uses for INCRBYFLOAT and
 * HINCRBYFLOAT: 64-bit mantissa with explicit integer bit, exponent range of IEEE extended
 * precision, round-to-nearest-even. Implemented with BigInt so results match Redis bit for bit.
 *
 * API (what INCRBYFLOAT / HINCRBYFLOAT need):
 *   - `parseLongDouble(s)`   Redis's string2ld: strtold over the whole byte string, or null.
 *   - `longDoubleFromInt(n)` an integer (e.g. an int-encoded value) as a long double.
 *   - `addLongDouble(a, b)`  a + b, correctly rounded.
 *   - `isFiniteLongDouble(v)` false for inf / nan (Redis's "would produce NaN or Infinity").
 *   - `formatLongDouble(v)`  Redis's ld2string(LD_STR_HUMAN): `%.17Lf`, trailing zeros and
 *                            dot trimmed, "-0" printed as "0", inf as "inf" / "-inf".
 */

/** A finite value is (neg ? -1 : 1) * m * 2^e, m < 2^64. Infinity and NaN are flagged. */
export interface LongDouble {
  readonly kind: 'finite' | 'inf' | 'nan';
  readonly neg: boolean;
  readonly m: bigint;
  readonly e: number;
}

/** Exponent of the least significant mantissa bit of the smallest subnormal (2^-16445). */
const EMIN = -16445;
/** Values at or above 2^16384 overflow to infinity. */
const EMAX_BITS = 16384;
const PREC = 64;
/** Redis's MAX_LONG_DOUBLE_CHARS: string2ld rejects strings of this length or more. */
const MAX_CHARS = 5 * 1024;

const ZERO: LongDouble = { kind: 'finite', neg: false, m: 0n, e: 0 };
const NEG_ZERO: LongDouble = { kind: 'finite', neg: true, m: 0n, e: 0 };
const INF: LongDouble = { kind: 'inf', neg: false, m: 0n, e: 0 };
const NEG_INF: LongDouble = { kind: 'inf', neg: true, m: 0n, e: 0 };
const NAN: LongDouble = { kind: 'nan', neg: false, m: 0n, e: 0 };

function bitLength(n: bigint): number {
  // n > 0
  return n.toString(2).length;
}

/**
 * Rounds (neg) mant * 2^exp (+ a sticky fraction below the last bit when `sticky`) to the
 * long double grid with round-to-nearest-even; overflows to infinity.
 */
function round(neg: boolean, mant: bigint, exp: number, sticky: boolean): LongDouble {
  if (mant === 0n) return neg ? NEG_ZERO : ZERO;
  const bl = bitLength(mant);
  let lsb = exp + bl - PREC;
  if (lsb < EMIN) lsb = EMIN;
  const shift = lsb - exp;
  let kept: bigint;
  if (shift > 0) {
    const sh = BigInt(shift);
    kept = mant >> sh;
    const rem = mant - (kept << sh);
    const half = 1n << (sh - 1n);
    if (rem > half || (rem === half && (sticky || (kept & 1n) === 1n))) kept += 1n;
  } else {
    kept = mant;
    lsb = exp;
  }
  if (kept === 0n) return neg ? NEG_ZERO : ZERO;
  if (kept >> 64n !== 0n) {
    kept >>= 1n;
    lsb += 1;
  }
  if (bitLength(kept) + lsb > EMAX_BITS) return neg ? NEG_INF : INF;
  return { kind: 'finite', neg, m: kept, e: lsb };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Reads an optionally signed exponent at i; returns [value clamped, end] or null if no digits. */
function readExponent(s: string, i: number): [number, number] | null {
  let j = i;
  let eneg = false;
  const c = s.charCodeAt(j);
  if (c === 43 || c === 45) {
    eneg = c === 45;
    j++;
  }
  if (!isDigit(s.charCodeAt(j))) return null;
  let v = 0;
  while (isDigit(s.charCodeAt(j))) {
    if (v < 1e9) v = v * 10 + (s.charCodeAt(j) - 48);
    j++;
  }
  return [eneg ? -v : v, j];
}

/**
 * Redis's string2ld: the whole string must be one strtold number (no leading space, no
 * trailing bytes); NaN, overflow to infinity and underflow to zero are rejected, while
 * "inf"/"infinity" literals are accepted. Returns null when invalid.
 */
export function parseLongDouble(s: string): LongDouble | null {
  const len = s.length;
  if (len === 0 || len >= MAX_CHARS) return null;
  let i = 0;
  let neg = false;
  const c0 = s.charCodeAt(0);
  if (c0 === 43 || c0 === 45) {
    neg = c0 === 45;
    i = 1;
  }
  const rest = s.slice(i).toLowerCase();
  if (rest === 'inf' || rest === 'infinity') return neg ? NEG_INF : INF;
  if (rest.startsWith('nan')) return null;
  if (s.charCodeAt(i) === 48 && (s.charCodeAt(i + 1) | 32) === 120 && (hexVal(s.charCodeAt(i + 2)) >= 0 || (s.charCodeAt(i + 2) === 46 && hexVal(s.charCodeAt(i + 3)) >= 0))) {
    return parseHex(s, i + 2, neg);
  }
  // Decimal: digits [. digits] [e exp]
  let digits = '';
  let any = false;
  let pointExp = 0;
  while (i < len && isDigit(s.charCodeAt(i))) {
    digits += s[i];
    i++;
    any = true;
  }
  if (s.charCodeAt(i) === 46) {
    i++;
    while (i < len && isDigit(s.charCodeAt(i))) {
      digits += s[i];
      pointExp--;
      i++;
      any = true;
    }
  }
  if (!any) return null;
  let exp10 = pointExp;
  if ((s.charCodeAt(i) | 32) === 101) {
    const r = readExponent(s, i + 1);
    if (r !== null) {
      exp10 += r[0];
      i = r[1];
    }
  }
  if (i !== len) return null;
  let k = 0;
  while (k < digits.length && digits.charCodeAt(k) === 48) k++;
  digits = digits.slice(k);
  if (digits.length === 0) return neg ? NEG_ZERO : ZERO;
  // Drop trailing zeros into the exponent.
  let t = digits.length;
  while (t > 1 && digits.charCodeAt(t - 1) === 48) t--;
  exp10 += digits.length - t;
  digits = digits.slice(0, t);
  const magnitude = digits.length + exp10; // value < 10^magnitude
  if (magnitude > 4940) return null; // overflow to infinity: ERANGE
  if (magnitude < -4955) return null; // underflow to zero: ERANGE
  const d = BigInt(digits);
  let v: LongDouble;
  if (exp10 >= 0) {
    v = round(neg, d * 10n ** BigInt(exp10), 0, false);
  } else {
    const den = 10n ** BigInt(-exp10);
    let sh = PREC + 2 + bitLength(den) - bitLength(d);
    if (sh < 0) sh = 0;
    const num = d << BigInt(sh);
    const q = num / den;
    v = round(neg, q, -sh, q * den !== num);
  }
  if (v.kind === 'inf') return null;
  if (v.m === 0n) return null;
  return v;
}

function parseHex(s: string, i: number, neg: boolean): LongDouble | null {
  const len = s.length;
  let mant = 0n;
  let exp2 = 0;
  let h: number;
  while (i < len && (h = hexVal(s.charCodeAt(i))) >= 0) {
    mant = (mant << 4n) | BigInt(h);
    i++;
  }
  if (s.charCodeAt(i) === 46) {
    i++;
    while (i < len && (h = hexVal(s.charCodeAt(i))) >= 0) {
      mant = (mant << 4n) | BigInt(h);
      exp2 -= 4;
      i++;
    }
  }
  if ((s.charCodeAt(i) | 32) === 112) {
    const r = readExponent(s, i + 1);
    if (r !== null) {
      exp2 += r[0];
      i = r[1];
    }
  }
  if (i !== len) return null;
  if (mant === 0n) return neg ? NEG_ZERO : ZERO;
  const top = bitLength(mant) + exp2;
  if (top > EMAX_BITS + 1) return null;
  if (top < EMIN - 2) return null;
  const v = round(neg, mant, exp2, false);
  if (v.kind === 'inf' || v.m === 0n) return null;
  return v;
}

/** An integer as a long double (exact for |n| < 2^64). */
export function longDoubleFromInt(n: number | bigint): LongDouble {
  const b = BigInt(n);
  if (b === 0n) return ZERO;
  return round(b < 0n, b < 0n ? -b : b, 0, false);
}

export function isFiniteLongDouble(v: LongDouble): boolean {
  return v.kind === 'finite';
}

/** a + b with x87 round-to-nearest-even semantics. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind === 'nan' || b.kind === 'nan') return NAN;
  if (a.kind === 'inf') {
    if (b.kind === 'inf' && b.neg !== a.neg) return NAN;
    return a;
  }
  if (b.kind === 'inf') return b;
  if (a.m === 0n && b.m === 0n) return a.neg && b.neg ? NEG_ZERO : ZERO;
  if (a.m === 0n) return b;
  if (b.m === 0n) return a;
  const e = a.e < b.e ? a.e : b.e;
  const am = a.m << BigInt(a.e - e);
  const bm = b.m << BigInt(b.e - e);
  const sum = (a.neg ? -am : am) + (b.neg ? -bm : bm);
  if (sum === 0n) return ZERO;
  return sum < 0n ? round(true, -sum, e, false) : round(false, sum, e, false);
}

const TEN17 = 10n ** 17n;

/** Redis's ld2string(..., LD_STR_HUMAN): `%.17Lf` with trailing zeros (and dot) removed. */
export function formatLongDouble(v: LongDouble): string {
  if (v.kind === 'nan') return v.neg ? '-nan' : 'nan';
  if (v.kind === 'inf') return v.neg ? '-inf' : 'inf';
  let text: string;
  if (v.m === 0n) {
    text = '0';
  } else if (v.e >= 0) {
    text = (v.m << BigInt(v.e)).toString();
  } else {
    const sh = BigInt(-v.e);
    const scaled = v.m * TEN17;
    let q = scaled >> sh;
    const rem = scaled - (q << sh);
    const half = 1n << (sh - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
    const ip = q / TEN17;
    let frac = (q - ip * TEN17).toString().padStart(17, '0');
    let t = frac.length;
    while (t > 0 && frac.charCodeAt(t - 1) === 48) t--;
    frac = frac.slice(0, t);
    text = t === 0 ? ip.toString() : `${ip}.${frac}`;
  }
  if (v.neg && text !== '0') return '-' + text;
  return text;
}
