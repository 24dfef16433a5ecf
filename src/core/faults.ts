/**
 * Fault injection for tests (RunningServer.faults): commands that fail, answer late or
 * drop the connection, chosen by name and arguments. The registry and matching live
 * here; the network side (src/server.ts) applies delays and disconnects, and EXEC applies
 * faults to the commands it runs (src/commands/transactions.ts).
 *
 * Faults match what network clients send: top-level commands, and at EXEC the commands
 * queued by MULTI. Commands run by scripts and in-process calls are never matched.
 */

export type { FaultSpec, FaultHandle } from '../util/public-types.ts';
import type { FaultSpec, FaultHandle } from '../util/public-types.ts';

/** What one firing does to one command. */
export interface FaultEffect {
  error: string | undefined;
  delayMs: number;
  disconnect: boolean;
}

class Fault implements FaultHandle, FaultEffect {
  fired = 0;
  active = true;
  readonly error: string | undefined;
  readonly delayMs: number;
  readonly disconnect: boolean;
  private readonly name: string | null;
  private readonly sub: string | null;
  private readonly pattern: RegExp | null;
  private readonly match: ((args: string[]) => boolean) | null;
  private readonly times: number;

  constructor(
    private readonly owner: Faults,
    spec: FaultSpec,
  ) {
    const { command } = spec;
    if (command instanceof RegExp) {
      this.pattern = command;
      this.name = this.sub = null;
    } else if (typeof command === 'string' && command.trim() !== '') {
      const [name, sub] = command.trim().toLowerCase().split(/[\s|]+/);
      this.pattern = null;
      this.name = name;
      this.sub = sub ?? null;
    } else {
      throw new TypeError('fault: `command` must be a command name or a RegExp');
    }
    if (spec.match !== undefined && typeof spec.match !== 'function') throw new TypeError('fault: `match` must be a function');
    if (spec.error !== undefined && typeof spec.error !== 'string') throw new TypeError('fault: `error` must be a string');
    const delay = spec.delayMs ?? 0;
    if (typeof delay !== 'number' || !(delay >= 0) || !Number.isFinite(delay)) throw new TypeError('fault: `delayMs` must be a non-negative number');
    const times = spec.times ?? Infinity;
    if (typeof times !== 'number' || !(times >= 1) || (times !== Infinity && !Number.isInteger(times))) {
      throw new TypeError('fault: `times` must be a positive integer');
    }
    if (spec.error === undefined && delay === 0 && spec.disconnect !== true) {
      throw new TypeError('fault: give `error`, `delayMs` or `disconnect`');
    }
    this.match = spec.match ?? null;
    this.error = spec.error;
    this.delayMs = delay;
    this.disconnect = spec.disconnect === true;
    this.times = times;
  }

  remove(): void {
    if (!this.active) return;
    this.active = false;
    this.owner.retire(this);
  }

  /** True when the command named in argv is this fault's (arguments not considered). */
  names(lowerName: string, argv: readonly string[]): boolean {
    if (this.pattern !== null) {
      this.pattern.lastIndex = 0;
      return this.pattern.test(lowerName);
    }
    if (lowerName !== this.name) return false;
    return this.sub === null || (argv.length > 1 && argv[1].toLowerCase() === this.sub);
  }

  /** Arguments check; a predicate that throws does not match (and is reported). */
  accepts(args: () => string[], report: (msg: string) => void): boolean {
    if (this.match === null) return true;
    try {
      return this.match(args()) === true;
    } catch (e) {
      report(`fault match predicate threw: ${(e as Error)?.message ?? e}`);
      return false;
    }
  }

  /** Counts one firing; retires the fault once used up. */
  fire(): void {
    this.fired++;
    if (this.fired >= this.times) this.remove();
  }
}

/** The faults of one server, in injection order: the first that matches a command fires. */
export class Faults {
  private list: Fault[] = [];

  constructor(private readonly report: (msg: string) => void) {}

  /** Number of active faults (checked before every network command: 0 costs nothing). */
  get size(): number {
    return this.list.length;
  }

  inject(spec: FaultSpec): FaultHandle {
    if (spec === null || typeof spec !== 'object') throw new TypeError('fault: expected an object');
    const f = new Fault(this, spec);
    this.list = [...this.list, f];
    return f;
  }

  /** Removes every fault. */
  clear(): void {
    const all = this.list;
    this.list = [];
    for (const f of all) f.active = false;
  }

  retire(f: Fault): void {
    this.list = this.list.filter((x) => x !== f);
  }

  /**
   * The fault that fires for a command a client sent (argv as byte strings), counting
   * the firing; null when none matches.
   */
  pick(argv: readonly string[]): FaultEffect | null {
    const list = this.list;
    if (list.length === 0 || argv.length === 0) return null;
    const name = argv[0].toLowerCase();
    let decoded: string[] | null = null;
    const args = (): string[] => (decoded ??= argv.slice(1).map(fromBytes));
    for (const f of list) {
      if (!f.active || !f.names(name, argv) || !f.accepts(args, this.report)) continue;
      f.fire();
      return f;
    }
    return null;
  }
}

const NON_ASCII = /[^\x00-\x7f]/;

/** A byte string as the UTF-8 text a test wrote it from. */
function fromBytes(s: string): string {
  return NON_ASCII.test(s) ? Buffer.from(s, 'latin1').toString('utf8') : s;
}
