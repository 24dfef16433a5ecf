import type { Client } from './client.ts';

/** The client classes client-output-buffer-limit distinguishes (Redis's getClientType). */
export type ObufClass = 'normal' | 'slave' | 'pubsub';

interface Limit {
  hard: number;
  soft: number;
  softSecs: number;
}

/**
 * client-output-buffer-limit, as Redis's checkClientOutputBufferLimits: a client whose
 * unsent output passes its class's hard limit is closed at once; past the soft limit it is
 * closed when it stays there longer than the soft seconds. A limit of 0 is no limit.
 */
export class OutputBufferLimits {
  private readonly limits: Record<ObufClass, Limit> = {
    normal: { hard: 0, soft: 0, softSecs: 0 },
    slave: { hard: 0, soft: 0, softSecs: 0 },
    pubsub: { hard: 0, soft: 0, softSecs: 0 },
  };
  /** True when some class has a limit: otherwise the check costs nothing. */
  active = false;

  /** Takes the normalized config value: `normal h s secs slave h s secs pubsub h s secs`. */
  configure(value: string): void {
    const f = value.split(' ');
    let any = false;
    for (let i = 0; i + 3 < f.length; i += 4) {
      const cls = f[i] as ObufClass;
      if (!(cls in this.limits)) continue;
      const l = { hard: Number(f[i + 1]) || 0, soft: Number(f[i + 2]) || 0, softSecs: Number(f[i + 3]) || 0 };
      this.limits[cls] = l;
      if (l.hard !== 0 || l.soft !== 0) any = true;
    }
    this.active = any;
  }

  /** True when the client's class has a limit at all (most normal clients have none). */
  limited(c: Client): boolean {
    const l = this.limits[obufClass(c)];
    return l.hard !== 0 || l.soft !== 0;
  }

  /**
   * True when the client must be disconnected for holding `bytes` of unsent output at
   * `nowMs`. Tracks when the soft limit was first passed on the client.
   */
  exceeded(c: Client, bytes: number, nowMs: number): boolean {
    const l = this.limits[obufClass(c)];
    if (l.hard !== 0 && bytes >= l.hard) return true;
    if (l.soft !== 0 && bytes >= l.soft) {
      // Whole seconds, as Redis's server.unixtime: with 0 soft seconds the client survives
      // until the clock's next second.
      const now = Math.floor(nowMs / 1000);
      if (c.obufSoftSince === 0) {
        c.obufSoftSince = now;
        return false;
      }
      return now - c.obufSoftSince > l.softSecs;
    }
    c.obufSoftSince = 0;
    return false;
  }
}

/** A MONITOR client is not a replica; subscribers in either protocol are the pubsub class. */
export function obufClass(c: Client): ObufClass {
  if (c.flags.has('slave') && !c.monitor) return 'slave';
  if (c.inPubSubMode) return 'pubsub';
  return 'normal';
}
