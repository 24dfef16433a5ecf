import { describe, test, expect } from 'vitest';
import { parseInt64, parseDouble, formatG, formatDouble17 } from '../../src/util/numbers.ts';

describe('parseInt64 (string2ll rules)', () => {
  test('canonical integers', () => {
    expect(parseInt64('0')).toBe(0);
    expect(parseInt64('-1')).toBe(-1);
    expect(parseInt64('9007199254740991')).toBe(9007199254740991);
    expect(parseInt64('9223372036854775807')).toBe(9223372036854775807n);
    expect(parseInt64('-9223372036854775808')).toBe(-9223372036854775808n);
  });
  test('rejects non-canonical forms', () => {
    for (const s of ['', '-', '-0', '01', '+1', ' 1', '1 ', '1.0', '9223372036854775808', 'abc', '1e3']) {
      expect(parseInt64(s), s).toBeNull();
    }
  });
});

describe('parseDouble (strtod rules)', () => {
  test('accepts', () => {
    expect(parseDouble('1.5')).toBe(1.5);
    expect(parseDouble('-.5')).toBe(-0.5);
    expect(parseDouble('5.')).toBe(5);
    expect(parseDouble('1e3')).toBe(1000);
    expect(parseDouble('+inf')).toBe(Infinity);
    expect(parseDouble('-Infinity')).toBe(-Infinity);
    expect(parseDouble('0x10')).toBe(16);
  });
  test('rejects', () => {
    for (const s of ['', ' 1', '1 ', 'nan', 'abc', '1e400', '1e-400', '.', 'e3']) expect(parseDouble(s), s).toBeNull();
  });
});

describe('formatG', () => {
  test('%.17g', () => {
    expect(formatDouble17(0.1)).toBe('0.10000000000000001');
    expect(formatDouble17(1.5)).toBe('1.5');
    expect(formatDouble17(1e20)).toBe('1e+20');
    expect(formatDouble17(123456789)).toBe('123456789');
    expect(formatDouble17(-0)).toBe('-0');
    expect(formatDouble17(1e-5)).toBe('1.0000000000000001e-05');
  });
  test('%.14g', () => {
    expect(formatG(2 ** 53, 14)).toBe('9.007199254741e+15');
    expect(formatG(1e15, 14)).toBe('1e+15');
    expect(formatG(0.1, 14)).toBe('0.1');
    expect(formatG(100, 14)).toBe('100');
  });
});
