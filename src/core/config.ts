import defaultsJson from './config-defaults.json' with { type: 'json' };
import { ReplyError, ERR } from '../errors.ts';

/** Pairs of names Redis 7.0 treats as one parameter (old name, new name). */
const ALIASES: [string, string][] = [
  ['lua-time-limit', 'busy-reply-threshold'],
  ['hash-max-ziplist-entries', 'hash-max-listpack-entries'],
  ['hash-max-ziplist-value', 'hash-max-listpack-value'],
  ['zset-max-ziplist-entries', 'zset-max-listpack-entries'],
  ['zset-max-ziplist-value', 'zset-max-listpack-value'],
  ['list-max-ziplist-size', 'list-max-listpack-size'],
  ['slaveof', 'replicaof'],
  ['masterauth', 'masterauth'],
  ['slave-announce-ip', 'replica-announce-ip'],
  ['slave-announce-port', 'replica-announce-port'],
  ['slave-ignore-maxmemory', 'replica-ignore-maxmemory'],
  ['slave-lazy-flush', 'replica-lazy-flush'],
  ['slave-priority', 'replica-priority'],
  ['slave-read-only', 'replica-read-only'],
  ['slave-serve-stale-data', 'replica-serve-stale-data'],
  ['min-slaves-max-lag', 'min-replicas-max-lag'],
  ['min-slaves-to-write', 'min-replicas-to-write'],
  ['repl-ping-slave-period', 'repl-ping-replica-period'],
  ['cluster-slave-no-failover', 'cluster-replica-no-failover'],
  ['cluster-slave-validity-factor', 'cluster-replica-validity-factor'],
];

/** Parameters CONFIG SET refuses at run time (Redis: "can't set immutable config"). */
export const IMMUTABLE = new Set([
  'daemonize', 'databases', 'port', 'bind', 'unixsocket', 'unixsocketperm', 'logfile', 'syslog-enabled',
  'syslog-ident', 'syslog-facility', 'pidfile', 'supervised', 'io-threads', 'aclfile', 'appenddirname',
  'cluster-enabled', 'cluster-config-file', 'tls-port', 'enable-debug-command', 'enable-module-command',
  'enable-protected-configs', 'set-proc-title', 'disable-thp', 'always-show-logo', 'tcp-backlog',
  'io-threads-do-reads', 'protected-mode-default', 'unixsocketgroup', 'lua-enable-deprecated-api',
]);

/**
 * Server configuration: every parameter Redis 7.0.15 has, with its default
 * (src/core/config-defaults.json), as strings; aliases stay in step. Listeners let
 * subsystems cache the values they read on hot paths.
 */
export class Config {
  private readonly values = new Map<string, string>();
  private readonly alias = new Map<string, string>();
  private readonly listeners = new Map<string, ((v: string) => void)[]>();

  constructor(overrides: Record<string, string> = {}) {
    const defaults = defaultsJson as Record<string, string>;
    for (const [k, v] of Object.entries(defaults)) this.values.set(k, v);
    this.values.set('dir', process.cwd());
    // Redis 7.0.15's hidden parameters (not in CONFIG GET *), which its own tests set
    this.values.set('rdb-key-save-delay', '0');
    this.values.set('key-load-delay', '0');
    this.values.set('use-exit-on-panic', 'no');
    this.values.set('watchdog-period', '0');
    // (Debian's 7.0.15 adds it with its Lua CVE fixes)
    this.values.set('lua-enable-deprecated-api', 'no');
    this.values.set('loading-process-events-interval-bytes', '2097152');
    for (const [a, b] of ALIASES) {
      if (a === b) continue;
      this.alias.set(a, b);
      this.alias.set(b, a);
    }
    for (const [k, v] of Object.entries(overrides)) this.setRaw(k.toLowerCase(), v);
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  get(name: string): string {
    const v = this.values.get(name);
    if (v === undefined) throw new Error(`unknown config '${name}'`);
    return v;
  }

  /**
   * Numbers getInt worked out, by name, until the parameter changes: commands read their
   * limits (hash-max-listpack-entries...) on every call.
   */
  private readonly ints = new Map<string, number>();

  getInt(name: string): number {
    const cached = this.ints.get(name);
    if (cached !== undefined) return cached;
    const n = this.parseInt(name);
    this.ints.set(name, n);
    return n;
  }

  private parseInt(name: string): number {
    const v = this.get(name);
    const n = Number(v);
    if (!Number.isNaN(n) || v === '') return n;
    // Values given at startup (config file, --name value, startServer) are stored as written,
    // so memory sizes may still carry Redis's units: 1k = 1000, 1kb = 1024, m/mb, g/gb.
    const m = /^(\d+)(b|k|kb|m|mb|g|gb)$/i.exec(v);
    if (m === null) return n;
    const unit = m[2].toLowerCase();
    const mult = { b: 1, k: 1e3, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 }[unit] as number;
    return Number(m[1]) * mult;
  }

  getBool(name: string): boolean {
    return this.get(name) === 'yes';
  }

  /** All (name, value) pairs, in a stable order. */
  entries(): IterableIterator<[string, string]> {
    return this.values.entries();
  }

  /** Sets a value without validation (startup, internal); notifies listeners. */
  setRaw(name: string, value: string): void {
    if (!this.values.has(name)) throw new ReplyError(ERR.unknownOptionNumber(name));
    this.values.set(name, value);
    this.ints.delete(name);
    const other = this.alias.get(name);
    if (other && this.values.has(other)) {
      this.values.set(other, value);
      this.ints.delete(other);
    }
    for (const n of [name, other]) {
      if (!n) continue;
      for (const f of this.listeners.get(n) ?? []) f(value);
    }
  }

  /** Calls f now and whenever the parameter changes. */
  watch(name: string, f: (v: string) => void): void {
    let l = this.listeners.get(name);
    if (!l) this.listeners.set(name, (l = []));
    l.push(f);
    f(this.get(name));
  }
}
