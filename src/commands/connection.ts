import { ReplyError, ERR } from '../errors.ts';
import type { Client } from '../core/client.ts';
import type { ReplySink } from '../resp/sink.ts';
import type { HandlerTable } from '../core/types.ts';
import { is } from './args.ts';
import { parseIntArg } from '../util/numbers.ts';
import { ACL_DENIED_AUTH } from '../core/acl.ts';
import { clientInfoLine } from '../core/client-info.ts';

// PING [message]
function ping(c: Client, argv: string[], out: ReplySink): void {
  if (argv.length > 2) throw new ReplyError(ERR.wrongArgs('ping'));
  if (c.resp === 2 && c.inPubSubMode) {
    out.array(2);
    out.bulk('pong');
    out.bulk(argv.length === 2 ? argv[1] : '');
    return;
  }
  if (argv.length === 2) out.bulk(argv[1]);
  else out.simple('PONG');
}

// ECHO message
function echo(_c: Client, argv: string[], out: ReplySink): void {
  out.bulk(argv[1]);
}

// QUIT
function quit(c: Client, _argv: string[], out: ReplySink): void {
  out.simple('OK');
  c.closeAfterReply = true;
}

// SELECT index
function select(c: Client, argv: string[], out: ReplySink): void {
  const idx = parseIntArg(argv[1]);
  if (idx === null) throw new ReplyError(ERR.notInteger);
  if (idx < 0 || idx >= c.server.dbs.length) throw new ReplyError(ERR.dbIndex);
  c.db = c.server.dbs[idx];
  out.simple('OK');
}

/**
 * ACLAuthenticateUser: on success the client runs as that user; a failure is logged in
 * the ACL LOG (object: the command name as sent).
 */
function authenticate(c: Client, user: string, pass: string, argv0: string): boolean {
  const u = c.server.acl.checkCredentials(user, pass);
  if (u !== null) {
    c.authenticated = true;
    c.aclUser = u;
    return true;
  }
  c.server.acl.addLogEntry(c, ACL_DENIED_AUTH, c.multi !== null ? 'multi' : 'toplevel', argv0, user, clientInfoLine(c));
  return false;
}

// AUTH [username] password
function auth(c: Client, argv: string[], out: ReplySink): void {
  if (argv.length > 3) throw new ReplyError(ERR.syntax);
  if (argv.length === 2 && c.server.acl.defaultUser.nopass) {
    throw new ReplyError(
      ERR.authPasswordCalled,
    );
  }
  const user = argv.length === 3 ? argv[1] : 'default';
  const pass = argv.length === 3 ? argv[2] : argv[1];
  if (!authenticate(c, user, pass, argv[0])) throw new ReplyError(ERR.wrongPass);
  out.simple('OK');
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]
function hello(c: Client, argv: string[], out: ReplySink): void {
  let ver: number = c.resp;
  let i = 1;
  if (argv.length >= 2) {
    const v = parseIntArg(argv[1]);
    if (v === null) throw new ReplyError(ERR.protocolVersionNot);
    if (v < 2 || v > 3) throw new ReplyError(ERR.noprotoUnsupportedProtocolVersion);
    ver = v;
    i = 2;
  }
  // Options take effect in order, as in Redis: AUTH before a bad SETNAME still logs in.
  let setName: string | null = null;
  for (; i < argv.length; i++) {
    const more = argv.length - i - 1;
    if (is(argv[i], 'auth') && more >= 2) {
      if (!authenticate(c, argv[i + 1], argv[i + 2], argv[0])) throw new ReplyError(ERR.wrongPass);
      i += 2;
    } else if (is(argv[i], 'setname') && more >= 1) {
      validateClientName(argv[i + 1]);
      c.name = argv[i + 1];
      setName = argv[i + 1];
      i += 1;
    } else {
      throw new ReplyError(ERR.syntaxErrorHello(argv[i]));
    }
  }
  if (!c.authenticated && c.server.requiresAuth()) {
    throw new ReplyError(ERR.helloNoAuth);
  }
  void setName;
  c.resp = ver as 2 | 3;
  out.map(7);
  out.bulk('server');
  out.bulk('redis');
  out.bulk('version');
  out.bulk('7.0.15');
  out.bulk('proto');
  out.integer(ver);
  out.bulk('id');
  out.integer(c.id);
  out.bulk('mode');
  out.bulk('standalone');
  out.bulk('role');
  out.bulk('master');
  out.bulk('modules');
  out.array(0);
}

/** CLIENT SETNAME / HELLO SETNAME rule: no spaces, newlines or special characters. */
export function validateClientName(name: string): void {
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch < 33 || ch > 126) {
      throw new ReplyError(ERR.clientNamesCannot);
    }
  }
}

// RESET
function reset(c: Client, _argv: string[], out: ReplySink): void {
  const server = c.server;
  c.multi = null;
  c.multiDirty = false;
  server.unwatchAll(c);
  server.pubsub.removeClient(c);
  server.monitors.delete(c);
  c.monitor = false;
  c.db = server.dbs[0];
  c.resp = 2;
  c.name = '';
  c.replyMode = 'on';
  c.writer.muted = false;
  c.noEvict = false;
  server.tracking.disable(c);
  c.aclUser = server.acl.defaultUser;
  c.authenticated = !server.requiresAuth();
  out.simple('RESET');
}

export const commands: HandlerTable = {
  ping,
  echo,
  quit,
  select,
  auth,
  hello,
  reset,
};
