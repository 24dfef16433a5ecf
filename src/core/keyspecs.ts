import type { Command } from './types.ts';
/** Key specs: where a command's keys are in its arguments, as Redis 7 describes them. */
import { parseInt64 } from '../util/numbers.ts';

/** A node of the metadata tree (see scripts/gen-command-meta.ts). */
export type Tree = unknown;

export interface KeyRef {
  pos: number;
  flags: Tree;
}

export function mapGet(t: Tree, key: string): Tree {
  const m = (t as { m: Tree[] }).m;
  for (let i = 0; i < m.length; i += 2) if (m[i] === key) return m[i + 1];
  return undefined;
}

export function specFlags(spec: Tree): string[] {
  return ((mapGet(spec, 'flags') as { t: { s: string }[] }).t ?? []).map((f) => f.s);
}

export function flagSet(...f: string[]): Tree {
  return { t: f.map((s) => ({ s })) };
}

/**
 * Redis's getKeysUsingKeySpecs over a command's COMMAND INFO tree; null when a spec is
 * invalid or incomplete for these args. Shared by COMMAND GETKEYS and the table's key finder.
 */
export function keysFromSpecs(info: unknown, argv: string[]): KeyRef[] | null {
  const specs = ((info as Tree[])[8] as { t: Tree[] }).t;
  const argc = argv.length;
  const keys: KeyRef[] = [];
  for (const spec of specs) {
    const flags = specFlags(spec);
    if (flags.includes('not_key')) continue;
    const bs = mapGet(spec, 'begin_search');
    const bsSpec = mapGet(bs, 'spec');
    let first = 0;
    const bsType = mapGet(bs, 'type');
    if (bsType === 'index') {
      first = mapGet(bsSpec, 'index') as number;
    } else if (bsType === 'keyword') {
      const from = mapGet(bsSpec, 'startfrom') as number;
      const kw = (mapGet(bsSpec, 'keyword') as string).toLowerCase();
      const start = from > 0 ? from : argc + from;
      const end = from > 0 ? argc - 1 : 1;
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (argv[i].toLowerCase() === kw) {
          first = i + 1;
          break;
        }
      }
      if (!first) continue;
    } else {
      return null;
    }
    const fk = mapGet(spec, 'find_keys');
    const fkSpec = mapGet(fk, 'spec');
    const fkType = mapGet(fk, 'type');
    let last: number;
    let step: number;
    if (fkType === 'range') {
      step = mapGet(fkSpec, 'keystep') as number;
      const lastkey = mapGet(fkSpec, 'lastkey') as number;
      const limit = mapGet(fkSpec, 'limit') as number;
      if (lastkey >= 0) last = first + lastkey;
      else if (!limit) last = argc + lastkey;
      else last = first + (Math.trunc((argc - first) / limit) + lastkey);
    } else if (fkType === 'keynum') {
      step = mapGet(fkSpec, 'keystep') as number;
      const keynumidx = mapGet(fkSpec, 'keynumidx') as number;
      if (keynumidx >= argc || first + keynumidx >= argc) return null;
      const n = parseInt64(argv[first + keynumidx]);
      if (n === null || n < 0) return null;
      first += mapGet(fkSpec, 'firstkey') as number;
      last = first + Number(n) - 1;
    } else {
      return null;
    }
    if (last >= argc || last < first || first >= argc) return null;
    for (let i = first; i <= last; i += step) {
      if (i >= argc || i < first) continue;
      keys.push({ pos: i, flags: mapGet(spec, 'flags') });
    }
    if (flags.includes('incomplete')) return null;
  }
  return keys;
}

/** Commands whose keys Redis finds with a dedicated function when key specs fall short. */
export const GETKEYS_PROC = new Set([
  'bitfield', 'blmpop', 'bzmpop', 'eval', 'eval_ro', 'evalsha', 'evalsha_ro', 'fcall', 'fcall_ro', 'georadius',
  'georadiusbymember', 'lmpop', 'migrate', 'set', 'sintercard', 'sort', 'sort_ro', 'xread', 'xreadgroup',
  'zdiff', 'zdiffstore', 'zinter', 'zintercard', 'zinterstore', 'zmpop', 'zunion', 'zunionstore',
]);

/** Stand-ins for Redis's per-command key functions, for the cases key specs cannot answer. */
export function keysFromProc(cmd: Command, argv: string[]): KeyRef[] {
  const name = cmd.name;
  if (name === 'set') {
    for (let i = 3; i < argv.length; i++) {
      if (argv[i].toLowerCase() === 'get') return [{ pos: 1, flags: flagSet('RW', 'access', 'update') }];
    }
    return [{ pos: 1, flags: flagSet('OW', 'update') }];
  }
  if (name === 'bitfield') {
    let ro = true;
    for (let i = 2; i < argv.length; i++) {
      const rem = argv.length - i - 1;
      const a = argv[i].toLowerCase();
      if (a === 'get' && rem >= 2) i += 2;
      else if ((a === 'set' || a === 'incrby') && rem >= 3) {
        ro = false;
        break;
      } else if (a === 'overflow' && rem >= 1) i += 1;
      else {
        ro = false;
        break;
      }
    }
    return [{ pos: 1, flags: ro ? flagSet('RO', 'access') : flagSet('RW', 'access', 'update') }];
  }
  if (name === 'sort' || name === 'sort_ro') {
    const keys: KeyRef[] = [{ pos: 1, flags: flagSet('RO', 'access') }];
    if (name === 'sort_ro') return keys;
    const skip: Record<string, number> = { limit: 2, get: 1, by: 1 };
    let store = -1;
    for (let i = 2; i < argv.length; i++) {
      const a = argv[i].toLowerCase();
      if (a in skip) i += skip[a];
      else if (a === 'store' && i + 1 < argv.length) store = i + 1;
    }
    if (store >= 0) keys.push({ pos: store, flags: flagSet('OW', 'update') });
    return keys;
  }
  if (name === 'migrate') {
    // migrateGetKeys: the key argument, or everything after KEYS when that is empty.
    let first = 3;
    let num = 1;
    const skip: Record<string, number> = { copy: 0, replace: 0, auth: 1, auth2: 2 };
    for (let i = 6; i < argv.length; i++) {
      const a = argv[i].toLowerCase();
      if (a === 'keys') {
        if (argv[3] !== '') return [];
        first = i + 1;
        num = argv.length - first;
        break;
      }
      if (a in skip) i += skip[a];
    }
    const keys: KeyRef[] = [];
    for (let i = 0; i < num; i++) keys.push({ pos: first + i, flags: flagSet('RW', 'access', 'delete') });
    return keys;
  }
  // The numkeys-style commands: invalid counts give no keys, as in Redis.
  return [];
}
