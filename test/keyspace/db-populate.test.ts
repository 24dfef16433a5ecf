import { test, expect } from 'vitest';
import { Database, type KeyspaceEvents } from '../../src/keyspace/db.ts';

function setup() {
  let t = 1_000_000;
  const modified: string[] = [];
  const created: string[] = [];
  const events: KeyspaceEvents = {
    modified: (_db, key) => modified.push(key),
    expired: () => {},
    newKeyEvents: true,
    newKey: (_db, key) => created.push(key),
  };
  const db = new Database(0, events, () => t);
  return { db, modified, created, advance: (ms: number) => (t += ms) };
}

test('addIfAbsent (DEBUG POPULATE) adds new keys as set() would and keeps live ones', () => {
  const a = setup();
  const b = setup();
  for (const [k, v] of [['k1', 'v1'], ['k2', '12'], ['k3', 'x'.repeat(100)]]) {
    expect(a.db.addIfAbsent(k, v)).toBe(true);
    b.db.set(k, v);
  }
  expect(a.db.usedMemory()).toBe(b.db.usedMemory());
  expect(a.modified).toEqual(['k1', 'k2', 'k3']);
  expect(a.created).toEqual(['k1', 'k2', 'k3']);
  expect(a.db.addIfAbsent('k1', 'other')).toBe(false);
  expect(a.db.get('k1')).toBe('v1');
  expect(a.db.usedMemory()).toBe(b.db.usedMemory());
});

test('addIfAbsent replaces an expired key and drops its TTL', () => {
  const { db, advance } = setup();
  db.set('k', 'old');
  db.setExpire('k', 1_000_010);
  expect(db.addIfAbsent('k', 'new')).toBe(false);
  advance(20);
  expect(db.addIfAbsent('k', 'new')).toBe(true);
  expect(db.get('k')).toBe('new');
  expect(db.getExpire('k')).toBe(undefined);
  expect(db.size).toBe(1);
});

test('addNew (DEBUG POPULATE into an empty database) accounts as set() does, past a chunk too', () => {
  const a = setup();
  const b = setup();
  for (let i = 0; i < 10; i++) {
    a.db.addNew(`k${i}`, `v${i}`);
    b.db.set(`k${i}`, `v${i}`);
  }
  expect(a.db.usedMemory()).toBe(b.db.usedMemory());
  expect(a.created.length).toBe(10);
  expect([...a.db.keys()]).toEqual([...b.db.keys()]);
});
