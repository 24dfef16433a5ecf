import { Aof } from '../persistence/aof.ts';
import { ReplyError, ERR, cstr } from '../errors.ts';
import type { Client } from '../core/client.ts';
import type { ReplySink } from '../resp/sink.ts';
import type { HandlerTable } from '../core/types.ts';
import { is } from './args.ts';
import { parseInt64 } from '../util/numbers.ts';
import { parseMemory, rewriteConfig } from './config.ts';
import { replyHelp } from './help.ts';
import { encodingOf, idleSeconds } from './keys.ts';
import { datasetDigest, valueDigest } from '../keyspace/digest.ts';
import { DictShape, dictStats } from '../keyspace/dict-shape.ts';
import { SetValue } from '../keyspace/set.ts';
import { HashValue } from '../keyspace/hash.ts';
import { ZSet } from '../keyspace/zset.ts';
import { Persistence } from '../persistence/persistence.ts';
import { PEAK_RESET_MS } from '../core/querybuf.ts';
import { canReplyLater, replyLater } from './reply-later.ts';

/** strtod-like leniency of DEBUG SLEEP: leading number, junk ignored, 0 when none. */
function lenientFloat(s: string): number {
  const m = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(s);
  return m ? Number(m[0]) : 0;
}

/** Blocks the whole server, like Redis's DEBUG SLEEP (the event loop stops too). */
function sleepMs(ms: number): void {
  if (ms <= 0) return;
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Redis DEBUG subcommands redmoon has no equivalent for (crashes, allocator, encodings). */
const UNSUPPORTED = new Set([
  'segfault', 'panic', 'restart', 'crash-and-recover', 'oom', 'assert', 'leak', 'drop-cluster-packet-filter',
  'sdslen', 'listpack', 'quicklist', 'replicate', 'structsize', 'stringmatch-test',
  'client-eviction', 'mallctl', 'mallctl-str', 'clusterlink',
]);

/** getPositiveLongFromObjectOrReply */
function positiveLong(s: string): number {
  const v = parseInt64(s);
  if (v === null || v < 0) throw new ReplyError(ERR.valueOutRange);
  return Number(v);
}

function subcommandError(sub: string): ReplyError {
  return new ReplyError(ERR.subcommandOrArityDebug(sub.slice(0, 128)));
}

function debugObject(c: Client, key: string, out: ReplySink): void {
  const db = c.db;
  // straight from the dict, as Redis: a logically expired key is still there to inspect
  const v = db.valueAt(key);
  if (v === undefined) throw new ReplyError(ERR.noSuchKey);
  const encoding = encodingOf(db, key, v);
  let len: number;
  if (typeof v === 'string') {
    len = v.length;
  } else {
    len = v.size;
  }
  const idle = idleSeconds(db, key);
  out.simple(
    `Value at:0x7f0000000000 refcount:1 encoding:${encoding} serializedlength:${len + 1} lru:${db.lastAccess(key)} lru_seconds_idle:${idle}`,
  );
}

/**
 * DEBUG HTSTATS <dbid>: the main and expires tables of a database. The main table's shape
 * follows Redis's resizing rules (keyspace/dict-shape.ts); the expires table is taken at
 * its natural size.
 */
function debugHtstats(c: Client, arg: string, out: ReplySink): void {
  const v = parseInt64(arg);
  if (v === null) throw new ReplyError(ERR.notInteger);
  const dbs = c.server.dbs;
  const id = Number(v);
  if (id < 0 || id >= dbs.length) throw new ReplyError(ERR.outOfRangeDatabase);
  const db = dbs[id];
  out.verbatim(
    '[Dictionary HT]\n' + dictStats(db.keysShape, db.data.keys()) + '[Expires HT]\n' + dictStats(new DictShape(db.expires.size), db.expires.keys()),
  );
}

/**
 * DEBUG HTSTATS-KEY: the hash table behind a value, in Redis's words. A set's is modeled
 * with its resizes and rehashing (keyspace/dict-shape.ts); a hash's or sorted set's is taken
 * at its natural size, its entries placed by the same hash.
 */
function debugHtstatsKey(c: Client, key: string, out: ReplySink): void {
  const v = c.db.peek(key);
  if (v === undefined) throw new ReplyError(ERR.noSuchKey);
  const enc = encodingOf(c.db, key, v);
  if ((enc !== 'hashtable' && enc !== 'skiplist') || typeof v === 'string') {
    throw new ReplyError(ERR.valueStoredSpecified);
  }
  let text: string;
  if (v instanceof SetValue) text = v.htStats();
  else if (v instanceof HashValue) text = dictStats(new DictShape(v.map.size), v.map.keys());
  else if (v instanceof ZSet) text = dictStats(new DictShape(v.dict.size), v.dict.keys());
  else throw new ReplyError(ERR.valueStoredSpecified);
  out.verbatim(text);
}

function debugProtocol(c: Client, type: string, out: ReplySink): void {
  switch (type.toLowerCase()) {
    case 'string':
      return out.bulk('Hello World');
    case 'integer':
      return out.integer(12345);
    case 'double':
      return out.double(3.141);
    case 'bignum':
      return out.bigNumber('1234567999999999999999999999999999999');
    case 'null':
      return out.null();
    case 'array':
      out.array(3);
      for (let i = 0; i < 3; i++) out.integer(i);
      return;
    case 'set':
      out.set(3);
      for (let i = 0; i < 3; i++) out.integer(i);
      return;
    case 'map':
      out.map(3);
      for (let i = 0; i < 3; i++) {
        out.integer(i);
        out.bool(i === 1);
      }
      return;
    case 'attrib':
      // Attributes are RESP3 only; RESP2 clients see just the real reply.
      if (out.resp === 3 && out.attribute) {
        out.attribute(1);
        out.bulk('key-popularity');
        out.array(2);
        out.bulk('key:123');
        out.integer(90);
      }
      return out.bulk('Some real reply following the attribute');
    case 'push':
      if (c.resp === 2) throw new ReplyError(ERR.resp2NotSupported);
      out.push(2);
      out.bulk('server-cpu-usage');
      out.integer(42);
      return out.bulk('Some real reply following the push reply');
    case 'verbatim':
      return out.verbatim('This is a verbatim\nstring');
    case 'true':
      return out.bool(true);
    case 'false':
      return out.bool(false);
    default:
      throw new ReplyError(
        ERR.wrongProtocolType,
      );
  }
}

// DEBUG subcommand [args]
function debug(c: Client, argv: string[], out: ReplySink): void {
  const sub = argv[1].toLowerCase();
  const n = argv.length;
  switch (sub) {
    case 'help':
      return replyHelp(out, 'DEBUG', HELP);
    case 'sleep':
      if (n !== 3) break;
      sleepMs(lenientFloat(argv[2]) * 1000);
      return out.simple('OK');
    case 'set-active-expire':
      if (n !== 3) break;
      c.server.activeExpireEnabled = (parseInt(argv[2], 10) || 0) !== 0; // atoi
      return out.simple('OK');
    case 'config-rewrite-force-all':
      if (n !== 2) break;
      try {
        rewriteConfig(c, true);
      } catch (e) {
        if (e instanceof ReplyError) throw new ReplyError(ERR.configRewriteForce(e.text.replace(/^ERR /, '')));
        throw e;
      }
      return out.simple('OK');
    case 'htstats':
      if (n !== 3) break;
      return debugHtstats(c, argv[2], out);
    case 'htstats-key':
      if (n !== 3) break;
      return debugHtstatsKey(c, argv[2], out);
    case 'set-disable-deny-scripts':
      if (n !== 3) break;
      c.server.scriptDenyDisabled = (parseInt(argv[2], 10) || 0) !== 0; // atoi
      return out.simple('OK');
    case 'object':
      if (n !== 3) break;
      return debugObject(c, argv[2], out);
    case 'change-repl-id':
      if (n !== 2) break;
      return out.simple('OK');
    case 'loadaof':
      // (one load at a time: the loader's state is not reentrant, as Redis's is not meant to be)
      if (c.server.loading) throw new ReplyError(ERR.loading);
      // (Redis exits when the files cannot be loaded; redmoon answers with an error instead)
      if (canReplyLater(c, out)) {
        // other clients get LOADING meanwhile, as Redis processes events while it loads
        return replyLater(c, Aof.of(c.server).debugLoadAofAsync(), (ok) => {
          if (ok === true) out.simple('OK');
          else out.error(ERR.aofLoadFailed);
        });
      }
      if (!Aof.of(c.server).debugLoadAof()) throw new ReplyError(ERR.aofLoadFailed);
      return out.simple('OK');
    case 'reload': {
      if (c.server.loading) throw new ReplyError(ERR.loading);
      let save = true;
      let flush = true;
      let merge = false;
      for (let i = 2; i < n; i++) {
        if (is(argv[i], 'merge')) merge = true;
        else if (is(argv[i], 'noflush')) flush = false;
        else if (is(argv[i], 'nosave')) save = false;
        else throw new ReplyError(ERR.debugReloadOnly);
      }
      const persistence = Persistence.of(c.server);
      if (canReplyLater(c, out)) {
        // other clients get LOADING meanwhile, as Redis processes events while it loads
        return replyLater(c, persistence.debugReloadSliced(save, flush, merge), (err) => {
          if (err === null) out.simple('OK');
          else out.error(typeof err === 'string' ? err : ERR.reloadFailed);
        });
      }
      const err = persistence.debugReload(save, flush, merge);
      if (err !== null) throw new ReplyError(err);
      return out.simple('OK');
    }
    case 'quicklist-packed-threshold': {
      if (n !== 3) break;
      const v = parseMemory(argv[2]);
      if (v === null || v > 4294967296n) {
        throw new ReplyError(ERR.argumentMemoryValue);
      }
      return out.simple('OK');
    }
    case 'pause-cron':
      if (n !== 3) break;
      c.server.cronPaused = argv[2] !== '0';
      return out.simple('OK');
    case 'set-skip-checksum-validation':
      if (n !== 3) break;
      c.server.skipChecksumValidation = (parseInt(argv[2], 10) || 0) !== 0; // atoi
      return out.simple('OK');
    case 'aof-flush-sleep':
      if (n !== 3) break;
      return out.simple('OK');
    case 'replybuffer':
      if (n !== 4) break;
      // RESIZING 0|1: whether the cron resizes reply buffers (CLIENT LIST rbs, tot-mem)
      if (argv[2].toLowerCase() === 'resizing') {
        // (atoi, as Redis: anything not starting with a non-zero number turns it off)
        c.server.replyBufferResizing = (parseInt(argv[3], 10) || 0) !== 0;
        return out.simple('OK');
      }
      if (argv[2].toLowerCase() === 'peak-reset-time') {
        const v = argv[3].toLowerCase();
        if (v === 'never') c.server.replyBufferPeakResetMs = -1;
        else if (v === 'reset') c.server.replyBufferPeakResetMs = PEAK_RESET_MS;
        else {
          const ms = parseInt64(argv[3]);
          if (ms === null) throw new ReplyError(ERR.notInteger);
          c.server.replyBufferPeakResetMs = Number(ms);
        }
        return out.simple('OK');
      }
      throw new ReplyError(ERR.subcommandOrArity(cstr(argv[1]).slice(0, 128), 'DEBUG'));
    case 'log':
      if (n !== 3) break;
      c.server.log('warning', `DEBUG LOG: ${argv[2]}`);
      return out.simple('OK');
    case 'error':
      if (n !== 3) break;
      return out.error(argv[2]);
    case 'digest': {
      if (n !== 2) break;
      return out.simple(datasetDigest(c.server.dbs));
    }
    case 'digest-value': {
      out.array(n - 2);
      for (let i = 2; i < n; i++) {
        out.simple(valueDigest(c.db, argv[i]));
      }
      return;
    }
    case 'protocol':
      if (n !== 3) break;
      return debugProtocol(c, argv[2], out);
    case 'populate': {
      if (n < 3 || n > 5) break;
      const count = positiveLong(argv[2]);
      const size = n === 5 ? positiveLong(argv[4]) : 0;
      const prefix = n === 3 ? 'key' : argv[3];
      const db = c.db;
      // (Redis presizes the main table for them: dictTryExpand)
      db.keysShape.expandTo(count, db.data.size);
      // Into an empty database the keys made here (all distinct) need no existence check.
      const empty = db.data.size === 0;
      for (let j = 0; j < count; j++) {
        const key = `${prefix}:${j}`;
        let val = `value:${j}`;
        if (size !== 0) val = val.length >= size ? val.slice(0, size) : val + '\0'.repeat(size - val.length);
        // Reading the last character flattens a concatenation (a rope past 12 characters
        // in V8) into one string, about half the memory of the rope's parts. (The value is
        // flattened once stored, behind its access field.)
        key.charCodeAt(key.length - 1);
        if (empty) db.addNew(key, val);
        else db.addIfAbsent(key, val);
      }
      return out.simple('OK');
    }
    case 'segfault':
    case 'panic':
    case 'assert':
      // Only a server run from the command line may end its process; an embedded one refuses.
      if (sub === 'segfault' && c.server.crashReport('debug', 'crashed by signal: 11, si_code: 0')) return;
      if (sub !== 'segfault' && c.server.crashReport('debug', `crashed by DEBUG ${sub.toUpperCase()}`)) return;
      throw new ReplyError(ERR.debugNotSupported(sub.toUpperCase()));
    default:
      if (UNSUPPORTED.has(sub)) throw new ReplyError(ERR.debugNotSupported(sub.toUpperCase()));
      break;
  }
  throw subcommandError(argv[1]);
}

const HELP = [
  'AOF-FLUSH-SLEEP <microsec>',
  '    Server will sleep before flushing the AOF, this is used for testing.',
  'ASSERT',
  '    Crash by assertion failed.',
  'CHANGE-REPL-ID',
  '    Change the replication IDs of the instance.',
  '    Dangerous: should be used only for testing the replication subsystem.',
  'CONFIG-REWRITE-FORCE-ALL',
  '    Like CONFIG REWRITE but writes all configuration options, including',
  '    keywords not listed in original configuration file or default values.',
  'CRASH-AND-RECOVER [<milliseconds>]',
  '    Hard crash and restart after a <milliseconds> delay (default 0).',
  'DIGEST',
  '    Output a hex signature representing the current DB content.',
  'DIGEST-VALUE <key> [<key> ...]',
  '    Output a hex signature of the values of all the specified keys.',
  'ERROR <string>',
  '    Return a Redis protocol error with <string> as message. Useful for clients',
  '    unit tests to simulate Redis errors.',
  'LEAK <string>',
  '    Create a memory leak of the input string.',
  'LOG <message>',
  '    Write <message> to the server log.',
  'HTSTATS <dbid>',
  '    Return hash table statistics of the specified Redis database.',
  'HTSTATS-KEY <key>',
  "    Like HTSTATS but for the hash table stored at <key>'s value.",
  'LOADAOF',
  '    Flush the AOF buffers on disk and reload the AOF in memory.',
  'REPLICATE <string>',
  '    Replicates the provided string to replicas, allowing data divergence.',
  'MALLCTL <key> [<val>]',
  '    Get or set a malloc tuning integer.',
  'MALLCTL-STR <key> [<val>]',
  '    Get or set a malloc tuning string.',
  'OBJECT <key>',
  '    Show low level info about `key` and associated value.',
  'DROP-CLUSTER-PACKET-FILTER <packet-type>',
  '    Drop all packets that match the filtered type. Set to -1 allow all packets.',
  'OOM',
  '    Crash the server simulating an out-of-memory error.',
  'PANIC',
  '    Crash the server simulating a panic.',
  'POPULATE <count> [<prefix>] [<size>]',
  '    Create <count> string keys named key:<num>. If <prefix> is specified then',
  '    it is used instead of the \'key\' prefix. These are not propagated to',
  '    replicas. Cluster slots are not respected so keys not belonging to the',
  '    current node can be created in cluster mode.',
  'PROTOCOL <type>',
  '    Reply with a test value of the specified type. <type> can be: string,',
  '    integer, double, bignum, null, array, set, map, attrib, push, verbatim,',
  '    true, false.',
  'RELOAD [option ...]',
  '    Save the RDB on disk and reload it back to memory. Valid <option> values:',
  '    * MERGE: conflicting keys will be loaded from RDB.',
  '    * NOFLUSH: the existing database will not be removed before load, but',
  '      conflicting keys will generate an exception and kill the server.',
  '    * NOSAVE: the database will be loaded from an existing RDB file.',
  '    Examples:',
  '    * DEBUG RELOAD: verify that the server is able to persist, flush and reload',
  '      the database.',
  '    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an',
  '      existing RDB file.',
  '    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB',
  '      file to the database.',
  'RESTART [<milliseconds>]',
  '    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).',
  'SDSLEN <key>',
  '    Show low level SDS string info representing `key` and value.',
  'SEGFAULT',
  '    Crash the server with sigsegv.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    Setting it to 0 disables expiring keys in background when they are not',
  '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
  '    default.',
  'QUICKLIST-PACKED-THRESHOLD <size>',
  '    Sets the threshold for elements to be inserted as plain vs packed nodes',
  '    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.',
  'SET-SKIP-CHECKSUM-VALIDATION <0|1>',
  '    Enables or disables checksum checks for RDB files and RESTORE\'s payload.',
  'SLEEP <seconds>',
  '    Stop the server for <seconds>. Decimals allowed.',
  'STRINGMATCH-TEST',
  '    Run a fuzz tester against the stringmatchlen() function.',
  'STRUCTSIZE',
  '    Return the size of different Redis core C structures.',
  'LISTPACK <key>',
  '    Show low level info about the listpack encoding of <key>.',
  'QUICKLIST <key> [<0|1>]',
  '    Show low level info about the quicklist encoding of <key>.',
  '    The optional argument (0 by default) sets the level of detail',
  'CLIENT-EVICTION',
  '    Show low level client eviction pools info (maxmemory-clients).',
  'PAUSE-CRON <0|1>',
  '    Stop periodic cron job processing.',
  'REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>',
  '    Sets the time (in milliseconds) to wait between client reply buffer peak resets.',
  '    In case NEVER is provided the last observed peak will never be reset',
  '    In case RESET is provided the peak reset time will be restored to the default value',
  'REPLYBUFFER RESIZING <0|1>',
  '    Enable or disable the reply buffer resize cron job',
  'CLUSTERLINK KILL <to|from|all> <node-id>',
  '    Kills the link based on the direction to/from (both) with the provided node.',
];

export const commands: HandlerTable = { debug };
