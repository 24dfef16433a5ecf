/**
 * `npx tsx bench/snapshot.ts [--quick]`: the keyspace copy mechanism (src/keyspace/snapshot.ts)
 * on 100k and 1M keys, strings only and mixed types: copy and restore times.
 */
import { Database, type KeyspaceEvents } from '../src/keyspace/db.ts';
import { HashValue } from '../src/keyspace/hash.ts';
import { copyKeyspace, restoreKeyspace } from '../src/keyspace/snapshot.ts';

const QUICK = process.argv.includes('--quick');
const noEvents: KeyspaceEvents = { modified() {}, expired() {} };

function fill(n: number, mixed: boolean): Database {
  const db = new Database(0, noEvents);
  const now = Date.now();
  for (let i = 0; i < n; i++) {
    const key = `key:${i}`;
    if (mixed && i % 10 === 0) db.data.set(key, new HashValue(new Map([['f1', 'v1'], ['f2', String(i)]])));
    else db.data.set(key, `value:${i}`);
    if (i % 4 === 0) db.expires.set(key, now + 3_600_000);
  }
  return db;
}

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/** Median of three runs (ms). */
function median3(fn: () => void): number {
  const t = [time(fn), time(fn), time(fn)].sort((a, b) => a - b);
  return t[1];
}

export function snapshotRows(): { label: string; copyMs: number; restoreMs: number }[] {
  const rows = [];
  for (const n of QUICK ? [100_000] : [100_000, 1_000_000]) {
    for (const mixed of [false, true]) {
      const dbs = [fill(n, mixed)];
      const copy = copyKeyspace(dbs, Date.now());
      const copyMs = median3(() => copyKeyspace(dbs, Date.now()));
      const restoreMs = median3(() => restoreKeyspace(dbs, copy));
      rows.push({ label: `${n.toLocaleString('en-US')} keys, ${mixed ? '10% hashes, ' : ''}25% with TTL`, copyMs, restoreMs });
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log('| keyspace | copy ms | restore ms |\n|---|---:|---:|');
  for (const r of snapshotRows()) console.log(`| ${r.label} | ${r.copyMs.toFixed(1)} | ${r.restoreMs.toFixed(1)} |`);
}
