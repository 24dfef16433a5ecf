import fs from 'node:fs';
import { perfNow } from '../util/clock.ts';
import path from 'node:path';
import type { ServerState } from '../core/state.ts';
import type { Client } from '../core/client.ts';
import type { Command } from '../core/types.ts';
import { ReplyError } from '../errors.ts';
import type { AofManifest } from './aof-manifest.ts';

/** Loads an RDB image from the start of `data`; returns the bytes it used, or throws. */
export type RdbLoader = (server: ServerState, data: Buffer) => number;

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
  loadRdb: RdbLoader | null;
  /** Writes a manifest (the upgrade from a single-file AOF needs one). */
  persist: (m: AofManifest) => boolean;
}

/**
 * loadAppendOnlyFiles: the base, then every incremental file in order. A truncated file is
 * tolerated (aof-load-truncated) only when it is the last one.
 */
export function loadAppendOnlyFiles(server: ServerState, ctx: AofLoadContext): { status: AofLoadResult; totalSize: number; baseSize: number } {
  const m = ctx.manifest;
  upgradeIfNeeded(server, ctx);
  if (m.base === null && m.incr.length === 0) return { status: AofLoadResult.NotExist, totalSize: 0, baseSize: 0 };
  const files = [...(m.base ? [m.base] : []), ...m.incr];
  let total = 0;
  for (const f of files) {
    try {
      total += fs.statSync(path.join(ctx.aofDir, f.name)).size;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        server.log('warning', `The append log file ${f.name} doesn't exist: No such file or directory`);
      } else {
        server.log('warning', `Fatal error: can't open the append log file ${f.name} for reading: ${(e as Error).message}`);
        return { status: AofLoadResult.OpenError, totalSize: 0, baseSize: 0 };
      }
      return { status: AofLoadResult.Failed, totalSize: 0, baseSize: 0 };
    }
  }
  if (total === 0) return { status: AofLoadResult.Empty, totalSize: 0, baseSize: 0 };
  let status = AofLoadResult.Ok;
  let baseSize = 0;
  server.loading = true;
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
      if (isBase) baseSize = fileSize(file);
      let r = loadSingleFile(server, file, f.name, f.name === ctx.prefix, ctx.loadRdb);
      if (r === AofLoadResult.Ok || (r === AofLoadResult.Truncated && last)) {
        server.log('notice', `DB loaded from ${isBase ? 'base' : 'incr'} file ${f.name}: ${((perfNow() - t0) / 1000).toFixed(3)} seconds`);
      }
      // an empty incremental file is fine: the total had data
      if (r === AofLoadResult.Empty) r = AofLoadResult.Ok;
      if (r === AofLoadResult.Truncated && !last) {
        r = AofLoadResult.Failed;
        server.log('warning', 'Fatal error: the truncated file is not the last file');
      }
      if (r === AofLoadResult.OpenError || r === AofLoadResult.Failed) return { status: r, totalSize: 0, baseSize: 0 };
      if (r === AofLoadResult.Truncated) status = r;
    }
  } finally {
    server.loading = false;
    prop.active = wasActive;
  }
  return { status, totalSize: total, baseSize };
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
function loadSingleFile(server: ServerState, file: string, name: string, oldStyle: boolean, loadRdb: RdbLoader | null): AofLoadResult {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      server.log('warning', `The append log file ${name} doesn't exist: No such file or directory`);
      return AofLoadResult.NotExist;
    }
    server.log('warning', `Fatal error: can't open the append log file ${name} for reading: ${(e as Error).message}`);
    return AofLoadResult.OpenError;
  }
  if (data.length === 0) return AofLoadResult.Empty;
  let pos = 0;
  if (data.length >= 5 && data.latin1Slice(0, 5) === 'REDIS') {
    server.log('notice', oldStyle ? 'Reading RDB preamble from AOF file...' : 'Reading RDB base file on AOF loading...');
    try {
      if (loadRdb === null) throw new Error('no RDB loader');
      pos = loadRdb(server, data);
    } catch (e) {
      for (const line of (e as { lines?: string[] }).lines ?? []) server.log('warning', line);
      server.log(
        'warning',
        oldStyle
          ? `Error reading the RDB preamble of the AOF file ${name}, AOF loading aborted`
          : `Error reading the RDB base file ${name}, AOF loading aborted`,
      );
      return truncatedOrFailed(server, file, name, data, -1);
    }
    if (oldStyle) server.log('notice', 'Reading the remaining AOF tail...');
  }
  const truncatedOk = server.config.get('aof-load-truncated') === 'yes';
  const c = loaderClient(server);
  let validUpTo = 0;
  let validBeforeMulti = 0;
  const n = data.length;
  // fgets(buf, AOF_ANNOTATION_LINE_MAX_LEN): a line, or at most 1023 bytes of it
  const readLine = (): string | null => {
    if (pos >= n) return null;
    let end = data.indexOf(10, pos);
    if (end < 0 || end - pos >= 1023) end = Math.min(n, pos + 1023) - 1;
    const line = data.latin1Slice(pos, end + 1);
    pos = end + 1;
    return line;
  };
  for (;;) {
    const line = readLine();
    if (line === null) break;
    if (line[0] === '#') continue;
    if (line[0] !== '*') return formatError(server, name);
    if (line.length === 1) return truncatedOrFailed(server, file, name, data, truncatedOk ? validUpTo : -2);
    const argc = atoi(line.slice(1));
    if (argc < 1) return formatError(server, name);
    const argv: string[] = new Array(argc);
    for (let j = 0; j < argc; j++) {
      const l = readLine();
      if (l === null) return truncatedOrFailed(server, file, name, data, truncatedOk ? validUpTo : -2);
      if (l[0] !== '$') return formatError(server, name);
      const len = strtol(l.slice(1));
      if (len > 0 && pos + len > n) return truncatedOrFailed(server, file, name, data, truncatedOk ? validUpTo : -2);
      argv[j] = data.latin1Slice(pos, pos + Math.max(0, len));
      pos += Math.max(0, len);
      if (pos + 2 > n) return truncatedOrFailed(server, file, name, data, truncatedOk ? validUpTo : -2);
      pos += 2;
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
      run(c, cmd, argv);
    }
    if (truncatedOk) validUpTo = pos;
  }
  if (c.multi !== null) {
    server.log('warning', `Revert incomplete MULTI/EXEC transaction in AOF file ${name}`);
    return truncatedOrFailed(server, file, name, data, truncatedOk ? validBeforeMulti : -2);
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
function truncatedOrFailed(server: ServerState, file: string, name: string, _data: Buffer, validUpTo: number): AofLoadResult {
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

/** C's atoi on a line (stops at the first non-digit). */
function atoi(s: string): number {
  const r = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return r === null ? 0 : Number(r[1]);
}

function strtol(s: string): number {
  return atoi(s);
}
