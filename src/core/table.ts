import { COMMAND_META, treeStrings } from './meta.ts';
import { keysFromSpecs, mapGet } from './keyspecs.ts';
import { GATE_WRITE, GATE_DENYOOM, GATE_MAY_REPLICATE, type Command, type Handler, type HandlerTable, type KeyFinder } from './types.ts';

import type { Tree } from './keyspecs.ts';

/** The key finder from Redis's key specs (the same rules COMMAND GETKEYS follows). */
function keyFinder(info: Tree[], specs: Tree[]): KeyFinder {
  if (specs.length === 0) return () => [];
  return (argv) => (keysFromSpecs(info, argv) ?? []).map((k) => k.pos);
}

/**
 * Commands with Redis's MAY_REPLICATE flag, which COMMAND INFO hides on purpose (so the
 * recorded metadata lacks it): read-only scripts refuse them and CLIENT PAUSE WRITE holds them.
 */
const MAY_REPLICATE = new Set(['eval', 'evalsha', 'fcall', 'pfcount', 'publish', 'spublish']);

/** `docs` gives the COMMAND DOCS tree when asked: only that command reads it, and the built
 *  package parses the recorded docs then (scripts/build.mjs). */
function makeCommand(info: Tree[], docs: () => Tree | null, handler: Handler | null, parent: Command | null): Command {
  const flags = new Set(treeStrings(info[2]));
  if (MAY_REPLICATE.has(info[0] as string)) flags.add('may_replicate');
  const specs = ((info[8] as { t: Tree[] }).t ?? []) as Tree[];
  const cmd: Command = {
    name: info[0] as string,
    arity: info[1] as number,
    flags,
    firstKey: info[3] as number,
    lastKey: info[4] as number,
    step: info[5] as number,
    categories: treeStrings(info[6]),
    handler,
    subcommands: null,
    parent,
    isWrite: flags.has('write'),
    denyOom: flags.has('denyoom'),
    noScript: flags.has('noscript'),
    allowBusy: flags.has('allow_busy'),
    noAuth: flags.has('no_auth'),
    noMulti: flags.has('no_multi'),
    isBlocking: flags.has('blocking'),
    isFast: flags.has('fast'),
    isReadonly: flags.has('readonly'),
    skipMonitor: flags.has('skip_monitor'),
    gateFlags:
      (flags.has('write') ? GATE_WRITE : 0) | (flags.has('denyoom') ? GATE_DENYOOM : 0) | (flags.has('may_replicate') ? GATE_MAY_REPLICATE : 0),
    info,
    get docs() {
      return docs();
    },
    keys: keyFinder(info, specs),
    stats: { calls: 0, usec: 0, failed: 0, rejected: 0, untimed: 0 },
  };
  return cmd;
}

/**
 * The command table: every command redmoon implements, keyed by lowercase name, with
 * Redis's metadata. Built per server from the family handler tables.
 */
export class CommandTable {
  readonly commands = new Map<string, Command>();

  constructor(families: HandlerTable[]) {
    const meta = COMMAND_META;
    const handlers = new Map<string, Handler>();
    for (const fam of families) for (const [name, h] of Object.entries(fam)) handlers.set(name, h);
    const subsByParent = new Map<string, Map<string, Handler>>();
    for (const [name, h] of handlers) {
      const bar = name.indexOf('|');
      if (bar < 0) continue;
      const parent = name.slice(0, bar);
      let m = subsByParent.get(parent);
      if (!m) subsByParent.set(parent, (m = new Map()));
      m.set(name, h);
    }
    for (const [name, h] of handlers) {
      if (name.includes('|')) continue;
      const m = meta[name];
      if (!m) throw new Error(`no Redis metadata for command '${name}'`);
      this.commands.set(name, makeCommand(m.info as Tree[], () => m.docs, h, null));
    }
    this.byExactName = new Map(this.commands);
    for (const [parentName, subs] of subsByParent) {
      const m = meta[parentName];
      if (!m) throw new Error(`no Redis metadata for command '${parentName}'`);
      let parent = this.commands.get(parentName);
      if (!parent) {
        parent = makeCommand(m.info as Tree[], () => m.docs, null, null);
        this.commands.set(parentName, parent);
      }
      const subMap = new Map<string, Command>();
      const subInfos = (m.info as Tree[])[9] as Tree[][];
      const subDocs = (full: string): Tree | null => {
        const all = mapGet(m.docs, 'subcommands');
        return all ? (mapGet(all, full) ?? null) : null;
      };
      for (const [full, h] of subs) {
        const info = subInfos.find((i) => i[0] === full);
        if (!info) throw new Error(`no Redis metadata for subcommand '${full}'`);
        subMap.set(full.slice(parentName.length + 1), makeCommand(info, () => subDocs(full), h, parent));
      }
      (parent as { subcommands: Map<string, Command> | null }).subcommands = subMap;
      this.byExactName.set(parentName, parent);
    }
    // Clients send names in upper case as often as lower case: answer both without lowercasing.
    for (const [name, cmd] of this.commands) this.byExactName.set(name.toUpperCase(), cmd);
  }

  private byExactName: Map<string, Command>;
  /**
   * The last name looked up and what it found: a pipeline repeats one command, and the
   * parser hands over the same string for the same name, so this is one pointer compare.
   */
  private lastName = '';
  private lastFound: Command | undefined = undefined;
  /** The one before: a script's EVALSHA and the command it calls alternate. */
  private prevName = '';
  private prevFound: Command | undefined = undefined;

  /** Every command and subcommand (for INFO commandstats, COMMAND). */
  *all(): IterableIterator<Command> {
    for (const cmd of this.commands.values()) {
      if (cmd.handler) yield cmd;
      if (cmd.subcommands) yield* cmd.subcommands.values();
    }
  }

  /**
   * rename-command: the command answers to `to` instead of `from` (to no name at all when
   * `to` is empty); it keeps its own name in replies and errors, as in Redis.
   */
  rename(from: string, to: string): void {
    const cmd = this.commands.get(from);
    if (!cmd) return;
    this.lastName = this.prevName = '';
    this.lastFound = this.prevFound = undefined;
    this.commands.delete(from);
    for (const [name, c] of [...this.byExactName]) if (c === cmd) this.byExactName.delete(name);
    if (to === '') return;
    this.commands.set(to.toLowerCase(), cmd);
    this.byExactName.set(to, cmd);
  }

  /** Looks a command up by its name as sent (any case). */
  lookup(name: string): Command | undefined {
    if (name === this.lastName) return this.lastFound;
    const found = name === this.prevName ? this.prevFound : (this.byExactName.get(name) ?? this.commands.get(name.toLowerCase()));
    this.prevName = this.lastName;
    this.prevFound = this.lastFound;
    this.lastName = name;
    this.lastFound = found;
    return found;
  }

  /**
   * Redis's lookupCommand on argv: the command, or for a container with a second argument
   * its subcommand; undefined when either is unknown.
   */
  find(argv: string[]): Command | undefined {
    const cmd = this.lookup(argv[0]);
    if (cmd === undefined || cmd.subcommands === null || argv.length < 2) return cmd;
    return cmd.subcommands.get(argv[1].toLowerCase());
  }
}

/** Redis's arity rule: N means exactly N arguments, -N at least N (the name counts). */
export function arityAccepts(cmd: { readonly arity: number }, argc: number): boolean {
  const arity = cmd.arity;
  return arity > 0 ? argc === arity : argc >= -arity;
}
