import { nodeCrypto } from '../util/lazy-node.ts';
import { ReplyError, ERR, cstr } from '../errors.ts';
import type { Client } from '../core/client.ts';
import type { ReplySink } from '../resp/sink.ts';
import type { HandlerTable } from '../core/types.ts';
import { is } from './args.ts';
import { parseInt64 } from '../util/numbers.ts';
import { replyHelp } from './help.ts';
import { loadAclFile, saveAclFile, requireAclFile } from './acl-file.ts';
import { globMatch } from '../util/glob.ts';
import { ACL_CATEGORIES } from '../core/meta.ts';
import { arityAccepts } from '../core/table.ts';
import {
  ACL_RULE_ERRORS,
  ACL_DENIED_CMD,
  ACL_DENIED_KEY,
  ACL_DENIED_CHANNEL,
  AclUser,
  aclLookupArgv,
  commandsInCategory,
  hasSpaces,
  mergeSelectorArgs,
  type Selector,
} from '../core/acl.ts';

function subcommandError(argv: string[]): ReplyError {
  return new ReplyError(
    ERR.subcommandOrArity(cstr(argv[1]).slice(0, 128), argv[0].toUpperCase()),
  );
}

/** getLongFromObjectOrReply. */
function longArg(s: string): number {
  const n = parseInt64(s);
  if (n === null) throw new ReplyError(ERR.notInteger);
  return Number(n);
}

// ACL SETUSER username [rule ...]
function setuser(c: Client, argv: string[], out: ReplySink): void {
  const acl = c.server.acl;
  const name = argv[2];
  if (hasSpaces(name)) throw new ReplyError(ERR.usernamesCantContain);
  const existing = acl.users.get(name) ?? null;
  const merged = mergeSelectorArgs(argv.slice(3));
  if (!Array.isArray(merged)) {
    throw new ReplyError(ERR.unmatchedParenthesisAcl(cstr(merged.unmatched)));
  }
  // Stage every rule on a copy: nothing changes unless all of them are valid.
  const pubsubAll = acl.pubsubAll;
  const temp = new AclUser(name, pubsubAll);
  if (existing) temp.copyFrom(existing);
  for (const op of merged) {
    const err = temp.apply(op, pubsubAll);
    if (err !== null) {
      throw new ReplyError(ERR.errorAclSetuser(cstr(op), ACL_RULE_ERRORS[err]));
    }
  }
  temp.refresh();
  let u = existing;
  if (u) killPubsubClientsIfNeeded(c, temp, u);
  else {
    u = new AclUser(name, pubsubAll);
    acl.users.set(name, u);
  }
  u.copyFrom(temp);
  out.simple('OK');
}

/** Channels a user may use, or null for all (any selector with allchannels). */
function channelList(u: AclUser): string[] | null {
  const list: string[] = [];
  for (const s of u.selectors) {
    if (s.allChannels) return null;
    list.push(...s.channels);
  }
  return list;
}

/**
 * ACLKillPubsubClientsIfNeeded: subscribers of a user whose channel permissions shrank
 * are disconnected when a subscription is no longer allowed.
 */
function killPubsubClientsIfNeeded(c: Client, next: AclUser, original: AclUser): void {
  const upcoming = channelList(next);
  if (upcoming === null) return;
  let superset = true;
  for (const s of original.selectors) {
    if (s.allChannels || s.channels.some((ch) => !upcoming.includes(ch))) {
      superset = false;
      break;
    }
  }
  if (superset) return;
  const server = c.server;
  const matches = (ch: string, pattern: boolean): boolean =>
    upcoming.some((p) => (pattern ? p === ch : globMatchLazy(p, ch)));
  for (const cl of [...server.clients.values()]) {
    if (cl.aclUser !== original || cl.subscriptionCount === 0) continue;
    let kill = false;
    for (const p of cl.patterns) if (!matches(p, true)) kill = true;
    for (const ch of cl.channels) if (!kill && !matches(ch, false)) kill = true;
    for (const ch of cl.shardChannels) if (!kill && !matches(ch, false)) kill = true;
    if (!kill) continue;
    if (cl === c) cl.closeAfterReply = true;
    else server.killClient(cl);
  }
}

function globMatchLazy(p: string, s: string): boolean {
  return globMatch(p, s, false);
}

// ACL DELUSER username [username ...]
function deluser(c: Client, argv: string[], out: ReplySink): void {
  const acl = c.server.acl;
  for (let j = 2; j < argv.length; j++) {
    if (argv[j] === 'default') throw new ReplyError(ERR.defaultUserCannot);
  }
  let deleted = 0;
  for (let j = 2; j < argv.length; j++) {
    const u = acl.users.get(argv[j]);
    if (!u) continue;
    acl.users.delete(argv[j]);
    deleted++;
    // Connections authenticated as the user are closed (after this reply, for the caller).
    for (const cl of [...c.server.clients.values()]) {
      if (cl.aclUser !== u) continue;
      cl.aclUser = acl.defaultUser;
      cl.authenticated = false;
      if (cl === c) cl.closeAfterReply = true;
      else c.server.killClient(cl);
    }
    if (c.aclUser === u) {
      c.aclUser = acl.defaultUser;
      c.authenticated = false;
      c.closeAfterReply = true;
    }
  }
  out.integer(deleted);
}

function replySelector(out: ReplySink, s: Selector): void {
  out.bulk('commands');
  out.bulk(s.describeCommands());
  out.bulk('keys');
  out.bulk(s.describeKeys());
  out.bulk('channels');
  out.bulk(s.describeChannels());
}

// ACL GETUSER username
function getuser(c: Client, argv: string[], out: ReplySink): void {
  const u = c.server.acl.users.get(argv[2]);
  if (!u) {
    out.null();
    return;
  }
  out.map(6);
  out.bulk('flags');
  const flags = u.flagNames();
  out.set(flags.length);
  for (const f of flags) out.bulk(f);
  out.bulk('passwords');
  out.array(u.passwords.length);
  for (const p of u.passwords) out.bulk(p);
  replySelector(out, u.root);
  out.bulk('selectors');
  out.array(u.selectors.length - 1);
  for (const s of u.selectors.slice(1)) {
    out.map(3);
    replySelector(out, s);
  }
}

// ACL LIST
function list(c: Client, _argv: string[], out: ReplySink): void {
  const users = c.server.acl.sortedUsers();
  out.array(users.length);
  for (const u of users) out.bulk(`user ${u.name} ${u.describe()}`);
}

// ACL USERS
function users(c: Client, _argv: string[], out: ReplySink): void {
  const all = c.server.acl.sortedUsers();
  out.array(all.length);
  for (const u of all) out.bulk(u.name);
}

// ACL WHOAMI
function whoami(c: Client, _argv: string[], out: ReplySink): void {
  out.bulk(c.user);
}

// ACL LOAD
function load(c: Client, _argv: string[], out: ReplySink): void {
  requireAclFile(c.server);
  const errors = loadAclFile(c.server);
  if (errors !== null) throw new ReplyError(`ERR ${errors}`);
  out.simple('OK');
}

// ACL SAVE
function save(c: Client, _argv: string[], out: ReplySink): void {
  requireAclFile(c.server);
  if (!saveAclFile(c.server)) throw new ReplyError(ERR.aclSaveFailed);
  out.simple('OK');
}

// ACL CAT [category]
function cat(_c: Client, argv: string[], out: ReplySink): void {
  if (argv.length === 2) {
    out.array(ACL_CATEGORIES.length);
    for (const k of ACL_CATEGORIES) out.bulk(k);
    return;
  }
  if (argv.length !== 3) throw subcommandError(argv);
  const name = argv[2].replace(/[A-Z]+/g, (m) => m.toLowerCase());
  if (!(ACL_CATEGORIES as readonly string[]).includes(cstr(name)) || name.includes('\0')) {
    throw new ReplyError(ERR.unknownCategory(cstr(argv[2]).slice(0, 128)));
  }
  const names = commandsInCategory(name);
  out.array(names.length);
  for (const n of names) out.bulk(n);
}

// ACL GENPASS [bits]
function genpass(_c: Client, argv: string[], out: ReplySink): void {
  if (argv.length > 3) throw subcommandError(argv);
  const bits = argv.length === 3 ? longArg(argv[2]) : 256;
  if (bits <= 0 || bits > 4096) {
    throw new ReplyError(ERR.aclGenpassArgument);
  }
  const chars = Math.floor((bits + 3) / 4);
  out.bulk(nodeCrypto().randomBytes(Math.ceil(chars / 2)).toString('hex').slice(0, chars));
}

const REASONS: Record<number, string> = { 1: 'command', 2: 'key', 3: 'auth', 4: 'channel' };

// ACL LOG [count | RESET]
function log(c: Client, argv: string[], out: ReplySink): void {
  if (argv.length > 3) throw subcommandError(argv);
  const acl = c.server.acl;
  let count = 10;
  if (argv.length === 3) {
    if (is(argv[2], 'reset')) {
      acl.log = [];
      out.simple('OK');
      return;
    }
    count = longArg(argv[2]);
    if (count < 0) count = 0;
  }
  const entries = acl.log.slice(0, count);
  const now = c.server.clock.now();
  out.array(entries.length);
  for (const e of entries) {
    out.map(7);
    out.bulk('count');
    out.integer(e.count);
    out.bulk('reason');
    out.bulk(REASONS[e.reason] ?? 'unknown');
    out.bulk('context');
    out.bulk(e.context);
    out.bulk('object');
    out.bulk(e.object);
    out.bulk('username');
    out.bulk(e.username);
    out.bulk('age-seconds');
    out.double((now - e.ctime) / 1000);
    out.bulk('client-info');
    out.bulk(e.cinfo);
  }
}

// ACL DRYRUN username command [arg ...]
function dryrun(c: Client, argv: string[], out: ReplySink): void {
  const u = c.server.acl.users.get(argv[2]);
  if (!u) throw new ReplyError(ERR.userNotFound(cstr(argv[2])));
  const args = argv.slice(3);
  const cmd = aclLookupArgv(args);
  if (!cmd) throw new ReplyError(ERR.commandNotFound(cstr(argv[3])));
  if (!arityAccepts(cmd, args.length)) {
    throw new ReplyError(ERR.wrongArgs(cmd.name));
  }
  const denial = u.check(cmd, args);
  if (denial === null) {
    out.simple('OK');
    return;
  }
  if (denial.reason === ACL_DENIED_CMD) out.bulk(`This user has no permissions to run the '${cmd.name}' command`);
  else if (denial.reason === ACL_DENIED_KEY) out.bulk(`This user has no permissions to access the '${cstr(args[denial.pos])}' key`);
  else if (denial.reason === ACL_DENIED_CHANNEL) out.bulk(`This user has no permissions to access the '${cstr(args[denial.pos])}' channel`);
}

const HELP = [
  'CAT [<category>]',
  '    List all commands that belong to <category>, or all command categories',
  '    when no category is specified.',
  'DELUSER <username> [<username> ...]',
  '    Delete a list of users.',
  'DRYRUN <username> <command> [<arg> ...]',
  '    Returns whether the user can execute the given command without executing the command.',
  'GETUSER <username>',
  "    Get the user's details.",
  'GENPASS [<bits>]',
  '    Generate a secure 256-bit user password. The optional `bits` argument can',
  '    be used to specify a different size.',
  'LIST',
  '    Show users details in config file format.',
  'LOAD',
  '    Reload users from the ACL file.',
  'LOG [<count> | RESET]',
  '    Show the ACL log entries.',
  'SAVE',
  '    Save the current config to the ACL file.',
  'SETUSER <username> <attribute> [<attribute> ...]',
  '    Create or modify a user with the specified attributes.',
  'USERS',
  '    List all the registered usernames.',
  'WHOAMI',
  '    Return the current connection username.',
];

export const commands: HandlerTable = {
  'acl|setuser': setuser,
  'acl|deluser': deluser,
  'acl|getuser': getuser,
  'acl|list': list,
  'acl|users': users,
  'acl|whoami': whoami,
  'acl|load': load,
  'acl|save': save,
  'acl|cat': cat,
  'acl|genpass': genpass,
  'acl|log': log,
  'acl|dryrun': dryrun,
  'acl|help': (_c, _argv, out) => replyHelp(out, 'ACL', HELP),
};
