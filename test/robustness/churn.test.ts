import { test, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Connections that come and go leave nothing behind: after 2 x 1500 connect / commands /
 * quit cycles (strings, a script, lists, pub/sub, a blocking pop timing out, MULTI and
 * WATCH), the heap measured after full collections (--expose-gc, not time) has not grown
 * by more than a fraction of what one retained client per cycle would hold.
 */
test('connection churn retains no heap per connection', () => {
  const script = fileURLToPath(new URL('./churn-child.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, '1500'], { encoding: 'utf8', timeout: 240_000 });
  const m = /HEAP (\d+) (\d+) (\d+)/.exec(r.stdout);
  expect(m, r.stderr).not.toBeNull();
  const [warm, mid, end] = m!.slice(1).map(Number);
  // A Client with its parser, writer and socket objects is several KB: 1500 of them would
  // be megabytes. What is allowed here is JIT code and allocator slack.
  expect(end - warm).toBeLessThan(1_500_000);
  expect(end - mid).toBeLessThan(1_000_000);
}, 300_000);
