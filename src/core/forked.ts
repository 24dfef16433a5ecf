import type { ServerState } from './state.ts';
import type { Client } from './client.ts';
import { Database } from '../keyspace/db.ts';
import { copyKeyspace } from '../keyspace/snapshot.ts';
import { PubSub } from './pubsub.ts';
import { Notifier } from './notify.ts';
import { Tracking } from './tracking.ts';
import { Slowlog } from './slowlog.ts';
import { WatchRegistry } from './watch.ts';

/**
 * What a forked Redis child sees: a server whose databases are a private copy of the live
 * ones, taken now. Commands run against it (by a client made with `createClient` on it)
 * change only the copy, and tell no one: no keyspace notifications, WATCH, client
 * tracking, blocked clients, MONITOR or SLOWLOG of the real server hear of them, as the
 * parent hears nothing of what its child does. Everything else (configuration, command
 * table, ACL users, counters) is the real server's, read through the prototype.
 *
 * SCRIPT DEBUG YES runs its sessions on such a copy, so the rest of the server keeps
 * serving its clients from the untouched data meanwhile.
 */
export function forkServerView(server: ServerState): ServerState {
  const view = Object.create(server) as ServerState;
  const own = (name: string, value: unknown) => Object.defineProperty(view, name, { value, writable: true, configurable: true, enumerable: true });
  own('watches', new WatchRegistry());
  own('monitors', new Set<Client>());
  own('keyModifiedHooks', []);
  own('clientClosedHooks', []);
  own('keyReadyHandler', null);
  own('scriptTimeSnapshot', null);
  own('busyError', null);
  const pubsub = new PubSub();
  own('pubsub', pubsub);
  own('notifier', new Notifier(pubsub));
  own('newKeyEvents', false);
  own('slowlog', Object.assign(new Slowlog(() => server.clock.now()), { slowerThan: Infinity }));
  own('tracking', new Tracking(view));
  // a restore into a fresh database has no watchers to tell, key by key
  own('replaced', () => {});
  const copy = copyKeyspace(server.dbs, server.clock.now());
  const clock = () => view.scriptTimeSnapshot ?? server.clock.now();
  const dbs = server.dbs.map((live, i) => {
    const db = new Database(i, view, clock);
    db.lfu = live.lfu;
    db.lfuLogFactor = live.lfuLogFactor;
    db.lfuDecayTime = live.lfuDecayTime;
    db.replaceContents(copy.dbs[i]);
    return db;
  });
  own('dbs', dbs);
  return view;
}
