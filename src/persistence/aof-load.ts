import fs from 'node:fs';
import { dateNow, perfNow, sleep, turn } from '../util/clock.ts';
import path from 'node:path';
import type { ServerState } from '../core/state.ts';
import type { Client } from '../core/client.ts';
import type { Command } from '../core/types.ts';
import { ReplyError } from '../errors.ts';
import type { AofManifest } from './aof-manifest.ts';
import { AofReader, AOF_READ_CHUNK } from './aof-reader.ts';
import { fileSource, RdbParser } from './rdb-loader.ts';
import { Persistence } from './persistence.ts';

/** How long one slice of loading may hold the event loop before other clients get a turn. */
const LOAD_SLICE_MS = 20;

export const enum AofLoadResult {
  Ok,
  NotExist,
  Empty,
  OpenError,
  Failed,
  Truncated,
}

export interface AofLoadContext {
  manifest: AofManifest;
  dir: string;
  aofDir: string;
  prefix: string;
  /** Writes a manifest (the upgrade from a single-file AOF needs one). */
  persist: (m: AofManifest) => boolean;
  /** Bytes read from a file at a time (tests make it small). */
  readChunk?: number;
}

export interface AofLoadOutcome {
  status: AofLoadResult;
  totalSize: number;
  baseSize: number;
  /** The largest read buffer held while loading, in bytes. */
  peakReadBytes: number;
}

/**
 * What the loading steps ask of the one driving them: a number is a pause (ms to sleep,
 * 0 for one turn of the event loop), a client is a script it runs that went past
 * busy-reply-threshold: loading goes on once the script has ended.
 */
type Pause = number | Client;

/**
 * loadAppendOnlyFiles run to its end at once: nothing else is served meanwhile (DEBUG
 * LOADAOF in MULTI or from the in-process API). A script in the files runs to its end.
 */
export function loadAppendOnlyFiles(server: ServerState, ctx: AofLoadContext): AofLoadOutcome {
  const steps = loadSteps(server, ctx, false);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * loadAppendOnlyFiles between turns of the event loop, as Redis processes events while it
 * loads: other clients get LOADING (or run what the `loading` flag allows), INFO shows the
 * progress, and a slow script in the files is a busy script (its "Slow script detected"
 * line, SHUTDOWN NOSAVE still heard). Stops (failed) when the server closes meanwhile.
 */
export async function loadAppendOnlyFilesAsync(server: ServerState, ctx: AofLoadContext): Promise<AofLoadOutcome> {
  const steps = loadSteps(server, ctx, true);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    const pause = r.value;
    if (typeof pause === 'number') {
      if (pause >= 1) await sleep(pause);
      else await turn();
    } else {
      while (pause.blocked !== null) await turn();
    }
    if (server.closing) {
      const end = steps.return({ status: AofLoadResult.Failed, totalSize: 0, baseSize: 0, peakReadBytes: 0 });
      return end.value as AofLoadOutcome;
    }
  }
}

/**
 * loadAppendOnlyFiles: the base, then every incremental file in order. A truncated file is
 * tolerated (aof-load-truncated) only when it is the last one. `sliced`: pauses between
 * slices of work (otherwise none, and scripts never yield).
 */
function* loadSteps(server: ServerState, ctx: AofLoadContext, sliced: boolean): Generator<Pause, AofLoadOutcome> {
  const m = ctx.manifest;
  upgradeIfNeeded(server, ctx);
  const failed = (status: AofLoadResult): AofLoadOutcome => ({ status, totalSize: 0, baseSize: 0, peakReadBytes: 0 });
  if (m.base === null && m.incr.length === 0) return failed(AofLoadResult.NotExist);
  const files = [...(m.base ? [m.base] : []), ...m.incr];
  const sizes: number[] = [];
  for (const f of files) {
    try {
      sizes.push(fs.statSync(path.join(ctx.aofDir, f.name)).size);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        server.log('warning', `The append log file ${f.name} doesn't exist: No such file or directory`);
      } else {
        server.log('warning', `Fatal error: can't open the append log file ${f.name} for reading: ${(e as Error).message}`);
        return failed(AofLoadResult.OpenError);
      }
      return failed(AofLoadResult.Failed);
    }
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total === 0) return failed(AofLoadResult.Empty);
  let status = AofLoadResult.Ok;
  let baseSize = 0;
  const load: FileLoad = { server, sliced, readChunk: ctx.readChunk ?? AOF_READ_CHUNK, done: 0, reader: null, rdb: null, peakReadBytes: 0 };
  const persistence = Persistence.of(server);
  server.loading = true;
  persistence.loadingInfo = {
    startedAt: dateNow(),
    totalBytes: total,
    loadedBytes: () => load.done + (load.rdb !== null ? load.rdb.position : load.reader !== null ? load.reader.offset : 0),
    rdbUsedMem: () => Number(load.rdb?.aux.get('used-mem') ?? 0) || 0,
  };
  // a replay is no new write: nothing it does is propagated (the AOF may be on: DEBUG LOADAOF)
  const prop = server.propagator;
  const wasActive = prop.active;
  prop.active = false;
  try {
    for (let i = 0; i < files.length; i++) {
      const f = files[i];
      const isBase = f === m.base;
      const last = i === files.length - 1;
      const t0 = perfNow();
      const file = path.join(ctx.aofDir, f.name);
      if (isBase) baseSize = sizes[i];
      let r = yield* loadSingleFile(load, file, f.name, f.name === ctx.prefix);
      load.done += sizes[i];
      if (r === AofLoadResult.Ok || (r === AofLoadResult.Truncated && last)) {
        server.log('notice', `DB loaded from ${isBase ? 'base' : 'incr'} file ${f.name}: ${((perfNow() - t0) / 1000).toFixed(3)} seconds`);
      }
      // an empty incremental file is fine: the total had data
      if (r === AofLoadResult.Empty) r = AofLoadResult.Ok;
      if (r === AofLoadResult.Truncated && !last) {
        r = AofLoadResult.Failed;
        server.log('warning', 'Fatal error: the truncated file is not the last file');
      }
      if (r === AofLoadResult.OpenError || r === AofLoadResult.Failed) return failed(r);
      if (r === AofLoadResult.Truncated) status = r;
    }
  } finally {
    server.loading = false;
    persistence.loadingInfo = null;
    prop.active = wasActive;
  }
  return { status, totalSize: total, baseSize, peakReadBytes: load.peakReadBytes };
}

/** One load's state, shared by its files' steps (and read by INFO's loading fields). */
interface FileLoad {
  readonly server: ServerState;
  readonly sliced: boolean;
  readonly readChunk: number;
  /** Bytes of the files already loaded. */
  done: number;
  /** The file being read: its RDB part, or its commands. */
  reader: AofReader | null;
  rdb: RdbParser | null;
  peakReadBytes: number;
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * aofUpgradePrepare: an `appendfilename` file in `dir` from Redis before 7.0 becomes the base
 * of a new AOF directory (when no directory or manifest describes anything else).
 */
function upgradeIfNeeded(server: ServerState, ctx: AofLoadContext): void {
  const m = ctx.manifest;
  const old = path.join(ctx.dir, ctx.prefix);
  if (!fs.existsSync(old)) return;
  const dirExists = fs.existsSync(ctx.aofDir);
  const onlyOldBase = m.base !== null && m.incr.length === 0 && m.base.name === ctx.prefix && !fs.existsSync(path.join(ctx.aofDir, ctx.prefix));
  if (dirExists && !(m.base === null && m.incr.length === 0) && !onlyOldBase) return;
  fs.mkdirSync(ctx.aofDir, { recursive: true });
  m.base = { name: ctx.prefix, seq: 1, type: 'b' };
  m.baseSeq = 1;
  if (!ctx.persist(m)) throw new Error('AOF upgrade: manifest');
  fs.renameSync(old, path.join(ctx.aofDir, ctx.prefix));
  server.log('notice', `Successfully migrated an old-style AOF file (${ctx.prefix}) into the AOF directory (${path.basename(ctx.aofDir)}).`);
}

/** The fake client commands run in while loading: no replies kept, never blocked. */
function loaderClient(server: ServerState): Client {
  const c = server.createClient(null);
  c.writer.muted = true;
  c.inExecOrScript = true;
  return c;
}

/**
 * loadSingleAppendOnlyFile: an RDB image if the file starts with one, then commands in
 * RESP form, run as a client would run them. A short read at the end is forgiven with
 * aof-load-truncated (the file is cut after the last whole command, or before an
 * unterminated MULTI); anything else malformed is fatal.
 */
function* loadSingleFile(load: FileLoad, file: string, name: string, oldStyle: boolean): Generator<Pause, AofLoadResult> {
  const server = load.server;
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      server.log('warning', `The append log file ${name} doesn't exist: No such file or directory`);
      return AofLoadResult.NotExist;
    }
    server.log('warning', `Fatal error: can't open the append log file ${name} for reading: ${(e as Error).message}`);
    return AofLoadResult.OpenError;
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0) return AofLoadResult.Empty;
    let start = 0;
    const sig = Buffer.alloc(5);
    if (size >= 5 && fs.readSync(fd, sig, 0, 5, 0) === 5 && sig.latin1Slice(0, 5) === 'REDIS') {
      server.log('notice', oldStyle ? 'Reading RDB preamble from AOF file...' : 'Reading RDB base file on AOF loading...');
      const end = yield* loadRdbPart(load, fd, size);
      if (end < 0) {
        server.log(
          'warning',
          oldStyle
            ? `Error reading the RDB preamble of the AOF file ${name}, AOF loading aborted`
            : `Error reading the RDB base file ${name}, AOF loading aborted`,
        );
        return AofLoadResult.Failed;
      }
      start = end;
      if (oldStyle) server.log('notice', 'Reading the remaining AOF tail...');
    }
    const reader = new AofReader(fd, start, load.readChunk);
    load.reader = reader;
    try {
      return yield* loadCommands(load, reader, file, name);
    } finally {
      load.reader = null;
      load.peakReadBytes = Math.max(load.peakReadBytes, reader.peakBytes);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The RDB image at the start of an AOF file, read a slice at a time and installed once
 * whole; returns where the commands after it start, or -1 (its error logged).
 */
function* loadRdbPart(load: FileLoad, fd: number, size: number): Generator<Pause, number> {
  const server = load.server;
  try {
    const parser = new RdbParser(server, fileSource(fd, size), { aofPreamble: true });
    load.rdb = parser;
    for (;;) {
      // key-load-delay (microseconds per key) slows loading down for tests, as in rdbLoadRio
      const delayUs = server.config.getInt('key-load-delay');
      const before = parser.keysLoaded + parser.keysExpired;
      if (parser.step(!load.sliced ? Infinity : delayUs > 0 ? 1 : LOAD_SLICE_MS)) break;
      const owed = ((parser.keysLoaded + parser.keysExpired - before) * Math.max(0, delayUs)) / 1000;
      yield owed >= 1 ? Math.floor(owed) : 0;
    }
    return parser.install().end;
  } catch (e) {
    for (const line of (e as { lines?: string[] }).lines ?? []) server.log('warning', line);
    if (!(e as { lines?: string[] }).lines) server.log('warning', String((e as Error)?.message ?? e));
    return -1;
  } finally {
    load.rdb = null;
  }
}

/** The commands of an AOF file from the reader's position to the end. */
function* loadCommands(load: FileLoad, reader: AofReader, file: string, name: string): Generator<Pause, AofLoadResult> {
  const server = load.server;
  const truncatedOk = server.config.get('aof-load-truncated') === 'yes';
  const c = loaderClient(server);
  let validUpTo = 0;
  let validBeforeMulti = 0;
  const truncated = () => truncatedOrFailed(server, file, name, truncatedOk ? validUpTo : -2);
  // other clients get a turn every loading-process-events-interval-bytes, or when a slice is over
  const intervalBytes = Math.max(1024, server.config.getInt('loading-process-events-interval-bytes'));
  let sliceEnd = load.sliced ? perfNow() + LOAD_SLICE_MS : Infinity;
  let nextEventsAt = load.sliced ? reader.offset + intervalBytes : Infinity;
  let count = 0;
  for (;;) {
    if (load.sliced && (reader.offset >= nextEventsAt || ((++count & 63) === 0 && perfNow() >= sliceEnd))) {
      yield 0;
      sliceEnd = perfNow() + LOAD_SLICE_MS;
      nextEventsAt = reader.offset + intervalBytes;
    }
    const line = reader.readLine();
    if (line === null) break;
    if (line[0] === '#') continue;
    if (line[0] !== '*') return formatError(server, name);
    if (line.length === 1) return truncated();
    const argc = atoi(line, 1);
    if (argc < 1) return formatError(server, name);
    const argv: string[] = [];
    for (let j = 0; j < argc; j++) {
      const l = reader.readLine();
      if (l === null) return truncated();
      if (l[0] !== '$') return formatError(server, name);
      const arg = reader.readBulk(Math.max(0, atoi(l, 1)));
      if (arg === null) return truncated();
      argv.push(arg);
    }
    const cmd = lookup(server, argv);
    if (cmd === null) {
      server.log('warning', `Unknown command '${argv[0]}' reading the append only file ${name}`);
      return AofLoadResult.Failed;
    }
    if (cmd.name === 'multi') validBeforeMulti = validUpTo;
    if (c.multi !== null && cmd.name !== 'exec') {
      c.multi.push({ cmd, argv });
    } else {
      // a script may give the event loop turns past busy-reply-threshold, but not from EXEC
      c.scriptMayYield = load.sliced && cmd.name !== 'exec';
      run(c, cmd, argv);
      if (c.blocked !== null) {
        yield c;
        sliceEnd = perfNow() + LOAD_SLICE_MS;
        nextEventsAt = reader.offset + intervalBytes;
      }
    }
    if (truncatedOk) validUpTo = reader.offset;
  }
  if (c.multi !== null) {
    server.log('warning', `Revert incomplete MULTI/EXEC transaction in AOF file ${name}`);
    return truncatedOrFailed(server, file, name, truncatedOk ? validBeforeMulti : -2);
  }
  return AofLoadResult.Ok;
}

/** lookupCommand: the command or subcommand, whatever the argument count (no arity check, as Redis). */
function lookup(server: ServerState, argv: string[]): Command | null {
  const cmd = server.table.lookup(argv[0]);
  if (!cmd) return null;
  if (!cmd.subcommands) return cmd;
  if (argv.length < 2) return cmd;
  return cmd.subcommands.get(argv[1].toLowerCase()) ?? null;
}

function run(c: Client, cmd: Command, argv: string[]): void {
  // no call() started it: a script it runs times itself from now
  c.server.callStart = 0;
  try {
    (cmd.handler as NonNullable<Command['handler']>)(c, argv, c.writer);
  } catch (e) {
    if (!(e instanceof ReplyError)) c.server.log('warning', `error replaying '${cmd.name}' from the AOF: ${(e as Error)?.message ?? e}`);
  }
}

function formatError(server: ServerState, name: string): AofLoadResult {
  server.log('warning', `Bad file format reading the append only file ${name}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`);
  return AofLoadResult.Failed;
}

/**
 * The uxeof path: with aof-load-truncated (validUpTo >= 0) the file is cut at the last
 * complete command and loading goes on; otherwise (-2) it is fatal, as is an unreadable
 * RDB part (-1).
 */
function truncatedOrFailed(server: ServerState, file: string, name: string, validUpTo: number): AofLoadResult {
  if (validUpTo >= 0) {
    server.log('warning', `!!! Warning: short read while loading the AOF file ${name}!!!`);
    server.log('warning', `!!! Truncating the AOF ${name} at offset ${validUpTo} !!!`);
    try {
      fs.truncateSync(file, validUpTo);
      server.log('warning', `AOF ${name} loaded anyway because aof-load-truncated is enabled`);
      return AofLoadResult.Truncated;
    } catch (e) {
      server.log('warning', `Error truncating the AOF file ${name}: ${(e as Error).message}`);
    }
  }
  if (validUpTo === -1) return AofLoadResult.Failed;
  server.log(
    'warning',
    `Unexpected end of file reading the append only file ${name}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.`,
  );
  return AofLoadResult.Failed;
}

/** C's atoi on a line from `at`: leading white space, a sign, digits up to the first non-digit. */
function atoi(s: string, at: number): number {
  let i = at;
  const n = s.length;
  while (i < n && (s.charCodeAt(i) === 32 || (s.charCodeAt(i) >= 9 && s.charCodeAt(i) <= 13))) i++;
  let neg = false;
  if (i < n && (s[i] === '+' || s[i] === '-')) neg = s[i++] === '-';
  let v = 0;
  for (; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
  }
  return neg ? -v : v;
}
