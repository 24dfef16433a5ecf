import type { ReplySink } from '../resp/sink.ts';
import type { Client } from './client.ts';

/**
 * A command handler: validates its own options, works on `c.db`, writes exactly one reply
 * to `out` (or throws ReplyError, which dispatch turns into the error reply).
 * Arity, unknown commands, auth, MULTI queueing and script rules are dispatch's job.
 */
export type Handler = (c: Client, argv: string[], out: ReplySink) => void;

/** What each family module exports: lowercase command names (`get`, `client|list`) to handlers. */
export type HandlerTable = Record<string, Handler>;

/** Key extraction for COMMAND GETKEYS, tracking and ACL: argv indexes of the keys. */
export type KeyFinder = (argv: string[]) => number[];

/** Per-command counters for INFO commandstats (mutable, per server). */
export interface CommandStats {
  calls: number;
  usec: number;
  failed: number;
  rejected: number;
  /** Calls that ran untimed in the current batch, waiting for their share of its time. */
  untimed: number;
}

/**
 * The flags processCommand's gates look at (OOM, NOREPLICAS, CLIENT PAUSE WRITE), as a
 * bit mask: a command's own, or what a script declares (see ServerState.scriptGateFlags).
 */
export const GATE_WRITE = 1;
export const GATE_DENYOOM = 2;
export const GATE_MAY_REPLICATE = 4;

/** One entry of the command table: Redis's metadata plus our handler. */
export interface Command {
  /** Lowercase full name: `get`, or `client|list` for a subcommand. */
  readonly name: string;
  /** Redis's convention: N exactly N args, -N at least N; the name (and subcommand) count. */
  readonly arity: number;
  readonly flags: ReadonlySet<string>;
  readonly firstKey: number;
  readonly lastKey: number;
  readonly step: number;
  readonly categories: readonly string[];
  readonly handler: Handler | null;
  readonly subcommands: Map<string, Command> | null;
  readonly parent: Command | null;
  /** Precomputed flags checked by dispatch on every call. */
  readonly isWrite: boolean;
  readonly denyOom: boolean;
  readonly noScript: boolean;
  readonly allowBusy: boolean;
  readonly noAuth: boolean;
  readonly noMulti: boolean;
  readonly isBlocking: boolean;
  /** Redis's `fast` flag: O(1) or O(log N), never slow enough for the slowlog. */
  readonly isFast: boolean;
  readonly isReadonly: boolean;
  readonly skipMonitor: boolean;
  /** GATE_* bits of the command's own flags. */
  readonly gateFlags: number;
  /** Raw COMMAND INFO / COMMAND DOCS trees (see scripts/gen-command-meta.ts). */
  readonly info: unknown;
  readonly docs: unknown;
  /** argv indexes of the keys, from Redis's key specs. */
  readonly keys: KeyFinder;
  /** This server's counters for the command (tables are built per server). */
  readonly stats: CommandStats;
}
