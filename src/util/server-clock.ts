import { dateNow, perfNow, timeOrigin } from './clock.ts';

/**
 * One server's clock. Every time the server reads (TTLs, TIME, stream IDs, idle times,
 * blocking deadlines, CLIENT PAUSE, SLOWLOG...) comes from here, so a test can freeze it,
 * move it or set it (the `time` API of startServer) while the process's own clock, real or
 * faked, stays out of it.
 *
 * Running, it reads the real wall clock plus an offset that set/advance build up; frozen,
 * it reads a fixed value. `now` is read on every command, so it stays one branch.
 */
export class ServerClock {
  private frozen = false;
  /** Frozen: the reading. Running: the offset added to the real clock. */
  private base = 0;
  /**
   * Called after advance/set moved the time: the server removes keys now due, times out
   * blocked clients and ends a CLIENT PAUSE whose end has passed.
   */
  onJump: (() => void) | null = null;

  /** Milliseconds since the epoch. */
  readonly now = (): number => (this.frozen ? this.base : dateNow() + this.base);

  /** Microseconds since the epoch (TIME), finer than `now` while running. */
  nowMicros(): number {
    if (this.frozen) return this.base * 1000;
    return Math.floor((timeOrigin + perfNow() + this.base) * 1000);
  }

  /** The reading at a performance.now() time taken this turn (saves a second clock read). */
  atPerf(perfMs: number): number {
    return this.frozen ? this.base : timeOrigin + perfMs + this.base;
  }

  get isFrozen(): boolean {
    return this.frozen;
  }

  /** Stops the clock at its current reading. */
  freeze(): void {
    if (this.frozen) return;
    this.base = this.now();
    this.frozen = true;
  }

  /** Lets a frozen clock run again from its current reading. */
  resume(): void {
    if (!this.frozen) return;
    this.base -= dateNow();
    this.frozen = false;
  }

  /** Moves the clock forward by `ms` (frozen or running). */
  advance(ms: number): void {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`time.advance: expected a finite number of milliseconds >= 0, got ${String(ms)}`);
    }
    this.base += ms;
    if (this.onJump !== null) this.onJump();
  }

  /** Sets the clock to `epochMs` (frozen or running; it may go back). */
  set(epochMs: number | Date): void {
    // duck-typed: the test may have replaced the global Date with a fake one
    const ms = typeof epochMs === 'object' && epochMs !== null ? epochMs.getTime() : epochMs;
    if (typeof ms !== 'number' || !Number.isFinite(ms)) {
      throw new RangeError(`time.set: expected epoch milliseconds or a Date, got ${String(epochMs)}`);
    }
    this.base = this.frozen ? ms : ms - dateNow();
    if (this.onJump !== null) this.onJump();
  }
}
