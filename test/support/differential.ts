import { describe, beforeAll, afterAll, beforeEach, expect } from 'vitest';
import { redisServerPath, startOracle, type Oracle } from './oracle.ts';
import { RawClient } from './raw-client.ts';
import { decode, type Reply } from './resp-reader.ts';
import { startServer, type RunningServer } from '../../src/index.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Side-by-side harness: the same commands go to a private real redis-server and to an
 * in-process redmoon; replies are compared byte for byte.
 */
export class Differential {
  private constructor(
    private readonly oracle: Oracle,
    readonly redmoon: RunningServer,
    readonly real: RawClient,
    readonly ours: RawClient,
    private readonly dir: string,
  ) {}

  /** `config` entries are applied to both servers at startup (e.g. { 'enable-debug-command': 'yes' }). */
  static async start(config: Record<string, string> = {}): Promise<Differential> {
    const extra: string[] = [];
    for (const [k, v] of Object.entries(config)) extra.push(`--${k}`, v);
    const oracle = await startOracle(extra);
    // SAVE, DEBUG RELOAD and the like write into `dir`: never into the test run's working directory
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-diff-'));
    const redmoon = await startServer({ port: 0, config: { dir, save: '', appendonly: 'no', ...config }, log: () => {} });
    const real = await RawClient.connect(oracle.socket);
    const ours = await RawClient.connect(redmoon.port);
    return new Differential(oracle, redmoon, real, ours, dir);
  }

  /** Opens one more connection to each server (for multi-client scenarios). */
  async pair(): Promise<{ real: RawClient; ours: RawClient }> {
    return { real: await RawClient.connect(this.oracle_socket), ours: await RawClient.connect(this.redmoon.port) };
  }

  private get oracle_socket(): string {
    return this.oracle.socket;
  }

  /** Runs a command on both; returns both raw replies without comparing. */
  async both(...argv: string[]): Promise<{ real: string; ours: string }> {
    const [real, ours] = await Promise.all([this.real.call(...argv), this.ours.call(...argv)]);
    return { real, ours };
  }

  /** Runs a command on both and expects byte-identical replies; returns the reply. */
  async same(...argv: string[]): Promise<string> {
    const { real, ours } = await this.both(...argv);
    expect(show(ours), `reply to ${JSON.stringify(argv)}`).toBe(show(real));
    return real;
  }

  /** Runs each command in turn, expecting identical replies for all. */
  async seq(cmds: string[][]): Promise<void> {
    for (const c of cmds) await this.same(...c);
  }

  /** Like same(), but array (and set/map) elements may come in any order. */
  async sameUnordered(...argv: string[]): Promise<Reply> {
    const { real, ours } = await this.both(...argv);
    const a = normalize(decode(Buffer.from(real, 'latin1'), 0)!.value);
    const b = normalize(decode(Buffer.from(ours, 'latin1'), 0)!.value);
    expect(b, `reply to ${JSON.stringify(argv)}`).toEqual(a);
    return a;
  }

  /** Sends raw bytes to fresh connections of both and compares the first n replies. */
  async sameRaw(bytes: string, n = 1): Promise<string> {
    const p = await this.pair();
    try {
      const [real, ours] = await Promise.all([p.real.sendRaw(bytes, n, 1000), p.ours.sendRaw(bytes, n, 1000)]);
      expect(show(ours), `reply to raw ${JSON.stringify(bytes.slice(0, 200))}`).toBe(show(real));
      return real;
    } finally {
      p.real.close();
      p.ours.close();
    }
  }

  async flush(): Promise<void> {
    await this.both('FLUSHALL');
    await this.both('SELECT', '0');
  }

  async stop(): Promise<void> {
    this.real.close();
    this.ours.close();
    await this.redmoon.close();
    await this.oracle.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Makes control bytes visible in assertion diffs. */
function show(s: string): string {
  return s.replace(/\r\n/g, '⏎\n');
}

function normalize(r: Reply): Reply {
  if (Array.isArray(r)) return r.map(normalize).sort(cmp);
  if (r && typeof r === 'object' && 'set' in r) return { set: r.set.map(normalize).sort(cmp) };
  if (r && typeof r === 'object' && 'map' in r) {
    const pairs: Reply[] = [];
    for (let i = 0; i < r.map.length; i += 2) pairs.push([normalize(r.map[i]), normalize(r.map[i + 1])]);
    return { map: pairs.sort(cmp) };
  }
  return r;
}

function cmp(a: Reply, b: Reply): number {
  const x = JSON.stringify(a, big);
  const y = JSON.stringify(b, big);
  return x < y ? -1 : x > y ? 1 : 0;
}

function big(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

/**
 * A describe block run against real redis-server and redmoon side by side. Skips with a
 * printed reason when redis-server is not installed (CI always installs it).
 */
export function describeDifferential(
  name: string,
  body: (d: () => Differential) => void,
  config: Record<string, string> = {},
): void {
  if (!redisServerPath()) {
    console.log(`SKIP differential suite '${name}': redis-server is not installed (apt-get install redis-server)`);
    describe.skip(name, () => body(() => undefined as never));
    return;
  }
  describe(name, () => {
    let d: Differential;
    beforeAll(async () => {
      d = await Differential.start(config);
    });
    afterAll(async () => {
      await d?.stop();
    });
    beforeEach(async () => {
      await d.flush();
    });
    body(() => d);
  });
}

/**
 * Runs cmds on both servers and compares the keyspace events (`event key`, in order): real
 * ones from a __keyevent@*__ subscription, ours recorded at the notifier (independent of
 * whether pub/sub is implemented yet).
 */
export async function sameEvents(d: Differential, cmds: string[][]): Promise<void> {
  await d.same('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
  const notifier = d.redmoon.server.notifier;
  const ours: string[] = [];
  const orig = notifier.notify;
  notifier.notify = (_cls, event, key) => {
    ours.push(`${event} ${key}`);
  };
  const p = await d.pair();
  try {
    await p.real.call('PSUBSCRIBE', '__keyevent@*__:*');
    for (const c of cmds) await d.same(...c);
    await d.same('PING');
    const raw = Buffer.from(await p.real.drain(200), 'latin1');
    const real: string[] = [];
    for (let pos = 0; pos < raw.length; ) {
      const r = decode(raw, pos);
      if (!r) break;
      pos = r.end;
      const m = r.value as string[];
      real.push(`${m[2].slice(m[2].indexOf(':') + 1)} ${m[3]}`);
    }
    expect(real.length).toBeGreaterThan(0);
    expect(ours).toEqual(real);
  } finally {
    notifier.notify = orig;
    p.real.close();
    p.ours.close();
    await d.same('CONFIG', 'SET', 'notify-keyspace-events', '');
  }
}

/** Like d.seq, but HELLO (whose reply carries the client id) is sent without comparing; back to RESP2 at the end. */
export async function seqAllowingHello(d: Differential, cmds: string[][]): Promise<void> {
  let hello = false;
  for (const c of cmds) {
    if (c[0] === 'HELLO') {
      hello = true;
      await d.both(...c);
    } else {
      await d.same(...c);
    }
  }
  if (hello) await d.both('HELLO', '2');
}
