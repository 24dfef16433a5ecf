import { formatG } from './numfmt.ts';

/** A double as Redis 7.0 writes it in replies: "%.17g", with "inf"/"-inf" spelled out. */
export function formatDouble17(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isInteger(d) && Math.abs(d) < 1e17) return Object.is(d, -0) ? '-0' : String(d);
  return formatG(d, 17);
}
