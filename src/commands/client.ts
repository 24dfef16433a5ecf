import { ReplyError, ERR } from '../errors.ts';
import type { Client } from '../core/client.ts';
import type { ServerState } from '../core/state.ts';
import type { ReplySink } from '../resp/sink.ts';
import type { HandlerTable } from '../core/types.ts';
import { is } from './args.ts';
import { parseInt64 } from '../util/numbers.ts';
import { replyHelp } from './help.ts';
import { validateClientName } from './connection.ts';
import { ClientPause } from '../core/pause.ts';
import { clientInfoLine, clientType, clientTypeByName, type ClientType } from '../core/client-info.ts';
import { setImmediate } from '../util/clock.ts';

function clientsById(server: ServerState): Client[] {
  return [...server.clients.values()].sort((a, b) => a.id - b.id);
}

// CLIENT ID
function clientId(c: Client, _argv: string[], out: ReplySink): void {
  out.integer(c.id);
}

// CLIENT SETNAME name
function clientSetname(c: Client, argv: string[], out: ReplySink): void {
  validateClientName(argv[2]);
  c.name = argv[2];
  out.simple('OK');
}

// CLIENT GETNAME
function clientGetname(c: Client, _argv: string[], out: ReplySink): void {
  if (c.name === '') out.null();
  else out.bulk(c.name);
}

// CLIENT INFO
function clientInfo(c: Client, _argv: string[], out: ReplySink): void {
  c.lastCommand = 'client|info'; // Redis records the command before running it
  out.verbatim(clientInfoLine(c) + '\n');
}

// CLIENT LIST [TYPE type] [ID id ...]
function clientList(c: Client, argv: string[], out: ReplySink): void {
  c.lastCommand = 'client|list';
  const server = c.server;
  let list: Client[];
  if (argv.length === 4 && is(argv[2], 'type')) {
    const type = clientTypeByName(argv[3]);
    if (type === null) throw new ReplyError(ERR.unknownClientType(argv[3]));
    list = clientsById(server).filter((x) => clientType(x) === type);
  } else if (argv.length > 3 && is(argv[2], 'id')) {
    list = [];
    for (let j = 3; j < argv.length; j++) {
      const id = parseInt64(argv[j]);
      if (id === null) throw new ReplyError(ERR.invalidClientId);
      const cl = server.clients.get(Number(id));
      if (cl) list.push(cl);
    }
  } else if (argv.length !== 2) {
    throw new ReplyError(ERR.syntax);
  } else {
    list = clientsById(server);
  }
  let s = '';
  for (const cl of list) s += clientInfoLine(cl) + '\n';
  out.verbatim(s);
}

// CLIENT KILL addr | CLIENT KILL [ID id] [TYPE type] [ADDR addr] [LADDR addr] [USER user] [SKIPME yes|no]
// (MAXAGE came after 7.0: 7.0.15 answers it with a syntax error, and so do we.)
function clientKill(c: Client, argv: string[], out: ReplySink): void {
  const server = c.server;
  let addr: string | null = null;
  let laddr: string | null = null;
  let user: string | null = null;
  let type: ClientType | null = null;
  let id = 0;
  let skipme = true;
  if (argv.length === 3) {
    addr = argv[2];
    skipme = false;
  } else {
    for (let i = 2; i < argv.length; i += 2) {
      const more = argv.length > i + 1;
      const opt = argv[i];
      if (!more) throw new ReplyError(ERR.syntax);
      const val = argv[i + 1];
      if (is(opt, 'id')) {
        const n = parseInt64(val);
        if (n === null) throw new ReplyError(ERR.clientIdGreater);
        if (n < 1) throw new ReplyError(ERR.clientIdGreater);
        id = Number(n);
      } else if (is(opt, 'type')) {
        type = clientTypeByName(val);
        if (type === null) throw new ReplyError(ERR.unknownClientType(val));
      } else if (is(opt, 'addr')) {
        addr = val;
      } else if (is(opt, 'laddr')) {
        laddr = val;
      } else if (is(opt, 'user')) {
        if (val !== 'default') throw new ReplyError(ERR.noSuchUser(val));
        user = val;
      } else if (is(opt, 'skipme')) {
        if (is(val, 'yes')) skipme = true;
        else if (is(val, 'no')) skipme = false;
        else throw new ReplyError(ERR.syntax);
      } else {
        throw new ReplyError(ERR.syntax);
      }
    }
  }
  let killed = 0;
  let closeSelf = false;
  for (const cl of clientsById(server)) {
    if (addr !== null && cl.addr !== addr) continue;
    if (laddr !== null && cl.laddr !== laddr) continue;
    if (type !== null && clientType(cl) !== type) continue;
    if (id !== 0 && cl.id !== id) continue;
    if (user !== null && cl.user !== user) continue;
    if (cl === c && skipme) continue;
    if (cl === c) closeSelf = true;
    else server.killClient(cl);
    killed++;
  }
  if (argv.length === 3) {
    if (killed === 0) throw new ReplyError(ERR.noSuchClient);
    out.simple('OK');
  } else {
    out.integer(killed);
  }
  if (closeSelf) c.closeAfterReply = true;
}

// CLIENT REPLY ON|OFF|SKIP
function clientReply(c: Client, argv: string[], out: ReplySink): void {
  const mode = argv[2];
  if (is(mode, 'on')) {
    c.replyMode = 'on';
    c.writer.muted = false;
    out.simple('OK');
  } else if (is(mode, 'off')) {
    c.replyMode = 'off';
    c.writer.muted = true;
  } else if (is(mode, 'skip')) {
    if (c.replyMode !== 'off') {
      c.replyMode = 'skip';
      c.writer.muted = true;
    }
  } else {
    throw new ReplyError(ERR.syntax);
  }
}

// CLIENT NO-EVICT ON|OFF
function clientNoEvict(c: Client, argv: string[], out: ReplySink): void {
  if (is(argv[2], 'on')) c.noEvict = true;
  else if (is(argv[2], 'off')) c.noEvict = false;
  else throw new ReplyError(ERR.syntax);
  out.simple('OK');
}

// CLIENT PAUSE timeout [WRITE|ALL]
function clientPause(c: Client, argv: string[], out: ReplySink): void {
  let mode: 'write' | 'all' = 'all';
  if (argv.length === 4) {
    if (is(argv[3], 'write')) mode = 'write';
    else if (is(argv[3], 'all')) mode = 'all';
    else throw new ReplyError(ERR.clientPauseMode);
  } else if (argv.length !== 3) {
    throw new ReplyError(ERR.subcommandOrArityClient(argv[1]));
  }
  const t = parseInt64(argv[2]);
  if (t === null) throw new ReplyError(ERR.timeoutNotInteger);
  if (t < 0) throw new ReplyError(ERR.timeoutNegative);
  const end = c.server.clock.now() + Number(t);
  const server = c.server;
  if (server.clientPause === null) server.clientPause = new ClientPause(server, mode, end);
  else server.clientPause.update(mode, end);
  out.simple('OK');
}

// CLIENT UNPAUSE
function clientUnpause(c: Client, _argv: string[], out: ReplySink): void {
  const p = c.server.clientPause;
  out.simple('OK');
  if (p !== null) {
    c.server.clientPause = null;
    setImmediate(() => p.end());
  }
}

const HELP = [
  'CACHING (YES|NO)',
  '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
  'GETREDIR',
  '    Return the client ID we are redirecting to when tracking is enabled.',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    Report tracking status for the current connection.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
];

export const commands: HandlerTable = {
  'client|id': clientId,
  'client|setname': clientSetname,
  'client|getname': clientGetname,
  'client|info': clientInfo,
  'client|list': clientList,
  'client|kill': clientKill,
  'client|reply': clientReply,
  'client|no-evict': clientNoEvict,
  'client|pause': clientPause,
  'client|unpause': clientUnpause,
  'client|help': (_c, _argv, out) => replyHelp(out, 'CLIENT', HELP),
};
