/**
 * The latency monitor (Redis's latency.c): per event, the last LATENCY_TS_LEN seconds that
 * had a spike at or above latency-monitor-threshold (one sample per second, the worst one),
 * and the all-time worst. Events: `command` and `fast-command` (dispatch), `expire-cycle`
 * (the cron), `command-unblocking` (a blocked client served).
 */

/** Samples kept per event (LATENCY_TS_LEN). */
const TS_LEN = 160;

interface Sample {
  /** unix time in seconds */
  time: number;
  /** milliseconds */
  latency: number;
}

/** One event's samples: a ring of TS_LEN seconds, oldest at `idx`. */
export class LatencySeries {
  readonly samples: Sample[] = [];
  idx = 0;
  max = 0;

  add(now: number, latency: number): void {
    const prev = this.samples[(this.idx + TS_LEN - 1) % TS_LEN];
    if (prev !== undefined && prev.time === now) {
      // one sample per second: the worst of that second
      if (latency > prev.latency) prev.latency = latency;
      if (latency > this.max) this.max = latency;
      return;
    }
    this.samples[this.idx] = { time: now, latency };
    if (latency > this.max) this.max = latency;
    this.idx = (this.idx + 1) % TS_LEN;
  }

  /** The samples from the oldest to the newest. */
  inOrder(): Sample[] {
    const out: Sample[] = [];
    for (let j = 0; j < TS_LEN; j++) {
      const s = this.samples[(this.idx + j) % TS_LEN];
      if (s !== undefined) out.push(s);
    }
    return out;
  }

  /** The newest sample. */
  latest(): Sample {
    return this.samples[(this.idx + TS_LEN - 1) % TS_LEN];
  }
}

export class LatencyMonitor {
  /** latency-monitor-threshold in ms; 0 disables the monitor. */
  threshold = 0;
  readonly events = new Map<string, LatencySeries>();

  /** `now`: the server's clock (ms since the epoch). */
  constructor(private readonly now: () => number) {}

  /** latencyAddSampleIfNeeded: records `ms` for `event` when the monitor is on and it reaches the threshold. */
  addIfNeeded(event: string, ms: number): void {
    if (this.threshold === 0 || ms < this.threshold) return;
    let ts = this.events.get(event);
    if (ts === undefined) this.events.set(event, (ts = new LatencySeries()));
    ts.add(Math.floor(this.now() / 1000), Math.floor(ms));
  }

  /** LATENCY RESET: drops the named events (all without names); how many were dropped. */
  reset(names: string[] | null): number {
    if (names === null) {
      const n = this.events.size;
      this.events.clear();
      return n;
    }
    let n = 0;
    for (const name of names) if (this.events.delete(name)) n++;
    return n;
  }

  /** createLatencyReport's event lines (its advice sections are not reproduced). */
  report(): string {
    if (this.events.size === 0 && this.threshold === 0) {
      return 'I\'m sorry, Dave, I can\'t do that. Latency monitoring is disabled in this Redis instance. You may use "CONFIG SET latency-monitor-threshold <milliseconds>." in order to enable it. If we weren\'t in a deep space mission I\'d suggest to take a look at https://redis.io/topics/latency-monitor.\n';
    }
    let report = '';
    let num = 0;
    const now = Math.floor(this.now() / 1000);
    for (const [event, ts] of this.events) {
      const samples = ts.inOrder();
      if (samples.length === 0) continue;
      num++;
      if (num === 1) report += "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
      let sum = 0;
      let oldest = 0;
      for (const s of samples) {
        sum += s.latency;
        if (oldest === 0 || s.time < oldest) oldest = s.time;
      }
      const avg = Math.floor(sum / samples.length);
      let dev = 0;
      for (const s of samples) dev += Math.abs(avg - s.latency);
      const mad = Math.floor(dev / samples.length);
      const period = Math.max(1, now - oldest);
      report += `${num}. ${event}: ${samples.length} latency spikes (average ${avg}ms, mean deviation ${mad}ms, period ${(period / samples.length).toFixed(2)} sec). Worst all time event ${ts.max}ms.\n`;
    }
    if (num === 0) {
      report +=
        'Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n';
    } else {
      report +=
        "\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n";
    }
    return report;
  }
}
