/**
 * ACL users and permissions, modelled on Redis 7.0.15's acl.c semantics: users with flags,
 * password hashes (SHA-256) and selectors (command bits, first-args, key and channel
 * patterns). One `Acl` per server; clients point at an `AclUser` (the default user until
 * AUTH/HELLO). Dispatch only calls `aclCheck` when `user.unrestricted` is false.
 */
import { nodeCrypto } from '../util/lazy-node.ts';
import { COMMAND_META, treeStrings, ACL_CATEGORIES, ACL_CATEGORY_SET } from './meta.ts';
import { keysFromSpecs, keysFromProc, specFlags, type KeyRef, type Tree } from './keyspecs.ts';
import { globMatch } from '../util/glob.ts';
import type { Config } from './config.ts';
import type { Client } from './client.ts';
import type { Command } from './types.ts';
import { clientInfoLine } from './client-info.ts';
import { cstr, ERR } from '../errors.ts';
import { dateNow } from '../util/clock.ts';

// ---- the command universe (Redis's original command table, from meta.json; immutable) -----

/** A command as ACLs see it: every Redis 7.0.15 command, implemented or not. */
export interface AclCommand {
  readonly name: string;
  readonly categories: ReadonlySet<string>;
  readonly parent: AclCommand | null;
  readonly subs: Map<string, AclCommand> | null;
  readonly noAuth: boolean;
  readonly arity: number;
  readonly info: Tree[];
  /** How channels appear in the args (Redis's commands_with_channels table). */
  readonly channels: { flags: number; start: number; count: number } | null;
}

const CH_PUBLISH = 1;
const CH_SUBSCRIBE = 2;
const CH_PATTERN = 4;
const CHANNEL_SPECS: Record<string, { flags: number; start: number; count: number }> = {
  subscribe: { flags: CH_SUBSCRIBE, start: 1, count: -1 },
  ssubscribe: { flags: CH_SUBSCRIBE, start: 1, count: -1 },
  psubscribe: { flags: CH_SUBSCRIBE | CH_PATTERN, start: 1, count: -1 },
  publish: { flags: CH_PUBLISH, start: 1, count: 1 },
  spublish: { flags: CH_PUBLISH, start: 1, count: 1 },
};

function makeAclCommand(info: Tree[], parent: AclCommand | null): AclCommand {
  const name = info[0] as string;
  const flags = treeStrings(info[2]);
  const cmd: AclCommand = {
    name,
    categories: new Set(treeStrings(info[6]).map((c) => c.slice(1))),
    parent,
    subs: null,
    noAuth: flags.includes('no_auth'),
    arity: info[1] as number,
    info,
    channels: CHANNEL_SPECS[name] ?? null,
  };
  const subInfos = info[9];
  if (Array.isArray(subInfos) && subInfos.length > 0) {
    const subs = new Map<string, AclCommand>();
    for (const si of subInfos as Tree[][]) {
      const s = makeAclCommand(si, cmd);
      subs.set(s.name.slice(name.length + 1), s);
    }
    (cmd as { subs: Map<string, AclCommand> | null }).subs = subs;
  }
  return cmd;
}

/** Top-level commands by lowercase name, and every command/subcommand by full name. */
const TOP = new Map<string, AclCommand>();
const BY_FULLNAME = new Map<string, AclCommand>();
const ALL: AclCommand[] = [];
for (const [name, m] of Object.entries(COMMAND_META)) {
  const cmd = makeAclCommand(m.info, null);
  TOP.set(name, cmd);
  BY_FULLNAME.set(name, cmd);
  ALL.push(cmd);
  if (cmd.subs) {
    for (const s of cmd.subs.values()) {
      BY_FULLNAME.set(s.name, s);
      ALL.push(s);
    }
  }
}

function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** Redis's lookupCommandBySds (strict): `name` or `container|sub`, case-insensitive. */
export function aclLookupCommand(name: string): AclCommand | null {
  if (name === '') return null;
  const parts = name.split('|');
  if (parts.length > 2) return null;
  const base = TOP.get(asciiLower(parts[0]));
  if (!base) return null;
  if (parts.length === 1) return base;
  if (!base.subs) return null;
  return base.subs.get(asciiLower(parts[1])) ?? null;
}

/** Redis's lookupCommand on an argv (non-strict): a container needs a known subcommand. */
export function aclLookupArgv(argv: string[]): AclCommand | null {
  const base = TOP.get(asciiLower(argv[0]));
  if (!base) return null;
  if (argv.length === 1 || !base.subs) return base;
  return base.subs.get(asciiLower(argv[1])) ?? null;
}

/** Every command (and subcommand) in a category, in table order (ACL CAT). */
export function commandsInCategory(cat: string): string[] {
  const out: string[] = [];
  for (const c of ALL) if (c.categories.has(cat)) out.push(c.name);
  return out;
}

export function isCategory(name: string): boolean {
  return ACL_CATEGORY_SET.has(asciiLower(name));
}

// ---- selectors and users ----------------------------------------------------------------

const PERM_READ = 1;
const PERM_WRITE = 2;
const PERM_ALL = 3;

interface KeyPattern {
  pattern: string;
  flags: number;
}

/** errno-like causes of a rejected ACL rule (ACLSetUserStringError texts). */
export const ACL_RULE_ERRORS = {
  ENOENT: 'Unknown command or category name in ACL',
  EINVAL: 'Syntax error',
  EEXIST:
    "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns",
  EISDIR:
    "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels",
  ENODEV: 'The password you are trying to remove from the user does not exist',
  EBADMSG: 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters',
  ECHILD: 'Allowing first-arg of a subcommand is not supported',
} as const;
type RuleError = keyof typeof ACL_RULE_ERRORS;

export class Selector {
  root: boolean;
  allKeys = false;
  allChannels: boolean;
  allCommands = false;
  /** The reserved "future commands" bit: set by +@all only, cleared by -@all only. */
  future = false;
  allowed = new Set<string>();
  firstArgs: Map<string, string[]> | null = null;
  patterns: KeyPattern[] = [];
  channels: string[] = [];

  constructor(root: boolean, allChannels: boolean) {
    this.root = root;
    this.allChannels = allChannels;
  }

  clone(): Selector {
    const s = new Selector(this.root, this.allChannels);
    s.allKeys = this.allKeys;
    s.allCommands = this.allCommands;
    s.future = this.future;
    s.allowed = new Set(this.allowed);
    if (this.firstArgs) s.firstArgs = new Map([...this.firstArgs].map(([k, v]) => [k, [...v]]));
    s.patterns = this.patterns.map((p) => ({ ...p }));
    s.channels = [...this.channels];
    return s;
  }

  private setBit(cmd: AclCommand, v: boolean): void {
    if (v) this.allowed.add(cmd.name);
    else {
      this.allowed.delete(cmd.name);
      this.allCommands = false;
    }
  }

  /** ACLChangeSelectorPerm: a container takes its subcommands along. */
  changePerm(cmd: AclCommand, v: boolean): void {
    this.setBit(cmd, v);
    if (this.firstArgs) this.firstArgs.delete(cmd.name);
    if (cmd.subs) for (const s of cmd.subs.values()) this.setBit(s, v);
  }

  setCategory(cat: string, v: boolean): void {
    for (const cmd of TOP.values()) {
      if (cmd.categories.has(cat)) this.changePerm(cmd, v);
      if (cmd.subs) for (const s of cmd.subs.values()) if (s.categories.has(cat)) this.changePerm(s, v);
    }
  }

  setAll(v: boolean): void {
    if (v) {
      for (const c of ALL) this.allowed.add(c.name);
    } else {
      this.allowed.clear();
    }
    this.allCommands = v;
    this.future = v;
    this.firstArgs = null;
  }

  /** ACLSetSelector: applies one rule; returns the errno-like cause on error. */
  apply(op: string): RuleError | null {
    const lop = asciiLower(op);
    if (lop === 'allkeys' || op === '~*') {
      this.allKeys = true;
      this.patterns = [];
    } else if (lop === 'resetkeys') {
      this.allKeys = false;
      this.patterns = [];
    } else if (lop === 'allchannels' || op === '&*') {
      this.allChannels = true;
      this.channels = [];
    } else if (lop === 'resetchannels') {
      this.allChannels = false;
      this.channels = [];
    } else if (lop === 'allcommands' || lop === '+@all') {
      this.setAll(true);
    } else if (lop === 'nocommands' || lop === '-@all') {
      this.setAll(false);
    } else if (op[0] === '~' || op[0] === '%') {
      if (this.allKeys) return 'EEXIST';
      let flags = 0;
      let offset = 1;
      if (op[0] === '%') {
        for (; offset < op.length; offset++) {
          const ch = op[offset];
          if ((ch === 'R' || ch === 'r') && !(flags & PERM_READ)) flags |= PERM_READ;
          else if ((ch === 'W' || ch === 'w') && !(flags & PERM_WRITE)) flags |= PERM_WRITE;
          else if (ch === '~') {
            offset++;
            break;
          } else return 'EINVAL';
        }
        if (flags === 0) return 'EINVAL';
      } else {
        flags = PERM_ALL;
      }
      const pattern = op.slice(offset);
      if (hasSpaces(pattern)) return 'EINVAL';
      const existing = this.patterns.find((p) => p.pattern === pattern);
      if (existing) existing.flags |= flags;
      else this.patterns.push({ pattern, flags });
      this.allKeys = false;
    } else if (op[0] === '&') {
      if (this.allChannels) return 'EISDIR';
      const pattern = op.slice(1);
      if (hasSpaces(pattern)) return 'EINVAL';
      if (!this.channels.includes(pattern)) this.channels.push(pattern);
      this.allChannels = false;
    } else if (op[0] === '+' && op[1] !== '@') {
      const bar = op.lastIndexOf('|');
      if (bar < 0) {
        const cmd = aclLookupCommand(cstr(op.slice(1)));
        if (!cmd) return 'ENOENT';
        this.changePerm(cmd, true);
      } else {
        const base = aclLookupCommand(cstr(op.slice(1, bar)));
        const sub = cstr(op.slice(bar + 1));
        if (!base) return 'ENOENT';
        if (base.parent) return 'ECHILD';
        if (sub === '') return 'EINVAL';
        if (base.subs) {
          const cmd = aclLookupCommand(cstr(op.slice(1)));
          if (!cmd) return 'ENOENT';
          this.changePerm(cmd, true);
        } else {
          if (!this.firstArgs) this.firstArgs = new Map();
          let list = this.firstArgs.get(base.name);
          if (!list) this.firstArgs.set(base.name, (list = []));
          if (!list.some((a) => asciiLower(a) === asciiLower(sub))) list.push(sub);
        }
      }
    } else if (op[0] === '-' && op[1] !== '@') {
      const cmd = aclLookupCommand(cstr(op.slice(1)));
      if (!cmd) return 'ENOENT';
      this.changePerm(cmd, false);
    } else if ((op[0] === '+' || op[0] === '-') && op[1] === '@') {
      const cat = asciiLower(cstr(op.slice(2)));
      if (!ACL_CATEGORY_SET.has(cat)) return 'ENOENT';
      this.setCategory(cat, op[0] === '+');
    } else {
      return 'EINVAL';
    }
    return null;
  }

  /** ACLDescribeSelectorCommandRules: the shortest-ish rule list giving this bitmap. */
  describeCommands(): string {
    let rules = '';
    const fake = new Selector(false, false);
    const additive = !this.future;
    if (additive) {
      rules = '-@all ';
      fake.setAll(false);
    } else {
      rules = '+@all ';
      fake.setAll(true);
    }
    const temp = new Selector(false, false);
    temp.allowed = new Set(this.allowed);
    const applied = new Set<string>();
    for (;;) {
      let best: string | null = null;
      let mindiff = Infinity;
      let maxsame = 0;
      for (const cat of ACL_CATEGORIES) {
        if (applied.has(cat)) continue;
        let on = 0;
        let off = 0;
        for (const c of ALL) {
          if (!c.categories.has(cat)) continue;
          if (temp.allowed.has(c.name)) on++;
          else off++;
        }
        const diff = additive ? off : on;
        const same = additive ? on : off;
        if (same > diff && (diff < mindiff || (diff === mindiff && same > maxsame))) {
          best = cat;
          mindiff = diff;
          maxsame = same;
        }
      }
      if (best === null) break;
      fake.setCategory(best, additive);
      temp.setCategory(best, !additive);
      rules += `${additive ? '+@' : '-@'}${best} `;
      applied.add(best);
    }
    const single = (cmds: Iterable<AclCommand>): void => {
      for (const cmd of cmds) {
        const userbit = this.allowed.has(cmd.name);
        const fakebit = fake.allowed.has(cmd.name);
        if (userbit !== fakebit) {
          rules += `${userbit ? '+' : '-'}${cmd.name} `;
          fake.changePerm(cmd, userbit);
        }
        if (cmd.subs) single(cmd.subs.values());
        const fa = this.firstArgs?.get(cmd.name);
        if (!userbit && fa) for (const a of fa) rules += `+${cmd.name}|${a} `;
      }
    };
    single(TOP.values());
    return rules.slice(0, -1);
  }

  /** The key patterns as GETUSER shows them (`~*` for allkeys). */
  describeKeys(): string {
    if (this.allKeys) return '~*';
    return this.patterns.map(patternString).join(' ');
  }

  describeChannels(): string {
    if (this.allChannels) return '&*';
    return this.channels.map((c) => '&' + c).join(' ');
  }

  /** ACLDescribeSelector: keys, channels, then command rules. */
  describe(): string {
    let res = '';
    if (this.allKeys) res += '~* ';
    else for (const p of this.patterns) res += patternString(p) + ' ';
    if (this.allChannels) res += '&* ';
    else {
      res += 'resetchannels ';
      for (const c of this.channels) res += `&${c} `;
    }
    return res + this.describeCommands();
  }

  /** ACLSelectorCheckCmd: 0 ok, 1 command, 2 key, 4 channel; sets `pos` on key/channel denials. */
  check(cmd: AclCommand, argv: string[], keys: () => KeyRef[], pos: { idx: number }): number {
    if (!this.allCommands && !cmd.noAuth && !this.allowed.has(cmd.name)) {
      const fa = this.firstArgs?.get(cmd.name);
      if (argv.length < 2 || !fa) return ACL_DENIED_CMD;
      const arg = asciiLower(argv[cmd.parent ? 2 : 1] ?? '');
      if (!fa.some((a) => asciiLower(a) === arg)) return ACL_DENIED_CMD;
    }
    if (!this.allKeys) {
      for (const k of keys()) {
        const need = keyPermOf(k.flags);
        const key = argv[k.pos];
        if (!this.patterns.some((p) => (p.flags & need) === need && globMatch(p.pattern, key, false))) {
          pos.idx = k.pos;
          return ACL_DENIED_KEY;
        }
      }
    }
    const ch = cmd.channels;
    if (!this.allChannels && ch !== null && ch.flags & (CH_PUBLISH | CH_SUBSCRIBE)) {
      const stop = ch.count === -1 ? argv.length : Math.min(argv.length, ch.start + ch.count);
      const isPattern = (ch.flags & CH_PATTERN) !== 0;
      for (let i = ch.start; i < stop; i++) {
        if (!channelAllowed(this.channels, argv[i], isPattern)) {
          pos.idx = i;
          return ACL_DENIED_CHANNEL;
        }
      }
    }
    return ACL_OK;
  }
}

export const ACL_OK = 0;
export const ACL_DENIED_CMD = 1;
export const ACL_DENIED_KEY = 2;
export const ACL_DENIED_AUTH = 3;
export const ACL_DENIED_CHANNEL = 4;

function channelAllowed(list: string[], channel: string, isPattern: boolean): boolean {
  for (const p of list) {
    if (isPattern ? p === channel : globMatch(p, channel, false)) return true;
  }
  return false;
}

function keyPermOf(flags: Tree): number {
  let need = 0;
  for (const f of treeStrings(flags ?? { t: [] })) {
    if (f === 'access') need |= PERM_READ;
    else if (f === 'insert' || f === 'delete' || f === 'update') need |= PERM_WRITE;
  }
  return need;
}

function patternString(p: KeyPattern): string {
  const prefix = p.flags === PERM_ALL ? '~' : p.flags === PERM_READ ? '%R~' : p.flags === PERM_WRITE ? '%W~' : '%~';
  return prefix + p.pattern;
}

/** isspace() or NUL anywhere (ACLStringHasSpaces). */
export function hasSpaces(s: string): boolean {
  return /[ \t\n\v\f\r\0]/.test(s);
}


export function hashPassword(pass: string): string {
  return nodeCrypto().createHash('sha256').update(Buffer.from(pass, 'latin1')).digest('hex');
}

/** Keys a command names, with their keyspec flags (getKeysFromCommandWithSpecs). */
function commandKeys(cmd: AclCommand, argv: string[]): KeyRef[] {
  const specs = ((cmd.info[8] as { t?: Tree[] })?.t ?? []) as Tree[];
  let hasKeySpec = false;
  let varFlags = false;
  for (const s of specs) {
    const f = specFlags(s);
    if (!f.includes('not_key')) hasKeySpec = true;
    if (f.includes('variable_flags')) varFlags = true;
  }
  if (hasKeySpec && !varFlags) {
    const keys = keysFromSpecs(cmd.info, argv);
    if (keys !== null) return keys;
  }
  return keysFromProc({ name: cmd.name } as Command, argv);
}

export class AclUser {
  enabled = false;
  nopass = false;
  /** 0 none, 1 skip-sanitize-payload, 2 sanitize-payload. */
  sanitize = 0;
  passwords: string[] = [];
  selectors: Selector[];
  /** Root selector may run anything: dispatch skips the ACL check. */
  unrestricted = false;

  constructor(
    readonly name: string,
    pubsubAll: boolean,
  ) {
    this.selectors = [new Selector(true, pubsubAll)];
  }

  get root(): Selector {
    return this.selectors[0];
  }

  refresh(): void {
    const r = this.root;
    this.unrestricted = r.allCommands && r.allKeys && r.allChannels;
  }

  copyFrom(src: AclUser): void {
    this.enabled = src.enabled;
    this.nopass = src.nopass;
    this.sanitize = src.sanitize;
    this.passwords = [...src.passwords];
    this.selectors = src.selectors.map((s) => s.clone());
    this.refresh();
  }

  /** ACLSetUser: one user-level rule, or a selector rule for the root selector. */
  apply(op: string, pubsubAll: boolean): RuleError | null {
    if (op.length === 0) return null;
    const lop = asciiLower(op);
    if (lop === 'on') this.enabled = true;
    else if (lop === 'off') this.enabled = false;
    else if (lop === 'skip-sanitize-payload') this.sanitize = 1;
    else if (lop === 'sanitize-payload') this.sanitize = 2;
    else if (lop === 'nopass') {
      this.nopass = true;
      this.passwords = [];
    } else if (lop === 'resetpass') {
      this.nopass = false;
      this.passwords = [];
    } else if (op[0] === '>' || op[0] === '#') {
      let h: string;
      if (op[0] === '>') h = hashPassword(op.slice(1));
      else {
        h = op.slice(1);
        if (!/^[0-9a-f]{64}$/.test(h)) return 'EBADMSG';
      }
      if (!this.passwords.includes(h)) this.passwords.push(h);
      this.nopass = false;
    } else if (op[0] === '<' || op[0] === '!') {
      let h: string;
      if (op[0] === '<') h = hashPassword(op.slice(1));
      else {
        h = op.slice(1);
        if (!/^[0-9a-f]{64}$/.test(h)) return 'EBADMSG';
      }
      const i = this.passwords.indexOf(h);
      if (i < 0) return 'ENODEV';
      this.passwords.splice(i, 1);
    } else if (op[0] === '(' && op[op.length - 1] === ')') {
      const s = new Selector(false, pubsubAll);
      for (const part of op.slice(1, -1).split(/[ \t\n\r\v\f]+/)) {
        if (part === '') continue;
        const err = s.apply(part);
        if (err) return err;
      }
      this.selectors.push(s);
    } else if (lop === 'clearselectors') {
      this.selectors.length = 1;
    } else if (lop === 'reset') {
      this.nopass = false;
      this.passwords = [];
      this.root.apply('resetkeys');
      this.root.apply('resetchannels');
      if (pubsubAll) this.root.apply('allchannels');
      this.enabled = false;
      this.sanitize = 2;
      this.selectors.length = 1;
      this.root.apply('-@all');
    } else {
      return this.root.apply(op);
    }
    return null;
  }

  flagNames(): string[] {
    const f: string[] = [this.enabled ? 'on' : 'off'];
    if (this.nopass) f.push('nopass');
    if (this.sanitize === 1) f.push('skip-sanitize-payload');
    if (this.sanitize === 2) f.push('sanitize-payload');
    return f;
  }

  /** ACLDescribeUser: the ACL LIST form (without `user <name> `). */
  describe(): string {
    let res = '';
    for (const f of this.flagNames()) res += f + ' ';
    for (const p of this.passwords) res += `#${p} `;
    for (const s of this.selectors) res += s.root ? s.describe() : ` (${s.describe()})`;
    return res;
  }

  /** ACLCheckAllUserCommandPerm: the most relevant denial over all selectors. */
  check(cmd: AclCommand, argv: string[]): { reason: number; pos: number } | null {
    let cache: KeyRef[] | null = null;
    const keys = (): KeyRef[] => (cache ??= commandKeys(cmd, argv));
    let relevant = ACL_DENIED_CMD;
    let lastIdx = 0;
    for (const s of this.selectors) {
      const pos = { idx: 0 };
      const r = s.check(cmd, argv, keys, pos);
      if (r === ACL_OK) return null;
      if (r > relevant || (r === relevant && pos.idx > lastIdx)) {
        relevant = r;
        lastIdx = pos.idx;
      }
    }
    return { reason: relevant, pos: lastIdx };
  }
}

export interface AclLogEntry {
  count: number;
  reason: number;
  context: string;
  object: string;
  username: string;
  ctime: number;
  cinfo: string;
}

/**
 * ACLMergeSelectorArguments: a selector `(...)` may be spread over several arguments.
 * Returns the merged rules, or the argument an unclosed `(` starts at.
 */
export function mergeSelectorArgs(args: string[]): string[] | { unmatched: string } {
  const out: string[] = [];
  let open = -1;
  let sel = '';
  for (let j = 0; j < args.length; j++) {
    const op = args[j];
    if (op[0] === '(' && op[op.length - 1] !== ')') {
      sel = op;
      open = j;
      continue;
    }
    if (open !== -1) {
      sel += ' ' + op;
      if (op[op.length - 1] === ')') {
        open = -1;
        out.push(sel);
      }
      continue;
    }
    out.push(op);
  }
  if (open !== -1) return { unmatched: args[open] };
  return out;
}

/** ACLCreateDefaultUser: everything allowed, no password. */
function newDefaultUser(): AclUser {
  const d = new AclUser('default', false);
  for (const op of ['+@all', '~*', '&*', 'on', 'nopass']) d.apply(op, false);
  d.refresh();
  return d;
}

/** sdstrim: drops the given characters from both ends. */
function trimChars(s: string, chars: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && chars.includes(s[a])) a++;
  while (b > a && chars.includes(s[b - 1])) b--;
  return s.slice(a, b);
}

/** The per-server ACL state: users, the default user, the ACL LOG. */
export class Acl {
  readonly users = new Map<string, AclUser>();
  readonly defaultUser: AclUser;
  /** Newest first. */
  log: AclLogEntry[] = [];

  constructor(readonly config: Config) {
    const d = newDefaultUser();
    this.defaultUser = d;
    this.users.set('default', d);
    // requirepass is the default user's password (ACLUpdateDefaultUserPassword).
    config.watch('requirepass', (v) => {
      d.apply('resetpass', false);
      if (v !== '') d.apply('>' + v, false);
      else d.apply('nopass', false);
    });
  }

  /**
   * A `user` line of a config file: the user gets the rules on top of a fresh user (the
   * default user, already there, is reset first); returns the reason of the first bad rule.
   */
  defineUser(name: string, rules: string[]): string | null {
    let u = this.users.get(name);
    if (u) u.apply('reset', this.pubsubAll);
    else u = new AclUser(name, this.pubsubAll);
    for (const op of rules) {
      const err = u.apply(op, this.pubsubAll);
      if (err !== null) return `Error in applying operation '${op}': ${ACL_RULE_ERRORS[err]}`;
    }
    u.refresh();
    this.users.set(name, u);
    return null;
  }

  /**
   * ACLLoadFromFile on the text of the ACL file `filename`: the users it defines replace
   * every current one (the default user object stays, taking the file's rules), or nothing
   * changes and the errors come back, worded as Redis's. On success, returns the users
   * dropped: their connections must be closed.
   */
  loadFile(filename: string, text: string): { errors: string } | { dropped: AclUser[] } {
    let errors = '';
    const loaded = new Map<string, AclUser>();
    const pubsubAll = this.pubsubAll;
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const lineNo = i + 1;
      const line = trimChars(lines[i], ' \t\r\n');
      if (line === '') continue;
      const argv = line.split(' ');
      if (argv[0] !== 'user' || argv.length < 2) {
        errors += `${filename}:${lineNo} should start with user keyword followed by the username. `;
        continue;
      }
      const name = argv[1];
      if (hasSpaces(name)) {
        errors += `'${filename}:${lineNo}: username '${cstr(name)}' contains invalid characters. `;
        continue;
      }
      if (loaded.has(name)) {
        errors += `WARNING: Duplicate user '${cstr(name)}' found on line ${lineNo}. `;
        continue;
      }
      const u = new AclUser(name, pubsubAll);
      loaded.set(name, u);
      const merged = mergeSelectorArgs(argv.slice(2));
      if (!Array.isArray(merged)) {
        errors += `${filename}:${lineNo}: Unmatched parenthesis in selector definition.`;
        continue;
      }
      let syntaxError = false;
      for (const raw of merged) {
        const op = trimChars(raw, '\t\r\n');
        const err = u.apply(op, pubsubAll);
        if (err === null) continue;
        // Unknown commands are named; any other error only once, as it may explain the rest.
        if (err === 'ENOENT') {
          errors += `${filename}:${lineNo}: Error in applying operation '${cstr(op)}': ${ACL_RULE_ERRORS[err]}. `;
        } else if (!syntaxError) {
          errors += `${filename}:${lineNo}: ${ACL_RULE_ERRORS[err]}. `;
          syntaxError = true;
        }
      }
      u.refresh();
    }
    if (errors !== '') {
      return { errors: errors + 'WARNING: ACL errors detected, no change to the previously active ACL rules was performed' };
    }
    const dropped = [...this.users.values()].filter((u) => u !== this.defaultUser);
    this.defaultUser.copyFrom(loaded.get('default') ?? newDefaultUser());
    loaded.set('default', this.defaultUser);
    this.users.clear();
    for (const [name, u] of loaded) this.users.set(name, u);
    return { dropped };
  }

  /** ACLSaveToFile's content: one `user` line per user, in name order. */
  fileText(): string {
    let out = '';
    for (const u of this.sortedUsers()) out += `user ${u.name} ${u.describe()}\n`;
    return out;
  }

  get pubsubAll(): boolean {
    return this.config.get('acl-pubsub-default') === 'allchannels';
  }

  /** Sorted like Redis's rax (bytewise). */
  sortedUsers(): AclUser[] {
    return [...this.users.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The default user needs AUTH (Redis authRequired, before the client's own flag). */
  defaultNeedsAuth(): boolean {
    const d = this.defaultUser;
    return !d.nopass || !d.enabled;
  }

  /** ACLCheckUserCredentials. */
  checkCredentials(name: string, pass: string): AclUser | null {
    const u = this.users.get(name);
    if (!u || !u.enabled) return null;
    if (u.nopass) return u;
    return u.passwords.includes(hashPassword(pass)) ? u : null;
  }

  addLogEntry(c: Client, reason: number, context: string, object: string, username: string, cinfo: string): void {
    const now = dateNow();
    const entries = this.log;
    for (let i = 0; i < entries.length && i < 10; i++) {
      const e = entries[i];
      if (
        e.reason === reason &&
        e.context === context &&
        Math.abs(e.ctime - now) <= 60000 &&
        e.object === object &&
        e.username === username
      ) {
        entries.splice(i, 1);
        entries.unshift(e);
        e.cinfo = cinfo;
        e.ctime = now;
        e.count++;
        return;
      }
    }
    entries.unshift({ count: 1, reason, context, object, username, ctime: now, cinfo });
    const max = Number(this.config.get('acllog-max-len'));
    if (entries.length > max) entries.length = max;
    void c;
  }
}

/** The denial of a command for a client's user, or null when allowed. */
export function aclCheck(c: Client, cmd: Command, argv: string[]): { reason: number; pos: number } | null {
  const ac = BY_FULLNAME.get(cmd.name);
  if (!ac) return null;
  return c.aclUser.check(ac, argv);
}

/**
 * ACLUserCheckCmdWithUnrestrictedKeyAccess for reading: whether a selector that allows the
 * command may read every key (SORT's BY and GET patterns need it).
 */
export function aclCanReadAnyKey(c: Client, cmdName: string, argv: string[]): boolean {
  const u = c.aclUser;
  if (u.unrestricted) return true;
  const ac = BY_FULLNAME.get(cmdName);
  if (!ac) return true;
  let cache: KeyRef[] | null = null;
  const keys = (): KeyRef[] => (cache ??= commandKeys(ac, argv));
  for (const s of u.selectors) {
    if (s.check(ac, argv, keys, { idx: 0 }) !== ACL_OK) continue;
    if (s.allKeys || s.patterns.some((p) => p.pattern === '*' && (p.flags & PERM_READ) !== 0)) return true;
  }
  return false;
}

/** Same check for a command looked up in the ACL universe (ACL DRYRUN). */
export function aclCheckUser(u: AclUser, cmd: AclCommand, argv: string[]): { reason: number; pos: number } | null {
  return u.check(cmd, argv);
}

/**
 * addACLLogEntry for a denied command: the object is the command's full name, or the key
 * or channel at `pos`. A script's commands are logged with its caller's client info.
 */
export function aclLogDenial(c: Client, cmdName: string, argv: string[], denial: { reason: number; pos: number }, context: string): void {
  const object = denial.reason === ACL_DENIED_CMD ? cmdName : argv[denial.pos];
  const real = c.flags.has('script') && c.server.currentClient ? c.server.currentClient : c;
  c.server.acl.addLogEntry(c, denial.reason, context, object, c.user, clientInfoLine(real));
}

/** The NOPERM reply processCommand sends for a denial. */
/** Where a command was checked: the ACL LOG's context, and which of Redis's texts a denial gets. */
export type AclContext = 'toplevel' | 'multi' | 'lua' | 'exec';

/**
 * The one ACL gate for dispatch, EXEC and scripts: checks a command against the client's
 * user and, on denial, records it in the ACL LOG. Returns the denial reason, or null when
 * allowed (always for a user allowed everything, the default user normally).
 */
export function aclVerify(c: Client, cmd: Command, argv: string[], context: AclContext): number | null {
  if (c.aclUser.unrestricted) return null;
  const denial = aclCheck(c, cmd, argv);
  if (denial === null) return null;
  aclLogDenial(c, cmd.name, argv, denial, context === 'exec' ? 'multi' : context);
  return denial.reason;
}

/** The error a denied command gets, in the words Redis uses in each context. */
export function aclDenialText(reason: number, context: AclContext, cmdName: string): string {
  if (context === 'lua') {
    if (reason === ACL_DENIED_CMD) return ERR.userExecutingScript;
    if (reason === ACL_DENIED_KEY) return ERR.userExecutingScriptCant;
    if (reason === ACL_DENIED_CHANNEL) return ERR.userExecutingScriptCantPublish;
    return ERR.userExecutingScriptLacking;
  }
  if (context === 'exec') {
    const why =
      reason === ACL_DENIED_CMD ? 'no permission to execute the command or subcommand'
      : reason === ACL_DENIED_KEY ? 'no permission to touch the specified keys'
      : reason === ACL_DENIED_CHANNEL ? 'no permission to access one of the channels used as arguments'
      : 'no permission';
    return ERR.nopermAclsRulesChanged(why);
  }
  if (reason === ACL_DENIED_CMD) return ERR.nopermUserNoPermissions(cmdName);
  if (reason === ACL_DENIED_KEY) return ERR.nopermUserNoPermissionsAccess;
  if (reason === ACL_DENIED_CHANNEL) return ERR.nopermUserNoPermissionsAccessOne;
  return ERR.noPermission;
}
