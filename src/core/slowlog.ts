import type { Client } from './client.ts';
import { redactArgv } from './monitor.ts';

/** One SLOWLOG entry, as SLOWLOG GET shows it. */
export interface SlowlogEntry {
  id: number;
  /** Unix time in seconds when the command ran. */
  time: number;
  /** Duration in microseconds. */
  usec: number;
  argv: string[];
  addr: string;
  name: string;
}

/** Redis trims logged arguments: at most 32 (the last says how many more), each at most 128 bytes. */
const MAX_ARGC = 32;
const MAX_STRING = 128;

/**
 * The slow log: newest entries first, capped at slowlog-max-len. Dispatch calls `record`
 * only when a command took at least `slowerThan` microseconds (Infinity when disabled).
 */
export class Slowlog {
  entries: SlowlogEntry[] = [];
  nextId = 0;
  /** slowlog-log-slower-than in microseconds; Infinity when negative (disabled). */
  slowerThan = 10000;
  maxLen = 128;

  constructor(private readonly now: () => number) {}

  record(c: Client, original: string[], usec: number): void {
    const argv = redactArgv(original);
    const n = Math.min(argv.length, MAX_ARGC);
    const args: string[] = [];
    for (let i = 0; i < n; i++) {
      if (argv.length > MAX_ARGC && i === n - 1) {
        args.push(`... (${argv.length - MAX_ARGC + 1} more arguments)`);
        break;
      }
      const a = argv[i];
      args.push(a.length > MAX_STRING ? `${a.slice(0, MAX_STRING)}... (${a.length - MAX_STRING} more bytes)` : a);
    }
    this.entries.unshift({
      id: this.nextId++,
      time: Math.floor(this.now() / 1000),
      usec: Math.floor(usec),
      argv: args,
      addr: c.addr,
      name: c.name,
    });
    if (this.entries.length > this.maxLen) this.entries.length = this.maxLen;
  }

  trim(): void {
    if (this.entries.length > this.maxLen) this.entries.length = this.maxLen;
  }

  reset(): void {
    this.entries = [];
  }
}
