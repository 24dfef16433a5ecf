/**
 * DEBUG HTSTATS: the main table's size follows Redis's resizing rules (it doubles past one
 * key per bucket, not while a BGSAVE child runs), side by side with redis-server. Chain
 * figures depend on each server's hash function, so only the sizes and counts are compared.
 */
import { test, expect } from 'vitest';
import { describeDifferential } from '../support/differential.ts';

const sizes = (s: string) =>
  s
    .split(/\r?\n/)
    .filter((l) => /^(\[|Hash table|No stats| table size| number of elements)/.test(l))
    .join('|');

describeDifferential(
  'DEBUG HTSTATS',
  (d) => {
    test('sizes as keys come, and while a child process runs', async () => {
      const stats = async () => {
        const { real, ours } = await d().both('DEBUG', 'HTSTATS', '9');
        expect(sizes(ours)).toBe(sizes(real));
        return real;
      };
      await d().seq([['SELECT', '9'], ['FLUSHALL'], ['DEBUG', 'HTSTATS', '99'], ['DEBUG', 'HTSTATS', 'x'], ['DEBUG', 'HTSTATS', '-1']]);
      await stats();
      await d().seq([['SET', 'a', '1'], ['PEXPIRE', 'a', '100000']]);
      await stats();
      await d().seq([['DEBUG', 'POPULATE', '4095', '', '1']]);
      expect(await stats()).toContain('table size: 4096');
      await d().seq([['CONFIG', 'SET', 'rdb-key-save-delay', '1000000'], ['BGSAVE']]);
      try {
        await d().seq([['MSET', 'k1', 'v1', 'k2', 'v2']]);
        expect(await stats()).not.toContain('table size: 8192');
      } finally {
        // FLUSHALL ends the child (Redis's killRDBChild)
        await d().seq([['CONFIG', 'SET', 'rdb-key-save-delay', '0'], ['FLUSHALL']]);
      }
      await stats();
      // (Redis then rehashes into the larger table step by step; ours is done at once)
      await d().seq([['DEBUG', 'POPULATE', '4097', '', '1']]);
      const { real, ours } = await d().both('DEBUG', 'HTSTATS', '9');
      expect(real).toContain('table size: 8192');
      expect(ours).toContain('table size: 8192');
      await d().seq([['FLUSHALL'], ['SELECT', '0']]);
    });
  },
  { 'enable-debug-command': 'yes', save: '' },
);
