import type { Command } from '../../src/commands/types.ts';
import type { Rng } from '../property/harness.ts';

/** Random argument vectors for any command (shared by the robustness fuzzer and exploration). */

export const FIXTURE: string[][] = [
  ['SET', 'str', '12'],
  ['SET', 'txt', 'hello world'],
  ['RPUSH', 'lst', 'a', 'b', 'c', '1', '2'],
  ['HSET', 'hsh', 'f', '1', 'g', 'x'],
  ['SADD', 'st', 'a', 'b', '1'],
  ['SADD', 'ist', '1', '2', '3'],
  ['ZADD', 'zs', '1', 'a', '2', 'b', '3', 'c'],
  ['GEOADD', 'geo', '13.36', '38.11', 'p', '15.08', '37.50', 'q'],
  ['PFADD', 'hll', 'a', 'b', 'c'],
  ['XADD', 'strm', '1-1', 'f', 'v'],
  ['XADD', 'strm', '2-1', 'f', 'w'],
  ['XGROUP', 'CREATE', 'strm', 'grp', '0'],
  ['XREADGROUP', 'GROUP', 'grp', 'alice', 'COUNT', '1', 'STREAMS', 'strm', '>'],
];
const KEYS = ['str', 'txt', 'lst', 'hsh', 'st', 'ist', 'zs', 'geo', 'hll', 'strm', 'nokey', 'str'];
const NUMBERS = [
  '0', '1', '-1', '2', '3', '10', '-10', '100', '1000000', '-1000000', '0.5', '-0.5', '1e3', 'inf', '-inf', '+inf',
  'nan', '9223372036854775807', '-9223372036854775808', '9223372036854775808', '18446744073709551615',
  '4294967295', '4294967296', '2147483647', '-2147483648', '1e308', '1e400', '0x10', '007', '-0',
];
const STRINGS = ['', '\x00', 'a\x00b', ' ', '*', '?', '[', '\\', '\r\n', '\xff\xfe', 'grp', 'alice', 'f', 'a', 'p', '$', '>', '0-0', '1-1', '*', '-', '+', '(1', '[a', 'default', 'return 1', "return redis.call('get', KEYS[1])", '#!lua name=lib\nredis.register_function("f", function() return 1 end)'];

export function collectTokens(docs: unknown, out: Set<string>): void {
  if (!docs || typeof docs !== 'object') return;
  if (Array.isArray(docs)) {
    for (const d of docs) collectTokens(d, out);
    return;
  }
  const m = (docs as { m?: unknown[] }).m;
  if (Array.isArray(m)) {
    for (let i = 0; i < m.length; i += 2) {
      if (m[i] === 'token' && typeof m[i + 1] === 'string') out.add(m[i + 1] as string);
      else if (m[i] === 'arguments') collectTokens(m[i + 1], out);
    }
  } else {
    for (const v of Object.values(docs)) collectTokens(v, out);
  }
}

function nameOf(cmd: Command): string[] {
  return cmd.parent ? [cmd.parent.name, cmd.name.slice(cmd.parent.name.length + 1)] : [cmd.name];
}

export function argvFor(r: Rng, cmd: Command, tokens: string[]): string[] {
  const base = nameOf(cmd);
  const min = Math.abs(cmd.arity) - base.length;
  const n = cmd.arity > 0 && r.chance(0.6) ? min : Math.max(0, r.range(min - 1, min + 5));
  const argv = [...base];
  for (let i = 0; i < n; i++) {
    const x = r.next();
    if (x < 0.3 && tokens.length) argv.push(r.chance(0.8) ? r.pick(tokens) : r.pick(tokens).toLowerCase());
    else if (x < 0.5) argv.push(r.pick(KEYS));
    else if (x < 0.75) argv.push(r.pick(NUMBERS));
    else if (x < 0.97) argv.push(r.pick(STRINGS));
    else if (x < 0.99) argv.push(r.bytes(16));
    else argv.push('z'.repeat(65536));
  }
  // Keep blocking timeouts short.
  if (cmd.isBlocking && argv.length > base.length && !['xread', 'xreadgroup'].includes(base[0])) argv[argv.length - 1] = r.pick(['0.01', '0', '-1', 'x', '0.01']);
  return argv;
}

