/**
 * exp, log, log10 and pow rounded like glibc's (which Redis's Lua uses), for the math
 * library and the '^' operator. V8's Math.exp/log/pow are fdlibm ports that are off by one
 * ulp now and then; these evaluate in double-double (~104 bits) and round once, which
 * agrees with glibc except on the rare near-halfway cases glibc itself misrounds.
 */

import { type DD, twoSum, quickTwoSum, twoProd, ddAdd as add, ddMul as mul } from '../util/doubledouble.ts';

function mulD(a: DD, d: number): DD {
  const p = twoProd(a[0], d);
  return quickTwoSum(p[0], p[1] + a[1] * d);
}

function div(a: DD, b: DD): DD {
  const q1 = a[0] / b[0];
  let r = add(a, mulD(b, -q1));
  const q2 = r[0] / b[0];
  r = add(r, mulD(b, -q2));
  const q3 = r[0] / b[0];
  return add(quickTwoSum(q1, q2), [q3, 0]);
}

const LN2: DD = [0.6931471805599453, 2.3190468138462996e-17];
const LN10: DD = [2.302585092994046, -2.1707562233822494e-16];

// 2/(2k+1), k = 0..23, for the atanh series of log
const LOG_COEF: DD[] = Array.from({ length: 24 }, (_, k) => div([2, 0], [2 * k + 1, 0]));
// 1/n!, n = 0..16, for exp
const EXP_COEF: DD[] = (() => {
  const c: DD[] = [[1, 0]];
  for (let n = 1; n <= 16; n++) c.push(div(c[n - 1], [n, 0]));
  return c;
})();

/** 2^n for any integer n in double range, exactly (n may need two steps). */
function scale(x: number, n: number): number {
  if (n > 1000) {
    x *= 2 ** 1000;
    n -= 1000;
    if (n > 1000) {
      x *= 2 ** 1000;
      n -= 1000;
    }
  } else if (n < -1000) {
    x *= 2 ** -1000;
    n += 1000;
    if (n < -1000) {
      x *= 2 ** -1000;
      n += 1000;
    }
  }
  return x * 2 ** n;
}

/** log(x) in double-double, for finite x > 0. */
function logDD(x: number): DD {
  let e = Math.floor(Math.log2(x));
  let m = scale(x, -e);
  // bring m into [sqrt(1/2), sqrt(2))
  while (m >= Math.SQRT2) {
    m /= 2;
    e++;
  }
  while (m < Math.SQRT1_2) {
    m *= 2;
    e--;
  }
  const s = div([m - 1, 0], twoSum(m, 1));
  const s2 = mul(s, s);
  let acc = LOG_COEF[LOG_COEF.length - 1];
  for (let k = LOG_COEF.length - 2; k >= 0; k--) acc = add(mul(acc, s2), LOG_COEF[k]);
  return add(mulD(LN2, e), mul(s, acc));
}

/** exp of a double-double argument, rounded to a double. */
function expDD(x: DD): number {
  if (x[0] > 709.8) return Infinity;
  if (x[0] < -745.2) return 0;
  const k = Math.round(x[0] / LN2[0]);
  let r = add(x, mulD(LN2, -k));
  // exp(r) = exp(r/16)^16
  r = [r[0] / 16, r[1] / 16];
  let acc = EXP_COEF[EXP_COEF.length - 1];
  for (let n = EXP_COEF.length - 2; n >= 0; n--) acc = add(mul(acc, r), EXP_COEF[n]);
  for (let i = 0; i < 4; i++) acc = mul(acc, acc);
  if (k < -1021) {
    // subnormal result: round once, at the final scale
    return scale(acc[0] + acc[1], k);
  }
  return scale(acc[0] + acc[1], k);
}

export function exp(x: number): number {
  if (x !== x) return x;
  if (x === Infinity) return Infinity;
  if (x === -Infinity) return 0;
  if (x === 0) return 1;
  return expDD([x, 0]);
}

export function log(x: number): number {
  if (x !== x) return x;
  if (x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  if (x === 1) return 0;
  const r = logDD(x);
  return r[0] + r[1];
}

const LOG10_IVLN10 = 4.34294481903251816668e-1;
const LOG10_2HI = 3.01029995663611771306e-1;
const LOG10_2LO = 3.69423907715893078616e-13;
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** glibc's log10 (the classic fdlibm split into exponent and log of the mantissa). */
export function log10(x: number): number {
  if (x !== x) return x;
  if (x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  let k = 0;
  f64[0] = x;
  let hx = u32[1] | 0;
  if (hx < 0x00100000) {
    k -= 54;
    f64[0] = x * 18014398509481984;
    hx = u32[1] | 0;
  }
  k += (hx >> 20) - 1023;
  const i = k < 0 ? 1 : 0;
  u32[1] = (hx & 0x000fffff) | ((0x3ff - i) << 20);
  const m = f64[0];
  const y = k + i;
  const z = y * LOG10_2LO + LOG10_IVLN10 * log(m);
  return z + y * LOG10_2HI;
}

function isOddInteger(y: number): boolean {
  return Number.isInteger(y) && Math.abs(y) < 9007199254740992 && Math.abs(y % 2) === 1;
}

function signBit(x: number): boolean {
  f64[0] = x;
  return u32[1] >>> 31 === 1;
}

/** x with its sign bit flipped (also for NaNs, unlike what JS's unary minus promises). */
export function flipSign(x: number): number {
  f64[0] = x;
  u32[1] ^= 0x80000000;
  return f64[0];
}

/** x86's default NaN (sign bit set), what 0/0 gives in C there. */
const DEFAULT_NAN = (() => {
  f64[0] = NaN;
  u32[1] = 0xfff80000;
  u32[0] = 0;
  return f64[0];
})();

/** The NaN an x86 SSE binary operation gives when its result is NaN. */
export function nanPick(a: number, b: number): number {
  return a !== a ? a : b !== b ? b : DEFAULT_NAN;
}

/**
 * glibc's pow() on x86-64: its special cases in its order, NaN signs included (a NaN operand
 * comes back as is, a domain error gives the default NaN with the sign bit set), with
 * glibc-like rounding of the rest.
 */
export function pow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (y !== y || y === Infinity || y === -Infinity) {
    if (x !== x) return x;
    if (y !== y) return y;
    const ax = Math.abs(x);
    if (ax === 1) return 1;
    return (ax < 1) === (y > 0) ? 0 : Infinity;
  }
  if (x !== x || x === 0 || x === Infinity || x === -Infinity) {
    let x2 = x !== x ? x : x * x;
    if (signBit(x) && isOddInteger(y)) x2 = x2 !== x2 ? flipSign(x2) : -x2;
    return y < 0 ? (x2 !== x2 ? x2 : 1 / x2) : x2;
  }
  let sign = 1;
  if (x < 0) {
    if (!Number.isInteger(y)) return DEFAULT_NAN;
    if (isOddInteger(y)) sign = -1;
    x = -x;
  }
  // integer exponents: exact-ish repeated squaring in double-double
  if (Number.isInteger(y) && Math.abs(y) <= 1 << 20) {
    let n = Math.abs(y);
    let base: DD = [x, 0];
    let acc: DD = [1, 0];
    while (n > 0) {
      if (n & 1) acc = mul(acc, base);
      n = Math.floor(n / 2);
      if (n > 0) base = mul(base, base);
    }
    let r: DD = acc;
    if (y < 0) r = div([1, 0], acc);
    const v = r[0] + r[1];
    if (isFinite(v) && v !== 0 && Math.abs(v) > 2.3e-308 && isFinite(acc[0]) && acc[0] !== 0) return sign * v;
  }
  // far outside the double range either way (and y*log(x) in double-double would overflow)
  const est = y * Math.log(x);
  if (est > 800) return sign * Infinity;
  if (est < -800) return sign * 0;
  const t = mulD(logDD(x), y);
  return sign * expDD(t);
}

// ---- atan, atan2, acos (glibc's are correctly rounded in all but near-halfway cases) ----

const PI_DD: DD = [3.141592653589793, 1.2246467991473532e-16];
const PI_2_DD: DD = [1.5707963267948966, 6.123233995736766e-17];

function sqrtDD(a: DD): DD {
  if (a[0] <= 0) return [0, 0];
  const y = Math.sqrt(a[0]);
  const r = add(a, [-twoProd(y, y)[0], -twoProd(y, y)[1]]);
  return quickTwoSum(y, (r[0] + r[1]) / (2 * y));
}

/** atan of a double-double with 0 <= t <= 1. */
function atanSmallDD(t: DD): DD {
  // three halvings: atan(t) = 2 atan(t / (1 + sqrt(1 + t^2))), leaving |t| < 0.1
  for (let i = 0; i < 3; i++) t = div(t, add([1, 0], sqrtDD(add([1, 0], mul(t, t)))));
  const t2 = mul(t, t);
  let acc: DD = [0, 0];
  for (let k = 21; k >= 0; k--) {
    const c = div([k % 2 === 0 ? 1 : -1, 0], [2 * k + 1, 0]);
    acc = add(mul(acc, t2), c);
  }
  const r = mul(t, acc);
  return [r[0] * 8, r[1] * 8];
}

/** atan(|y| / |x|) in double-double for finite nonzero arguments. */
function atanRatioDD(ay: number, ax: number): DD {
  // scale both by the same power of two so the products inside div() cannot overflow
  const e = Math.floor(Math.log2(Math.max(ay, ax)));
  if (e > 500 || e < -500) {
    ay = scale(ay, -e);
    ax = scale(ax, -e);
  }
  if (ay <= ax) return atanSmallDD(div([ay, 0], [ax, 0]));
  const a = atanSmallDD(div([ax, 0], [ay, 0]));
  return add(PI_2_DD, [-a[0], -a[1]]);
}

export function atan(x: number): number {
  if (x !== x || x === 0) return x;
  if (x === Infinity) return PI_2_DD[0];
  if (x === -Infinity) return -PI_2_DD[0];
  const ax = Math.abs(x);
  if (ax < 1e-8) return Math.atan(x);
  const r = ax <= 1 ? atanSmallDD([ax, 0]) : atanRatioDD(ax, 1);
  const v = r[0] + r[1];
  return x < 0 ? -v : v;
}

export function atan2(y: number, x: number): number {
  if (y !== y || x !== x || y === 0 || x === 0 || !isFinite(x) || !isFinite(y)) return Math.atan2(y, x);
  const ay = Math.abs(y);
  const ax = Math.abs(x);
  const q = ay / ax;
  if (q === Infinity || q > 1e300) return y < 0 ? -PI_2_DD[0] : PI_2_DD[0];
  let r: DD;
  if (q < 1e-200) {
    if (x > 0) return y / x;
    r = PI_DD;
  } else {
    r = atanRatioDD(ay, ax);
    if (x < 0) r = add(PI_DD, [-r[0], -r[1]]);
  }
  const v = r[0] + r[1];
  return y < 0 ? -v : v;
}

export function acos(x: number): number {
  if (!(Math.abs(x) <= 1)) return NaN;
  if (x === 1) return 0;
  if (x === -1) return PI_DD[0];
  if (x === 0) return PI_2_DD[0];
  // acos(x) = atan2(sqrt((1-x)(1+x)), x)
  const s = sqrtDD(mul(twoSum(1, -x), twoSum(1, x)));
  let r = s[0] <= Math.abs(x) ? atanSmallDD(div(s, [Math.abs(x), 0])) : add(PI_2_DD, neg(atanSmallDD(div([Math.abs(x), 0], s))));
  if (x < 0) r = add(PI_DD, neg(r));
  return r[0] + r[1];
}

function neg(a: DD): DD {
  return [-a[0], -a[1]];
}

// ---- cosh, sinh: glibc uses the classic fdlibm formulas on top of its exp and expm1 ----
// (V8's Math.expm1 is the same fdlibm code as glibc's, so only exp needs replacing)

const LN_MAXDOUBLE = 709.782712893384; // log(DBL_MAX)
const OVERFLOW_THRESHOLD = 710.4758600739439;

export function cosh(x: number): number {
  if (x !== x) return x;
  const ax = Math.abs(x);
  if (ax === Infinity) return Infinity;
  if (ax < 0.3465735902799726) {
    // |x| < ln2/2
    if (ax < 5.551115123125783e-17) return 1;
    const t = Math.expm1(ax);
    const w = 1 + t;
    return 1 + (t * t) / (w + w);
  }
  if (ax < 22) {
    const t = exp(ax);
    return 0.5 * t + 0.5 / t;
  }
  if (ax < LN_MAXDOUBLE) return 0.5 * exp(ax);
  if (ax <= OVERFLOW_THRESHOLD) {
    const w = exp(0.5 * ax);
    const t = 0.5 * w;
    return t * w;
  }
  return Infinity;
}

export function sinh(x: number): number {
  if (x !== x || x === 0) return x;
  const ax = Math.abs(x);
  if (ax === Infinity) return x;
  const h = x < 0 ? -0.5 : 0.5;
  if (ax < 22) {
    if (ax < 3.725290298461914e-9) return x;
    const t = Math.expm1(ax);
    if (ax < 1) return h * (2 * t - (t * t) / (t + 1));
    return h * (t + t / (t + 1));
  }
  if (ax < LN_MAXDOUBLE) return h * exp(ax);
  if (ax <= OVERFLOW_THRESHOLD) {
    const w = exp(0.5 * ax);
    const t = h * w;
    return t * w;
  }
  return x * Infinity;
}

// ---- tan (glibc's is correctly rounded in all but near-halfway cases) ----

const PIO2_3: [number, number, number] = [1.5707963267948966, 6.123233995736766e-17, -1.4973849048591698e-33];
// 1/n! with alternating signs folded in by the callers
const INV_FACT: DD[] = (() => {
  const c: DD[] = [[1, 0]];
  for (let n = 1; n <= 32; n++) c.push(div(c[n - 1], [n, 0]));
  return c;
})();

/** sin and cos of a double-double |r| <= pi/4. */
function sinCosDD(r: DD): [DD, DD] {
  const r2 = mul(r, r);
  let s: DD = [0, 0];
  let c: DD = [0, 0];
  for (let k = 15; k >= 0; k--) {
    const sc = INV_FACT[2 * k + 1];
    const cc = INV_FACT[2 * k];
    s = add(mul(s, r2), k % 2 === 0 ? sc : neg(sc));
    c = add(mul(c, r2), k % 2 === 0 ? cc : neg(cc));
  }
  return [mul(s, r), c];
}

export function tan(x: number): number {
  if (x !== x || x === 0) return x;
  const ax = Math.abs(x);
  if (ax === Infinity) return DEFAULT_NAN;
  if (ax < 3.7e-9 || ax > 1647099.3291652855) return Math.tan(x);
  const k = Math.round(x / PIO2_3[0]);
  let r: DD = add([x, 0], neg(twoProd(k, PIO2_3[0])));
  r = add(r, neg(twoProd(k, PIO2_3[1])));
  r = add(r, [-k * PIO2_3[2], 0]);
  const [s, c] = sinCosDD(r);
  const t = (k & 1) === 0 ? div(s, c) : neg(div(c, s));
  return t[0] + t[1];
}
