import fs from 'node:fs';
import { dateNow, perfNow } from '../util/clock.ts';
import path from 'node:path';
import type { ServerState } from '../core/state.ts';
import { AofManifest, ManifestError, parseManifest } from './aof-manifest.ts';
import { ChunkedFileWriter, encodeCommand, writeAofBase, type FunctionSources } from './aof-rewrite.ts';
import { loadAppendOnlyFiles, loadAppendOnlyFilesAsync, AofLoadResult, type AofLoadContext, type AofLoadOutcome } from './aof-load.ts';
import { BackgroundSave, aofCommandFormat, rdbFormat, type SaveOutcome } from './bgsave.ts';
import { strerror } from '../util/strerror.ts';
import { ShutdownWhileLoading } from './persistence.ts';

/** A persistence file made startup impossible; the reason was logged as Redis logs it. */
export class PersistenceStartupError extends Error {}

/** Writes a point-in-time RDB image of the server to a file descriptor (the RDB preamble). */
export type RdbWriter = (server: ServerState, fd: number) => void;

/** Optional collaborators: function sources for the base, and the RDB writer once available. */
export interface AofHooks {
  functions: FunctionSources;
  writeRdb?: RdbWriter;
}

type AofState = 'off' | 'on' | 'wait_rewrite';

const TEMP_PREFIX = 'temp-';
/** Failed rewrites in a row after which automatic ones are spaced out, and the longest wait. */
const REWRITE_LIMIT_FAILURES = 3;
const REWRITE_LIMIT_MAX_MINUTES = 60;

/**
 * The multi-part append-only file of Redis 7.0 (aof.c): a manifest naming a base file and
 * incremental files in `dir/appenddirname`. Propagated commands are buffered during a turn
 * of the event loop and written before replies leave (so an acknowledged write is in the
 * file), fsynced per appendfsync. BGREWRITEAOF starts a new incremental file and writes a
 * new base at the same instant: the rewrite runs synchronously, so the base is a consistent
 * point in time and every later write lands in the new incremental file.
 */
export class Aof {
  static of(server: ServerState): Aof {
    const holder = server as unknown as { aofInst?: Aof };
    if (!holder.aofInst) holder.aofInst = new Aof(server, { functions: () => [] });
    return holder.aofInst;
  }

  static install(server: ServerState, hooks: AofHooks): Aof {
    const aof = new Aof(server, hooks);
    (server as unknown as { aofInst?: Aof }).aofInst = aof;
    return aof;
  }

  state: AofState = 'off';
  private fd = -1;
  private buf: string[] = [];
  private bufLen = 0;
  private selectedDb = -1;
  private manifest: AofManifest | null = null;
  private lastFsync = dateNow();
  /** Bytes written since the last fsync was started. */
  private unsynced = 0;
  private fsyncInProgress = false;
  private currentSize = 0;
  private baseSize = 0;
  private lastIncrSize = 0;
  rewrites = 0;
  rewriteScheduled = false;
  private lastRewriteStatus: 'ok' | 'err' = 'ok';
  private lastWriteStatus: 'ok' | 'err' = 'ok';
  private lastRewriteTimeSec = -1;
  /** The RDB base being written between event-loop turns (aof-use-rdb-preamble yes), or null. */
  private job: BackgroundSave | null = null;
  private jobStartedAt = 0;
  private consecutiveFailures = 0;
  private limitDelayMinutes = 0;
  /** Unix time (s) before which automatic rewrites are held back, or 0. */
  private limitUntil = 0;
  /** aof_last_cow_size: what the last rewrite would have copied on write. */
  private lastCowBytes = 0;

  constructor(
    private readonly server: ServerState,
    readonly hooks: AofHooks,
  ) {
    // updateAofAutoGCEnabled: turning the gc back on removes the history files at once
    server.config.watch('aof-disable-auto-gc', () => {
      if (server.config.get('aof-disable-auto-gc') === 'no') this.deleteHistoryFiles();
    });
  }

  /** The unix second of the last #TS annotation written (aof_cur_timestamp). */
  private curTimestamp = 0;

  /** genAofTimestampAnnotationIfNeeded: `#TS:<unix time>` when a new second began (or forced). */
  private timestampAnnotation(force: boolean): string {
    const now = Math.floor(dateNow() / 1000);
    if (!force && this.curTimestamp >= now) return '';
    this.curTimestamp = now;
    return `#TS:${now}\r\n`;
  }

  // ---- paths -------------------------------------------------------------------------------

  private get dir(): string {
    return this.server.config.get('dir');
  }

  private get aofDir(): string {
    return path.join(this.dir, this.server.config.get('appenddirname'));
  }

  private get prefix(): string {
    return this.server.config.get('appendfilename');
  }

  private inAofDir(name: string): string {
    return path.join(this.aofDir, name);
  }

  private log(level: 'notice' | 'warning' | 'verbose', msg: string): void {
    this.server.log(level, msg);
  }

  // ---- startup -----------------------------------------------------------------------------

  /** Where the files a manifest names are, for the loader. */
  private loadContext(manifest: AofManifest): AofLoadContext {
    return {
      manifest,
      dir: this.dir,
      aofDir: this.aofDir,
      prefix: this.prefix,
      persist: (m) => this.persistManifest(m),
      readChunk: this.readChunk,
    };
  }

  /** Bytes the loader reads at a time (undefined: its default; tests make it small). */
  readChunk: number | undefined = undefined;
  /** The largest read buffer the last load held (bounded memory, whatever the files' size). */
  lastLoadPeakReadBytes = 0;

  /**
   * main() with appendonly yes: read the manifest, load the files between event-loop turns
   * (clients get LOADING meanwhile; the RDB file is not consulted: with the AOF on it is the
   * only source), then open the last incremental file for appending, creating a base first
   * when starting from nothing.
   */
  async loadAtStartup(): Promise<void> {
    const manifest = (this.manifest = this.readManifestFromDisk());
    const start = perfNow();
    const r = await loadAppendOnlyFilesAsync(this.server, this.loadContext(manifest));
    this.lastLoadPeakReadBytes = r.peakReadBytes;
    if (this.server.closing) throw new ShutdownWhileLoading();
    if (r.status === AofLoadResult.Failed || r.status === AofLoadResult.OpenError) throw new PersistenceStartupError('AOF loading failed');
    if (r.status !== AofLoadResult.NotExist) {
      this.log('notice', `DB loaded from append only file: ${((perfNow() - start) / 1000).toFixed(3)} seconds`);
      this.currentSize = r.totalSize;
      this.baseSize = r.baseSize;
    }
    this.openOnStart();
    this.deleteHistoryFiles();
  }

  /** aofLoadManifestFromDisk: a missing directory or manifest is no error (an upgrade, or a first start). */
  private readManifestFromDisk(): AofManifest {
    const file = this.inAofDir(`${this.prefix}.manifest`);
    if (!fs.existsSync(this.aofDir) || !fs.existsSync(file)) return new AofManifest();
    let text: string;
    try {
      text = fs.readFileSync(file, 'latin1');
    } catch (e) {
      this.log('warning', `Fatal error: can't open the AOF manifest file ${file} for reading: ${strerror(e)}`);
      throw new PersistenceStartupError('manifest');
    }
    try {
      return parseManifest(text);
    } catch (e) {
      if (!(e instanceof ManifestError)) throw e;
      this.log('warning', '\n*** FATAL AOF MANIFEST FILE ERROR ***\n');
      if (e.line !== null) {
        this.log('warning', `Reading the manifest file, at line ${e.lineNumber}\n`);
        this.log('warning', `>>> '${e.line}'\n`);
      }
      this.log('warning', `${e.reason}\n`);
      throw new PersistenceStartupError('manifest');
    }
  }

  /** aofOpenIfNeededOnServerStart */
  private openOnStart(): void {
    const m = this.manifest as AofManifest;
    if (!this.mkdirAofDir()) throw new PersistenceStartupError('aof dir');
    const hadIncr = m.incr.length > 0;
    if (m.base === null && !hadIncr) {
      const base = m.newBase(this.prefix, this.useRdbPreamble());
      const r = this.writeBaseFile(this.inAofDir(base.name));
      if (r < 0) throw new PersistenceStartupError('base');
      this.log('notice', `Creating AOF base file ${base.name} on server start`);
    }
    const incr = hadIncr ? m.incr[m.incr.length - 1] : m.newIncr(this.prefix);
    try {
      this.fd = fs.openSync(this.inAofDir(incr.name), 'a', 0o644);
    } catch (e) {
      this.log('warning', `Can't open the append-only file ${incr.name}: ${strerror(e)}`);
      throw new PersistenceStartupError('incr');
    }
    if (!this.persistManifest(m)) throw new PersistenceStartupError('manifest');
    this.lastIncrSize = fs.fstatSync(this.fd).size;
    this.log('notice', `${hadIncr ? 'Opening' : 'Creating'} AOF incr file ${incr.name} on server start`);
    this.enable('on');
  }

  // ---- feeding and writing -----------------------------------------------------------------

  private enable(state: AofState): void {
    this.state = state;
    this.server.propagator.setSink(this.feed);
  }

  /** feedAppendOnlyFile: a SELECT first whenever the database differs from the last one logged. */
  private readonly feed = (dbid: number, argv: string[]): void => {
    if (this.state === 'off') return;
    let s = this.server.config.get('aof-timestamp-enabled') === 'yes' ? this.timestampAnnotation(false) : '';
    if (dbid !== this.selectedDb) {
      const id = String(dbid);
      s += `*2\r\n$6\r\nSELECT\r\n$${id.length}\r\n${id}\r\n`;
      this.selectedDb = dbid;
    }
    s += encodeCommand(argv);
    this.buf.push(s);
    this.bufLen += s.length;
  };

  /**
   * flushAppendOnlyFile: writes what the last commands logged, before their replies are sent;
   * with appendfsync always the data is on disk first, with everysec an fsync is started in
   * the background at most once a second.
   */
  flush(): void {
    if (this.fd === -1) return;
    if (this.bufLen !== 0) {
      const data = Buffer.from(this.buf.length === 1 ? this.buf[0] : this.buf.join(''), 'latin1');
      this.buf = [];
      this.bufLen = 0;
      try {
        let off = 0;
        while (off < data.length) off += fs.writeSync(this.fd, data, off, data.length - off);
        if (this.lastWriteStatus === 'err') {
          this.log('warning', 'AOF write error looks solved, Redis can write again.');
          this.lastWriteStatus = 'ok';
        }
      } catch (e) {
        this.log('warning', `Error writing to the AOF file: ${strerror(e)}`);
        this.lastWriteStatus = 'err';
        return;
      }
      this.currentSize += data.length;
      this.lastIncrSize += data.length;
      this.unsynced += data.length;
    }
    if (this.unsynced === 0) return;
    const policy = this.server.config.get('appendfsync');
    if (policy === 'always') {
      try {
        fs.fdatasyncSync(this.fd);
      } catch (e) {
        this.log('warning', `Can't persist AOF for fsync error when the AOF fsync policy is 'always': ${strerror(e)}. Exiting...`);
        this.lastWriteStatus = 'err';
        return;
      }
      this.unsynced = 0;
      this.lastFsync = dateNow();
    } else if (policy === 'everysec' && !this.fsyncInProgress && dateNow() - this.lastFsync >= 1000) {
      this.backgroundFsync();
    }
  }

  private backgroundFsync(): void {
    const fd = this.fd;
    this.fsyncInProgress = true;
    this.unsynced = 0;
    this.lastFsync = dateNow();
    fs.fdatasync(fd, () => {
      this.fsyncInProgress = false;
    });
  }

  /** serverCron's share: pending output, the everysec fsync, scheduled and automatic rewrites. */
  cron(): void {
    if (this.state !== 'off') this.flush();
    if (this.rewriteScheduled && this.server.backgroundJob === null && !this.rewriteLimited()) {
      this.rewriteScheduled = false;
      this.rewrite();
      return;
    }
    if (this.state !== 'on') return;
    const perc = this.server.config.getInt('auto-aof-rewrite-percentage');
    const minSize = this.server.config.getInt('auto-aof-rewrite-min-size');
    if (perc > 0 && this.currentSize > minSize) {
      const base = this.baseSize !== 0 ? this.baseSize : 1;
      const growth = Math.floor((this.currentSize * 100) / base) - 100;
      if (growth >= perc && !this.rewriteLimited()) {
        this.log('notice', `Starting automatic rewriting of AOF on ${growth}% growth`);
        this.rewrite();
      }
    }
  }

  /**
   * aofRewriteLimited: after three failed rewrites in a row, automatic and scheduled ones
   * wait 1, 2, 4... minutes (at most 60) between attempts; BGREWRITEAOF is never held back.
   */
  private rewriteLimited(): boolean {
    if (this.consecutiveFailures < REWRITE_LIMIT_FAILURES) {
      this.limitDelayMinutes = 0;
      this.limitUntil = 0;
      return false;
    }
    const now = Math.floor(dateNow() / 1000);
    if (this.limitUntil !== 0) {
      if (now < this.limitUntil) return true;
      this.limitUntil = 0;
      return false;
    }
    this.limitDelayMinutes = Math.min(this.limitDelayMinutes === 0 ? 1 : this.limitDelayMinutes * 2, REWRITE_LIMIT_MAX_MINUTES);
    this.limitUntil = now + this.limitDelayMinutes * 60;
    this.log('warning', `Background AOF rewrite has repeatedly failed and triggered the limit, will retry in ${this.limitDelayMinutes} minutes`);
    return true;
  }

  /** Shutdown: everything logged reaches the disk. */
  close(): void {
    this.killRewrite();
    if (this.fd === -1) return;
    this.flush();
    try {
      fs.fsyncSync(this.fd);
      fs.closeSync(this.fd);
    } catch {
      /* the process is going away */
    }
    this.fd = -1;
    this.state = 'off';
    this.server.propagator.setSink(null);
  }

  // ---- rewriting -------------------------------------------------------------------------

  private useRdbPreamble(): boolean {
    return this.server.config.get('aof-use-rdb-preamble') === 'yes' && this.hooks.writeRdb !== undefined;
  }

  private mkdirAofDir(): boolean {
    try {
      fs.mkdirSync(this.aofDir, { recursive: true });
      return true;
    } catch (e) {
      this.log('warning', `Can't open or create append-only dir ${this.server.config.get('appenddirname')}: ${strerror(e)}`);
      return false;
    }
  }

  /** rewriteAppendOnlyFile: the dataset (RDB or commands) into `file`, fsynced. Returns its size or -1. */
  private writeBaseFile(file: string): number {
    let fd = -1;
    try {
      fd = fs.openSync(file, 'w', 0o644);
      if (this.useRdbPreamble()) {
        (this.hooks.writeRdb as RdbWriter)(this.server, fd);
      } else {
        const w = new ChunkedFileWriter(fd);
        if (this.server.config.get('aof-timestamp-enabled') === 'yes') w.write(this.timestampAnnotation(true));
        writeAofBase(w, this.server.dbs, this.hooks.functions);
        w.flush();
      }
      fs.fsyncSync(fd);
      const size = fs.fstatSync(fd).size;
      fs.closeSync(fd);
      return size;
    } catch (e) {
      this.log('warning', `Write error writing append only file on disk: ${strerror(e)}`);
      if (fd !== -1) fs.closeSync(fd);
      try {
        fs.unlinkSync(file);
      } catch {
        /* nothing to remove */
      }
      return -1;
    }
  }

  /** The manifest in use; read from disk on first need when the AOF was off at startup. */
  private currentManifest(): AofManifest {
    if (this.manifest === null) {
      try {
        this.manifest = this.readManifestFromDisk();
      } catch {
        this.manifest = new AofManifest();
      }
    }
    return this.manifest;
  }

  /** The rewrite running, if any. */
  get runningJob(): BackgroundSave | null {
    return this.job;
  }

  /** BGREWRITEAOF: done now, or scheduled while a background save runs or inside EXEC. */
  bgrewriteaof(inExec: boolean): 'scheduled' | 'started' | 'error' | 'in-progress' {
    if (this.job !== null) return 'in-progress';
    if (inExec || this.server.backgroundJob !== null) {
      this.rewriteScheduled = true;
      this.consecutiveFailures = 0;
      return 'scheduled';
    }
    return this.rewrite() ? 'started' : 'error';
  }

  /**
   * rewriteAppendOnlyFileBackground: a new incremental file from now on, and a child writing
   * the dataset as it is now into a new base (an RDB file, or commands), serialized between
   * event-loop turns (bgsave.ts) while clients go on being served and their writes go to the
   * new incremental file. backgroundRewriteDoneHandler runs when the child is done.
   */
  rewrite(): boolean {
    const t0 = dateNow();
    if (this.job !== null || this.server.backgroundJob !== null) return false;
    if (!this.mkdirAofDir()) {
      this.lastRewriteStatus = 'err';
      return false;
    }
    const m = this.currentManifest();
    this.selectedDb = -1;
    this.flush();
    const tempIncr = `${TEMP_PREFIX}${this.prefix}.incr`;
    if (!this.openNewIncrForAppend(m, tempIncr)) {
      this.lastRewriteStatus = 'err';
      return false;
    }
    this.rewrites++;
    const job = new BackgroundSave(this.server, {
      target: { dir: this.dir, tempName: 'temp-rewriteaof-%d.aof', finalName: 'temp-rewriteaof-bg-%d.aof', title: 'redis-aof-rewrite' },
      format: this.useRdbPreamble()
        ? rdbFormat(this.server, { aofBase: true })
        : aofCommandFormat(this.hooks.functions, this.server.config.get('aof-timestamp-enabled') === 'yes' ? this.timestampAnnotation(true) : ''),
    });
    this.job = job;
    this.jobStartedAt = t0;
    this.server.backgroundJob = 'aof';
    this.log('notice', `Background append only file rewriting started by pid ${job.pid}`);
    void job.done.then((outcome) => this.rewriteFinished(job, outcome, tempIncr));
    return true;
  }

  /** backgroundRewriteDoneHandler */
  private rewriteFinished(job: BackgroundSave, outcome: SaveOutcome, tempIncr: string): void {
    if (this.job !== job) return;
    this.job = null;
    if (this.server.backgroundJob === 'aof') this.server.backgroundJob = null;
    this.lastCowBytes = job.cowBytes;
    const tmpName = path.basename(job.finalPath);
    let done = false;
    if (outcome.ok) {
      this.log('notice', `Successfully created the temporary AOF base file ${tmpName}`);
      done = this.rewriteDone(tmpName, job.finalPath, tempIncr);
    } else if (outcome.reason === 'aborted') {
      this.log('warning', 'Background AOF rewrite terminated by signal 10');
    } else if (outcome.reason === 'signal') {
      this.log('warning', `Background AOF rewrite terminated by signal ${outcome.signal}`);
      // SIGUSR1 is how Redis stops its own child: not an error
      if (outcome.signal !== 10) {
        this.lastRewriteStatus = 'err';
        this.consecutiveFailures++;
      }
    } else {
      this.log('warning', `Write error writing append only file on disk: ${outcome.message.replace(/^\w+ /, '')}`);
      this.lastRewriteStatus = 'err';
      this.consecutiveFailures++;
      this.log('warning', 'Background AOF rewrite terminated with error');
    }
    if (!done) {
      this.removeQuietly(job.finalPath);
      // Redis drops what was logged for the failed rewrite and tries again from the cron
      if (this.state === 'wait_rewrite') {
        this.log('notice', `Removing the temp incr aof file ${tempIncr} in the background`);
        this.removeQuietly(this.inAofDir(tempIncr));
        this.rewriteScheduled = true;
      }
    }
    this.lastRewriteTimeSec = Math.floor((dateNow() - this.jobStartedAt) / 1000);
  }

  /** killAppendOnlyChild: a rewrite in progress is abandoned (appendonly no, shutdown). */
  private killRewrite(): void {
    const job = this.job;
    if (job === null) return;
    this.log('notice', `Killing running AOF rewrite child: ${job.pid}`);
    job.abort();
    this.removeQuietly(job.finalPath);
    this.job = null;
    if (this.server.backgroundJob === 'aof') this.server.backgroundJob = null;
    this.lastCowBytes = job.cowBytes;
    this.lastRewriteTimeSec = Math.floor((dateNow() - this.jobStartedAt) / 1000);
  }

  /** openNewIncrAofForAppend */
  private openNewIncrForAppend(m: AofManifest, tempIncr: string): boolean {
    if (this.state === 'off') return true;
    let temp: AofManifest | null = null;
    let name: string;
    if (this.state === 'wait_rewrite') {
      name = tempIncr;
    } else {
      temp = m.clone();
      name = temp.newIncr(this.prefix).name;
    }
    let fd: number;
    try {
      fd = fs.openSync(this.inAofDir(name), 'w', 0o644);
    } catch (e) {
      this.log('warning', `Can't open the append-only file ${name}: ${strerror(e)}`);
      return false;
    }
    if (temp !== null && !this.persistManifest(temp)) {
      fs.closeSync(fd);
      return false;
    }
    this.log('notice', `Creating AOF incr file ${name} on background rewrite`);
    if (this.fd !== -1) {
      const old = this.fd;
      fs.fdatasync(old, () => fs.close(old, () => {}));
    }
    this.fd = fd;
    this.lastIncrSize = 0;
    this.unsynced = 0;
    if (temp !== null) this.manifest = temp;
    return true;
  }

  /** backgroundRewriteDoneHandler (success path) */
  private rewriteDone(tmpName: string, tmpFile: string, tempIncr: string): boolean {
    this.log('notice', 'Background AOF rewrite terminated with success');
    const temp = this.currentManifest().clone();
    const base = temp.newBase(this.prefix, this.useRdbPreamble());
    const basePath = this.inAofDir(base.name);
    try {
      fs.renameSync(tmpFile, basePath);
    } catch (e) {
      this.log('warning', `Error trying to rename the temporary AOF base file ${tmpName} into ${basePath}: ${strerror(e)}`);
      this.lastRewriteStatus = 'err';
      this.consecutiveFailures++;
      this.removeQuietly(tmpFile);
      return false;
    }
    this.log('notice', `Successfully renamed the temporary AOF base file ${tmpName} into ${base.name}`);
    let newIncrPath: string | null = null;
    if (this.state === 'wait_rewrite') {
      const incr = temp.newIncr(this.prefix);
      newIncrPath = this.inAofDir(incr.name);
      try {
        fs.renameSync(this.inAofDir(tempIncr), newIncrPath);
      } catch (e) {
        this.log('warning', `Error trying to rename the temporary AOF incr file ${this.inAofDir(tempIncr)} into ${newIncrPath}: ${strerror(e)}`);
        this.removeQuietly(basePath);
        this.lastRewriteStatus = 'err';
        this.consecutiveFailures++;
        return false;
      }
      this.log('notice', `Successfully renamed the temporary AOF incr file ${tempIncr} into ${incr.name}`);
    }
    temp.markRewrittenIncrAsHistory(this.fd !== -1);
    if (!this.persistManifest(temp)) {
      this.removeQuietly(basePath);
      if (newIncrPath !== null) this.removeQuietly(newIncrPath);
      this.lastRewriteStatus = 'err';
      this.consecutiveFailures++;
      return false;
    }
    this.manifest = temp;
    if (this.state !== 'off') {
      this.currentSize = fs.statSync(basePath).size + this.lastIncrSize;
      this.baseSize = this.currentSize;
    }
    this.deleteHistoryFiles();
    this.lastRewriteStatus = 'ok';
    this.consecutiveFailures = 0;
    this.log('notice', 'Background AOF rewrite finished successfully');
    if (this.state === 'wait_rewrite') this.state = 'on';
    return true;
  }

  /** aofDelHistoryFiles */
  private deleteHistoryFiles(): void {
    const m = this.manifest;
    if (m === null || m.history.length === 0 || this.server.config.get('aof-disable-auto-gc') === 'yes') return;
    for (const f of m.history) {
      this.log('notice', `Removing the history file ${f.name} in the background`);
      this.removeQuietly(this.inAofDir(f.name));
    }
    m.history = [];
    this.persistManifest(m);
  }

  private removeQuietly(file: string): void {
    fs.unlink(file, () => {});
  }

  /** writeAofManifestFile: temp file, fsync, rename, then the directory is fsynced. */
  private persistManifest(m: AofManifest): boolean {
    const name = `${this.prefix}.manifest`;
    const tmp = this.inAofDir(`${TEMP_PREFIX}${name}`);
    let fd = -1;
    try {
      fd = fs.openSync(tmp, 'w', 0o644);
      fs.writeSync(fd, m.format(), null, 'latin1');
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      fd = -1;
      fs.renameSync(tmp, this.inAofDir(name));
      const dfd = fs.openSync(this.aofDir, 'r');
      try {
        fs.fsyncSync(dfd);
      } finally {
        fs.closeSync(dfd);
      }
      return true;
    } catch (e) {
      this.log('warning', `Can't persist the AOF manifest file ${name}: ${strerror(e)}`);
      if (fd !== -1) fs.closeSync(fd);
      return false;
    }
  }

  /**
   * DEBUG LOADAOF: everything (keys and functions) replaced by what the AOF directory holds.
   * False when it cannot be loaded (Redis exits then; the reason was logged).
   */
  debugLoadAof(): boolean {
    const ctx = this.prepareDebugLoad();
    return ctx !== null && this.finishDebugLoad(loadAppendOnlyFiles(this.server, ctx));
  }

  /** DEBUG LOADAOF between event-loop turns: other clients get LOADING until it is done. */
  async debugLoadAofAsync(): Promise<boolean> {
    const ctx = this.prepareDebugLoad();
    return ctx !== null && this.finishDebugLoad(await loadAppendOnlyFilesAsync(this.server, ctx));
  }

  private prepareDebugLoad(): AofLoadContext | null {
    this.killRewrite();
    if (this.state !== 'off') this.flush();
    this.server.flushall();
    this.server.functionLibraries?.flush();
    try {
      this.manifest = this.readManifestFromDisk();
    } catch {
      return null;
    }
    this.deleteHistoryFiles();
    return this.loadContext(this.manifest);
  }

  private finishDebugLoad(r: AofLoadOutcome): boolean {
    this.lastLoadPeakReadBytes = r.peakReadBytes;
    if (r.status !== AofLoadResult.Ok && r.status !== AofLoadResult.Empty) return false;
    this.server.dirty = 0;
    this.log('warning', 'Append Only File loaded by DEBUG LOADAOF');
    return true;
  }

  // ---- run-time switching -----------------------------------------------------------------

  /** CONFIG SET appendonly yes (startAppendOnly): logging starts with a rewrite that makes the base. */
  start(inExec: boolean): boolean {
    if (this.state !== 'off') return true;
    this.currentManifest();
    this.enable('wait_rewrite');
    if (this.server.backgroundJob !== null) {
      this.rewriteScheduled = true;
      this.log('warning', 'AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.');
    } else if (inExec) {
      this.rewriteScheduled = true;
      this.log('warning', 'AOF was enabled during a transaction. An AOF background was scheduled to start when possible.');
    } else if (!this.rewrite()) {
      this.state = 'off';
      this.server.propagator.setSink(null);
      this.log('warning', "Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error.");
      return false;
    }
    this.lastFsync = dateNow();
    if (this.lastWriteStatus === 'err') {
      this.log('warning', 'AOF reopen, just ignore the last error.');
      this.lastWriteStatus = 'ok';
    }
    return true;
  }

  /** CONFIG SET appendonly no (stopAppendOnly) */
  stop(): void {
    if (this.state === 'off') return;
    this.killRewrite();
    this.flush();
    if (this.fd !== -1) {
      try {
        fs.fsyncSync(this.fd);
        this.lastFsync = dateNow();
      } catch (e) {
        this.log('warning', `Fail to fsync the AOF file: ${strerror(e)}`);
      }
      fs.closeSync(this.fd);
    }
    this.fd = -1;
    this.selectedDb = -1;
    this.state = 'off';
    this.rewriteScheduled = false;
    this.lastIncrSize = 0;
    this.unsynced = 0;
    this.buf = [];
    this.bufLen = 0;
    this.server.propagator.setSink(null);
  }

  // ---- INFO persistence -------------------------------------------------------------------

  /** The aof_* fields of INFO persistence, before and after the module_fork ones. */
  infoFields(): { main: string[]; tail: string[] } {
    const main = [
      `aof_enabled:${this.state !== 'off' ? 1 : 0}`,
      `aof_rewrite_in_progress:${this.job !== null ? 1 : 0}`,
      `aof_rewrite_scheduled:${this.rewriteScheduled ? 1 : 0}`,
      `aof_last_rewrite_time_sec:${this.lastRewriteTimeSec}`,
      `aof_current_rewrite_time_sec:${this.job !== null ? Math.floor((dateNow() - this.jobStartedAt) / 1000) : -1}`,
      `aof_last_bgrewrite_status:${this.lastRewriteStatus}`,
      `aof_rewrites:${this.rewrites}`,
      `aof_rewrites_consecutive_failures:${this.consecutiveFailures}`,
      `aof_last_write_status:${this.lastWriteStatus}`,
      `aof_last_cow_size:${this.lastCowBytes}`,
    ];
    const tail =
      this.state === 'off'
        ? []
        : [
            `aof_current_size:${this.currentSize}`,
            `aof_base_size:${this.baseSize}`,
            `aof_pending_rewrite:${this.rewriteScheduled ? 1 : 0}`,
            `aof_buffer_length:${this.bufLen}`,
            `aof_pending_bio_fsync:${this.fsyncInProgress ? 1 : 0}`,
            'aof_delayed_fsync:0',
          ];
    return { main, tail };
  }
}
