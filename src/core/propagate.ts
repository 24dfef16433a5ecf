/**
 * Command propagation as Redis 7.0 does it (server.c alsoPropagate / propagatePendingCommands):
 * every write is recorded as its effects while a command runs, and the effects of one
 * execution unit (a command, a transaction, a script, a served blocked client, an active
 * expiry cycle) are handed to the sinks (the AOF) together, wrapped in MULTI/EXEC when
 * there are several, so a reader replays them atomically.
 */

/** Receives each propagated command with the database it applies to. */
export type PropagationSink = (dbid: number, argv: string[]) => void;

interface PendingOp {
  dbid: number;
  argv: string[];
}

export class Propagator {
  /** A sink is listening (AOF on or waiting for its first rewrite); nothing is recorded otherwise. */
  active = false;
  /** Nesting of call() (and of a busy script's run): effects are handed over at depth 0. */
  depth = 0;
  private sink: PropagationSink | null = null;
  private ops: PendingOp[] = [];

  setSink(sink: PropagationSink | null): void {
    this.sink = sink;
    this.active = sink !== null;
    if (sink === null) this.ops = [];
  }

  /** alsoPropagate: one more effect of the running execution unit. */
  also(dbid: number, argv: string[]): void {
    if (!this.active) return;
    this.ops.push({ dbid, argv });
  }

  get pending(): number {
    return this.ops.length;
  }

  /**
   * propagatePendingCommands: hands the recorded effects to the sink. Several effects go
   * inside MULTI/EXEC unless `noTransaction` (active expiry and eviction, or a command that
   * touches arbitrary keys, whose deletions are independent).
   */
  flush(noTransaction = false): void {
    const ops = this.ops;
    if (ops.length === 0) return;
    this.ops = [];
    const sink = this.sink;
    if (sink === null) return;
    const wrap = ops.length > 1 && !noTransaction;
    // MULTI takes the first effect's database and EXEC the last one's, so no SELECT
    // lands between EXEC and the effect before it.
    if (wrap) sink(ops[0].dbid, ['MULTI']);
    for (const op of ops) sink(op.dbid, op.argv);
    if (wrap) sink(ops[ops.length - 1].dbid, ['EXEC']);
  }
}

/** What a command needs to steer its own propagation (a Client, structurally). */
interface PropagatingClient {
  propArgv: string[] | null;
  preventProp: boolean;
  forceProp: boolean;
  readonly server: { readonly propagator: Propagator };
}

/** rewriteClientCommandVector: the running command is logged as `argv` instead. */
export function rewriteCommand(c: PropagatingClient, argv: string[]): void {
  if (c.server.propagator.active) c.propArgv = argv;
}

/** preventCommandPropagation: the running command logged its effects itself (alsoPropagate). */
export function preventPropagation(c: PropagatingClient): void {
  c.preventProp = true;
}

/** forceCommandPropagation: logged even when it changed nothing (FLUSHALL on an empty server). */
export function forcePropagation(c: PropagatingClient): void {
  c.forceProp = true;
}
