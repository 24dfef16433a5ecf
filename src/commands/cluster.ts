import net from 'node:net';
import { COMMAND_META } from '../core/meta.ts';
import { ReplyError, ERR } from '../errors.ts';
import type { Client, BlockState } from '../core/client.ts';
import type { ReplySink } from '../resp/sink.ts';
import type { Handler, HandlerTable } from '../core/types.ts';
import { is } from './args.ts';
import { parseInt64 } from '../util/numbers.ts';
import { commands as keys } from './keys.ts';
import { clearTimeout, setTimeout } from '../util/clock.ts';

/** What a standalone (cluster-enabled no) Redis answers every cluster command with. */
const DISABLED = ERR.instanceClusterSupport;
const disabled: Handler = () => {
  throw new ReplyError(DISABLED);
};

function longArg(s: string): number {
  const n = parseInt64(s);
  if (n === null) throw new ReplyError(ERR.notInteger);
  return Number(n);
}

/** RESP encoding of a command (what MIGRATE sends to the target). */
function encode(args: string[]): Buffer {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${a.length}\r\n${a}\r\n`;
  return Buffer.from(s, 'latin1');
}

/** A sink that keeps the bulk DUMP writes (used to serialize keys for MIGRATE). */
function captureBulk(): { sink: ReplySink; value: () => string | null } {
  let v: string | null = null;
  const sink = new Proxy(
    {},
    {
      get: (_t, p) => (p === 'bulk' ? (s: string) => (v = s) : () => {}),
    },
  ) as unknown as ReplySink;
  return { sink, value: () => v };
}

// MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password |
//   AUTH2 username password] [KEYS key [key ...]]
//
// The keys are serialized with DUMP and sent as RESTORE commands over a fresh connection
// (Redis caches connections; that is invisible to clients). The client waits, like a
// blocked client, until the target answered or the timeout passed.
function migrate(c: Client, argv: string[], out: ReplySink): void {
  let copy = false;
  let replace = false;
  let username: string | null = null;
  let password: string | null = null;
  let firstKey = 3;
  let numKeys = 1;
  for (let j = 6; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (is(argv[j], 'copy')) copy = true;
    else if (is(argv[j], 'replace')) replace = true;
    else if (is(argv[j], 'auth')) {
      if (!more) throw new ReplyError(ERR.syntax);
      password = argv[++j];
    } else if (is(argv[j], 'auth2')) {
      if (more < 2) throw new ReplyError(ERR.syntax);
      username = argv[++j];
      password = argv[++j];
    } else if (is(argv[j], 'keys')) {
      if (argv[3].length !== 0) {
        throw new ReplyError(ERR.whenUsingMigrate);
      }
      firstKey = j + 1;
      numKeys = argv.length - j - 1;
      break;
    } else {
      throw new ReplyError(ERR.syntax);
    }
  }
  let timeout = longArg(argv[5]);
  const dbid = longArg(argv[4]);
  if (timeout <= 0) timeout = 1000;
  const found: { key: string; payload: string; ttl: number }[] = [];
  const db = c.db;
  for (let j = 0; j < numKeys; j++) {
    const key = argv[firstKey + j];
    if (db.get(key) === undefined) continue;
    const cap = captureBulk();
    (keys.dump as Handler)(c, ['dump', key], cap.sink);
    const payload = cap.value();
    if (payload === null) continue;
    const when = db.getExpire(key);
    let ttl = 0;
    if (when !== undefined && when !== null && when >= 0) ttl = Math.max(1, when - c.server.clock.now());
    found.push({ key, payload, ttl });
  }
  if (found.length === 0) {
    out.simple('NOKEY');
    return;
  }
  if (c.sock === null || c.inExecOrScript || out !== c.writer) {
    // Without a connection to wait on (scripts, EXEC), the transfer cannot be awaited.
    throw new ReplyError(ERR.ioerrErrorTimeoutWriting);
  }
  const host = argv[1];
  const port = Number(parseInt64(argv[2]) ?? 0n);
  const cmds: Buffer[] = [encode(['SELECT', String(dbid)])];
  if (password !== null) cmds.push(encode(username !== null ? ['AUTH', username, password] : ['AUTH', password]));
  for (const f of found) {
    const a = ['RESTORE', f.key, String(f.ttl), f.payload];
    if (replace) a.push('REPLACE');
    cmds.push(encode(a));
  }
  const expected = cmds.length;
  const server = c.server;
  let done = false;
  let cancelled = false;
  const sock = new net.Socket();
  const finish = (reply: (o: ReplySink) => void): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    sock.destroy();
    if (cancelled) return;
    c.blocked = null;
    reply(c.writer);
    server.afterServed(c);
  };
  const block: BlockState = {
    cancel: () => {
      cancelled = true;
      finish(() => {});
    },
  };
  c.blocked = block;
  let connected = false;
  const timer = setTimeout(
    () =>
      finish((o) =>
        o.error(connected ? ERR.ioerrErrorTimeoutReading : ERR.ioerrErrorTimeoutConnecting),
      ),
    timeout,
  );
  let buf = '';
  const lines: string[] = [];
  sock.on('error', () => finish((o) => o.error(ERR.ioerrErrorTimeoutWriting)));
  sock.on('close', () => finish((o) => o.error(ERR.ioerrErrorTimeoutReading)));
  sock.on('data', (chunk: Buffer) => {
    buf += chunk.latin1Slice();
    let nl: number;
    while ((nl = buf.indexOf('\r\n')) >= 0) {
      lines.push(buf.slice(0, nl));
      buf = buf.slice(nl + 2);
    }
    if (lines.length < expected) return;
    finish((o) => {
      // SELECT / AUTH failures are reported first; then the first RESTORE error, if any.
      const pre = password !== null ? 2 : 1;
      for (let i = 0; i < pre; i++) {
        if (lines[i][0] === '-') {
          o.error(ERR.targetInstanceReplied(lines[i].slice(1)));
          return;
        }
      }
      let error: string | null = null;
      for (let i = 0; i < found.length; i++) {
        const l = lines[pre + i];
        if (l[0] === '-') {
          error ??= ERR.targetInstanceReplied(l.slice(1));
        } else if (!copy) {
          if (db.delete(found[i].key)) {
            server.notifier.notify('g', 'del', found[i].key, db.id);
            server.dirty++;
          }
        }
      }
      if (error !== null) o.error(error);
      else o.simple('OK');
    });
  });
  sock.connect(port, host, () => {
    connected = true;
    sock.write(Buffer.concat(cmds));
  });
}

/** Every CLUSTER subcommand Redis 7.0.15 has (so unknown ones get Redis's error). */
const clusterSubs: HandlerTable = {};
for (const info of COMMAND_META.cluster.info[9] as unknown[][]) {
  clusterSubs[info[0] as string] = disabled;
}

export const commands: HandlerTable = {
  ...clusterSubs,
  readonly: disabled,
  readwrite: disabled,
  asking: disabled,
  migrate,
  'restore-asking': keys.restore as Handler,
};
