/**
 * Double-double arithmetic (a value as hi + lo, about 104 bits): the building blocks of the
 * correctly rounded math functions in src/keyspace/libm.ts and src/lua/libm.ts.
 */

const SPLITTER = 134217729; // 2^27 + 1

/** A double-double value hi + lo with |lo| <= ulp(hi)/2. */
export type DD = [number, number];

export function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

export function quickTwoSum(a: number, b: number): DD {
  const s = a + b;
  return [s, b - (s - a)];
}

export function twoProd(a: number, b: number): DD {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

export function ddAdd(a: DD, b: DD): DD {
  const s = twoSum(a[0], b[0]);
  const t = twoSum(a[1], b[1]);
  let e = s[1] + t[0];
  const u = quickTwoSum(s[0], e);
  e = t[1] + u[1];
  return quickTwoSum(u[0], e);
}

export function ddMul(a: DD, b: DD): DD {
  const p = twoProd(a[0], b[0]);
  return quickTwoSum(p[0], p[1] + (a[0] * b[1] + a[1] * b[0]));
}

export function ddDivSmall(a: DD, d: number): DD {
  const q1 = a[0] / d;
  const p = twoProd(q1, d);
  const r = twoSum(a[0], -p[0]);
  const q2 = (r[0] + (r[1] - p[1] + a[1])) / d;
  return quickTwoSum(q1, q2);
}
