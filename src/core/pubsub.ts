import type { Client } from './client.ts';
import type { ClientOutput } from '../resp/sink.ts';
import { globMatch } from '../util/glob.ts';

/** Which of the three subscription spaces a (un)subscribe works on. */
export type SubKind = 'channel' | 'pattern' | 'shard';

/**
 * Runs `write` with the client's replies unmuted: pub/sub messages, confirmations and
 * tracking invalidations are pushes, which Redis delivers even under CLIENT REPLY OFF.
 */
export function pushTo(c: Client, write: (out: ClientOutput) => void): void {
  const out = c.writer;
  if (!out.muted) {
    write(out);
    return;
  }
  out.muted = false;
  try {
    write(out);
  } finally {
    out.muted = true;
  }
}

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
        pushTo(c, (out) => {
          out.push(3);
          out.bulk('message');
          out.bulk(channel);
          out.bulk(message);
        });
        c.flush();
        n++;
      }
    }
    if (this.patterns.size !== 0) {
      for (const [pattern, clients] of this.patterns) {
        if (!globMatch(pattern, channel, false)) continue;
        for (const c of clients) {
          pushTo(c, (out) => {
            out.push(4);
            out.bulk('pmessage');
            out.bulk(pattern);
            out.bulk(channel);
            out.bulk(message);
          });
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
      pushTo(c, (out) => {
        out.push(3);
        out.bulk('smessage');
        out.bulk(channel);
        out.bulk(message);
      });
      c.flush();
      n++;
    }
    return n;
  }

  /** The client-side set and server-side map of one subscription space. */
  private spaces(c: Client, kind: SubKind): [Set<string>, Map<string, Set<Client>>] {
    if (kind === 'channel') return [c.channels, this.channels];
    if (kind === 'pattern') return [c.patterns, this.patterns];
    return [c.shardChannels, this.shardChannels];
  }

  /** The count confirmations carry: channels + patterns, or shard channels alone. */
  private static count(c: Client, kind: SubKind): number {
    return kind === 'shard' ? c.shardChannels.size : c.channels.size + c.patterns.size;
  }

  /** Subscribes and writes the confirmation push. */
  subscribe(c: Client, kind: SubKind, name: string): void {
    const [mine, all] = this.spaces(c, kind);
    if (!mine.has(name)) {
      mine.add(name);
      this.attach(all, name, c);
    }
    const word = kind === 'channel' ? 'subscribe' : kind === 'pattern' ? 'psubscribe' : 'ssubscribe';
    pushTo(c, (out) => {
      out.push(3);
      out.bulk(word);
      out.bulk(name);
      out.integer(PubSub.count(c, kind));
    });
  }

  /** Unsubscribes (null name: the confirmation for "nothing to unsubscribe"). */
  unsubscribe(c: Client, kind: SubKind, name: string | null, notify = true): void {
    const [mine, all] = this.spaces(c, kind);
    if (name !== null && mine.delete(name)) this.detach(all, name, c);
    if (!notify) return;
    const word = kind === 'channel' ? 'unsubscribe' : kind === 'pattern' ? 'punsubscribe' : 'sunsubscribe';
    pushTo(c, (out) => {
      out.push(3);
      out.bulk(word);
      if (name === null) out.null();
      else out.bulk(name);
      out.integer(PubSub.count(c, kind));
    });
  }

  /** Unsubscribes from everything in one space, one confirmation each (or the null one). */
  unsubscribeAll(c: Client, kind: SubKind, notify = true): void {
    const [mine] = this.spaces(c, kind);
    if (mine.size === 0) {
      if (notify) this.unsubscribe(c, kind, null);
      return;
    }
    for (const name of [...mine]) this.unsubscribe(c, kind, name, notify);
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
