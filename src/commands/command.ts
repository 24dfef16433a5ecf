import { ReplyError, ERR } from '../errors.ts';
import type { Client } from '../core/client.ts';
import type { ReplySink } from '../resp/sink.ts';
import type { Command, HandlerTable } from '../core/types.ts';
import { arityAccepts, type CommandTable } from '../core/table.ts';
import { is } from './args.ts';
import { globMatch } from '../util/glob.ts';
import { parseInt64 } from '../util/numbers.ts';
import { replyHelp } from './help.ts';
import { ACL_CATEGORY_SET } from '../core/meta.ts';
import { keysFromSpecs, keysFromProc, GETKEYS_PROC, mapGet, specFlags, type KeyRef, type Tree } from '../core/keyspecs.ts';


/**
 * Writes a metadata tree (scripts/gen-command-meta.ts encoding) to the sink: strings are
 * bulks, numbers integers, `{s}` status, `{m}` maps, `{t}` sets, `{i}` big integers.
 */
export function writeTree(out: ReplySink, t: Tree): void {
  if (typeof t === 'string') return out.bulk(t);
  if (typeof t === 'number') return out.integer(t);
  if (typeof t === 'boolean') return out.bool(t);
  if (t === null || t === undefined) return out.null();
  if (Array.isArray(t)) {
    out.array(t.length);
    for (const x of t) writeTree(out, x);
    return;
  }
  const o = t as { s?: string; m?: Tree[]; t?: Tree[]; i?: string };
  if (o.s !== undefined) return out.simple(o.s);
  if (o.m !== undefined) {
    out.map(o.m.length / 2);
    for (const x of o.m) writeTree(out, x);
    return;
  }
  if (o.t !== undefined) {
    out.set(o.t.length);
    for (const x of o.t) writeTree(out, x);
    return;
  }
  if (o.i !== undefined) return out.integer(BigInt(o.i));
  throw new Error('bad metadata tree');
}

/** COMMAND INFO entry: the recorded tree, with subcommands limited to those implemented. */
function writeInfo(out: ReplySink, cmd: Command): void {
  const info = cmd.info as Tree[];
  const subs = cmd.subcommands;
  if (!subs || !Array.isArray(info[9])) return writeTree(out, info);
  out.array(info.length);
  for (let i = 0; i < info.length; i++) {
    if (i !== 9) {
      writeTree(out, info[i]);
      continue;
    }
    const list = (info[9] as Tree[][]).filter((s) => subs.has((s[0] as string).slice(cmd.name.length + 1)));
    out.array(list.length);
    for (const s of list) writeTree(out, s);
  }
}

/** COMMAND DOCS entry: the recorded docs map, with subcommands limited to those implemented. */
function writeDocs(out: ReplySink, cmd: Command): void {
  const docs = cmd.docs as { m: Tree[] } | null;
  const subs = cmd.subcommands;
  if (!docs || !docs.m) return writeTree(out, { m: [] });
  out.map(docs.m.length / 2);
  for (let i = 0; i < docs.m.length; i += 2) {
    writeTree(out, docs.m[i]);
    if (docs.m[i] !== 'subcommands' || !subs) {
      writeTree(out, docs.m[i + 1]);
      continue;
    }
    const m = (docs.m[i + 1] as { m: Tree[] }).m;
    const kept: Tree[] = [];
    for (let j = 0; j < m.length; j += 2) {
      if (subs.has((m[j] as string).slice(cmd.name.length + 1))) kept.push(m[j], m[j + 1]);
    }
    writeTree(out, { m: kept });
  }
}

/** Every implemented command and subcommand, parents first. */
function allCommands(table: CommandTable): Command[] {
  const all: Command[] = [];
  for (const cmd of table.commands.values()) {
    all.push(cmd);
    if (cmd.subcommands) for (const s of cmd.subcommands.values()) all.push(s);
  }
  return all;
}

/** Redis's lookupCommandBySds: `name` or `container|sub`, any case. */
function lookupByName(table: CommandTable, name: string): Command | undefined {
  const parts = name.split('|');
  if (parts.length > 2) return undefined;
  const cmd = table.lookup(parts[0]);
  if (!cmd || parts.length === 1) return cmd;
  return cmd.subcommands?.get(parts[1].toLowerCase());
}

// COMMAND
function command(c: Client, _argv: string[], out: ReplySink): void {
  const table = c.server.table;
  out.array(table.commands.size);
  for (const cmd of table.commands.values()) writeInfo(out, cmd);
}

// COMMAND COUNT
function count(c: Client, _argv: string[], out: ReplySink): void {
  out.integer(c.server.table.commands.size);
}

// COMMAND INFO [name ...]
function info(c: Client, argv: string[], out: ReplySink): void {
  const table = c.server.table;
  if (argv.length === 2) {
    out.array(table.commands.size);
    for (const cmd of table.commands.values()) writeInfo(out, cmd);
    return;
  }
  out.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const cmd = lookupByName(table, argv[i]);
    if (cmd) writeInfo(out, cmd);
    else out.null();
  }
}

// COMMAND DOCS [name ...]
function docs(c: Client, argv: string[], out: ReplySink): void {
  const table = c.server.table;
  const found: Command[] = [];
  if (argv.length === 2) {
    for (const cmd of table.commands.values()) found.push(cmd);
  } else {
    for (let i = 2; i < argv.length; i++) {
      const cmd = lookupByName(table, argv[i]);
      if (cmd) found.push(cmd);
    }
  }
  out.map(found.length);
  for (const cmd of found) {
    out.bulk(cmd.name);
    writeDocs(out, cmd);
  }
}

// COMMAND LIST [FILTERBY MODULE name | ACLCAT cat | PATTERN pattern]
function list(c: Client, argv: string[], out: ReplySink): void {
  let filter: ((cmd: Command) => boolean) | null = null;
  for (let i = 2; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    if (!is(argv[i], 'filterby') || more !== 2) throw new ReplyError(ERR.syntax);
    const kind = argv[i + 1];
    const arg = argv[i + 2];
    if (is(kind, 'module')) {
      filter = () => false;
    } else if (is(kind, 'aclcat')) {
      const cat = arg.toLowerCase();
      const valid = ACL_CATEGORY_SET.has(cat);
      filter = (cmd) => valid && cmd.categories.includes('@' + cat);
    } else if (is(kind, 'pattern')) {
      filter = (cmd) => globMatch(arg, cmd.name, true);
    } else {
      throw new ReplyError(ERR.syntax);
    }
    i += 2;
  }
  const names = allCommands(c.server.table).filter((cmd) => filter === null || filter(cmd));
  out.array(names.length);
  for (const cmd of names) out.bulk(cmd.name);
}

function hasVariableFlags(cmd: Command): boolean {
  const specs = ((cmd.info as Tree[])[8] as { t: Tree[] }).t;
  return specs.some((s) => specFlags(s).includes('variable_flags'));
}

function getKeys(c: Client, argv: string[], out: ReplySink, withFlags: boolean): void {
  const args = argv.slice(2);
  const found = c.server.table.find(args);
  // a container needs its subcommand here
  const cmd = found?.subcommands ? undefined : found;
  if (!cmd) throw new ReplyError(ERR.invalidCommandSpecified);
  const specs = ((cmd.info as Tree[])[8] as { t: Tree[] }).t;
  const hasKeySpec = specs.some((s) => !specFlags(s).includes('not_key'));
  if (!GETKEYS_PROC.has(cmd.name) && !hasKeySpec) throw new ReplyError(ERR.commandNoKey);
  if (!arityAccepts(cmd, args.length)) {
    throw new ReplyError(ERR.invalidNumberArguments);
  }
  let keys: KeyRef[] | null = null;
  if (hasKeySpec && !hasVariableFlags(cmd)) keys = keysFromSpecs(cmd.info, args);
  if (keys === null) keys = GETKEYS_PROC.has(cmd.name) ? keysFromProc(cmd, args) : [];
  if (keys.length === 0) {
    if (cmd.flags.has('no_mandatory_keys')) out.array(0);
    else throw new ReplyError(ERR.invalidArgumentsSpecified);
    return;
  }
  out.array(keys.length);
  for (const k of keys) {
    if (!withFlags) {
      out.bulk(args[k.pos]);
      continue;
    }
    out.array(2);
    out.bulk(args[k.pos]);
    writeTree(out, k.flags);
  }
}

const HELP = [
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
];

export const commands: HandlerTable = {
  command,
  'command|count': count,
  'command|info': info,
  'command|docs': docs,
  'command|list': list,
  'command|getkeys': (c, argv, out) => getKeys(c, argv, out, false),
  'command|getkeysandflags': (c, argv, out) => getKeys(c, argv, out, true),
  'command|help': (_c, _argv, out) => replyHelp(out, 'COMMAND', HELP),
};
