import type { PubSub } from './pubsub.ts';

/** The event classes of notify-keyspace-events, as single flag characters. */
export type EventClass = 'g' | '$' | 'l' | 's' | 'h' | 'z' | 'x' | 'e' | 't' | 'm' | 'd' | 'n';

const ALL_CLASSES = 'g$lshzxetd';

/**
 * Keyspace notifications: parses the notify-keyspace-events flags and publishes
 * `__keyspace@<db>__:<key>` / `__keyevent@<db>__:<event>` messages.
 */
export class Notifier {
  private keyspace = false;
  private keyevent = false;
  private classes = new Set<string>();

  constructor(private readonly pubsub: PubSub) {}

  /** True when any class is enabled: callers may skip building arguments otherwise. */
  get enabled(): boolean {
    return (this.keyspace || this.keyevent) && this.classes.size > 0;
  }

  /** Parses a flags string; returns false when it has an unknown character. */
  configure(flags: string): boolean {
    const classes = new Set<string>();
    let ks = false;
    let ke = false;
    for (const ch of flags) {
      if (ch === 'K') ks = true;
      else if (ch === 'E') ke = true;
      else if (ch === 'A') for (const c of ALL_CLASSES) classes.add(c);
      else if ('g$lshzxetmdn'.includes(ch)) classes.add(ch);
      else return false;
    }
    this.keyspace = ks;
    this.keyevent = ke;
    this.classes = classes;
    return true;
  }

  /** The canonical flags string CONFIG GET shows (Redis's order, `A` when all are on). */
  toString(): string {
    let s = '';
    const all = [...ALL_CLASSES].every((c) => this.classes.has(c));
    if (all) s += 'A';
    else for (const c of 'g$lshzxetd') if (this.classes.has(c)) s += c;
    if (this.classes.has('m')) s += 'm';
    if (this.classes.has('n')) s += 'n';
    if (this.keyspace) s += 'K';
    if (this.keyevent) s += 'E';
    return s;
  }

  notify(cls: EventClass, event: string, key: string, dbid: number): void {
    if (!this.classes.has(cls)) return;
    if (this.keyspace) this.pubsub.publish(`__keyspace@${dbid}__:${key}`, event);
    if (this.keyevent) this.pubsub.publish(`__keyevent@${dbid}__:${event}`, key);
  }
}

/** Bits of the notify-keyspace-events classes, in Redis's order. */
const EVENT_BITS: Record<string, number> = {
  K: 1 << 0, E: 1 << 1, g: 1 << 2, $: 1 << 3, l: 1 << 4, s: 1 << 5, h: 1 << 6, z: 1 << 7,
  x: 1 << 8, e: 1 << 9, t: 1 << 10, m: 1 << 11, d: 1 << 13, n: 1 << 14,
};
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
