/**
 * Exact C printf-style formatting of doubles (glibc behaviour): %e, %f, %g with
 * precision and the '#' flag, plus Lua 5.1's number-to-string conversion (%.14g).
 *
 * JS's toExponential/toFixed are correctly rounded on the exact binary value but break
 * exact ties away from zero, while glibc rounds ties to even. A tie can only change the
 * result when the JS output's last digit is odd; only then do we look closer, and only
 * for real ties do we fall back to an exact BigInt expansion.
 */

const BIG_5 = 5n;

/** Exact decimal expansion of a finite positive double: value = 0.d1d2d3... * 10^point. */
function exactDecimal(x: number): { digits: string; point: number } {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (bexp === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = bexp - 1075;
  }
  let digits: string;
  let point: number;
  if (e >= 0) {
    digits = (mant << BigInt(e)).toString();
    point = digits.length;
  } else {
    digits = (mant * BIG_5 ** BigInt(-e)).toString();
    point = digits.length + e; // value = digits * 10^e
  }
  // strip leading zeros (cannot happen for nonzero mantissa) and trailing zeros
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 48) end--;
  return { digits: digits.slice(0, end), point };
}

/**
 * Round an exact digit string (value 0.digits * 10^point) keeping `keep` leading digits,
 * ties to even. Returns new digits (length `keep`, may be padded with zeros) and point.
 */
function roundDigits(digits: string, point: number, keep: number): { digits: string; point: number } {
  if (keep < 0) return { digits: '', point };
  if (digits.length <= keep) return { digits: digits.padEnd(keep, '0'), point };
  const next = digits.charCodeAt(keep) - 48;
  let up: boolean;
  if (next > 5) up = true;
  else if (next < 5) up = false;
  else {
    let rest = false;
    for (let i = keep + 1; i < digits.length; i++) {
      if (digits.charCodeAt(i) !== 48) {
        rest = true;
        break;
      }
    }
    if (rest) up = true;
    else up = keep > 0 ? (digits.charCodeAt(keep - 1) - 48) % 2 === 1 : false;
  }
  let kept = digits.slice(0, keep);
  if (up) {
    // increment decimal string
    const arr = kept.split('');
    let i = arr.length - 1;
    while (i >= 0) {
      if (arr[i] === '9') {
        arr[i] = '0';
        i--;
      } else {
        arr[i] = String.fromCharCode(arr[i].charCodeAt(0) + 1);
        break;
      }
    }
    if (i < 0) {
      arr.unshift('1');
      point++;
      arr.pop();
      if (keep === 0) {
        // rounding of nothing up to "1" in the next position
        return { digits: '1', point };
      }
    }
    kept = arr.join('');
  } else if (keep === 0) {
    return { digits: '', point };
  }
  return { digits: kept, point };
}

/** Exponential digits: returns mantissa digits (prec+1 digits) and decimal exponent. */
function expDigits(ax: number, prec: number): { d: string; exp: number } {
  if (ax === 0) return { d: '0'.repeat(prec + 1), exp: 0 };
  if (prec <= 100) {
    const s = ax.toExponential(prec);
    const ei = s.indexOf('e');
    const mant = prec > 0 ? s[0] + s.slice(2, ei) : s.slice(0, ei);
    const exp = +s.slice(ei + 1);
    const last = mant.charCodeAt(mant.length - 1) - 48;
    if ((last & 1) === 0 || prec >= 100) return { d: mant, exp };
    // possible tie broken away from zero: check with one more digit
    const s2 = ax.toExponential(prec + 1);
    const e2 = s2.indexOf('e');
    if (s2.charCodeAt(e2 - 1) !== 53 /* '5' */) return { d: mant, exp };
  }
  const ex = exactDecimal(ax);
  const r = roundDigits(ex.digits, ex.point, prec + 1);
  return { d: r.digits, exp: r.point - 1 };
}

/** Fixed digits: integer part and fraction (prec digits). */
function fixedDigits(ax: number, prec: number): { int: string; frac: string } {
  if (ax === 0) return { int: '0', frac: '0'.repeat(prec) };
  if (ax < 1e21 && prec <= 100) {
    const s = ax.toFixed(prec);
    const last = s.charCodeAt(s.length - 1) - 48;
    let ok = (last & 1) === 0 || prec >= 100;
    if (!ok) {
      const s2 = ax.toFixed(prec + 1);
      ok = s2.charCodeAt(s2.length - 1) !== 53;
    }
    if (ok) {
      const dot = s.indexOf('.');
      return dot < 0 ? { int: s, frac: '' } : { int: s.slice(0, dot), frac: s.slice(dot + 1) };
    }
  }
  const ex = exactDecimal(ax);
  // keep digits up to `prec` places after the point
  const keep = ex.point + prec;
  if (keep < 0) return { int: '0', frac: '0'.repeat(prec) };
  const r = roundDigits(ex.digits, ex.point, keep);
  let all = r.digits;
  let point = r.point;
  if (all === '') {
    all = '0';
    point = 1;
  }
  // ensure there are exactly point integer digits and prec fraction digits
  const need = point + prec;
  if (all.length < need) all = all.padEnd(need, '0');
  if (point <= 0) {
    const zeros = '0'.repeat(-point);
    const fr = (zeros + all).slice(0, prec).padEnd(prec, '0');
    return { int: '0', frac: fr };
  }
  return { int: all.slice(0, point), frac: all.slice(point, point + prec) };
}

/**
 * NaN signs. C prints a NaN with its sign bit ("-nan" / "nan"). x86 arithmetic, which V8
 * uses at run time too, makes 0/0, inf-inf... a NaN with the sign bit set, like C does,
 * so printing by the sign bit matches. NaNs parsed from text are positive (POSITIVE_NAN);
 * math functions fix up the sign of their NaN results (see stdlib).
 */
const nanBits = new Float64Array(1);
const nanWords = new Uint32Array(nanBits.buffer);
export const POSITIVE_NAN: number = (() => {
  const f = new Float64Array(1);
  const w = new Uint32Array(f.buffer);
  w[1] = 0x7ff80000;
  return f[0];
})();
export const NEGATIVE_NAN: number = (() => {
  const f = new Float64Array(1);
  const w = new Uint32Array(f.buffer);
  w[1] = 0xfff80000;
  return f[0];
})();

export function nanIsNegative(x: number): boolean {
  nanBits[0] = x;
  return nanWords[1] >>> 31 === 1;
}

function nonFinite(x: number, upper: boolean): string {
  let s: string;
  if (x !== x) s = nanIsNegative(x) ? '-nan' : 'nan';
  else s = x < 0 ? '-inf' : 'inf';
  return upper ? s.toUpperCase() : s;
}

function expSuffix(exp: number, upper: boolean): string {
  const a = Math.abs(exp);
  return (upper ? 'E' : 'e') + (exp < 0 ? '-' : '+') + (a < 10 ? '0' + a : String(a));
}

/** %.<prec>e without sign handling of the caller: returns body including '-' if negative. */
export function formatE(x: number, prec: number, upper = false, alt = false): string {
  if (!isFinite(x)) return nonFinite(x, upper);
  const neg = x < 0 || Object.is(x, -0);
  const { d, exp } = expDigits(Math.abs(x), prec);
  let s = d[0];
  if (prec > 0 || alt) s += '.';
  s += d.slice(1);
  return (neg ? '-' : '') + s + expSuffix(exp, upper);
}

export function formatF(x: number, prec: number, alt = false): string {
  if (!isFinite(x)) return nonFinite(x, false);
  const neg = x < 0 || Object.is(x, -0);
  const { int, frac } = fixedDigits(Math.abs(x), prec);
  let s = int;
  if (prec > 0 || alt) s += '.' + frac;
  return (neg ? '-' : '') + s;
}

function stripZeros(s: string): string {
  // remove trailing zeros of fraction, and the point if no fraction left
  if (s.indexOf('.') < 0) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  return s.slice(0, end);
}

export function formatG(x: number, prec: number, upper = false, alt = false): string {
  if (!isFinite(x)) return nonFinite(x, upper);
  if (prec === 0) prec = 1;
  const neg = x < 0 || Object.is(x, -0);
  const ax = Math.abs(x);
  const { d, exp } = expDigits(ax, prec - 1);
  let body: string;
  if (exp < -4 || exp >= prec) {
    body = d[0];
    if (prec > 1 || alt) body += '.' + d.slice(1);
    if (!alt) body = stripZeros(body);
    body += expSuffix(exp, upper);
  } else {
    // fixed with prec-1-exp fraction digits, built from the already-rounded digits
    const fprec = prec - 1 - exp;
    let int: string;
    let frac: string;
    if (exp >= 0) {
      int = d.slice(0, exp + 1);
      frac = d.slice(exp + 1);
    } else {
      int = '0';
      frac = '0'.repeat(-exp - 1) + d;
    }
    frac = frac.slice(0, fprec);
    body = int;
    if (fprec > 0 || alt) body += '.' + frac;
    if (!alt) body = stripZeros(body);
  }
  return (neg ? '-' : '') + body;
}

/** Lua 5.1 number to string: "%.14g". Hot path. */
export function number2str(x: number): string {
  if (Number.isInteger(x)) {
    if (x === 0) return Object.is(x, -0) ? '-0' : '0';
    if (x < 1e14 && x > -1e14) return String(x);
  }
  return formatG(x, 14);
}

/** Redis's "%.17g" used when a number is passed to redis.call. */
export function number2str17(x: number): string {
  if (Number.isInteger(x) && x < 1e17 && x > -1e17) {
    if (x === 0) return Object.is(x, -0) ? '-0' : '0';
    return String(x);
  }
  return formatG(x, 17);
}
