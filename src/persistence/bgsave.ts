/**
 * A background save (BGSAVE, or the base of an AOF rewrite): the dataset as it was when the
 * save started is serialized a slice at a time between event-loop turns while the server
 * keeps serving, and streamed to a child process that writes the file (save-child.ts).
 *
 * Why this design: Node cannot fork a copy of its heap, a worker cannot see it, and copying
 * the dataset up front pauses the server for as long as the copy takes. Instead each
 * database's own Map is walked with a live iterator, and `Database.saveHook` is called
 * before any key changes (or is looked up by a command that may change it in place): a key
 * not yet written is written right then, as it still is, and remembered as done. Keys
 * created after the start are marked done too, so the walk skips them. The cost is one Set
 * entry per key for the duration of the save (in shards of 64K: growing one Set of a million
 * keys rehashes it in one pause of 100 ms or more), and the longest pause is one slice (a
 * few ms) or one large value touched early.
 *
 * The child gives the save what a forked Redis child has that tests and tools look at: a
 * pid, a temp file named after it, and a death by signal that fails the save. What a fork
 * would have copied on write is reported as the memory of the keys changed during the save.
 */
import type { ServerState } from '../core/state.ts';
import { storedValue, type Database, type Stored } from '../keyspace/db.ts';
import { keyBytes, objectBytes, stringValueBytes } from '../keyspace/memsize.ts';
import { RdbEncoder, RdbOutput, type RdbWriteOptions } from './rdb-writer.ts';
import { SaveChild, InProcessWriter, signalNumber, type ChildTarget, type SaveSink } from './save-child.ts';
import { encodeCommand, keyCommands, type FunctionSources } from './aof-rewrite.ts';
import { dateNow, perfNow, sleep, turn } from '../util/clock.ts';
import { ShardedStringSet } from '../util/sharded-set.ts';

/** How long one slice of serialization may hold the event loop. */
const SLICE_MS = 4;

/** How a save serializes: RDB (with its trailer), or the commands of an AOF base. */
export interface SnapshotFormat {
  /** Everything before the first database. */
  preamble(): string;
  /** What starts a database's keys. */
  dbHeader(id: number, size: number, expiresSize: number): string;
  /** One key with its expiry; the value as stored, with its access field (Database's `Stored`). */
  entry(db: Database, key: string, stored: Stored, expireAt: number | undefined): string;
  /** The output, with the RDB checksum when there is one. */
  readonly output: RdbOutput;
  /** What ends the file (RDB: EOF and checksum). */
  finish(): void;
}

/** The RDB file format, as configured when the save starts. */
export function rdbFormat(state: ServerState, opts: RdbWriteOptions = {}): SnapshotFormat {
  const enc = new RdbEncoder(state);
  const output = new RdbOutput(enc.checksum);
  return {
    preamble: () => enc.preamble(opts),
    dbHeader: (id, size, expires) => enc.dbHeader(id, size, expires),
    entry: (db, key, value, expireAt) => enc.entry(db, key, value, expireAt),
    output,
    finish: () => output.finish(),
  };
}

/**
 * The commands of an AOF base without the RDB preamble (aof-use-rdb-preamble no), after
 * `annotation` (a #TS line with aof-timestamp-enabled).
 */
export function aofCommandFormat(functions: FunctionSources, annotation = ''): SnapshotFormat {
  const output = new RdbOutput(false);
  return {
    preamble: () => annotation + [...functions()].map((code) => encodeCommand(['FUNCTION', 'LOAD', code])).join(''),
    dbHeader: (id) => encodeCommand(['SELECT', String(id)]),
    entry: (_db, key, stored, expireAt) => keyCommands(key, storedValue(stored), expireAt),
    output,
    finish: () => output.seal(),
  };
}

interface DbProgress {
  db: Database;
  /** Sizes when the save started (RESIZEDB). */
  size: number;
  expiresSize: number;
  iter: IterableIterator<[string, unknown]>;
  /** Keys written, or created after the start: the walk skips them. */
  done: ShardedStringSet;
  /** Keys changed during the save, counted once each as copied-on-write memory. */
  touched: Set<string>;
  /** Entries written early, before this database's turn came. */
  pending: string[];
  finished: boolean;
}

/** How a save ended. */
export type SaveOutcome =
  | { ok: true }
  /** Stopped by the server itself (FLUSHALL, SHUTDOWN, appendonly no). */
  | { ok: false; reason: 'aborted' }
  /** The child died by a signal (its number, as Linux numbers it). */
  | { ok: false; reason: 'signal'; signal: number }
  /** Writing failed; `message` says why. */
  | { ok: false; reason: 'error'; message: string };

export interface BackgroundSaveOptions {
  /** Where the file goes; `%d` in its names stands for the child's pid. */
  target: ChildTarget;
  format: SnapshotFormat;
  /** Written by the server itself, under its own pid (the save at shutdown): no child. */
  inProcess?: boolean;
}

export class BackgroundSave {
  readonly startedAt = dateNow();
  keysTotal = 0;
  keysProcessed = 0;
  /** What a fork would have copied so far: the memory of the keys changed since the start. */
  cowBytes = 0;
  private readonly format: SnapshotFormat;
  private readonly out: RdbOutput;
  private readonly progress: (DbProgress | null)[];
  private current = -1;
  private aborted = false;
  /** The whole stream was handed over and vouched for. */
  private committed = false;
  private readonly wakeup = new AbortController();
  private readonly sink: SaveSink;
  /** Resolves once the file is in place, or the save failed or was aborted. */
  readonly done: Promise<SaveOutcome>;

  constructor(
    private readonly state: ServerState,
    opts: BackgroundSaveOptions,
  ) {
    this.format = opts.format;
    this.out = opts.format.output;
    const t0 = perfNow();
    const child = opts.inProcess === true ? null : SaveChild.start(opts.target);
    this.sink = child ?? new InProcessWriter(opts.target);
    if (child !== null) {
      state.stats.forks++;
      state.stats.latestForkUsec = Math.round((perfNow() - t0) * 1000);
    }
    this.out.push(this.format.preamble());
    this.progress = state.dbs.map((db) => {
      if (db.data.size === 0) return null;
      this.keysTotal += db.data.size;
      db.saveHook = this.hook;
      return {
        db,
        size: db.data.size,
        expiresSize: db.expires.size,
        iter: db.data.entries(),
        done: new ShardedStringSet(db.data.size),
        touched: new Set<string>(),
        pending: [],
        finished: false,
      };
    });
    this.done = this.settle();
  }

  /** The child's pid (the server's own without a child). */
  get pid(): number {
    return this.sink.pid;
  }

  /** The file being written. */
  get tempPath(): string {
    return this.sink.tempPath;
  }

  /** Where the file ends up. */
  get finalPath(): string {
    return this.sink.finalPath;
  }

  /** Stops the save (FLUSHALL, SHUTDOWN, DEBUG RELOAD): the child is killed, the temp file removed. */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.unhook();
    this.sink.kill();
    this.wakeup.abort();
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
    const v = db.data.get(key);
    if (v !== undefined && !p.touched.has(key)) {
      p.touched.add(key);
      this.cowBytes += keyBytes(key) + (typeof v === 'string' ? stringValueBytes(v.slice(3)) : objectBytes(v));
    }
    if (p.done.has(key)) return;
    p.done.add(key);
    if (v === undefined) return; // created after the start
    const entry = this.format.entry(db, key, v, db.expires.get(key));
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
      const entry = this.format.entry(p.db, key, r.value[1] as never, p.db.expires.get(key));
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

  /** The outcome: the child's death ends the save at once, even while the walk sleeps. */
  private async settle(): Promise<SaveOutcome> {
    const walked = this.run().then(
      (ok) => ok,
      (e: Error) => e,
    );
    const first = await Promise.race([walked, this.sink.exited.then(() => 'exited' as const)]);
    if (this.aborted) return { ok: false, reason: 'aborted' };
    if (first instanceof Error) {
      this.sink.kill();
      return { ok: false, reason: 'error', message: first.message };
    }
    // a writer in this process is done the moment it commits, before the walk returns
    const complete = first === true || this.committed;
    if (!complete) {
      // the child died before the stream was complete (kill -9 of the child): stop the walk
      this.aborted = true;
      this.unhook();
      this.wakeup.abort();
    }
    const exit = await this.sink.exited;
    if (exit.code === 0 && complete) return { ok: true };
    this.sink.kill();
    if (exit.signal !== null) return { ok: false, reason: 'signal', signal: signalNumber(exit.signal) };
    return { ok: false, reason: 'error', message: exit.message === '' ? 'the child exited early' : exit.message };
  }

  /** The walk; true once the whole stream is handed to the child, false when aborted. */
  private async run(): Promise<boolean> {
    for (let i = 0; i < this.progress.length; i++) {
      const p = this.progress[i];
      if (p === null) continue;
      this.current = i;
      this.out.push(this.format.dbHeader(i, p.size, p.expiresSize));
      for (const e of p.pending) this.out.push(e);
      p.pending = [];
      while (!p.finished) {
        if (this.aborted) return false;
        const delayUs = this.state.config.getInt('rdb-key-save-delay');
        const delayed = this.drain(p, SLICE_MS, delayUs);
        for (const chunk of this.out.take()) if (!(await this.sink.write(chunk))) return false;
        try {
          if (delayed >= 1000) await sleep(Math.floor(delayed / 1000), undefined, { signal: this.wakeup.signal });
          else await turn();
        } catch {
          return false; // woken by abort()
        }
      }
    }
    this.unhook();
    if (this.aborted) return false;
    this.format.finish();
    for (const chunk of this.out.take()) if (!(await this.sink.write(chunk))) return false;
    if (this.aborted) return false;
    this.committed = true;
    this.sink.commit();
    return true;
  }
}
