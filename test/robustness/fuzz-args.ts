import type { Command } from '../../src/core/types.ts';
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


type DocMap = Map<string, unknown>;

function docMap(t: unknown): DocMap {
  const m = (t as { m?: unknown[] })?.m ?? [];
  const out = new Map<string, unknown>();
  for (let i = 0; i + 1 < m.length; i += 2) out.set(m[i] as string, m[i + 1]);
  return out;
}

function docFlags(a: DocMap): string[] {
  const f = a.get('flags') as { t?: { s: string }[] } | undefined;
  return (f?.t ?? []).map((x) => x.s);
}

function valueFor(r: Rng, type: string, name: string): string {
  if (r.chance(0.08)) return r.pick([...NUMBERS, ...STRINGS]);
  switch (type) {
    case 'key':
      return r.pick(KEYS);
    case 'integer':
    case 'unix-time':
      return r.chance(0.7) ? String(r.range(-3, 10)) : r.pick(NUMBERS);
    case 'double':
      return r.chance(0.7) ? r.pick(['0', '1', '-1', '1.5', '13.36', '38.11', '100']) : r.pick(NUMBERS);
    case 'pattern':
      return r.pick(['*', 'k*', '?', '[a-z]*', 'str', 'h_*->f', '#']);
    default:
      if (/id$/.test(name)) return r.pick(['0', '0-0', '1-1', '$', '>', '*', '+', '-', '2-1', '1', '18446744073709551615-18446744073709551615']);
      if (/member|field|element/.test(name)) return r.pick(['a', 'b', 'f', 'p', 'q', '1', 'x']);
      return r.pick(STRINGS);
  }
}

function emitArgs(r: Rng, args: unknown[], out: string[], depth: number): void {
  for (const t of args) {
    const a = docMap(t);
    const flags = docFlags(a);
    if (flags.includes('optional') && r.chance(0.5)) continue;
    const reps = flags.includes('multiple') ? r.range(1, 3) : 1;
    for (let i = 0; i < reps; i++) {
      const token = a.get('token') as string | undefined;
      const type = a.get('type') as string;
      if (token !== undefined && (i === 0 || !flags.includes('multiple_token'))) out.push(r.chance(0.85) ? token : token.toLowerCase());
      if (type === 'pure-token') continue;
      const children = (a.get('arguments') as unknown[] | undefined) ?? [];
      if (type === 'oneof') {
        if (children.length && depth < 6) emitArgs(r, [r.pick(children)], out, depth + 1);
      } else if (type === 'block') {
        if (depth < 6) emitArgs(r, children, out, depth + 1);
      } else {
        out.push(valueFor(r, type, a.get('name') as string));
      }
    }
  }
}

/** An argv that follows the command's documented argument grammar (mostly valid, sometimes not). */
export function structuredArgvFor(r: Rng, cmd: Command): string[] {
  const argv = cmd.parent ? [cmd.parent.name, cmd.name.slice(cmd.parent.name.length + 1)] : [cmd.name];
  const args = (docMap(cmd.docs).get('arguments') as unknown[] | undefined) ?? [];
  emitArgs(r, args, argv, 0);
  // numkeys-style counts: often make them match the keys that follow.
  if (r.chance(0.1) && argv.length > 1) argv.splice(r.range(1, argv.length - 1), 1);
  if (cmd.isBlocking && !['xread', 'xreadgroup'].includes(argv[0])) {
    if (argv.length > 1 && /^-?[0-9.]+$/.test(argv[argv.length - 1])) argv[argv.length - 1] = '0.01';
  }
  return argv;
}

/**
 * Arguments that make Redis itself do unbounded work (a random-element command asked for 2^31
 * elements with repetition) are legitimate but not useful here: tame them.
 */
export function tame(argv: string[]): string[] {
  const name = argv[0].toLowerCase();
  if (name === 'srandmember' || name === 'hrandfield' || name === 'zrandmember') {
    return argv.map((a, i) => (i >= 2 && /^-\d{6,}$/.test(a) ? '-3' : a));
  }
  return argv;
}
