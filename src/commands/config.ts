import schemaJson from './config-schema.json' with { type: 'json' };
import { canReplyLater } from './reply-later.ts';
import fs from 'node:fs';
import { ReplyError, ERR, cstr } from '../errors.ts';
import { validProcTitleTemplate } from '../util/proc-title.ts';
import type { Client } from '../core/client.ts';
import type { ReplySink } from '../resp/sink.ts';
import type { HandlerTable } from '../core/types.ts';
import type { Config } from '../core/config.ts';
import { globMatch } from '../util/glob.ts';
import { rewriteConfigFile, type RewriteParam } from './config-rewrite.ts';
import { parseInt64, parseDouble } from '../util/numbers.ts';
import { replyHelp } from './help.ts';
import { resetStats } from './info.ts';
import { parseKeyspaceEvents, formatKeyspaceEvents } from '../core/notify.ts';

/** One parameter as described by src/commands/config-schema.json (scripts/gen-config-schema.ts). */
interface Param {
  type: string;
  alias?: string;
  flags: string[];
  min?: string;
  max?: string;
  units?: string[];
  values?: string[];
}

/** Read-only schema shared by all servers (never mutated). */
const SCHEMA: Readonly<Record<string, Param>> = schemaJson as Readonly<Record<string, Param>>;
/** name or alias → [canonical entry name as Redis registers it, its schema]. */
const LOOKUP: ReadonlyMap<string, Param> = (() => {
  const m = new Map<string, Param>();
  for (const [name, p] of Object.entries(SCHEMA)) {
    m.set(name, p);
    if (p.alias) m.set(p.alias, p);
  }
  return m;
})();

/** Parses a memory value like Redis's memtoull ("1gb", "10k", "5"); null when invalid. */
export function parseMemory(s: string): bigint | null {
  if (s.startsWith('-')) return null;
  let i = 0;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  const unit = s.slice(i).toLowerCase();
  const MUL: Record<string, bigint> = {
    '': 1n, b: 1n, k: 1000n, kb: 1024n, m: 1000000n, mb: 1048576n, g: 1000000000n, gb: 1073741824n,
  };
  const mul = MUL[unit];
  if (mul === undefined) return null;
  if (i === 0) return unit === '' ? null : 0n; // strtoull of "" is 0 without EINVAL on glibc
  const digits = s.slice(0, i);
  let v = BigInt(digits);
  if (v > 18446744073709551615n) v = 18446744073709551615n;
  return BigInt.asUintN(64, v * mul);
}

/** strtoll over the whole string (leading spaces and sign allowed); null when there is junk. */
function strtoll(s: string): number | null {
  const m = /^[ \t\n\v\f\r]*([+-]?\d*)$/.exec(s);
  if (!m) return null;
  if (m[1] === '' || m[1] === '+' || m[1] === '-') return m[1] === '' ? 0 : null;
  return Number(m[1]);
}

function splitArgs(v: string): string[] {
  // sdssplitlen on a single space: empty elements are kept.
  return v === '' ? [] : v.split(' ');
}

/**
 * Validates `value` for the parameter and returns the form CONFIG GET shows, or throws the
 * text after "CONFIG SET failed (possibly related to argument 'x') - ".
 */
function normalize(name: string, p: Param, value: string): string {
  switch (p.type) {
    case 'bool': {
      const v = value.toLowerCase();
      if (v !== 'yes' && v !== 'no') throw new SetError("argument must be 'yes' or 'no'");
      return v;
    }
    case 'enum': {
      const values = p.values ?? [];
      const multi = p.flags.includes('multi_arg');
      const parts = multi ? splitArgs(value) : [value];
      const found: string[] = [];
      for (const part of parts) {
        const v = values.find((x) => x.toLowerCase() === part.toLowerCase());
        if (v === undefined || (!multi && parts.length !== 1)) {
          throw new SetError(`argument(s) must be one of the following: ${values.join(', ')}`);
        }
        if (!found.includes(v)) found.push(v);
      }
      if (parts.length === 0) throw new SetError(`argument(s) must be one of the following: ${values.join(', ')}`);
      if (!multi) return found[0];
      if (found.includes('save') && found.includes('nosave')) {
        throw new SetError("shutdown options SAVE and NOSAVE can't be used simultaneously");
      }
      const flags = values.filter((x) => x !== 'default' && found.includes(x));
      return flags.length === 0 ? 'default' : flags.join(' ');
    }
    case 'string':
    case 'sds':
      if (name === 'proc-title-template' && !validProcTitleTemplate(value)) {
        throw new SetError('template format is invalid or contains unknown variables');
      }
      return value;
    case 'special':
      return special(name, value);
    default:
      return numeric(p, value);
  }
}

class SetError extends Error {}

function numeric(p: Param, value: string): string {
  const units = p.units ?? [];
  const memory = units.includes('memory');
  const percent = units.includes('percent');
  const octal = units.includes('octal');
  let v: bigint | null = null;
  let isPercent = false;
  if (memory) v = parseMemory(value);
  if (v === null && percent && value.length > 1 && value.endsWith('%')) {
    const n = parseInt64(value.slice(0, -1));
    if (n !== null && n >= 0) {
      v = -BigInt(n);
      isPercent = true;
    }
  }
  if (v === null && octal && /^[0-7]+$/.test(value)) v = BigInt(parseInt(value, 8));
  if (v === null && !memory && !percent && !octal) {
    const n = parseInt64(value);
    if (n !== null) v = BigInt(n);
  }
  if (v === null) {
    if (memory && percent) throw new SetError('argument must be a memory or percent value');
    if (memory) throw new SetError('argument must be a memory value');
    if (octal) throw new SetError("argument couldn't be parsed as an octal number");
    throw new SetError("argument couldn't be parsed into an integer");
  }
  const min = BigInt(p.min ?? '0');
  const max = BigInt(p.max ?? '0');
  const unsigned = p.type === 'ulonglong' || p.type === 'uint' || p.type === 'sizet';
  if (unsigned) {
    const u = BigInt.asUintN(64, v);
    if (u > max || u < min) {
      const f = (x: bigint) => (octal ? x.toString(8) : x.toString());
      throw new SetError(`argument must be between ${f(min)} and ${f(max)} inclusive`);
    }
  } else if (percent && v < 0n) {
    if (v < min) throw new SetError(`percentage argument must be less or equal to ${-min}`);
  } else if (v > max || v < min) {
    throw new SetError(`argument must be between ${min} and ${max} inclusive`);
  }
  if (isPercent) return `${-v}%`;
  if (octal) return v.toString(8);
  return (unsigned ? BigInt.asUintN(64, v) : v).toString();
}

function special(name: string, value: string): string {
  switch (name) {
    case 'notify-keyspace-events': {
      const flags = parseKeyspaceEvents(value);
      if (flags === null) throw new SetError("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
      return formatKeyspaceEvents(flags);
    }
    case 'save': {
      let args = splitArgs(value);
      if (args.length === 1 && args[0] === '') args = [];
      if (args.length & 1) throw new SetError('Invalid save parameters');
      for (let j = 0; j < args.length; j++) {
        const n = strtoll(args[j]);
        if (n === null || ((j & 1) === 0 && n < 1) || ((j & 1) === 1 && n < 0)) {
          throw new SetError('Invalid save parameters');
        }
      }
      const out: string[] = [];
      for (let j = 0; j < args.length; j++) out.push(String(strtoll(args[j])));
      return out.join(' ');
    }
    case 'client-output-buffer-limit':
      return value; // merged in clientOutputBufferLimit(), which needs the old value
    case 'latency-tracking-info-percentiles': {
      const args = splitArgs(value);
      if (args.length === 1 && args[0] === '') return '';
      const out: string[] = [];
      for (const a of args) {
        const d = parseDouble(a);
        if (d === null) throw new SetError('Invalid latency-tracking-info-percentiles parameters');
        if (d > 100 || d < 0) {
          throw new SetError('latency-tracking-info-percentiles parameters should sit between [0.0,100.0]');
        }
        out.push(formatPercentile(d));
      }
      return out.join(' ');
    }
    case 'oom-score-adj-values': {
      const args = splitArgs(value);
      if (args.length !== 3) throw new SetError('wrong number of arguments');
      const out: string[] = [];
      for (const a of args) {
        const n = strtoll(a);
        if (n === null || n < -2000 || n > 2000) {
          throw new SetError('Invalid oom-score-adj-values, elements must be between -2000 and 2000.');
        }
        out.push(String(n));
      }
      return out.join(' ');
    }
    case 'bind': {
      // One empty argument is no address at all (no TCP listener).
      const args = splitArgs(value);
      if (args.length > 16) throw new SetError('Too many bind addresses specified.');
      if (args.length === 1 && args[0] === '') return '';
      return args.join(' ');
    }
    case 'dir': {
      try {
        if (!fs.statSync(value).isDirectory()) throw new SetError('Not a directory');
      } catch (e) {
        if (e instanceof SetError) throw e;
        throw new SetError('No such file or directory');
      }
      return fs.realpathSync(value);
    }
    default:
      return value;
  }
}

/** %f-like output Redis uses for percentiles ("99.9" stays "99.9"). */
function formatPercentile(d: number): string {
  return String(Number(d.toPrecision(15)));
}

const OBUF_CLASSES = ['normal', 'slave', 'pubsub'];

function clientOutputBufferLimit(old: string, value: string): string {
  const args = splitArgs(value);
  if (args.length % 4) throw new SetError('Wrong number of arguments in buffer limit configuration.');
  const cur = old.split(' ');
  const table = new Map<string, string[]>();
  for (let i = 0; i + 3 < cur.length; i += 4) table.set(cur[i], cur.slice(i + 1, i + 4));
  const updates: [string, string[]][] = [];
  for (let j = 0; j < args.length; j += 4) {
    let cls = args[j].toLowerCase();
    if (cls === 'replica') cls = 'slave';
    if (!OBUF_CLASSES.includes(cls)) {
      throw new SetError('Invalid client class specified in buffer limit configuration.');
    }
    const hard = parseMemory(args[j + 1]);
    const soft = parseMemory(args[j + 2]);
    const secs = strtoll(args[j + 3]);
    if (hard === null || soft === null || secs === null || secs < 0) {
      throw new SetError('Error in hard, soft or soft_seconds setting in buffer limit configuration.');
    }
    updates.push([cls, [hard.toString(), soft.toString(), String(secs)]]);
  }
  for (const [cls, v] of updates) table.set(cls, v);
  return OBUF_CLASSES.map((cls) => `${cls} ${(table.get(cls) ?? ['0', '0', '0']).join(' ')}`).join(' ');
}

/** The value CONFIG GET shows for a parameter. */
function shownValue(config: Config, name: string): string {
  const v = config.get(name);
  if (name === 'notify-keyspace-events') {
    const f = parseKeyspaceEvents(v);
    return f === null ? v : formatKeyspaceEvents(f);
  }
  return v;
}

// CONFIG GET parameter [parameter ...]
function configGet(c: Client, argv: string[], out: ReplySink): void {
  const config = c.server.config;
  const matches = new Map<string, string>();
  for (let i = 2; i < argv.length; i++) {
    const pat = argv[i];
    if (!/[[*?]/.test(pat)) {
      const lower = pat.toLowerCase();
      if (matches.has(pat) || !config.has(lower) || !LOOKUP.has(lower)) continue;
      matches.set(pat, shownValue(config, lower));
      continue;
    }
    for (const [name] of config.entries()) {
      const p = LOOKUP.get(name);
      if (!p || p.flags.includes('hidden')) continue;
      if (matches.has(name)) continue;
      if (globMatch(pat, name, true)) {
        matches.set(name, shownValue(config, name));
      }
    }
  }
  out.map(matches.size);
  for (const [k, v] of matches) {
    out.bulk(k);
    out.bulk(v);
  }
}

// CONFIG SET parameter value [parameter value ...]
function configSet(c: Client, argv: string[], out: ReplySink): void {
  if (argv.length & 1) throw new ReplyError(ERR.syntax);
  const server = c.server;
  const config = server.config;
  let unknown: string | null = null;
  let err: [string, string] | null = null;
  let denyLoading = false;
  const names: string[] = [];
  for (let i = 2; i < argv.length; i += 2) {
    const name = argv[i].toLowerCase();
    const p = LOOKUP.get(name);
    if (!p || !config.has(name)) {
      if (unknown === null && err === null) unknown = argv[i];
      continue;
    }
    if (unknown !== null || err !== null || denyLoading) continue;
    if (p.flags.includes('immutable')) {
      err = [argv[i], "can't set immutable config"];
      continue;
    }
    if (p.flags.includes('protected') && !protectedAllowed(c, config.get('enable-protected-configs'))) {
      err = [argv[i], "can't set protected config"];
      continue;
    }
    if (server.loading && p.flags.includes('deny_loading')) {
      denyLoading = true;
      continue;
    }
    if (names.includes(name)) {
      err = [argv[i], 'duplicate parameter'];
      continue;
    }
    names.push(name);
  }
  // (LOADING first: clients may wait and retry it, unlike a plain error)
  if (denyLoading) throw new ReplyError(ERR.loading);
  if (unknown !== null) throw new ReplyError(ERR.unknownOptionNumber(cstr(unknown)));
  if (err) throw new ReplyError(ERR.configSetFailed(cstr(err[0]), err[1]));
  // Validate everything first, then apply: CONFIG SET is all or nothing.
  const values: string[] = [];
  for (let k = 0; k < names.length; k++) {
    const name = names[k];
    const raw = argv[3 + k * 2];
    try {
      if (name === 'client-output-buffer-limit') values.push(clientOutputBufferLimit(config.get(name), raw));
      else values.push(applyLimits(name, normalize(name, LOOKUP.get(name) as Param, raw)));
    } catch (e) {
      if (e instanceof SetError) {
        throw new ReplyError(ERR.configSetFailed(cstr(name), e.message));
      }
      throw e;
    }
  }
  const previous = names.map((name) => config.get(name));
  for (let k = 0; k < names.length; k++) {
    if (config.get(names[k]) !== values[k]) config.setRaw(names[k], values[k]);
  }
  const portAt = names.indexOf('port');
  const bindAt = names.indexOf('bind');
  const portChanged = portAt >= 0 && values[portAt] !== previous[portAt];
  const bindChanged = bindAt >= 0 && values[bindAt] !== previous[bindAt];
  if ((!portChanged && !bindChanged) || !canReplyLater(c, out)) {
    out.simple('OK');
    return;
  }
  // Listening on the new port or addresses can fail (in use, no such address): the reply
  // waits for it, and a failure rolls every parameter of this CONFIG SET back.
  c.blocked = { cancel: () => {} };
  const done = (error: string | null) => {
    if (error === null) {
      out.simple('OK');
    } else {
      for (let k = names.length - 1; k >= 0; k--) if (config.get(names[k]) !== previous[k]) config.setRaw(names[k], previous[k]);
      out.error(ERR.configSetFailedPossibly(bindChanged ? 'bind' : 'port', error));
    }
    c.blocked = null;
    if (server.clients.has(c.id)) server.afterServed(c);
  };
  const oldPort = portAt >= 0 ? Number(previous[portAt]) : config.getInt('port');
  server.relisten(oldPort, bindChanged).then(
    () => done(null),
    () => done(bindChanged ? 'Failed to bind to specified addresses.' : 'Unable to listen on this port. Check server logs.'),
  );
}

/**
 * Brings values given at startup (config file, --flags, startServer options) to the form
 * CONFIG GET shows, validating them as CONFIG SET would: `1mb` becomes `1048576`.
 * Throws an Error naming the directive when a value is invalid (Redis refuses to start).
 */
export function normalizeStartupConfig(config: Config, names: Iterable<string>): void {
  for (const name of names) {
    const p = LOOKUP.get(name);
    if (!p || !config.has(name) || p.type === 'special') continue;
    try {
      const v = applyLimits(name, normalize(name, p, config.get(name)));
      if (v !== config.get(name)) config.setRaw(name, v);
    } catch (e) {
      if (e instanceof SetError) throw new Error(`Bad directive or wrong number of arguments: '${name}' - ${e.message}`);
      throw e;
    }
  }
}

/**
 * The value one config file line gives a parameter, validated as Redis validates config files:
 * multi-argument parameters take their arguments joined by spaces, the others exactly one.
 * `previous` is the value so far (client-output-buffer-limit merges into it). Throws an Error
 * whose message is the reason redis-server prints.
 */
export function configFileValue(name: string, args: string[], previous: string): string {
  const p = LOOKUP.get(name);
  if (!p) throw new Error('Bad directive or wrong number of arguments');
  const multi = p.flags.includes('multi_arg');
  if (!multi && args.length !== 1) throw new Error('wrong number of arguments');
  if (name === 'replicaof') {
    if (args.length !== 2) throw new Error('wrong number of arguments');
    if (!/^\d+$/.test(args[1])) throw new Error('Invalid master port');
  }
  const value = args.join(' ');
  try {
    if (name === 'client-output-buffer-limit') return clientOutputBufferLimit(previous, value);
    return applyLimits(name, normalize(name, p, value));
  } catch (e) {
    if (e instanceof SetError) throw new Error(e.message);
    throw e;
  }
}

/** Values Redis adjusts when applying them (updateHZ keeps hz within 1..500). */
function applyLimits(name: string, value: string): string {
  if (name === 'hz') return String(Math.min(500, Math.max(1, Number(value))));
  return value;
}

/** enable-*-command / enable-protected-configs: no, yes, or local (loopback and unix clients only). */
export function protectedAllowed(c: Client, setting: string): boolean {
  if (setting === 'yes') return true;
  if (setting !== 'local') return false;
  const sock = c.sock;
  if (!sock) return true;
  const a = sock.remoteAddress;
  return a === undefined || a === '127.0.0.1' || a === '::1' || a === '::ffff:127.0.0.1';
}

// CONFIG RESETSTAT
function configResetstat(c: Client, _argv: string[], out: ReplySink): void {
  resetStats(c.server);
  out.simple('OK');
}

// CONFIG REWRITE
function configRewrite(c: Client, _argv: string[], out: ReplySink): void {
  rewriteConfig(c, false);
  out.simple('OK');
}

/** CONFIG REWRITE's work; `force` writes every parameter (DEBUG CONFIG-REWRITE-FORCE-ALL). */
export function rewriteConfig(c: Client, force: boolean): void {
  const params: RewriteParam[] = Object.entries(SCHEMA).map(([name, p]) => ({
    name,
    alias: p.alias,
    multiArg: p.flags.includes('multi_arg'),
    hidden: p.flags.includes('hidden'),
  }));
  const config = c.server.config;
  rewriteConfigFile(c.server.configFile, config, params, (name) => shownValue(config, name), force);
}

const HELP = [
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
];

export const commands: HandlerTable = {
  'config|get': configGet,
  'config|set': configSet,
  'config|resetstat': configResetstat,
  'config|rewrite': configRewrite,
  'config|help': (_c, _argv, out) => replyHelp(out, 'CONFIG', HELP),
};
