/**
 * Stream commands: XADD XLEN XRANGE XREVRANGE XDEL XTRIM XREAD XREADGROUP XSETID XINFO XGROUP
 * XACK XPENDING XCLAIM XAUTOCLAIM, with Redis 7.0.15's argument order, errors and replies.
 */
import { rewriteCommand, preventPropagation } from '../core/propagate.ts';
import { totalmem } from 'node:os';
import { ReplyError, ERR, cstr } from '../errors.ts';
import type { Client } from '../core/client.ts';
import type { ReplySink } from '../resp/sink.ts';
import type { HandlerTable } from '../core/types.ts';
import { is } from './args.ts';
import { parseIntArg } from '../util/numbers.ts';
import {
  Stream,
  ConsumerGroup,
  Consumer,
  Nack,
  type StreamID,
  type TrimArgs,
  type NodeLimits,
  ID_ZERO,
  ID_MAX,
  U64_MAX,
  INVALID_ENTRIES_READ,
  cmpID,
  incrID,
  decrID,
  formatID,
  isZeroID,
  isMaxID,
  parseStreamID,
  addInt,
} from '../keyspace/stream.ts';

const INVALID_ID = ERR.invalidStreamId;

/** addReplyErrorFormat: newlines in the formatted text become spaces. */
function fmtErr(text: string): ReplyError {
  return new ReplyError(text.replace(/[\r\n]/g, ' '));
}

function subcommandSyntax(argv: string[]): ReplyError {
  return fmtErr(
    ERR.subcommandOrArity(argv[1].slice(0, 128), argv[0].toUpperCase()),
  );
}

function replyHelp(out: ReplySink, cmd: string, lines: string[]): void {
  out.array(lines.length + 3);
  out.simple(`${cmd.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const l of lines) out.simple(l);
  out.simple('HELP');
  out.simple('    Prints this help.');
}

function llArg(s: string, err: string = ERR.notInteger): number {
  const v = parseIntArg(s);
  if (v === null) throw new ReplyError(err);
  return v;
}

function strictID(arg: string): StreamID {
  const id = parseStreamID(arg, 0, true);
  if (!id) throw new ReplyError(INVALID_ID);
  return id;
}

/** streamParseIntervalIDOrReply: `(` makes the bound exclusive. */
function intervalID(arg: string, missingSeq: StreamID['seq']): { id: StreamID; ex: boolean } {
  const ex = arg.length > 1 && arg.charCodeAt(0) === 40;
  const id = ex ? parseStreamID(arg.slice(1), missingSeq, true) : parseStreamID(arg, missingSeq, false);
  if (!id) throw new ReplyError(INVALID_ID);
  return { id, ex };
}

function startBound(arg: string): StreamID {
  const { id, ex } = intervalID(arg, 0);
  if (!ex) return id;
  const r = incrID(id);
  if (!r) throw new ReplyError(ERR.invalidStartId);
  return r;
}

function endBound(arg: string): StreamID {
  const { id, ex } = intervalID(arg, U64_MAX);
  if (!ex) return id;
  const r = decrID(id);
  if (!r) throw new ReplyError(ERR.invalidEndId);
  return r;
}

function getStream(c: Client, key: string): Stream | undefined {
  return c.db.getTyped<Stream>(key, 'stream');
}

function nodeLimits(c: Client): NodeLimits {
  const cfg = c.server.config;
  return { maxBytes: cfg.getInt('stream-node-max-bytes'), maxEntries: cfg.getInt('stream-node-max-entries') };
}

function notify(c: Client, event: string, key: string): void {
  c.server.notifier.notify('t', event, key, c.db.id);
}

// ---- reply helpers ---------------------------------------------------------------------------

function replyEntry(out: ReplySink, id: StreamID, pairs: string[]): void {
  out.array(2);
  out.bulk(formatID(id));
  out.array(pairs.length);
  for (let j = 0; j < pairs.length; j++) out.bulk(pairs[j]);
}

function replyEntries(out: ReplySink, entries: { id: StreamID; pairs: string[] | null }[]): void {
  out.array(entries.length);
  for (const e of entries) {
    if (e.pairs === null) {
      out.array(2);
      out.bulk(formatID(e.id));
      out.nullArray();
    } else {
      replyEntry(out, e.id, e.pairs);
    }
  }
}

/** Writes the single entry with this ID (it must exist). */
function replyOneEntry(out: ReplySink, s: Stream, id: StreamID): void {
  const f = s.find(id)!;
  replyEntry(out, id, f.node.pairs(f.i));
}

// ---- XADD / XTRIM ----------------------------------------------------------------------------

interface AddTrimArgs extends TrimArgs {
  id: StreamID;
  idGiven: boolean;
  seqGiven: boolean;
  noMkstream: boolean;
}

/** streamParseAddOrTrimArgsOrReply; returns the parsed args and the ID position (XADD). */
function parseAddTrim(c: Client, argv: string[], xadd: boolean): { args: AddTrimArgs; idpos: number; thresholdIdx: number } {
  let thresholdIdx = 0;
  const args: AddTrimArgs = {
    strategy: null,
    approx: false,
    limit: 0,
    maxlen: 0,
    minid: ID_ZERO,
    id: ID_ZERO,
    idGiven: false,
    seqGiven: true,
    noMkstream: false,
  };
  let limitGiven = false;
  let i = 2;
  const argc = argv.length;
  for (; i < argc; i++) {
    const more = argc - 1 - i;
    const opt = argv[i];
    if (xadd && opt === '*') break;
    const isMaxlen = is(opt, 'maxlen');
    if ((isMaxlen || is(opt, 'minid')) && more) {
      if (args.strategy !== null) {
        throw new ReplyError(ERR.syntaxErrorMaxlen);
      }
      args.approx = false;
      const next = argv[i + 1];
      if (more >= 2 && next === '~') {
        args.approx = true;
        i++;
      } else if (more >= 2 && next === '=') {
        i++;
      }
      thresholdIdx = i + 1;
      if (isMaxlen) {
        const n = llArg(argv[i + 1]);
        if (n < 0) throw new ReplyError(ERR.maxlenArgument);
        args.maxlen = n;
        args.strategy = 'maxlen';
      } else {
        args.minid = strictID(argv[i + 1]);
        args.strategy = 'minid';
      }
      i++;
    } else if (is(opt, 'limit') && more) {
      const n = llArg(argv[i + 1]);
      if (n < 0) throw new ReplyError(ERR.limitArgument);
      args.limit = n;
      limitGiven = true;
      i++;
    } else if (xadd && is(opt, 'nomkstream')) {
      args.noMkstream = true;
    } else if (xadd) {
      const id = parseStreamID(opt, 0, true, true);
      if (!id) throw new ReplyError(INVALID_ID);
      args.id = { ms: id.ms, seq: id.seq };
      args.seqGiven = id.seqGiven;
      args.idGiven = true;
      break;
    } else {
      throw new ReplyError(ERR.syntax);
    }
  }
  if (args.limit && args.strategy === null) {
    throw new ReplyError(ERR.syntaxErrorLimit);
  }
  if (!xadd && args.strategy === null) {
    throw new ReplyError(ERR.syntaxErrorXtrim);
  }
  if (c.server.loading) {
    // replaying the AOF: the threshold was rewritten to what trimming achieved, so no cap
    args.limit = 0;
  } else if (limitGiven) {
    if (!args.approx) throw new ReplyError(ERR.syntaxErrorLimitCannot);
  } else if (args.approx) {
    let l = 100 * c.server.config.getInt('stream-node-max-entries');
    if (l <= 0) l = 10000;
    if (l > 1000000) l = 1000000;
    args.limit = l;
  } else {
    args.limit = 0;
  }
  return { args, idpos: i, thresholdIdx };
}

/**
 * What XADD/XTRIM are logged as: an approximate trim (~, or capped by LIMIT) becomes an
 * exact one to what it achieved (the resulting length, or the first ID left), so a replay
 * trims the same entries; XADD's generated ID is written out.
 */
function rewriteAddTrim(c: Client, argv: string[], s: Stream, args: AddTrimArgs, thresholdIdx: number, idpos: number, id: StreamID | null): void {
  if (!c.server.propagator.active) return;
  const approx = args.strategy !== null && args.approx;
  if (!approx && id === null) return;
  const v = argv.slice();
  if (approx) {
    v[thresholdIdx - 1] = '=';
    v[thresholdIdx] = args.strategy === 'maxlen' ? String(s.length) : formatID(s.firstIncludingTombstones());
  }
  if (id !== null) v[idpos] = formatID(id);
  rewriteCommand(c, v);
}

// XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...]
function xadd(c: Client, argv: string[], out: ReplySink): void {
  const { args, idpos, thresholdIdx } = parseAddTrim(c, argv, true);
  const fieldPos = idpos + 1;
  const nf = argv.length - fieldPos;
  if (nf < 2 || nf % 2 === 1) throw new ReplyError(ERR.wrongArgs('xadd'));
  if (args.idGiven && args.seqGiven && isZeroID(args.id)) {
    throw new ReplyError(ERR.idSpecifiedXadd);
  }
  const key = argv[1];
  let s = getStream(c, key);
  let created = false;
  if (!s) {
    if (args.noMkstream) {
      out.null();
      return;
    }
    s = new Stream();
    created = true;
  }
  if (isMaxID(s.lastId)) {
    throw new ReplyError(ERR.streamExhaustedLast);
  }
  const last = s.lastId;
  let id: StreamID | null;
  if (!args.idGiven) {
    const now = c.server.clock.now();
    id = now > last.ms ? { ms: now, seq: 0 } : incrID(last) ?? ID_ZERO;
  } else if (args.seqGiven) {
    id = args.id;
  } else if (last.ms === args.id.ms) {
    if (last.seq === U64_MAX) throw new ReplyError(ERR.elementsTooLarge);
    id = incrID(last);
  } else {
    id = args.id;
  }
  if (id === null || cmpID(id, last) <= 0) {
    throw new ReplyError(ERR.idSpecifiedXaddEqual);
  }
  const pairs = argv.slice(fieldPos);
  s.append(id, pairs, nodeLimits(c));
  if (created) c.db.set(key, s);
  out.bulk(formatID(id));
  if (!created) c.db.touch(key);
  notify(c, 'xadd', key);
  c.server.dirty++;
  if (args.strategy !== null) {
    if (s.trim(args)) notify(c, 'xtrim', key);
  }
  rewriteAddTrim(c, argv, s, args, thresholdIdx, idpos, !args.idGiven || !args.seqGiven ? id : null);
  signalStreamReady(c, key);
}

// XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]
function xtrim(c: Client, argv: string[], out: ReplySink): void {
  const { args, thresholdIdx } = parseAddTrim(c, argv, false);
  const s = getStream(c, argv[1]);
  if (!s) {
    out.integer(0);
    return;
  }
  const deleted = s.trim(args);
  rewriteAddTrim(c, argv, s, args, thresholdIdx, 0, null);
  if (deleted) {
    notify(c, 'xtrim', argv[1]);
    c.db.touch(argv[1]);
    c.server.dirty += deleted;
  }
  out.integer(deleted);
}

// XLEN key
function xlen(c: Client, argv: string[], out: ReplySink): void {
  const s = getStream(c, argv[1]);
  out.integer(s ? s.length : 0);
}

// XRANGE key start end [COUNT count] / XREVRANGE key end start [COUNT count]
function xrangeGeneric(c: Client, argv: string[], out: ReplySink, rev: boolean): void {
  const start = startBound(rev ? argv[3] : argv[2]);
  const end = endBound(rev ? argv[2] : argv[3]);
  let count = -1;
  for (let j = 4; j < argv.length; j++) {
    if (is(argv[j], 'count') && argv.length - j - 1 >= 1) {
      count = llArg(argv[j + 1]);
      if (count < 0) count = 0;
      j++;
    } else {
      throw new ReplyError(ERR.syntax);
    }
  }
  const s = getStream(c, argv[1]);
  if (!s) {
    out.array(0);
    return;
  }
  if (count === 0) {
    out.nullArray();
    return;
  }
  replyEntries(out, s.range(start, end, rev, count === -1 ? 0 : count));
}

function xrange(c: Client, argv: string[], out: ReplySink): void {
  xrangeGeneric(c, argv, out, false);
}

function xrevrange(c: Client, argv: string[], out: ReplySink): void {
  xrangeGeneric(c, argv, out, true);
}

// XDEL key id [id ...]
function xdel(c: Client, argv: string[], out: ReplySink): void {
  const s = getStream(c, argv[1]);
  if (!s) {
    out.integer(0);
    return;
  }
  const ids: StreamID[] = [];
  for (let j = 2; j < argv.length; j++) ids.push(strictID(argv[j]));
  let deleted = 0;
  let firstEntry = false;
  for (const id of ids) {
    if (s.deleteEntry(id)) {
      if (cmpID(id, s.firstId) === 0) firstEntry = true;
      if (cmpID(id, s.maxDeletedId) > 0) s.maxDeletedId = id;
      deleted++;
    }
  }
  if (deleted) {
    if (s.length === 0) s.firstId = ID_ZERO;
    else if (firstEntry) s.firstId = s.edgeLive(true) ?? ID_MAX;
    c.db.touch(argv[1]);
    notify(c, 'xdel', argv[1]);
    c.server.dirty += deleted;
  }
  out.integer(deleted);
}

// XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
function xsetid(c: Client, argv: string[], out: ReplySink): void {
  const id = strictID(argv[2]);
  let maxXdel: StreamID = ID_ZERO;
  let entriesAdded: number = -1;
  for (let i = 3; i < argv.length; ) {
    const more = argv.length - 1 - i;
    if (is(argv[i], 'entriesadded') && more) {
      entriesAdded = llArg(argv[i + 1]);
      if (entriesAdded < 0) throw new ReplyError(ERR.entriesAddedPositive);
      i += 2;
    } else if (is(argv[i], 'maxdeletedid') && more) {
      maxXdel = strictID(argv[i + 1]);
      if (cmpID(id, maxXdel) < 0) {
        throw new ReplyError(ERR.idSpecifiedXsetid);
      }
      i += 2;
    } else {
      throw new ReplyError(ERR.syntax);
    }
  }
  const s = getStream(c, argv[1]);
  if (!s) throw new ReplyError(ERR.noSuchKey);
  if (s.length > 0) {
    const maxid = s.edgeLive(false)!;
    if (cmpID(id, maxid) < 0) {
      throw new ReplyError(ERR.idSpecifiedXsetidSmaller);
    }
    if (entriesAdded !== -1 && s.length > entriesAdded) {
      throw new ReplyError(ERR.entriesAddedSpecified);
    }
  }
  s.lastId = { ms: id.ms, seq: id.seq };
  if (entriesAdded !== -1) s.entriesAdded = exactLL(argv, 'entriesadded') ?? entriesAdded;
  if (!isZeroID(maxXdel)) s.maxDeletedId = maxXdel;
  out.simple('OK');
  c.server.dirty++;
  notify(c, 'xsetid', argv[1]);
}

/** The exact (bigint when beyond 2^53) value of the last `opt <n>` argument pair. */
function exactLL(argv: string[], opt: string): number | bigint | null {
  for (let i = argv.length - 2; i >= 0; i--) {
    if (is(argv[i], opt)) {
      const v = argv[i + 1];
      const n = Number(v);
      return Number.isSafeInteger(n) ? n : BigInt(v);
    }
  }
  return null;
}

// ---- XREAD / XREADGROUP ----------------------------------------------------------------------

/** A parsed XREAD/XREADGROUP request; kept by blocked clients to retry when keys change. */
export interface XReadRequest {
  keys: string[];
  /** Serve entries with IDs greater than these; ID_MAX with a group means `>`. */
  ids: StreamID[];
  group: string | null;
  consumer: string | null;
  noack: boolean;
  /** 0: no limit. */
  count: number;
  /** -1 when BLOCK was not given, else milliseconds (0: forever). */
  timeout: number;
}

function isScriptClient(c: Client): boolean {
  return c.flags.has('script') || c.flags.has('lua');
}

function parseXRead(c: Client, argv: string[]): XReadRequest {
  const xreadgroup = argv[0].length === 10;
  let timeout = -1;
  let count = 0;
  let streamsArg = 0;
  let streamsCount = 0;
  let group: string | null = null;
  let consumer: string | null = null;
  let noack = false;
  const argc = argv.length;
  for (let i = 1; i < argc; i++) {
    const more = argc - i - 1;
    const o = argv[i];
    if (is(o, 'block') && more) {
      if (isScriptClient(c)) throw new ReplyError(ERR.commandNotAllowed(argv[0]));
      i++;
      const t = parseIntArg(argv[i]);
      if (t === null) throw new ReplyError(ERR.timeoutNotInteger);
      if (t < 0) throw new ReplyError(ERR.timeoutNegative);
      timeout = t;
    } else if (is(o, 'count') && more) {
      i++;
      count = llArg(argv[i]);
      if (count < 0) count = 0;
    } else if (is(o, 'streams') && more) {
      streamsArg = i + 1;
      streamsCount = argc - streamsArg;
      if (streamsCount % 2 !== 0) {
        throw new ReplyError(
          ERR.unbalancedXreadList,
        );
      }
      streamsCount /= 2;
      break;
    } else if (is(o, 'group') && more >= 2) {
      if (!xreadgroup) throw new ReplyError(ERR.groupOptionOnly);
      group = argv[i + 1];
      consumer = argv[i + 2];
      i += 2;
    } else if (is(o, 'noack')) {
      if (!xreadgroup) throw new ReplyError(ERR.noackOptionOnly);
      noack = true;
    } else {
      throw new ReplyError(ERR.syntax);
    }
  }
  if (streamsArg === 0) throw new ReplyError(ERR.syntax);
  if (xreadgroup && group === null) throw new ReplyError(ERR.missingGroupOption);
  const keys = argv.slice(streamsArg, streamsArg + streamsCount);
  const ids: StreamID[] = [];
  for (let k = 0; k < streamsCount; k++) {
    const key = keys[k];
    const arg = argv[streamsArg + streamsCount + k];
    const s = getStream(c, key);
    if (group !== null) {
      if (!s || !s.getGroup(group)) {
        throw fmtErr(ERR.nogroupNoSuchKey(cstr(key), cstr(group)));
      }
    }
    if (arg === '$') {
      if (xreadgroup) {
        throw new ReplyError(
          ERR.idMeaninglessContext,
        );
      }
      ids.push(s ? s.lastId : ID_ZERO);
      continue;
    }
    if (arg === '>') {
      if (!xreadgroup) {
        throw new ReplyError(ERR.idSpecifiedOnly);
      }
      ids.push(ID_MAX);
      continue;
    }
    ids.push(strictID(arg));
  }
  return { keys, ids, group, consumer, noack, count, timeout };
}

interface Served {
  key: string;
  entries: { id: StreamID; pairs: string[] | null }[];
}

/**
 * streamPropagateXCLAIM: a delivery or claim is logged as an idempotent XCLAIM that sets the
 * pending entry's owner, time and count, and the group's last ID.
 */
function propagateXclaim(c: Client, key: string, g: ConsumerGroup, id: string, nack: Nack): void {
  const prop = c.server.propagator;
  if (!prop.active) return;
  prop.also(c.db.id, [
    'XCLAIM', key, g.name, nack.consumer?.name ?? '', '0', id, 'TIME', String(nack.deliveryTime),
    'RETRYCOUNT', String(nack.deliveryCount), 'FORCE', 'JUSTID', 'LASTID', formatID(g.lastId),
  ]);
}

/** streamPropagateGroupID: the group's last ID when no XCLAIM carries it (NOACK reads). */
function propagateGroupId(c: Client, key: string, g: ConsumerGroup): void {
  const prop = c.server.propagator;
  if (prop.active) prop.also(c.db.id, ['XGROUP', 'SETID', key, g.name, formatID(g.lastId), 'ENTRIESREAD', String(g.entriesRead)]);
}

/** Finds or creates the consumer (refreshing its seen time), like XREADGROUP/XCLAIM do. */
function lookupOrCreateConsumer(c: Client, g: ConsumerGroup, name: string, key: string, noack = false): Consumer {
  const now = c.server.clock.now();
  let cons = g.consumers.get(name);
  if (cons) {
    cons.seenTime = now;
    return cons;
  }
  cons = new Consumer(name, now);
  g.consumers.set(name, cons);
  // a NOACK reader is created by no XCLAIM: it is logged on its own
  if (noack && c.server.propagator.active) c.server.propagator.also(c.db.id, ['XGROUP', 'CREATECONSUMER', key, g.name, name]);
  c.server.dirty++;
  notify(c, 'xgroup-createconsumer', key);
  return cons;
}

/** Group delivery of new entries (streamReplyWithRange with a group). */
function deliverToGroup(
  c: Client,
  key: string,
  s: Stream,
  g: ConsumerGroup,
  cons: Consumer,
  start: StreamID,
  count: number,
  noack: boolean,
  now: number,
): { id: StreamID; pairs: string[] }[] {
  const entries = s.range(start, ID_MAX, false, count);
  let lastIdMoved = false;
  for (const e of entries) {
    const id = e.id;
    if (cmpID(id, g.lastId) > 0) {
      if (g.entriesRead !== INVALID_ENTRIES_READ && !s.rangeHasTombstones(id, null)) {
        g.entriesRead = addInt(g.entriesRead, 1);
      } else if (s.entriesAdded !== 0) {
        g.entriesRead = s.estimateDistance(id);
      }
      g.lastId = id;
      lastIdMoved = true;
    }
    if (!noack) {
      const idKey = formatID(id);
      let nack = g.pel.get(idKey);
      if (!nack) {
        nack = new Nack(id, idKey, cons, now, 1);
        g.pel.add(nack);
        cons.pel.add(nack);
      } else {
        nack.consumer?.pel.delete(idKey);
        nack.consumer = cons;
        nack.deliveryTime = now;
        nack.deliveryCount = 1;
        cons.pel.add(nack);
      }
      propagateXclaim(c, key, g, idKey, nack);
    }
  }
  if (noack && lastIdMoved) propagateGroupId(c, key, g);
  return entries;
}

/** History delivery from the consumer's own PEL (streamReplyWithRangeFromConsumerPEL). */
function deliverHistory(s: Stream, cons: Consumer, start: StreamID, count: number, now: number): Served['entries'] {
  const out: Served['entries'] = [];
  const ord = cons.pel.ordered();
  for (let i = cons.pel.seek(start); i < ord.length && (!count || out.length < count); i++) {
    const nack = ord[i];
    const f = s.find(nack.id);
    if (!f) {
      out.push({ id: nack.id, pairs: null });
    } else {
      out.push({ id: nack.id, pairs: f.node.pairs(f.i) });
      nack.deliveryTime = now;
      nack.deliveryCount++;
    }
  }
  return out;
}

/**
 * Tries to serve an XREAD/XREADGROUP request now. Writes the reply and returns true when at
 * least one stream had something to serve; otherwise writes nothing and returns false.
 */
export function tryServeXRead(c: Client, req: XReadRequest, out: ReplySink): boolean {
  const served: Served[] = [];
  for (let i = 0; i < req.keys.length; i++) {
    const key = req.keys[i];
    const v = c.db.get(key);
    if (v === undefined || typeof v === 'string' || v.type !== 'stream') continue;
    const s = v as Stream;
    let gt = req.ids[i];
    let serve = false;
    let history = false;
    let g: ConsumerGroup | undefined;
    if (req.group !== null) {
      g = s.getGroup(req.group);
      if (!g) continue;
      if (!isMaxID(gt)) {
        serve = true;
        history = true;
      } else if (s.length) {
        const maxid = s.edgeLive(false)!;
        if (cmpID(maxid, g.lastId) > 0) {
          serve = true;
          gt = g.lastId;
        }
      }
    } else if (s.length) {
      const maxid = s.edgeLive(false)!;
      if (cmpID(maxid, gt) > 0) serve = true;
    }
    if (!serve) continue;
    const start = incrID(gt) ?? ID_ZERO;
    if (g) {
      const cons = lookupOrCreateConsumer(c, g, req.consumer!, key, req.noack);
      const entries = history
        ? deliverHistory(s, cons, start, req.count, c.server.clock.now())
        : deliverToGroup(c, key, s, g, cons, start, req.count, req.noack, c.server.clock.now());
      served.push({ key, entries });
      c.server.dirty++;
    } else {
      served.push({ key, entries: s.range(start, ID_MAX, false, req.count) });
    }
  }
  if (served.length === 0) return false;
  if (out.resp === 2) out.array(served.length);
  else out.map(served.length);
  for (const sv of served) {
    if (out.resp === 2) out.array(2);
    out.bulk(sv.key);
    replyEntries(out, sv.entries);
  }
  return true;
}

function xread(c: Client, argv: string[], out: ReplySink): void {
  // XREADGROUP is logged by its effects (XCLAIM, XGROUP SETID / CREATECONSUMER), never itself
  preventPropagation(c);
  const req = parseXRead(c, argv);
  if (tryServeXRead(c, req, out)) return;
  if (req.timeout !== -1) {
    if (c.inExecOrScript || !blockForStreams(c, req, out)) out.nullArray();
    return;
  }
  out.nullArray();
}

/** XREAD_BLOCKED_DEFAULT_COUNT: a blocked reader without COUNT gets at most this many. */
const BLOCKED_DEFAULT_COUNT = 1000;

/**
 * Blocks the client until one of the streams can serve it (blockForKeys with BLOCKED_STREAM).
 * Returns false when blocking is not available (the caller then replies as on a timeout).
 */
function blockForStreams(c: Client, req: XReadRequest, _out: ReplySink): boolean {
  const keys = [...new Set(req.keys)];
  c.server.blocking.block(c, {
    keys,
    deadline: req.timeout === 0 ? 0 : c.server.clock.now() + req.timeout,
    serve: (key) => serveBlockedStream(c, req, key),
    timeout: () => c.writer.nullArray(),
  });
  return true;
}

/** serveClientsBlockedOnStreamKey for one blocked reader; true when it was answered. */
function serveBlockedStream(c: Client, req: XReadRequest, key: string): boolean {
  const v = c.db.get(key);
  if (v === undefined || typeof v === 'string' || v.type !== 'stream') {
    // unblockDeletedStreamReadgroupClients: the group went with the stream
    if (req.group === null) return false;
    throw new ReplyError(ERR.streamKeyGone);
  }
  const s = v as Stream;
  let gt = req.ids[req.keys.indexOf(key)];
  let g: ConsumerGroup | undefined;
  if (req.group !== null) {
    g = s.getGroup(req.group);
    if (!g) throw new ReplyError(ERR.nogroupConsumerGroupClient);
    gt = g.lastId;
  }
  if (cmpID(s.lastId, gt) <= 0) return false;
  const start = incrID(gt) ?? ID_ZERO;
  const count = req.count || BLOCKED_DEFAULT_COUNT;
  const out = c.writer;
  let entries: Served['entries'];
  if (g) {
    const cons = lookupOrCreateConsumer(c, g, req.consumer!, key, req.noack);
    entries = deliverToGroup(c, key, s, g, cons, start, count, req.noack, c.server.clock.now());
  } else {
    entries = s.range(start, ID_MAX, false, count);
  }
  if (out.resp === 2) {
    out.array(1);
    out.array(2);
  } else {
    out.map(1);
  }
  out.bulk(key);
  replyEntries(out, entries);
  return true;
}

/** Tells blocked XREAD/XREADGROUP clients a stream changed (signalKeyAsReady). */
function signalStreamReady(c: Client, key: string): void {
  c.server.signalKeyAsReady(c.db, key);
}

// ---- consumer groups -------------------------------------------------------------------------

const XGROUP_HELP = [
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  "      Set the group's entries_read counter (internal use).",
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
];

// XGROUP CREATE|SETID|DESTROY|CREATECONSUMER|DELCONSUMER|HELP ...
function xgroup(c: Client, argv: string[], out: ReplySink): void {
  const opt = argv[1].toLowerCase();
  const argc = argv.length;
  let s: Stream | undefined;
  let g: ConsumerGroup | undefined;
  let mkstream = false;
  let entriesRead: number | bigint = INVALID_ENTRIES_READ;
  const key = argv[2];
  const grp = argv[3];
  if (argc >= 4) {
    const create = opt === 'create';
    const setid = opt === 'setid';
    for (let i = 5; i < argc; ) {
      if (create && is(argv[i], 'mkstream')) {
        mkstream = true;
        i++;
      } else if ((create || setid) && is(argv[i], 'entriesread') && i + 1 < argc) {
        const n = llArg(argv[i + 1]);
        if (n < 0 && n !== -1) throw new ReplyError(ERR.valueEntriesreadPositive);
        entriesRead = exactLL([argv[i], argv[i + 1]], 'entriesread') ?? n;
        i += 2;
      } else {
        throw subcommandSyntax(argv);
      }
    }
    s = getStream(c, key);
  }
  if (argc >= 4 && !mkstream) {
    if (!s) {
      throw new ReplyError(
        ERR.xgroupSubcommandRequires,
      );
    }
    g = s.getGroup(grp);
    if (!g && (opt === 'setid' || opt === 'createconsumer' || opt === 'delconsumer')) {
      throw fmtErr(ERR.nogroupNoSuchConsumer(cstr(grp), cstr(key)));
    }
  }
  if (argc === 2 && opt === 'help') {
    replyHelp(out, argv[0], XGROUP_HELP);
  } else if (opt === 'create' && argc >= 5 && argc <= 8) {
    let id: StreamID;
    if (argv[4] === '$') id = s ? s.lastId : ID_ZERO;
    else id = strictID(argv[4]);
    if (!s) {
      s = new Stream();
      c.db.set(key, s);
      signalStreamReady(c, key);
    }
    if (!s.groups) s.groups = new Map();
    if (s.groups.has(grp)) throw new ReplyError(ERR.busygroupConsumerGroupName);
    s.groups.set(grp, new ConsumerGroup(grp, { ms: id.ms, seq: id.seq }, entriesRead));
    out.simple('OK');
    c.server.dirty++;
    notify(c, 'xgroup-create', key);
  } else if (opt === 'setid' && (argc === 5 || argc === 7)) {
    let id: StreamID;
    if (argv[4] === '$') id = s!.lastId;
    else {
      const p = parseStreamID(argv[4], 0, false);
      if (!p) throw new ReplyError(INVALID_ID);
      id = { ms: p.ms, seq: p.seq };
    }
    g!.lastId = id;
    g!.entriesRead = entriesRead;
    out.simple('OK');
    c.server.dirty++;
    notify(c, 'xgroup-setid', key);
  } else if (opt === 'destroy' && argc === 4) {
    if (g) {
      s!.groups!.delete(grp);
      out.integer(1);
      c.server.dirty++;
      notify(c, 'xgroup-destroy', key);
      signalStreamReady(c, key);
    } else {
      out.integer(0);
    }
  } else if (opt === 'createconsumer' && argc === 5) {
    const name = argv[4];
    if (g!.consumers.has(name)) {
      out.integer(0);
    } else {
      g!.consumers.set(name, new Consumer(name, c.server.clock.now()));
      c.server.dirty++;
      notify(c, 'xgroup-createconsumer', key);
      out.integer(1);
    }
  } else if (opt === 'delconsumer' && argc === 5) {
    const cons = g!.consumers.get(argv[4]);
    let pending = 0;
    if (cons) {
      pending = cons.pel.size;
      for (const k of cons.pel.map.keys()) g!.pel.delete(k);
      g!.consumers.delete(argv[4]);
      c.server.dirty++;
      notify(c, 'xgroup-delconsumer', key);
    }
    out.integer(pending);
  } else {
    throw subcommandSyntax(argv);
  }
}

// XACK key group id [id ...]
function xack(c: Client, argv: string[], out: ReplySink): void {
  const s = getStream(c, argv[1]);
  const g = s?.getGroup(argv[2]);
  if (!s || !g) {
    out.integer(0);
    return;
  }
  const ids: StreamID[] = [];
  for (let j = 3; j < argv.length; j++) ids.push(strictID(argv[j]));
  let acked = 0;
  for (const id of ids) {
    const key = formatID(id);
    const nack = g.pel.get(key);
    if (nack) {
      g.pel.delete(key);
      nack.consumer?.pel.delete(key);
      acked++;
      c.server.dirty++;
    }
  }
  out.integer(acked);
}

// XPENDING key group [[IDLE min-idle-time] start end count [consumer]]
function xpending(c: Client, argv: string[], out: ReplySink): void {
  const argc = argv.length;
  const justinfo = argc === 3;
  if (argc !== 3 && (argc < 6 || argc > 9)) throw new ReplyError(ERR.syntax);
  let start: StreamID = ID_ZERO;
  let end: StreamID = ID_MAX;
  let count = 0;
  let minidle = 0;
  let consumerName: string | null = null;
  if (argc >= 6) {
    let si = 3;
    if (is(argv[3], 'idle')) {
      minidle = llArg(argv[4]);
      if (argc < 8) throw new ReplyError(ERR.syntax);
      si += 2;
    }
    count = llArg(argv[si + 2]);
    if (count < 0) count = 0;
    start = startBound(argv[si]);
    end = endBound(argv[si + 1]);
    if (si + 3 < argc) consumerName = argv[si + 3];
  }
  const s = getStream(c, argv[1]);
  const g = s?.getGroup(argv[2]);
  if (!s || !g) throw fmtErr(ERR.nogroupNoSuchKeyConsumer(cstr(argv[1]), cstr(argv[2])));
  if (justinfo) {
    out.array(4);
    out.integer(g.pel.size);
    if (g.pel.size === 0) {
      out.null();
      out.null();
      out.nullArray();
      return;
    }
    const ord = g.pel.ordered();
    out.bulk(formatID(ord[0].id));
    out.bulk(formatID(ord[ord.length - 1].id));
    const withPending = g.sortedConsumers().filter((x) => x.pel.size > 0);
    out.array(withPending.length);
    for (const x of withPending) {
      out.array(2);
      out.bulk(x.name);
      out.bulk(String(x.pel.size));
    }
    return;
  }
  let pel = g.pel;
  if (consumerName !== null) {
    const cons = g.consumers.get(consumerName);
    if (!cons) {
      out.array(0);
      return;
    }
    pel = cons.pel;
  }
  const now = c.server.clock.now();
  const ord = pel.ordered();
  const rows: Nack[] = [];
  for (let i = pel.seek(start); count && i < ord.length && cmpID(ord[i].id, end) <= 0; i++) {
    const nack = ord[i];
    if (minidle && now - nack.deliveryTime < minidle) continue;
    rows.push(nack);
    count--;
  }
  out.array(rows.length);
  for (const nack of rows) {
    out.array(4);
    out.bulk(formatID(nack.id));
    out.bulk(nack.consumer!.name);
    out.integer(Math.max(0, now - nack.deliveryTime));
    out.integer(nack.deliveryCount);
  }
}

function lookupGroupOrFail(c: Client, argv: string[]): { s: Stream; g: ConsumerGroup } {
  const s = getStream(c, argv[1]);
  const g = s?.getGroup(argv[2]);
  if (!s || !g) throw fmtErr(ERR.nogroupNoSuchKeyConsumer(cstr(argv[1]), cstr(argv[2])));
  return { s, g };
}

// XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-time-milliseconds]
//        [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID lastid]
function xclaim(c: Client, argv: string[], out: ReplySink): void {
  const { s, g } = lookupGroupOrFail(c, argv);
  let minidle = llArg(argv[4], ERR.invalidMinIdle);
  if (minidle < 0) minidle = 0;
  const ids: StreamID[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    const id = parseStreamID(argv[j], 0, true);
    if (!id) break;
    ids.push(id);
  }
  const now = c.server.clock.now();
  let deliveryTime = -1;
  let retryCount = -1;
  let force = false;
  let justid = false;
  let lastId: StreamID = ID_ZERO;
  for (; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j];
    if (is(opt, 'force')) force = true;
    else if (is(opt, 'justid')) justid = true;
    else if (is(opt, 'idle') && more) {
      j++;
      deliveryTime = now - llArg(argv[j], ERR.invalidIdleOption);
    } else if (is(opt, 'time') && more) {
      j++;
      deliveryTime = llArg(argv[j], ERR.invalidTimeOption);
    } else if (is(opt, 'retrycount') && more) {
      j++;
      retryCount = llArg(argv[j], ERR.invalidRetrycountOption);
    } else if (is(opt, 'lastid') && more) {
      j++;
      lastId = strictID(argv[j]);
    } else {
      throw fmtErr(ERR.unrecognizedXclaimOption(opt));
    }
  }
  let propagateLastId = false;
  if (cmpID(lastId, g.lastId) > 0) {
    g.lastId = lastId;
    propagateLastId = true;
  }
  // logged as one normalized XCLAIM per entry it changed (or the group's new last ID alone)
  preventPropagation(c);
  if (deliveryTime !== -1) {
    if (deliveryTime < 0 || deliveryTime > now) deliveryTime = now;
  } else {
    deliveryTime = now;
  }
  const name = argv[3];
  let cons: Consumer | null = null;
  const claimed: StreamID[] = [];
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k];
    const key = formatID(id);
    let nack = g.pel.get(key);
    if (!s.exists(id)) {
      if (nack) {
        propagateXclaim(c, argv[1], g, argv[5 + k], nack);
        propagateLastId = false;
        c.server.dirty++;
        g.pel.delete(key);
        nack.consumer?.pel.delete(key);
      }
      continue;
    }
    if (force && !nack) {
      nack = new Nack({ ms: id.ms, seq: id.seq }, key, null, now, 1);
      g.pel.add(nack);
    }
    if (!nack) continue;
    if (nack.consumer && minidle && now - nack.deliveryTime < minidle) continue;
    if (cons === null) cons = lookupOrCreateConsumer(c, g, name, argv[1]);
    if (nack.consumer !== cons) nack.consumer?.pel.delete(key);
    nack.deliveryTime = deliveryTime;
    if (retryCount >= 0) nack.deliveryCount = retryCount;
    else if (!justid) nack.deliveryCount++;
    if (nack.consumer !== cons) {
      cons.pel.add(nack);
      nack.consumer = cons;
    }
    claimed.push(nack.id);
    propagateXclaim(c, argv[1], g, argv[5 + k], nack);
    propagateLastId = false;
    c.server.dirty++;
  }
  if (propagateLastId) {
    propagateGroupId(c, argv[1], g);
    c.server.dirty++;
  }
  out.array(claimed.length);
  for (const id of claimed) {
    if (justid) out.bulk(formatID(id));
    else replyOneEntry(out, s, id);
  }
}

// XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]
function xautoclaim(c: Client, argv: string[], out: ReplySink): void {
  let minidle = llArg(argv[4], ERR.invalidMinIdleTime);
  if (minidle < 0) minidle = 0;
  const start = startBound(argv[5]);
  let count = 100;
  let justid = false;
  for (let j = 6; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (is(argv[j], 'count') && more) {
      const v = parseIntArg(argv[j + 1]);
      if (v === null || v < 1 || v > Math.floor(9223372036854775807 / 16)) throw new ReplyError(ERR.countMustBePositive);
      count = v;
      j++;
    } else if (is(argv[j], 'justid')) {
      justid = true;
    } else {
      throw new ReplyError(ERR.syntax);
    }
  }
  const { s, g } = lookupGroupOrFail(c, argv);
  // Redis allocates count stream IDs up front; a COUNT no allocator can satisfy fails.
  if (count * 16 > totalmem()) {
    throw new ReplyError(ERR.insufficientMemoryFailed);
  }
  let attempts = count * 10;
  const ord = g.pel.ordered();
  const from = g.pel.seek(start);
  const snap = ord.slice(from, Math.min(ord.length, from + attempts + 1));
  const now = c.server.clock.now();
  const name = argv[3];
  let cons: Consumer | null = null;
  const claimed: StreamID[] = [];
  const deletedIds: StreamID[] = [];
  let i = 0;
  preventPropagation(c);
  while (attempts-- && count && i < snap.length) {
    const nack = snap[i++];
    if (!s.exists(nack.id)) {
      propagateXclaim(c, argv[1], g, formatID(nack.id), nack);
      c.server.dirty++;
      g.pel.delete(nack.key);
      nack.consumer?.pel.delete(nack.key);
      deletedIds.push(nack.id);
      count--;
      continue;
    }
    if (minidle && now - nack.deliveryTime < minidle) continue;
    if (cons === null) cons = lookupOrCreateConsumer(c, g, name, argv[1]);
    if (nack.consumer !== cons) nack.consumer?.pel.delete(nack.key);
    nack.deliveryTime = now;
    if (!justid) nack.deliveryCount++;
    if (nack.consumer !== cons) {
      cons.pel.add(nack);
      nack.consumer = cons;
    }
    claimed.push(nack.id);
    count--;
    propagateXclaim(c, argv[1], g, formatID(nack.id), nack);
    c.server.dirty++;
  }
  const cursor = i < snap.length ? snap[i].id : ID_ZERO;
  out.array(3);
  out.bulk(formatID(cursor));
  out.array(claimed.length);
  for (const id of claimed) {
    if (justid) out.bulk(formatID(id));
    else replyOneEntry(out, s, id);
  }
  out.array(deletedIds.length);
  for (const id of deletedIds) out.bulk(formatID(id));
}

// ---- XINFO -----------------------------------------------------------------------------------

const XINFO_HELP = [
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
];

function xinfoHelp(_c: Client, argv: string[], out: ReplySink): void {
  if (argv.length !== 2) throw subcommandSyntax(argv);
  replyHelp(out, argv[0], XINFO_HELP);
}

function xinfoLookup(c: Client, argv: string[]): Stream {
  const s = getStream(c, argv[2]);
  if (!s) throw new ReplyError(ERR.noSuchKey);
  return s;
}

function replyLag(out: ReplySink, s: Stream, g: ConsumerGroup): void {
  const lag = s.groupLag(g);
  if (lag === null) out.null();
  else out.integer(lag);
}

function replyEntriesRead(out: ReplySink, g: ConsumerGroup): void {
  if (g.entriesRead === INVALID_ENTRIES_READ) out.null();
  else out.integer(g.entriesRead);
}

// XINFO CONSUMERS key group
function xinfoConsumers(c: Client, argv: string[], out: ReplySink): void {
  const s = xinfoLookup(c, argv);
  if (argv.length !== 4) throw subcommandSyntax(argv);
  const g = s.getGroup(argv[3]);
  if (!g) throw fmtErr(ERR.nogroupNoSuchConsumer(cstr(argv[3]), cstr(argv[2])));
  const now = c.server.clock.now();
  const list = g.sortedConsumers();
  out.array(list.length);
  for (const x of list) {
    out.map(3);
    out.bulk('name');
    out.bulk(x.name);
    out.bulk('pending');
    out.integer(x.pel.size);
    out.bulk('idle');
    out.integer(Math.max(0, now - x.seenTime));
  }
}

// XINFO GROUPS key
function xinfoGroups(c: Client, argv: string[], out: ReplySink): void {
  const s = xinfoLookup(c, argv);
  if (argv.length !== 3) throw subcommandSyntax(argv);
  const list = s.sortedGroups();
  out.array(list.length);
  for (const g of list) {
    out.map(6);
    out.bulk('name');
    out.bulk(g.name);
    out.bulk('consumers');
    out.integer(g.consumers.size);
    out.bulk('pending');
    out.integer(g.pel.size);
    out.bulk('last-delivered-id');
    out.bulk(formatID(g.lastId));
    out.bulk('entries-read');
    replyEntriesRead(out, g);
    out.bulk('lag');
    replyLag(out, s, g);
  }
}

// XINFO STREAM key [FULL [COUNT count]]
function xinfoStream(c: Client, argv: string[], out: ReplySink): void {
  const s = xinfoLookup(c, argv);
  const optc = argv.length - 3;
  let full = true;
  let count = 10;
  if (optc === 0) {
    full = false;
  } else {
    if (optc !== 1 && optc !== 3) throw subcommandSyntax(argv);
    if (!is(argv[3], 'full')) throw subcommandSyntax(argv);
    if (optc === 3) {
      if (!is(argv[4], 'count')) throw subcommandSyntax(argv);
      count = llArg(argv[5]);
      if (count < 0) count = 10;
    }
  }
  out.map(full ? 9 : 10);
  out.bulk('length');
  out.integer(s.length);
  out.bulk('radix-tree-keys');
  out.integer(s.nodes.length);
  out.bulk('radix-tree-nodes');
  out.integer(s.raxNodes());
  out.bulk('last-generated-id');
  out.bulk(formatID(s.lastId));
  out.bulk('max-deleted-entry-id');
  out.bulk(formatID(s.maxDeletedId));
  out.bulk('entries-added');
  out.integer(s.entriesAdded);
  out.bulk('recorded-first-entry-id');
  out.bulk(formatID(s.firstId));
  if (!full) {
    out.bulk('groups');
    out.integer(s.groups ? s.groups.size : 0);
    out.bulk('first-entry');
    const first = s.range(ID_ZERO, ID_MAX, false, 1);
    if (first.length) replyEntry(out, first[0].id, first[0].pairs);
    else out.null();
    out.bulk('last-entry');
    const last = s.range(ID_ZERO, ID_MAX, true, 1);
    if (last.length) replyEntry(out, last[0].id, last[0].pairs);
    else out.null();
    return;
  }
  out.bulk('entries');
  replyEntries(out, s.range(ID_ZERO, ID_MAX, false, count));
  out.bulk('groups');
  const groups = s.sortedGroups();
  out.array(groups.length);
  for (const g of groups) {
    out.map(7);
    out.bulk('name');
    out.bulk(g.name);
    out.bulk('last-delivered-id');
    out.bulk(formatID(g.lastId));
    out.bulk('entries-read');
    replyEntriesRead(out, g);
    out.bulk('lag');
    replyLag(out, s, g);
    out.bulk('pel-count');
    out.integer(g.pel.size);
    out.bulk('pending');
    const pel = g.pel.ordered();
    const np = count ? Math.min(count, pel.length) : pel.length;
    out.array(np);
    for (let i = 0; i < np; i++) {
      const n = pel[i];
      out.array(4);
      out.bulk(formatID(n.id));
      out.bulk(n.consumer!.name);
      out.integer(n.deliveryTime);
      out.integer(n.deliveryCount);
    }
    out.bulk('consumers');
    const consumers = g.sortedConsumers();
    out.array(consumers.length);
    for (const x of consumers) {
      out.map(4);
      out.bulk('name');
      out.bulk(x.name);
      out.bulk('seen-time');
      out.integer(x.seenTime);
      out.bulk('pel-count');
      out.integer(x.pel.size);
      out.bulk('pending');
      const cp = x.pel.ordered();
      const nc = count ? Math.min(count, cp.length) : cp.length;
      out.array(nc);
      for (let i = 0; i < nc; i++) {
        const n = cp[i];
        out.array(3);
        out.bulk(formatID(n.id));
        out.integer(n.deliveryTime);
        out.integer(n.deliveryCount);
      }
    }
  }
}

export const commands: HandlerTable = {
  xadd,
  xtrim,
  xlen,
  xrange,
  xrevrange,
  xdel,
  xsetid,
  xread,
  xreadgroup: xread,
  xack,
  xpending,
  xclaim,
  xautoclaim,
  'xgroup|create': xgroup,
  'xgroup|setid': xgroup,
  'xgroup|destroy': xgroup,
  'xgroup|createconsumer': xgroup,
  'xgroup|delconsumer': xgroup,
  'xgroup|help': xgroup,
  'xinfo|stream': xinfoStream,
  'xinfo|groups': xinfoGroups,
  'xinfo|consumers': xinfoConsumers,
  'xinfo|help': xinfoHelp,
};
