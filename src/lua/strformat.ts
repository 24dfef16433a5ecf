/**
 * Lua 5.1's string.format, as compiled in Redis (glibc printf, 64-bit integer conversions).
 */
import { lua, lauxlib } from './fengari.ts';
import { formatE, formatF, formatG, number2str } from '../util/printf.ts';
import { ByteBuf, pushOwned } from './luastr.ts';
import { toInt64 } from './fengari.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
type LuaState = any;

const TWO63 = 9223372036854775808;
const TWO64 = 18446744073709551616;
const U64 = 1n << 64n;

interface Spec {
  minus: boolean;
  plus: boolean;
  space: boolean;
  hash: boolean;
  zero: boolean;
  width: number;
  prec: number; // -1 when absent
}

function pad(s: string, sp: Spec, zeroOk: boolean): string {
  if (s.length >= sp.width) return s;
  const fill = sp.width - s.length;
  if (sp.minus) return s + ' '.repeat(fill);
  if (sp.zero && zeroOk) {
    // zeros go after sign and 0x prefix
    let k = 0;
    if (s[0] === '-' || s[0] === '+' || s[0] === ' ') k = 1;
    if ((s[k] === '0' && (s[k + 1] === 'x' || s[k + 1] === 'X'))) k += 2;
    return s.slice(0, k) + '0'.repeat(fill) + s.slice(k);
  }
  return ' '.repeat(fill) + s;
}

/** (unsigned long long) cast of a double as gcc does it on x86-64. */
function toUint64(n: number): bigint {
  if (n !== n) return 1n << 63n;
  if (n >= TWO63) {
    if (n >= TWO64) return 0n;
    return BigInt(n);
  }
  const i = BigInt(toInt64(n));
  return i < 0n ? i + U64 : i;
}

function fmtSigned(n: number, sp: Spec): string {
  const v = BigInt(toInt64(n));
  let digits = (v < 0n ? -v : v).toString();
  if (sp.prec >= 0) {
    if (sp.prec === 0 && v === 0n) digits = '';
    else if (digits.length < sp.prec) digits = '0'.repeat(sp.prec - digits.length) + digits;
  }
  const sign = v < 0n ? '-' : sp.plus ? '+' : sp.space ? ' ' : '';
  return pad(sign + digits, sp, sp.prec < 0);
}

function fmtUnsigned(n: number, sp: Spec, conv: string): string {
  const v = toUint64(n);
  let digits: string;
  if (conv === 'o') digits = v.toString(8);
  else if (conv === 'u') digits = v.toString(10);
  else {
    digits = v.toString(16);
    if (conv === 'X') digits = digits.toUpperCase();
  }
  if (sp.prec >= 0) {
    if (sp.prec === 0 && v === 0n) digits = '';
    else if (digits.length < sp.prec) digits = '0'.repeat(sp.prec - digits.length) + digits;
  }
  let prefix = '';
  if (sp.hash) {
    if (conv === 'o') {
      if (digits[0] !== '0') digits = '0' + digits;
    } else if ((conv === 'x' || conv === 'X') && v !== 0n) prefix = conv === 'x' ? '0x' : '0X';
  }
  return pad(prefix + digits, sp, sp.prec < 0);
}

function fmtFloat(n: number, sp: Spec, conv: string): string {
  const prec = sp.prec < 0 ? 6 : sp.prec;
  let s: string;
  switch (conv) {
    case 'e':
    case 'E':
      s = formatE(n, prec, conv === 'E', sp.hash);
      break;
    case 'f':
      s = formatF(n, prec, sp.hash);
      break;
    default:
      s = formatG(n, prec, conv === 'G', sp.hash);
      break;
  }
  if (s[0] !== '-') {
    if (sp.plus) s = '+' + s;
    else if (sp.space) s = ' ' + s;
  }
  return pad(s, sp, isFinite(n));
}

function cstrLatin1(u: Uint8Array): string {
  let s = '';
  for (let i = 0; i < u.length; i++) {
    const c = u[i];
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

function addQuoted(b: ByteBuf, s: Uint8Array): void {
  b.byte(34);
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === 34 || c === 92 || c === 10) {
      b.byte(92);
      b.byte(c);
    } else if (c === 13) {
      b.byte(92);
      b.byte(114);
    } else if (c === 0) {
      b.latin1('\\000');
    } else b.byte(c);
  }
  b.byte(34);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** string.format implementation (a lua_CFunction). */
export function strFormat(L: LuaState): number {
  const top = lua.lua_gettop(L);
  let arg = 1;
  const fmt: Uint8Array = lauxlib.luaL_checklstring(L, arg);
  const end = fmt.length;
  const b = new ByteBuf(end + 16);
  let i = 0;
  while (i < end) {
    const c = fmt[i];
    if (c !== 37) {
      b.byte(c);
      i++;
      continue;
    }
    i++;
    if (i < end && fmt[i] === 37) {
      b.byte(37);
      i++;
      continue;
    }
    if (++arg > top) lauxlib.luaL_argerror(L, arg, 'no value');
    // scanformat
    const start = i;
    const sp: Spec = { minus: false, plus: false, space: false, hash: false, zero: false, width: 0, prec: -1 };
    while (i < end) {
      const f = fmt[i];
      if (f === 45) sp.minus = true;
      else if (f === 43) sp.plus = true;
      else if (f === 32) sp.space = true;
      else if (f === 35) sp.hash = true;
      else if (f === 48) sp.zero = true;
      else break;
      i++;
    }
    if (i - start >= 6) lauxlib.luaL_error(L, 'invalid format (repeated flags)');
    if (i < end && isDigit(fmt[i])) sp.width = fmt[i++] - 48;
    if (i < end && isDigit(fmt[i])) sp.width = sp.width * 10 + (fmt[i++] - 48);
    if (i < end && fmt[i] === 46) {
      i++;
      sp.prec = 0;
      if (i < end && isDigit(fmt[i])) sp.prec = fmt[i++] - 48;
      if (i < end && isDigit(fmt[i])) sp.prec = sp.prec * 10 + (fmt[i++] - 48);
    }
    if (i < end && isDigit(fmt[i])) lauxlib.luaL_error(L, 'invalid format (width or precision too long)');
    const conv = i < end ? fmt[i] : 0;
    i++;
    switch (conv) {
      case 99: {
        // 'c'
        // (int) of a double: x86's cvttsd2si gives INT_MIN for anything out of range
        const d = Math.trunc(lauxlib.luaL_checknumber(L, arg));
        const n = d >= -2147483648 && d < 2147483648 ? d & 0xff : 0;
        let s = n === 0 ? '' : String.fromCharCode(n);
        if (n === 0) {
          // sprintf writes the NUL, strlen() cuts the item there (padding before it survives)
          const padded = pad('\u0000', sp, false);
          s = padded.slice(0, padded.indexOf('\u0000'));
        } else s = pad(s, sp, false);
        b.latin1(s);
        break;
      }
      case 100:
      case 105: // d i
        b.latin1(fmtSigned(lauxlib.luaL_checknumber(L, arg), sp));
        break;
      case 111:
      case 117:
      case 120:
      case 88: // o u x X
        b.latin1(fmtUnsigned(lauxlib.luaL_checknumber(L, arg), sp, String.fromCharCode(conv)));
        break;
      case 101:
      case 69:
      case 102:
      case 103:
      case 71: // e E f g G
        b.latin1(fmtFloat(lauxlib.luaL_checknumber(L, arg), sp, String.fromCharCode(conv)));
        break;
      case 113: // q
        addQuoted(b, lauxlib.luaL_checklstring(L, arg));
        break;
      case 115: {
        // s
        const s: Uint8Array = lauxlib.luaL_checklstring(L, arg);
        if (sp.prec < 0 && s.length >= 100) {
          b.bytes(s);
        } else {
          let str = cstrLatin1(s);
          if (sp.prec >= 0 && str.length > sp.prec) str = str.slice(0, sp.prec);
          b.latin1(pad(str, sp, false));
        }
        break;
      }
      default: {
        const ch = conv === 0 ? new Uint8Array(0) : Uint8Array.of(conv);
        return lauxlib.luaL_error(L, "invalid option '%%%s' to 'format'", ch);
      }
    }
  }
  pushOwned(L, b.result());
  return 1;
}

export { number2str };
