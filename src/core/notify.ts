import type { PubSub } from './pubsub.ts';

/** The event classes of notify-keyspace-events, as single flag characters. */
export type EventClass = 'g' | '$' | 'l' | 's' | 'h' | 'z' | 'x' | 'e' | 't' | 'm' | 'd' | 'n';

/** Bits of the notify-keyspace-events classes, in Redis's order. */
const EVENT_BITS: Record<string, number> = {
  K: 1 << 0, E: 1 << 1, g: 1 << 2, $: 1 << 3, l: 1 << 4, s: 1 << 5, h: 1 << 6, z: 1 << 7,
  x: 1 << 8, e: 1 << 9, t: 1 << 10, m: 1 << 11, d: 1 << 13, n: 1 << 14,
};
const BITS = EVENT_BITS;
const KEYSPACE = EVENT_BITS.K;
const KEYEVENT = EVENT_BITS.E;
/** `A`: every class except m (key miss) and n (new key). */
const EVENT_ALL = [...'g$lshzxetd'].reduce((a, c) => a | EVENT_BITS[c], 0);

/** Parses notify-keyspace-events flags into a bit set; null on an unknown character. */
export function parseKeyspaceEvents(flags: string): number | null {
  let bits = 0;
  for (const ch of flags) {
    if (ch === 'A') bits |= EVENT_ALL;
    else if (Object.hasOwn(EVENT_BITS, ch)) bits |= EVENT_BITS[ch];
    else return null;
  }
  return bits;
}

/** The canonical string CONFIG GET shows: `A` or the classes in order, then K, E, m. */
export function formatKeyspaceEvents(bits: number): string {
  let s = '';
  if ((bits & EVENT_ALL) === EVENT_ALL) s = 'A';
  else for (const c of 'g$lshzxetdn') if (bits & EVENT_BITS[c]) s += c;
  if (bits & EVENT_BITS.K) s += 'K';
  if (bits & EVENT_BITS.E) s += 'E';
  if (bits & EVENT_BITS.m) s += 'm';
  return s;
}

/**
 * Keyspace notifications: parses the notify-keyspace-events flags and publishes
 * `__keyspace@<db>__:<key>` / `__keyevent@<db>__:<event>` messages.
 */
export class Notifier {
  /** Redis's flag word; 0 when notifications are off (the common case: one compare). */
  private flags = 0;

  constructor(private readonly pubsub: PubSub) {}

  /** True when any class is enabled: callers may skip building arguments otherwise. */
  get enabled(): boolean {
    return (this.flags & (KEYSPACE | KEYEVENT)) !== 0 && (this.flags & ~(KEYSPACE | KEYEVENT)) !== 0;
  }

  /** Whether events of a class would be published (e.g. skip work for 'n' or 'm'). */
  wants(cls: EventClass): boolean {
    return (this.flags & BITS[cls]) !== 0 && (this.flags & (KEYSPACE | KEYEVENT)) !== 0;
  }

  /** Parses a flags string; returns false when it has an unknown character. */
  configure(flags: string): boolean {
    const f = parseKeyspaceEvents(flags);
    if (f === null) return false;
    this.flags = f;
    return true;
  }

  /** The canonical flags string CONFIG GET shows. */
  toString(): string {
    return formatKeyspaceEvents(this.flags);
  }

  notify(cls: EventClass, event: string, key: string, dbid: number): void {
    const f = this.flags;
    if (f === 0 || (f & BITS[cls]) === 0) return;
    if (f & KEYSPACE) this.pubsub.publish(`__keyspace@${dbid}__:${key}`, event);
    if (f & KEYEVENT) this.pubsub.publish(`__keyevent@${dbid}__:${event}`, key);
  }
}
