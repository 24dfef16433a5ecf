import { describe, test, expect } from 'vitest';
import {
  parseLongDouble,
  addLongDouble,
  formatLongDouble,
  isFiniteLongDouble,
  longDoubleFromInt,
} from '../../src/util/longdouble.ts';

/** What `SET k a; INCRBYFLOAT k b` answers on real redis-server 7.0.15 (x86-64). */
function incr(a: string, b: string): string {
  const x = parseLongDouble(a);
  const y = parseLongDouble(b);
  if (x === null || y === null) return 'ERR value is not a valid float';
  const z = addLongDouble(x, y);
  if (!isFiniteLongDouble(z)) return 'ERR increment would produce NaN or Infinity';
  return formatLongDouble(z);
}

// [value, increment, reply] triples captured from redis-server 7.0.15.
const CASES: [string, string, string][] = [
  ['10.5', '0.1', '10.6'],
  ['5.0e3', '1', '5001'],
  ['0', '0.000003814697265625', '0.00000381469726562'],
  ['0', '-0.000003814697265625', '-0.00000381469726562'],
  ['0', '0.000011444091796875', '0.00001144409179688'],
  ['1', '1e-20', '1'],
  ['-1', '1e-20', '-1'],
  ['0', '-1e-20', '0'],
  ['0.1', '0.2', '0.3'],
  ['1.1', '2.2', '3.3'],
  ['3', '-3', '0'],
  ['1e4932', '1e4932', 'ERR increment would produce NaN or Infinity'],
  ['0x1p3', '0', '8'],
  ['inf', '1', 'ERR increment would produce NaN or Infinity'],
  ['1', 'inf', 'ERR increment would produce NaN or Infinity'],
  ['1', 'nan', 'ERR value is not a valid float'],
  ['1', '1e-5000', 'ERR value is not a valid float'],
  ['1', '1e5000', 'ERR value is not a valid float'],
  ['9223372036854775807', '1', '9223372036854775808'],
  ['18446744073709551615', '1', '18446744073709551616'],
  ['123456789012345678901234567890', '0', '123456789012345678899921813504'],
  ['1', '0x10', '17'],
  ['1', '0x1.8p1', '4'],
  ['1', '.5', '1.5'],
  ['1', '5.', '6'],
  ['1', '+1', '2'],
  ['1', ' 1', 'ERR value is not a valid float'],
  ['1', '1 ', 'ERR value is not a valid float'],
  ['1', '1e', 'ERR value is not a valid float'],
  ['1', '-0', '1'],
  ['-0', '-0', '0'],
  ['3.7e-4951', '0', '0'],
  ['1e-4940', '0', '0'],
  ['0.3', '-0.1', '0.2'],
  ['99.99999999999999999', '0.00000000000000001', '100'],
];

describe('long double (x87 80-bit) emulation', () => {
  test('INCRBYFLOAT results equal redis-server 7.0.15', () => {
    for (const [a, b, want] of CASES) expect(incr(a, b), `${a} + ${b}`).toBe(want);
  });

  test('largest finite value prints all its digits', () => {
    const v = parseLongDouble('1.18973149535723176502e+4932');
    expect(v).not.toBeNull();
    const s = formatLongDouble(v!);
    expect(s.length).toBe(4933);
    expect(s.slice(0, 30)).toBe('118973149535723176502126385303');
    expect(s.endsWith('604419552086811989770240')).toBe(true);
  });

  test('parse accepts strtold forms and rejects the rest', () => {
    for (const s of ['1', '-1', '+1', '.5', '5.', '1e3', '1E+3', '1e-3', '0x1p-2', '0X.8', 'inf', '-Infinity', '0e99999999999']) {
      expect(parseLongDouble(s), s).not.toBeNull();
    }
    for (const s of ['', ' 1', '1 ', '1e', '1e+', '0x', '0x1p', '.', '-', 'nan', '-nan', 'nan(1)', 'infx', '1\x002', 'x'.repeat(5120), '1'.repeat(5120)]) {
      expect(parseLongDouble(s), s).toBeNull();
    }
  });

  test('integers are exact up to 64 bits', () => {
    expect(formatLongDouble(longDoubleFromInt(-9223372036854775808n))).toBe('-9223372036854775808');
    expect(formatLongDouble(longDoubleFromInt(12345))).toBe('12345');
    expect(formatLongDouble(longDoubleFromInt(0))).toBe('0');
  });

  test('inf and nan formatting', () => {
    expect(formatLongDouble(parseLongDouble('inf')!)).toBe('inf');
    expect(formatLongDouble(parseLongDouble('-inf')!)).toBe('-inf');
    const nan = addLongDouble(parseLongDouble('inf')!, parseLongDouble('-inf')!);
    expect(isFiniteLongDouble(nan)).toBe(false);
  });
});
