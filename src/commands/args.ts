import { ReplyError, ERR } from '../errors.ts';
import { parseIntArg, parseDouble, parseInt64 } from '../util/numbers.ts';

/** Integer argument (getLongLongFromObjectOrReply): throws Redis's error when invalid. */
export function intArg(s: string, err: string = ERR.notInteger): number {
  const v = parseIntArg(s);
  if (v === null) throw new ReplyError(err);
  return v;
}

/** Float argument (getDoubleFromObjectOrReply). */
export function floatArg(s: string, err: string = ERR.notFloat): number {
  const v = parseDouble(s);
  if (v === null) throw new ReplyError(err);
  return v;
}

/** Integer in [min, max] (getRangeLongFromObjectOrReply). */
export function rangeArg(s: string, min: number, max: number, err: string = ERR.notInteger): number {
  const v = intArg(s, err);
  if (v < min || v > max) throw new ReplyError(err);
  return v;
}

/** Positive integer argument, Redis's "must be positive" wording when it is not. */
export function positiveArg(s: string, what = 'value'): number {
  const v = intArg(s);
  if (v <= 0) throw new ReplyError(ERR.outRangePositive(what));
  return v;
}

/** Case-insensitive keyword comparison for option parsing (arg is a byte string). */
export function is(arg: string, keyword: string): boolean {
  return arg.length === keyword.length && arg.toLowerCase() === keyword;
}

const LONG_MAX = 9223372036854775807n;

/** A long of at least `min` (getRangeLongFromObjectOrReply with LONG_MAX as the top); `msg` otherwise. */
export function minLongArg(s: string, min: number, msg: string): number {
  const v = parseInt64(s);
  if (v === null) throw new ReplyError(msg);
  if (typeof v === 'bigint') {
    if (v < BigInt(min) || v > LONG_MAX) throw new ReplyError(msg);
    return Number(v);
  }
  if (v < min) throw new ReplyError(msg);
  return v;
}

/** The optional `COUNT n` tail of LMPOP/ZMPOP and their blocking forms, from argv[from]; 1 when absent. */
export function mpopCount(argv: string[], from: number): number {
  let count = -1;
  for (let j = from; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && is(argv[j], 'count') && more > 0) {
      j++;
      count = minLongArg(argv[j], 1, ERR.countGreaterThan);
    } else {
      throw new ReplyError(ERR.syntax);
    }
  }
  return count === -1 ? 1 : count;
}
