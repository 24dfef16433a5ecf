import type { Client } from './client.ts';
import { globMatch } from './util/glob.ts';

/**
 * Channel and pattern subscriptions of one server, and message delivery.
 * Messages go out as RESP3 push frames or RESP2 arrays, per subscriber.
 */
export class PubSub {
  readonly channels = new Map<string, Set<Client>>();
  readonly patterns = new Map<string, Set<Client>>();
  readonly shardChannels = new Map<string, Set<Client>>();

  /** Delivers to channel and pattern subscribers; returns the number of receivers. */
  publish(channel: string, message: string): number {
    let n = 0;
    const subs = this.channels.get(channel);
    if (subs) {
      for (const c of subs) {
        const out = c.writer;
        out.push(3);
        out.bulk('message');
        out.bulk(channel);
        out.bulk(message);
        c.flush();
        n++;
      }
    }
    if (this.patterns.size !== 0) {
      for (const [pattern, clients] of this.patterns) {
        if (!globMatch(pattern, channel, false)) continue;
        for (const c of clients) {
          const out = c.writer;
          out.push(4);
          out.bulk('pmessage');
          out.bulk(pattern);
          out.bulk(channel);
          out.bulk(message);
          c.flush();
          n++;
        }
      }
    }
    return n;
  }

  /** Delivers to shard channel subscribers (SPUBLISH). */
  publishShard(channel: string, message: string): number {
    let n = 0;
    const subs = this.shardChannels.get(channel);
    if (!subs) return 0;
    for (const c of subs) {
      const out = c.writer;
      out.push(3);
      out.bulk('smessage');
      out.bulk(channel);
      out.bulk(message);
      c.flush();
      n++;
    }
    return n;
  }

  /** Drops every subscription of a client (disconnect, RESET). */
  removeClient(c: Client): void {
    for (const ch of c.channels) this.detach(this.channels, ch, c);
    for (const p of c.patterns) this.detach(this.patterns, p, c);
    for (const ch of c.shardChannels) this.detach(this.shardChannels, ch, c);
    c.channels.clear();
    c.patterns.clear();
    c.shardChannels.clear();
  }

  detach(map: Map<string, Set<Client>>, name: string, c: Client): void {
    const s = map.get(name);
    if (!s) return;
    s.delete(c);
    if (s.size === 0) map.delete(name);
  }

  attach(map: Map<string, Set<Client>>, name: string, c: Client): void {
    let s = map.get(name);
    if (!s) map.set(name, (s = new Set()));
    s.add(c);
  }
}
