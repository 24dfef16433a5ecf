import type net from 'node:net';
import { QueryBuffer, ReplyBuffer } from './querybuf.ts';
import { RespWriter } from '../resp/writer.ts';
import type { ClientOutput, ReplySink } from '../resp/sink.ts';
import type { Database } from '../keyspace/db.ts';
import type { ServerState } from './state.ts';
import type { Command } from './types.ts';
import type { RequestParser } from '../resp/parser.ts';
import type { AclUser } from './acl.ts';
import type { TrackingState } from './tracking.ts';

/** A command queued between MULTI and EXEC. */
export interface QueuedCommand {
  cmd: Command;
  argv: string[];
}

/** What a blocked client waits for; the blocking layer owns the details. */
export interface BlockState {
  /** Called when the client is unblocked without being served (timeout, CLIENT UNBLOCK, kill). */
  cancel(reason: 'timeout' | 'error' | 'disconnect'): void;
}

/**
 * Per-connection state: selected db, protocol version, name, auth, MULTI queue,
 * subscriptions, blocking. Script and internal clients have no socket.
 */
export class Client {
  readonly id: number;
  /** Where replies go: RESP bytes for a socket, or decoded values for an in-process caller. */
  readonly writer: ClientOutput;
  db: Database;
  name = '';
  libName = '';
  libVer = '';
  /** Authenticated explicitly, or connected while the default user needs no password. */
  authenticated: boolean;
  /** The ACL user (src/acl.ts): the default user until AUTH/HELLO. */
  aclUser: AclUser;
  readonly createdAt: number;
  lastInteraction: number;
  /** Lowercase full name of the last command run (CLIENT LIST `cmd=`). */
  lastCommand = 'NULL';

  /** Queued commands while in MULTI, or null outside a transaction. */
  multi: QueuedCommand[] | null = null;
  /** The bytes of the queued commands' arguments (multi-mem). */
  multiArgvBytes = 0;
  /** A queue-time error happened: EXEC must answer EXECABORT. */
  multiDirty = false;
  /** A watched key was modified: EXEC must fail with a null reply. */
  watchDirty = false;
  /** Keys watched, as `${dbIndex}\0${key}` strings (the registry lives in the server). */
  readonly watched = new Set<string>();
  /** Watched keys that were already logically expired when WATCHed (Redis wk->expired). */
  watchExpired: Set<string> | null = null;
  /** True while commands run from EXEC or a script: blocking commands must not block. */
  inExecOrScript = false;
  /**
   * A script it runs may give the event loop turns past busy-reply-threshold although it has
   * no connection: the AOF loader's client, whose loading waits for the script to end.
   */
  scriptMayYield = false;
  /**
   * Propagation of the running command (Redis rewriteClientCommandVector and the
   * CLIENT_PREVENT_PROP / CLIENT_FORCE_AOF flags): the argv to log instead of the one
   * received, whether to log nothing of it (its effects were recorded one by one), and
   * whether to log it even though it changed nothing. call() resets them around each command.
   */
  propArgv: string[] | null = null;
  preventProp = false;
  forceProp = false;

  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shardChannels = new Set<string>();

  /** Non-null while blocked (BLPOP...) or waiting for a yielded script: input is not read. */
  blocked: BlockState | null = null;
  /** CLIENT REPLY mode. */
  replyMode: 'on' | 'off' | 'skip' = 'on';
  /** Set by QUIT and protocol errors: close once the pending output is written. */
  closeAfterReply = false;
  /** When (unix seconds) its output first passed the soft output buffer limit; 0 when under. */
  obufSoftSince = 0;
  /** Its output is queued for the server's end-of-turn write. */
  flushQueued = false;
  /** Input read in this turn waits for the server's end of turn to run. */
  inputQueued = false;
  /** Injected delays holding its output back (see Faults); 0 = none. */
  outputHeld = 0;
  monitor = false;
  noEvict = false;
  readonly flags = new Set<string>();
  /** The request parser of a network client. */
  parser: RequestParser | null = null;
  /**
   * When set, the connection's bytes go here instead of the request parser: a Lua
   * debugging session reads the client's debugger commands itself, as Redis's ldbRepl does.
   */
  rawInput: ((chunk: Buffer) => void) | null = null;
  /** Redis's query buffer figures for CLIENT LIST (qbuf, qbuf-free). */
  readonly qb = new QueryBuffer();
  /** The arguments of the command running (or blocked), for argv-mem; null between commands. */
  argv: string[] | null = null;
  /** Redis's reply buffer figures for CLIENT LIST (rbs, rbp). */
  readonly rb = new ReplyBuffer();
  /**
   * Closed for its output buffer or evicted, as Redis's CLIENT_CLOSE_ASAP: nothing more is
   * read or written, long replies stop where they are, and the connection goes at the end
   * of this turn.
   */
  closeAsap = false;
  /** The memory last counted for it in the server's client total (client eviction, used_memory). */
  memCounted = 0;
  /** Its client-eviction bucket (log2 of its memory), and when it entered it (eviction order). */
  memBucket = -1;
  memBucketSeq = 0;
  /** Client tracking state; owned by the tracking layer. */
  tracking: TrackingState | null = null;

  constructor(
    readonly server: ServerState,
    readonly sock: net.Socket | null,
    id: number,
    writer: ClientOutput = new RespWriter(),
  ) {
    this.id = id;
    this.writer = writer;
    this.createdAt = this.lastInteraction = server.clock.now();
    this.db = server.dbs[0];
    this.aclUser = server.acl.defaultUser;
    this.authenticated = !server.requiresAuth();
  }

  /** The ACL user's name; assigning a name switches to that user (if it exists). */
  get user(): string {
    return this.aclUser.name;
  }

  set user(name: string) {
    const u = this.server.acl.users.get(name);
    if (u) this.aclUser = u;
  }

  /** argv-mem: the bytes of the arguments of the command running (or blocked). */
  get argvMem(): number {
    const argv = this.argv;
    let n = 0;
    if (argv !== null) for (const a of argv) n += a.length;
    return n;
  }

  get dbIndex(): number {
    return this.db.id;
  }

  get resp(): 2 | 3 {
    return this.writer.resp;
  }

  set resp(v: 2 | 3) {
    this.writer.resp = v;
  }

  /** The sink replies for this client go to. */
  get out(): ReplySink {
    return this.writer;
  }

  get subscriptionCount(): number {
    return this.channels.size + this.patterns.size + this.shardChannels.size;
  }

  /** RESP2 subscribed mode restricts which commands may run. */
  get inPubSubMode(): boolean {
    return this.subscriptionCount > 0;
  }

  get addr(): string {
    const s = this.sock;
    if (!s) return '';
    if (s.remoteAddress === undefined) return `${this.server.config.get('unixsocket')}:0`;
    return formatAddr(s.remoteAddress, s.remotePort);
  }

  get laddr(): string {
    const s = this.sock;
    if (!s) return '';
    if (s.localAddress === undefined) return `${this.server.config.get('unixsocket')}:0`;
    return formatAddr(s.localAddress, s.localPort);
  }

  /** Output not yet sent: replies not handed to the socket plus what the socket holds. */
  get outputBytes(): number {
    return this.writer.pendingBytes + (this.sock !== null ? this.sock.writableLength : 0);
  }

  /** Writes pending output to the socket now (or soon, from async paths). */
  flush(): void {
    this.server.flushClient(this);
  }
}

function formatAddr(host: string | undefined, port: number | undefined): string {
  if (host === undefined) return '/unix:0';
  const h = host.startsWith('::ffff:') ? host.slice(7) : host;
  return h.includes(':') ? `[${h}]:${port ?? 0}` : `${h}:${port ?? 0}`;
}
