import type { ServerState } from '../core/state.ts';
import { Scripting } from '../lua/scripting.ts';
import { copyKeyspace, restoreKeyspace, type KeyspaceCopy } from '../keyspace/snapshot.ts';

export type { ServerSnapshot } from '../util/public-types.ts';
import type { ServerSnapshot } from '../util/public-types.ts';

/** The data behind a ServerSnapshot; private to this module, so callers cannot alter it. */
class SavedServer implements ServerSnapshot {
  constructor(
    readonly keyspace: KeyspaceCopy,
    /** EVAL script bodies, in cache order. */
    readonly scripts: readonly string[],
    /** FUNCTION library sources, in load order. */
    readonly libraries: readonly string[],
  ) {}

  get takenAt(): number {
    return this.keyspace.takenAt;
  }

  get databases(): number {
    return this.keyspace.dbs.length;
  }

  get keys(): number {
    let n = 0;
    for (const db of this.keyspace.dbs) n += db.data.size;
    return n;
  }
}

/**
 * Copies every database (keys already expired at `now` left out), the EVAL script cache
 * and the FUNCTION libraries.
 */
export function takeSnapshot(server: ServerState, now: number): ServerSnapshot {
  const scripting = Scripting.of(server);
  const scripts = [...scripting.scripts.values()].map((s) => s.body);
  const libraries = [...(scripting.peekFunctions()?.libraries.values() ?? [])].map((l) => l.code);
  return new SavedServer(copyKeyspace(server.dbs, now), scripts, libraries);
}

/**
 * Brings a snapshot back: every database's contents (TTLs as the remaining time they had,
 * counted from `now`), the script cache and the libraries, replacing what is there. The
 * snapshot stays untouched and reusable. WATCHers of changed keys fail their EXEC,
 * tracking clients get a flush invalidation, and clients blocked on keys the restored
 * data fills are served.
 */
export function restoreSnapshot(server: ServerState, snapshot: ServerSnapshot, now: number): void {
  if (!(snapshot instanceof SavedServer)) throw new TypeError('restore() takes a snapshot made by snapshot()');
  if (snapshot.databases !== server.dbs.length) {
    throw new RangeError(`the snapshot has ${snapshot.databases} databases, the server ${server.dbs.length}`);
  }
  const scripting = Scripting.of(server);
  if (scripting.running !== null) throw new Error('cannot restore while a script runs');
  restoreKeyspace(server.dbs, snapshot.keyspace, { shiftExpiresMs: now - snapshot.takenAt });
  scripting.flushEvalScripts();
  for (const body of snapshot.scripts) scripting.createEvalScript(body);
  const functions = snapshot.libraries.length !== 0 ? scripting.functions : scripting.peekFunctions();
  if (functions !== null) {
    functions.flush();
    for (const code of snapshot.libraries) functions.createLibrary(code, false, 0);
  }
  server.dirty++;
  for (const db of server.dbs) server.blocking.signalAll(db);
  if (server.blocking.ready.size !== 0) server.blocking.handleReady();
}
