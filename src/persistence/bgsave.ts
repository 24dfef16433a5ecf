/**
 * BGSAVE without fork: the RDB file is serialized a slice at a time between event-loop
 * turns while the server keeps serving, and still holds the dataset exactly as it was when
 * the save started.
 *
 * Why this design: Node cannot fork a copy of its heap, a worker cannot see it, and copying
 * the dataset up front pauses the server for as long as the copy takes. Instead each
 * database's own Map is walked with a live iterator, and `Database.saveHook` is called
 * before any key changes (or is looked up by a command that may change it in place): a key
 * not yet written is written right then, as it still is, and remembered as done. Keys
 * created after the start are marked done too, so the walk skips them. The cost is one Set
 * entry per key for the duration of the save, and the longest pause is one slice (a few
 * ms) or one large value touched early.
 */
import fsp from 'node:fs/promises';
import type { ServerState } from '../core/state.ts';
import type { Database } from '../keyspace/db.ts';
import { RdbEncoder, RdbOutput, type RdbWriteOptions } from './rdb-writer.ts';
import { dateNow, perfNow, sleep, turn } from '../util/clock.ts';

/** How long one slice of serialization may hold the event loop. */
const SLICE_MS = 4;

interface DbProgress {
  db: Database;
  /** Sizes when the save started (RESIZEDB). */
  size: number;
  expiresSize: number;
  iter: IterableIterator<[string, unknown]>;
  /** Keys written, or created after the start: the walk skips them. */
  done: Set<string>;
  /** Entries written early, before this database's turn came. */
  pending: string[];
  finished: boolean;
}

export class BackgroundSave {
  readonly startedAt = dateNow();
  keysTotal = 0;
  keysProcessed = 0;
  private readonly enc: RdbEncoder;
  private readonly out: RdbOutput;
  private readonly progress: (DbProgress | null)[];
  private current = -1;
  private aborted = false;
  /** Resolves true once the file is in place, false when the save failed or was aborted. */
  readonly done: Promise<boolean>;
  /** Why it failed, for the log. */
  error: string | null = null;

  constructor(
    private readonly state: ServerState,
    private readonly path: string,
    private readonly tempPath: string,
    opts: RdbWriteOptions = {},
  ) {
    this.enc = new RdbEncoder(state);
    this.out = new RdbOutput(this.enc.checksum);
    this.out.push(this.enc.preamble(opts));
    this.progress = state.dbs.map((db) => {
      if (db.data.size === 0) return null;
      this.keysTotal += db.data.size;
      db.saveHook = this.hook;
      return { db, size: db.data.size, expiresSize: db.expires.size, iter: db.data.entries(), done: new Set<string>(), pending: [], finished: false };
    });
    this.done = this.run().then(
      (ok) => ok,
      (e: Error) => {
        this.error = e.message;
        return false;
      },
    );
  }

  /** Stops the save (FLUSHALL, SHUTDOWN, DEBUG RELOAD); the temp file is removed. */
  abort(): void {
    this.aborted = true;
    this.unhook();
  }

  private unhook(): void {
    for (const p of this.progress) if (p !== null && p.db.saveHook === this.hook) p.db.saveHook = null;
  }

  /** Database.saveHook: write the key as it is now (as at the start) before it changes. */
  private readonly hook = (db: Database, key: string | null): void => {
    const p = this.progress[db.id];
    if (p === null || p.finished) return;
    if (key === null) {
      this.drain(p, Infinity);
      return;
    }
    if (p.done.has(key)) return;
    p.done.add(key);
    const v = db.data.get(key);
    if (v === undefined) return; // created after the start
    const entry = this.enc.entry(db, key, v, db.expires.get(key));
    this.keysProcessed++;
    if (db.id === this.current) this.out.push(entry);
    else p.pending.push(entry);
  };

  /**
   * Writes up to `budgetMs` worth of a database's remaining keys (all of them with Infinity);
   * `finished` is set once none remain. Returns the rdb-key-save-delay owed, in microseconds.
   */
  private drain(p: DbProgress, budgetMs: number, delayUs = 0): number {
    const start = perfNow();
    let n = 0;
    let delayed = 0;
    for (;;) {
      const r = p.iter.next();
      if (r.done === true) {
        p.finished = true;
        if (p.db.saveHook === this.hook) p.db.saveHook = null;
        return delayed;
      }
      const key = r.value[0];
      if (p.done.has(key)) continue;
      p.done.add(key);
      const entry = this.enc.entry(p.db, key, r.value[1] as never, p.db.expires.get(key));
      this.keysProcessed++;
      if (p.db.id === this.current) this.out.push(entry);
      else p.pending.push(entry);
      if (delayUs > 0) {
        // rdb-key-save-delay (tests keep a save running with it): sleep between slices
        delayed += delayUs;
        if (delayed >= 1000) return delayed;
      }
      if ((++n & 15) === 0 && perfNow() - start >= budgetMs) return delayed;
    }
  }

  private async run(): Promise<boolean> {
    let fh: fsp.FileHandle | null = null;
    try {
      fh = await fsp.open(this.tempPath, 'w');
      for (let i = 0; i < this.progress.length; i++) {
        const p = this.progress[i];
        if (p === null) continue;
        this.current = i;
        this.out.push(this.enc.dbHeader(i, p.size, p.expiresSize));
        for (const e of p.pending) this.out.push(e);
        p.pending = [];
        while (!p.finished) {
          if (this.aborted) break;
          const delayUs = this.state.config.getInt('rdb-key-save-delay');
          const delayed = this.drain(p, SLICE_MS, delayUs);
          for (const chunk of this.out.take()) await fh.write(chunk);
          if (delayed >= 1000) await sleep(Math.floor(delayed / 1000));
          else await turn();
        }
        if (this.aborted) break;
      }
      this.unhook();
      if (this.aborted) throw new Error('aborted');
      this.out.finish();
      for (const chunk of this.out.take()) await fh.write(chunk);
      await fh.sync();
      await fh.close();
      fh = null;
      if (this.aborted) throw new Error('aborted');
      await fsp.rename(this.tempPath, this.path);
      return true;
    } catch (e) {
      this.unhook();
      if (fh !== null) await fh.close().catch(() => {});
      await fsp.unlink(this.tempPath).catch(() => {});
      if (this.aborted) {
        this.error = 'aborted';
        return false;
      }
      throw e;
    }
  }
}
