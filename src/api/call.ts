import type { Client } from '../core/client.ts';
import type { Command } from '../core/types.ts';
import type { ServerState } from '../core/state.ts';
import { ValueWriter, type Reply } from '../resp/values.ts';

export type { CommandArg } from '../util/public-types.ts';
import type { CommandArg } from '../util/public-types.ts';

/** Characters beyond ASCII: such strings are UTF-8 encoded into bytes. */
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Runs commands in-process (RunningServer.call/callIn): one socketless client per
 * database, created on first use, whose replies a ValueWriter builds as JS values. The
 * client stays between calls, so MULTI/EXEC, WATCH, HELLO 3 and CLIENT TRACKING span calls
 * as they span a connection's commands; outside a transaction each call starts on its own
 * database again (a SELECT lasts one call).
 */
export class InProcessCaller {
  private readonly clients: (Client | undefined)[] = [];
  /** The batch list dispatch puts untimed `fast` commands in (see call()). */
  private readonly untimed: Command[] = [];

  constructor(
    private readonly server: ServerState,
    private readonly buffers: boolean,
  ) {}

  call(db: number, args: readonly CommandArg[]): Reply {
    const server = this.server;
    if (!Number.isInteger(db) || db < 0 || db >= server.dbs.length) {
      throw new RangeError(`database ${db} does not exist (the server has ${server.dbs.length})`);
    }
    if (args.length === 0) throw new TypeError('call() needs a command name');
    if (server.currentClient !== null) throw new Error('call() cannot run while another command executes');
    const argv: string[] = new Array(args.length);
    for (let i = 0; i < args.length; i++) argv[i] = toBytes(args[i]);
    const c = this.clients[db] ?? this.create(db);
    if (c.multi === null) c.db = server.dbs[db];
    const out = c.writer as ValueWriter;
    // Two clock reads would cost more than a whole GET: commands flagged `fast` run
    // untimed, as inside a network read batch, but their time is not shared out afterwards
    // (it would include the caller's own code between calls). Others are timed as usual.
    const { batchFast, batchTimedUsec, clockFresh } = server;
    server.batchFast = this.untimed;
    server.clockFresh = false;
    out.begin();
    try {
      server.execute(c, argv);
    } finally {
      c.closeAfterReply = false;
      if (this.untimed.length !== 0) {
        for (const cmd of this.untimed) cmd.stats.untimed = 0;
        this.untimed.length = 0;
      }
      server.batchFast = batchFast;
      server.batchTimedUsec = batchTimedUsec;
      server.clockFresh = clockFresh;
    }
    return out.end();
  }

  private create(db: number): Client {
    const c = this.server.createClient(null, new ValueWriter(this.buffers));
    // A test's own calls never wait: blocking commands answer at once, as inside MULTI.
    c.inExecOrScript = true;
    c.authenticated = true;
    c.db = this.server.dbs[db];
    this.clients[db] = c;
    return c;
  }
}

/** One argument as a byte string (the server's representation of binary data). */
function toBytes(a: CommandArg): string {
  if (typeof a === 'string') return NON_ASCII.test(a) ? Buffer.from(a, 'utf8').latin1Slice() : a;
  if (typeof a === 'number' || typeof a === 'bigint') return String(a);
  if (Buffer.isBuffer(a)) return a.latin1Slice();
  if (a instanceof Uint8Array) return Buffer.from(a.buffer, a.byteOffset, a.byteLength).latin1Slice();
  throw new TypeError(`a command argument must be a string, number, bigint or Buffer, not ${a === null ? 'null' : typeof a}`);
}
