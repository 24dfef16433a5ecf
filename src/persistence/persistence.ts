/**
 * RDB persistence of one server (rdb.c's rdbSave/rdbSaveBackground/rdbLoad and the parts of
 * serverCron that trigger saves): SAVE, BGSAVE, save points, the save at shutdown, loading
 * at startup, and what INFO persistence reports about them.
 */
import { attachmentKey } from '../core/attachments.ts';
import fs from 'node:fs';
import path from 'node:path';
import type { ServerState } from '../core/state.ts';
import { ERR } from '../errors.ts';
import { writeRdb } from './rdb-writer.ts';
import type { FileHandle } from 'node:fs/promises';
import { fileSource, RdbLoadError, RdbParser, type RdbLoadResult } from './rdb-loader.ts';
import { BackgroundSave, rdbFormat, type SaveOutcome } from './bgsave.ts';
import { dateNow, perfNow, sleep, turn } from '../util/clock.ts';
import { strerror } from '../util/strerror.ts';

/** How long one slice of loading at startup may hold the event loop. */
const LOAD_SLICE_MS = 20;

/** Redis retries a failed background save triggered by save points only after this long. */
const BGSAVE_RETRY_DELAY_S = 5;

export type BgsaveReply = { ok: string } | { error: string };

/** SHUTDOWN came while the dataset was loading: the load stopped (nothing is wrong with the file). */
export class ShutdownWhileLoading extends Error {
  constructor() {
    super('shut down while loading');
  }
}

/** A load in progress, as INFO's loading_* fields report it. */
export interface LoadingProgress {
  /** Date.now() when it started. */
  startedAt: number;
  totalBytes: number;
  loadedBytes(): number;
  /** The used-mem aux field of the RDB file being read (0 when none). */
  rdbUsedMem(): number;
}

export class Persistence {
  /** The background save running, if any. */
  bgsave: BackgroundSave | null = null;
  /** BGSAVE SCHEDULE (or BGSAVE in MULTI) waiting for the AOF rewrite to end. */
  bgsaveScheduled = false;
  lastBgsaveOk = true;
  lastBgsaveTry = 0;
  /** Seconds the last background save took (-1: none yet). */
  lastBgsaveSeconds = -1;
  /** rdb_saves: saves started, foreground or background. */
  saves = 0;
  lastLoadKeysLoaded = 0;
  lastLoadKeysExpired = 0;
  /** rdb_last_cow_size: what the last background save would have copied on write. */
  lastCowBytes = 0;
  private dirtyBeforeBgsave = 0;

  private constructor(private readonly state: ServerState) {
    state.config.watch('save', () => this.checkWriteError());
    state.config.watch('stop-writes-on-bgsave-error', () => this.checkWriteError());
  }

  /** writeCommandsDeniedByDiskError, kept up to date instead of computed per command. */
  private checkWriteError(): void {
    const stop = this.state.config.get('stop-writes-on-bgsave-error') === 'yes' && this.saveParams().length !== 0 && !this.lastBgsaveOk;
    this.state.diskWriteError = stop ? ERR.bgsaveMisconf : null;
  }

  /** Each server's persistence, made on first use. */
  private static readonly KEY = attachmentKey<Persistence>('persistence', (state) => new Persistence(state));

  /** The server's persistence (created on first use; one per server). */
  static of(state: ServerState): Persistence {
    return state.attachments.get(Persistence.KEY);
  }

  /** dir/dbfilename */
  rdbPath(): string {
    return path.resolve(this.state.config.get('dir'), this.state.config.get('dbfilename'));
  }

  /** The foreground save's temp file, named after the server's pid as Redis's is. */
  private tempPath(): string {
    return path.resolve(this.state.config.get('dir'), `temp-${process.pid}.rdb`);
  }

  /** The `save` points as [seconds, changes] pairs. */
  saveParams(): [number, number][] {
    const words = this.state.config.get('save').split(' ').filter((w) => w !== '');
    const out: [number, number][] = [];
    for (let i = 0; i + 1 < words.length; i += 2) out.push([Number(words[i]), Number(words[i + 1])]);
    return out;
  }

  // ---- saving -------------------------------------------------------------------------------

  /**
   * rdbSave: the dataset written to dir/dbfilename now, through a temp file that is fsynced
   * and renamed over the old one. False (with Redis's log line) when it failed.
   */
  save(): boolean {
    const state = this.state;
    const dirtyBefore = state.dirty;
    const tmp = this.tempPath();
    let fd: number;
    try {
      fd = fs.openSync(tmp, 'w');
    } catch (e) {
      state.log('warning', `Failed opening the temp RDB file ${path.basename(tmp)} (in server root dir ${state.config.get('dir')}) for saving: ${strerror(e)}`);
      return false;
    }
    try {
      const data = writeRdb(state);
      fs.writeSync(fd, data);
      fs.fsyncSync(fd);
      fs.closeSync(fd);
    } catch (e) {
      state.log('warning', `Write error saving DB on disk: ${strerror(e)}`);
      try {
        fs.closeSync(fd);
      } catch {
        /* already closed */
      }
      fs.rmSync(tmp, { force: true });
      return false;
    }
    try {
      fs.renameSync(tmp, this.rdbPath());
    } catch (e) {
      state.log('warning', this.renameErrorText(path.basename(tmp), strerror(e)));
      fs.rmSync(tmp, { force: true });
      return false;
    }
    state.log('notice', 'DB saved on disk');
    state.dirty -= dirtyBefore;
    state.lastSave = Math.floor(state.clock.now() / 1000);
    this.lastBgsaveOk = true;
    this.checkWriteError();
    return true;
  }

  /** BGSAVE [SCHEDULE] as bgsaveCommand replies to it. */
  bgsaveCommand(schedule: boolean, inMulti: boolean): BgsaveReply {
    if (this.bgsave !== null) return { error: ERR.bgsaveInProgress };
    if (this.state.backgroundJob !== null || inMulti) {
      if (schedule || inMulti) {
        this.bgsaveScheduled = true;
        return { ok: 'Background saving scheduled' };
      }
      return { error: ERR.bgsaveOtherChild };
    }
    return this.startBgsave() ? { ok: 'Background saving started' } : { error: ERR.bare };
  }

  /** rdbSaveBackground */
  startBgsave(): boolean {
    const state = this.state;
    if (this.bgsave !== null || state.backgroundJob !== null) return false;
    this.dirtyBeforeBgsave = state.dirty;
    this.lastBgsaveTry = Math.floor(this.state.clock.now() / 1000);
    this.saves++;
    const job = new BackgroundSave(state, {
      target: { dir: this.state.config.get('dir'), tempName: 'temp-%d.rdb', finalName: this.rdbPath(), title: 'redis-rdb-bgsave' },
      format: rdbFormat(state),
    });
    this.bgsave = job;
    state.backgroundJob = 'rdb';
    state.log('notice', `Background saving started by pid ${job.pid}`);
    void job.done.then((outcome) => this.bgsaveDone(job, outcome));
    return true;
  }

  /** backgroundSaveDoneHandler */
  private bgsaveDone(job: BackgroundSave, outcome: SaveOutcome): void {
    if (this.bgsave !== job) return;
    this.bgsave = null;
    if (this.state.backgroundJob === 'rdb') this.state.backgroundJob = null;
    this.lastBgsaveSeconds = Math.floor(dateNow() / 1000) - Math.floor(job.startedAt / 1000);
    this.lastCowBytes = job.cowBytes;
    if (outcome.ok) {
      this.state.log('notice', 'DB saved on disk');
      this.state.log('notice', 'Background saving terminated with success');
      this.state.dirty -= this.dirtyBeforeBgsave;
      this.state.lastSave = Math.floor(this.state.clock.now() / 1000);
      this.lastBgsaveOk = true;
    } else if (outcome.reason === 'aborted') {
      this.state.log('warning', 'Background saving terminated by signal 10');
    } else if (outcome.reason === 'signal') {
      this.state.log('warning', `Background saving terminated by signal ${outcome.signal}`);
      // SIGUSR1 is how Redis stops its own child: not an error
      if (outcome.signal !== 10) this.lastBgsaveOk = false;
    } else {
      this.logChildError(job, outcome.message);
      this.state.log('warning', 'Background saving error');
      this.lastBgsaveOk = false;
    }
    this.checkWriteError();
  }

  /** The line a forked child would have logged about its failure. */
  private logChildError(job: BackgroundSave, message: string): void {
    const dir = this.state.config.get('dir');
    const tmp = path.basename(job.tempPath);
    const [what, ...rest] = message.split(' ');
    const why = rest.join(' ');
    if (what === 'open') this.state.log('warning', `Failed opening the temp RDB file ${tmp} (in server root dir ${dir}) for saving: ${why}`);
    else if (what === 'rename') this.state.log('warning', this.renameErrorText(tmp, why));
    else if (what === 'write') this.state.log('warning', `Write error saving DB on disk: ${why}`);
    else this.state.log('warning', `Write error saving DB on disk: ${message}`);
  }

  private renameErrorText(tmp: string, why: string): string {
    return `Error moving temp DB file ${tmp} on the final destination ${this.state.config.get('dbfilename')} (in server root dir ${this.state.config.get('dir')}): ${why}`;
  }

  /** killRDBChild: stops a background save (FLUSHALL, SHUTDOWN, DEBUG RELOAD). */
  killBgsave(): void {
    const job = this.bgsave;
    if (job === null) return;
    job.abort();
    this.state.log('warning', 'Background saving terminated by signal 10');
    this.bgsave = null;
    if (this.state.backgroundJob === 'rdb') this.state.backgroundJob = null;
    this.lastBgsaveSeconds = Math.floor(dateNow() / 1000) - Math.floor(job.startedAt / 1000);
    this.lastCowBytes = job.cowBytes;
  }

  /**
   * FLUSHALL (flushAllDataAndResetRDB): a running BGSAVE is stopped before the flush, and
   * with save points set the empty dataset is saved at once (dirty back to 0, as 7.0.15).
   */
  beforeFlushall(): void {
    this.killBgsave();
  }

  afterFlushall(): void {
    if (this.saveParams().length !== 0) this.save();
  }

  /** The serverCron part: a scheduled BGSAVE, or one the save points call for. */
  cron(): void {
    const state = this.state;
    if (this.bgsave !== null || state.backgroundJob !== null) return;
    const now = Math.floor(state.clock.now() / 1000);
    for (const [seconds, changes] of this.saveParams()) {
      if (
        state.dirty >= changes &&
        now - state.lastSave > seconds &&
        (now - this.lastBgsaveTry > BGSAVE_RETRY_DELAY_S || this.lastBgsaveOk)
      ) {
        state.log('notice', `${changes} changes in ${seconds} seconds. Saving...`);
        this.startBgsave();
        return;
      }
    }
    if (this.bgsaveScheduled) {
      this.bgsaveScheduled = false;
      this.startBgsave();
    }
  }

  /**
   * What both shutdown saves do first (prepareForShutdown): stop a background save, and
   * tell whether a final save is due, logging it when it is.
   */
  private shutdownNeedsSave(force: boolean, nosave: boolean): boolean {
    if (this.bgsave !== null) {
      this.state.log('warning', 'There is a child saving an .rdb. Killing it!');
      this.killBgsave();
    }
    // a dataset still loading is partial, never saved (SAVE or not)
    if (this.state.loading || nosave || (!force && this.saveParams().length === 0)) return false;
    this.state.log('notice', 'Saving the final RDB snapshot before exiting.');
    return true;
  }

  /**
   * The save SHUTDOWN (and SIGTERM) makes: with save points set, or `force` (SHUTDOWN SAVE),
   * a foreground save; a background save still running is stopped first. False when the
   * save failed (the server then stays up).
   */
  shutdownSave(force: boolean, nosave: boolean): boolean {
    if (!this.shutdownNeedsSave(force, nosave)) return true;
    if (this.save()) return true;
    this.state.log('warning', 'Error trying to save the DB, can\'t exit.');
    return false;
  }

  /**
   * The save a shutdown signal makes (prepareForShutdown from the cron): as shutdownSave,
   * but written between event-loop turns so that a second SIGINT is still heard (it exits at
   * once and removes the temp file, as Redis's signal handler does).
   */
  async shutdownSaveAsync(force: boolean, nosave: boolean): Promise<boolean> {
    if (!this.shutdownNeedsSave(force, nosave)) return true;
    const dirtyBefore = this.state.dirty;
    const job = new BackgroundSave(this.state, {
      target: { dir: this.state.config.get('dir'), tempName: 'temp-%d.rdb', finalName: this.rdbPath(), title: '' },
      format: rdbFormat(this.state),
      inProcess: true,
    });
    const outcome = await job.done;
    if (outcome.ok) {
      this.state.log('notice', 'DB saved on disk');
      this.state.dirty -= dirtyBefore;
      this.state.lastSave = Math.floor(this.state.clock.now() / 1000);
      return true;
    }
    if (outcome.reason === 'error') this.logChildError(job, outcome.message);
    this.state.log('warning', "Error trying to save the DB, can't exit.");
    return false;
  }

  /** rdbRemoveTempFile(getpid()): what an interrupted foreground save leaves behind. */
  removeForegroundTempFile(): void {
    fs.rmSync(this.tempPath(), { force: true });
  }

  /**
   * DEBUG RELOAD: save (unless NOSAVE), empty the dataset and functions (unless NOFLUSH),
   * load dir/dbfilename back (MERGE: its keys win), in one go. An error text, or null when done.
   */
  debugReload(save: boolean, flush: boolean, merge: boolean): string | null {
    const r = this.startReload(save, flush, merge);
    if (typeof r === 'string') return r;
    return this.endReload(r, () => {
      while (!r.parser.step(Infinity));
    });
  }

  /**
   * DEBUG RELOAD loaded between event-loop turns: other clients get LOADING meanwhile, as
   * Redis processes events while it loads.
   */
  async debugReloadSliced(save: boolean, flush: boolean, merge: boolean): Promise<string | null> {
    const r = this.startReload(save, flush, merge);
    if (typeof r === 'string') return r;
    let error: unknown = null;
    try {
      await this.stepWithTurns(r.parser, r.size);
    } catch (e) {
      error = e;
    }
    return this.endReload(r, () => {
      if (error !== null) throw error;
    });
  }

  /** The save and flush of DEBUG RELOAD, then a parser on the file; or an error text. */
  private startReload(save: boolean, flush: boolean, merge: boolean): { fd: number; size: number; parser: RdbParser } | string {
    const state = this.state;
    if (save && !this.save()) return ERR.bare;
    let fd: number;
    try {
      fd = fs.openSync(this.rdbPath(), 'r');
    } catch (e) {
      state.log('warning', `Fatal error loading the DB: ${strerror(e)}. Exiting.`);
      return ERR.reloadFailed;
    }
    if (flush) {
      for (const db of state.dbs) db.flush();
      state.functionLibraries?.flush();
    }
    try {
      const size = fs.fstatSync(fd).size;
      return { fd, size, parser: new RdbParser(state, fileSource(fd, size), { merge }) };
    } catch (e) {
      fs.closeSync(fd);
      return this.reloadError(e);
    }
  }

  /** Reads the rest of the file (`read`), installs it and closes it; an error text, or null. */
  private endReload(r: { fd: number; parser: RdbParser }, read: () => void): string | null {
    try {
      read();
      r.parser.install();
    } catch (e) {
      return this.reloadError(e);
    } finally {
      fs.closeSync(r.fd);
    }
    this.state.log('warning', 'DB reloaded by DEBUG RELOAD');
    return null;
  }

  private reloadError(e: unknown): string {
    if (!(e instanceof RdbLoadError)) throw e;
    for (const line of e.lines) this.state.log('warning', line);
    return ERR.reloadFailed;
  }

  // ---- loading ------------------------------------------------------------------------------

  /** While the dataset loads: what INFO's loading_* fields report. */
  loadingInfo: LoadingProgress | null = null;

  /**
   * Reads a file a slice at a time between event-loop turns, with the server loading
   * meanwhile (commands without the `loading` flag get LOADING; INFO shows the progress).
   * key-load-delay (microseconds per key, for tests) slows it down, as in rdbLoadRio.
   */
  private async stepWithTurns(parser: RdbParser, size: number): Promise<void> {
    const state = this.state;
    state.loading = true;
    this.loadingInfo = {
      startedAt: dateNow(),
      totalBytes: size,
      loadedBytes: () => parser.position,
      rdbUsedMem: () => Number(parser.aux.get('used-mem') ?? 0) || 0,
    };
    try {
      for (;;) {
        const delayUs = state.config.getInt('key-load-delay');
        const before = parser.keysLoaded + parser.keysExpired;
        if (parser.step(delayUs > 0 ? 1 : LOAD_SLICE_MS)) break;
        const owed = ((parser.keysLoaded + parser.keysExpired - before) * Math.max(0, delayUs)) / 1000;
        if (owed >= 1) await sleep(Math.floor(owed));
        else await turn();
        // SHUTDOWN while loading (it said bye bye already): nothing to install
        if (state.closing) throw new ShutdownWhileLoading();
      }
    } finally {
      state.loading = false;
      this.loadingInfo = null;
    }
  }

  /**
   * loadDataFromDisk: dir/dbfilename (or the given file) into the empty server, a slice at
   * a time between event-loop turns (clients get LOADING meanwhile); a missing file is no
   * error unless `required`. Rejects with RdbLoadError (lines to log, then exit).
   */
  async loadAtStartup(file = this.rdbPath(), required = false): Promise<RdbLoadResult | null> {
    const state = this.state;
    // no command may see the empty dataset before the file is in
    // No file, the usual start: answered without fs.promises, whose first use (its modules,
    // the thread pool, an ENOENT error) is a good part of a fresh thread's start-up.
    if (!required && noSuchFile(file)) return null;
    state.loading = true;
    // read a window at a time, never whole: a file may be larger than a string or a Buffer
    let fh: FileHandle;
    let size: number;
    try {
      fh = await fs.promises.open(file, 'r');
      const st = await fh.stat();
      if (st.isDirectory()) {
        await fh.close();
        throw Object.assign(new Error('Is a directory'), { code: 'EISDIR' });
      }
      size = st.size;
    } catch (e) {
      state.loading = false;
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !required) return null;
      throw new RdbLoadError([`Fatal error loading the DB: ${strerror(e)}. Exiting.`]);
    }
    const t0 = perfNow();
    let r: RdbLoadResult;
    try {
      const parser = new RdbParser(state, fileSource(fh.fd, size));
      await this.stepWithTurns(parser, size);
      r = parser.install();
    } finally {
      state.loading = false;
      await fh.close();
    }
    this.lastLoadKeysLoaded = r.keysLoaded;
    this.lastLoadKeysExpired = r.keysExpired;
    if (r.emptyKeysSkipped !== 0) {
      this.state.log('warning', `Done loading RDB, keys loaded: ${r.keysLoaded}, keys expired: ${r.keysExpired}, empty keys skipped: ${r.emptyKeysSkipped}.`);
    } else this.state.log('notice', `Done loading RDB, keys loaded: ${r.keysLoaded}, keys expired: ${r.keysExpired}.`);
    this.state.log('notice', `DB loaded from disk: ${((perfNow() - t0) / 1000).toFixed(3)} seconds`);
    return r;
  }
}

/** Whether `file` surely does not exist (any other stat error is left to the caller's open). */
function noSuchFile(file: string): boolean {
  try {
    return fs.statSync(file, { throwIfNoEntry: false }) === undefined;
  } catch {
    return false;
  }
}
