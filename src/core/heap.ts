import v8 from 'node:v8';
import vm from 'node:vm';
import { perfNow } from '../util/clock.ts';

/** Allowed writes re-measure every this many; refused ones every time. */
const CHECK_EVERY = 512;
/** Node's young generation on 64-bit (3 semi-spaces of 16 MB), part of heap_size_limit. */
const YOUNG_GENERATION = 48 * 2 ** 20;
/**
 * Bytes a V8 Map (or Set) allocates per entry when it grows: its table doubles, so the new
 * table must fit beside the old one (buckets plus three slots per entry at twice the
 * capacity, 8 bytes a slot).
 */
const MAP_GROWTH_PER_ENTRY = 56;
/** Quiet time (ms) before idleTick collects. */
const IDLE_MS = 5000;
/** Growth below which idleTick leaves the heap to V8. */
const IDLE_GROWTH_MIN = 16 * 2 ** 20;

/**
 * Keeps writes from growing the V8 heap into its limit, where the process would die with
 * "JavaScript heap out of memory" and lose the dataset. Once the old generation's live
 * size comes within a reserve of its limit, denyoom commands are refused with the OOM
 * error (reads, DEL and FLUSHALL still run), as Redis refuses them past maxmemory.
 *
 * The reserve leaves room for replies, scripts and garbage between collections (15% of
 * the limit, at least 16 MB), and for the biggest table to double: a Map grows all at once.
 */
export class HeapGuard {
  /** The heap is near its limit: writes are refused. */
  near = false;
  /** The old generation's size limit. */
  readonly oldLimit: number;
  private countdown = CHECK_EVERY;
  private nextGcAt = 0;
  private gc: (() => void) | null = null;
  /** Heap bytes V8 held after the last idle collection (the baseline growth is measured from). */
  private settledSize: number;
  /** commandsProcessed at the last idle check, and since when it has not moved. */
  private lastCommands = -1;
  private quietSince = 0;

  constructor(
    /** Entries of the largest table the next writes may grow (the biggest keyspace). */
    private readonly largestTable: () => number,
    heapLimit = v8.getHeapStatistics().heap_size_limit,
    /** The heap's resident bytes, and a full collection (tests pass fakes). */
    private readonly physicalSize = (): number => v8.getHeapStatistics().total_physical_size,
    private readonly fullCollection: (() => void) | null = null,
  ) {
    this.settledSize = physicalSize();
    this.oldLimit = heapLimit > 2 * YOUNG_GENERATION ? heapLimit - YOUNG_GENERATION : heapLimit / 2;
  }

  /** Old-generation bytes past which writes are refused. */
  threshold(): number {
    const reserve = Math.max(16 * 2 ** 20, this.oldLimit * 0.15) + MAP_GROWTH_PER_ENTRY * this.largestTable();
    return this.oldLimit - reserve;
  }

  /** Called before each denyoom command: true when it must be refused. */
  writeRefused(): boolean {
    if (--this.countdown > 0) return this.near;
    this.countdown = CHECK_EVERY;
    return this.measure();
  }

  /** Re-measures now. */
  measure(): boolean {
    const threshold = this.threshold();
    let used = oldGenerationUsed();
    if (used > threshold) {
      // Part of it may be garbage (a FLUSHALL's, say): collect before refusing, spending at
      // most a tenth of the time on these collections.
      const now = perfNow();
      if (now >= this.nextGcAt) {
        this.collect();
        const took = perfNow() - now;
        this.nextGcAt = perfNow() + Math.max(1000, took * 10);
        used = oldGenerationUsed();
      }
    }
    this.near = used > threshold;
    if (this.near) this.countdown = 1;
    return this.near;
  }

  /**
   * Called by the cron: once no command has run for IDLE_MS and the heap has grown by a
   * quarter (at least 16 MB) since the last time, runs one full collection. A burst of
   * writes leaves the tables it outgrew (a Map doubles into a new one: a tenth of a big
   * hash's RSS) and a grown young generation for V8's memory reducer, which gets to them
   * 10-30 s into the quiet; until then they are RSS that Redis, freeing as it goes, does
   * not have. Five seconds, because V8 shrinks the young generation in a collection only
   * once its allocation rate has fallen for a few seconds. Only quiet servers pay the
   * pause (a few ms per 10 MB of heap), once per quarter of growth.
   */
  idleTick(commandsProcessed: number, nowMs: number): void {
    if (commandsProcessed !== this.lastCommands) {
      this.lastCommands = commandsProcessed;
      this.quietSince = nowMs;
      return;
    }
    if (nowMs - this.quietSince < IDLE_MS) return;
    const size = this.physicalSize();
    if (size - this.settledSize < Math.max(IDLE_GROWTH_MIN, this.settledSize / 4)) return;
    this.collect();
    this.settledSize = this.physicalSize();
  }

  /** A full collection through V8's gc(), exposed on first use when node runs without --expose-gc. */
  private collect(): void {
    if (this.fullCollection !== null) return this.fullCollection();
    if (this.gc === null) {
      const exposed = (globalThis as { gc?: () => void }).gc;
      if (exposed !== undefined) {
        this.gc = exposed;
      } else {
        v8.setFlagsFromString('--expose-gc');
        this.gc = vm.runInNewContext('gc') as () => void;
      }
    }
    this.gc();
  }
}

/** Bytes used in every heap space but the young generation's. */
function oldGenerationUsed(): number {
  let used = 0;
  for (const s of v8.getHeapSpaceStatistics()) {
    if (s.space_name !== 'new_space' && s.space_name !== 'new_large_object_space') used += s.space_used_size;
  }
  return used;
}
