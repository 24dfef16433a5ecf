import { ReplyError, ERR } from '../errors.ts';
import { parseIntArg, parseDouble } from '../util/numbers.ts';

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
  if (v <= 0) throw new ReplyError(`ERR ${what} is out of range, must be positive`);
  return v;
}

/** Case-insensitive keyword comparison for option parsing (arg is a byte string). */
export function is(arg: string, keyword: string): boolean {
  return arg.length === keyword.length && arg.toLowerCase() === keyword;
}
