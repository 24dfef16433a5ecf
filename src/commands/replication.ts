import { ReplyError, ERR, cstr } from '../errors.ts';
import type { Client } from '../core/client.ts';
import type { ReplySink } from '../resp/sink.ts';
import type { HandlerTable } from '../core/types.ts';
import { is } from './args.ts';
import { parseInt64 } from '../util/numbers.ts';

/**
 * Replication commands as a standalone master with no replicas answers them. redmoon does
 * not implement replication: it is always a master.
 */

function longArg(s: string): number {
  const n = parseInt64(s);
  if (n === null) throw new ReplyError(ERR.notInteger);
  return Number(n);
}

// REPLICAOF host port / SLAVEOF host port
//
// REPLICAOF NO ONE is what Redis answers a master: OK, nothing changes. Becoming a replica
// of another server is not supported; rather than replying OK like Redis and then silently
// staying a master (clients would believe they have a replica that never syncs), redmoon
// validates the arguments exactly as Redis does and then refuses with an explicit error.
function replicaof(_c: Client, argv: string[], out: ReplySink): void {
  if (is(argv[1], 'no') && is(argv[2], 'one')) {
    out.simple('OK');
    return;
  }
  const port = parseInt64(argv[2]);
  if (port === null || port < 0n || port > 65535n) throw new ReplyError(ERR.invalidMasterPort);
  throw new ReplyError(ERR.replicaofMasterNot);
}

// FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms]
function failover(_c: Client, argv: string[], out: ReplySink): void {
  if (argv.length === 2 && is(argv[1], 'abort')) throw new ReplyError(ERR.noFailoverProgress);
  let timeout = 0;
  let force = false;
  let host = false;
  for (let j = 1; j < argv.length; j++) {
    if (is(argv[j], 'timeout') && j + 1 < argv.length && timeout === 0) {
      timeout = longArg(argv[j + 1]);
      if (timeout <= 0) throw new ReplyError(ERR.failoverTimeoutGreater);
      j++;
    } else if (is(argv[j], 'to') && j + 2 < argv.length && !host) {
      longArg(argv[j + 2]);
      host = true;
      j += 2;
    } else if (is(argv[j], 'force') && !force) {
      force = true;
    } else {
      throw new ReplyError(ERR.syntax);
    }
  }
  void out;
  throw new ReplyError(ERR.failoverRequiresConnected);
}

// SYNC / PSYNC replid offset
// Redis would turn this connection into a replica and stream an RDB; redmoon cannot serve
// replicas, so the connection gets an error instead (the PSYNC FAILOVER check comes first,
// as in Redis).
function sync(_c: Client, argv: string[], _out: ReplySink): void {
  if (argv.length > 3 && is(argv[0], 'psync') && is(argv[3], 'failover')) {
    throw new ReplyError(ERR.psyncFailoverCant);
  }
  throw new ReplyError(ERR.syncPsyncNot);
}

// REPLCONF option value [option value ...]
function replconf(_c: Client, argv: string[], out: ReplySink): void {
  if (argv.length % 2 === 0) throw new ReplyError(ERR.syntax);
  for (let j = 1; j < argv.length; j += 2) {
    const opt = argv[j];
    const val = argv[j + 1];
    if (is(opt, 'listening-port')) {
      longArg(val);
    } else if (is(opt, 'ip-address')) {
      if (val.length >= 256) {
        throw new ReplyError(ERR.replconfIpAddress(val.length));
      }
    } else if (is(opt, 'capa')) {
      // eof / psync2 capabilities: nothing to remember without replication.
    } else if (is(opt, 'ack') || is(opt, 'getack')) {
      // Only meaningful on a replication link: Redis sends no reply at all here.
      return;
    } else if (is(opt, 'rdb-only')) {
      const n = longArg(val);
      if (n < 0 || n > 1) throw new ReplyError(ERR.valueOutOfRangeZeroToOne);
    } else if (is(opt, 'rdb-filter-only')) {
      for (const f of val.split(/[ \t\n\r\v\f]+/)) {
        if (f === '') continue;
        if (!is(f, 'functions')) throw new ReplyError(ERR.unsupportedRdbFilter(cstr(f)));
      }
    } else {
      throw new ReplyError(ERR.unrecognizedReplconfOption(cstr(opt)));
    }
  }
  out.simple('OK');
}

export const commands: HandlerTable = {
  replicaof,
  slaveof: replicaof,
  failover,
  sync,
  psync: sync,
  replconf,
};
