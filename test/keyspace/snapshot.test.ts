import { describe, expect, it } from 'vitest';
import { Database, type KeyspaceEvents } from '../../src/keyspace/db.ts';
import { HashValue } from '../../src/keyspace/hash.ts';
import { List } from '../../src/keyspace/list.ts';
import { copyDatabase, copyKeyspace, restoreKeyspace } from '../../src/keyspace/snapshot.ts';

/** Records what a database tells its owner. */
function recorder(): KeyspaceEvents & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    modified: (db, key) => log.push(`modified ${db.id} ${key}`),
    expired: (db, key) => log.push(`expired ${db.id} ${key}`),
    flushing: (db, start) => log.push(`flushing ${db.id} ${start}`),
  };
}

function dbs(n: number, events: KeyspaceEvents = recorder(), now = () => 1000): Database[] {
  return Array.from({ length: n }, (_, i) => new Database(i, events, now));
}

describe('keyspace copies', () => {
  it('a copy is independent of later writes, and a restore of later writes to the copy', () => {
    const [db] = dbs(1);
    db.set('s', 'one');
    db.set('h', new HashValue(new Map([['f', 'v']])));
    db.set('l', new List(['a', 'b']));
    const copy = copyKeyspace([db], 1000);

    db.set('s', 'two');
    (db.get('h') as HashValue).map.set('f', 'changed');
    (db.get('l') as List).pushBack('c');
    db.set('new', 'x');
    expect((copy.dbs[0].data.get('h') as HashValue).map.get('f')).toBe('v');
    expect((copy.dbs[0].data.get('l') as List).toArray()).toEqual(['a', 'b']);

    restoreKeyspace([db], copy);
    expect(db.get('s')).toBe('one');
    expect((db.get('h') as HashValue).map.get('f')).toBe('v');
    expect((db.get('l') as List).toArray()).toEqual(['a', 'b']);
    expect(db.has('new')).toBe(false);

    // The restored values are clones too: the copy stays reusable.
    (db.get('l') as List).pushBack('z');
    restoreKeyspace([db], copy);
    expect((db.get('l') as List).toArray()).toEqual(['a', 'b']);
  });

  it('keeps expiry times absolute, or shifted on request', () => {
    const [db] = dbs(1);
    db.set('k', 'v');
    db.setExpire('k', 5000);
    const copy = copyKeyspace([db], 1000);
    expect(copy.takenAt).toBe(1000);
    db.persist('k');
    restoreKeyspace([db], copy);
    expect(db.getExpire('k')).toBe(5000);
    restoreKeyspace([db], copy, { shiftExpiresMs: 250 });
    expect(db.getExpire('k')).toBe(5250);
    expect(copy.dbs[0].expires.get('k')).toBe(5000);
  });

  it('leaves out keys already expired at the copy time', () => {
    const [db] = dbs(1);
    db.data.set('gone', 'v');
    db.expires.set('gone', 1000);
    db.data.set('live', 'v');
    db.expires.set('live', 1001);
    expect([...copyDatabase(db, 1000).data.keys()]).toEqual(['live']);
    expect([...copyDatabase(db).data.keys()]).toEqual(['gone', 'live']);
  });

  it('keeps string encodings (raw, embstr) and copies every database', () => {
    const all = dbs(3);
    all[0].set('a', 'x');
    all[0].rawStrings.add('a');
    all[2].set('n', '12');
    all[2].plainStrings.set('n', 'embstr');
    const copy = copyKeyspace(all, 1000);
    for (const db of all) db.flush();
    restoreKeyspace(all, copy);
    expect(all[0].rawStrings.has('a')).toBe(true);
    expect(all[1].size).toBe(0);
    expect(all[2].plainStrings.get('n')).toBe('embstr');
    expect(all[2].get('n')).toBe('12');
  });

  it('consume hands the copy over without cloning it again', () => {
    const [db] = dbs(1);
    const h = new HashValue(new Map([['f', 'v']]));
    db.set('h', h);
    db.setExpire('h', 2000);
    const copy = copyKeyspace([db], 1000);
    const copied = copy.dbs[0].data.get('h');
    db.delete('h');
    restoreKeyspace([db], copy, { consume: true, shiftExpiresMs: 10 });
    expect(db.get('h')).toBe(copied);
    expect(db.getExpire('h')).toBe(2010);
  });

  it('signals every key present before or after, inside one flush bracket', () => {
    const events = recorder();
    const [db] = dbs(1, events);
    db.set('old', '1');
    db.set('both', '1');
    const copy = copyDatabase(db);
    copy.data.delete('old');
    copy.data.set('fresh', '2');
    events.log.length = 0;
    restoreKeyspace([db], { takenAt: 1000, dbs: [copy] });
    expect(events.log).toEqual(['flushing 0 true', 'modified 0 old', 'modified 0 both', 'modified 0 fresh', 'flushing 0 false']);
  });

  it('a listener with replaced() gets both key sets instead of one signal per key', () => {
    const seen: string[][] = [];
    const events: KeyspaceEvents = {
      modified: () => seen.push(['modified']),
      expired: () => {},
      replaced: (_db, before, after) => seen.push([...before.keys(), '|', ...after.keys()]),
    };
    const [db] = dbs(1, events);
    db.data.set('a', '1');
    const copy = copyDatabase(db);
    db.data.set('b', '2');
    restoreKeyspace([db], { takenAt: 0, dbs: [copy] });
    expect(seen).toEqual([['a', 'b', '|', 'a']]);
  });

  it('refuses a copy with another number of databases', () => {
    const copy = copyKeyspace(dbs(2), 0);
    expect(() => restoreKeyspace(dbs(3), copy)).toThrow(RangeError);
  });
});
