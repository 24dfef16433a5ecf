import fs from 'node:fs';
import { test, expect } from 'vitest';
import { startServer } from '../../src/index.ts';

/**
 * oom-score-adj writes the process's /proc/self/oom_score_adj as redis-server does (relative
 * to the score it had, or absolute) and puts the old score back when disabled. The server
 * runs in this process, so the score read is its own.
 */
const FILE = '/proc/self/oom_score_adj';
const readScore = (): number => Number(fs.readFileSync(FILE, 'latin1').trim());
let writable = false;
try {
  fs.writeFileSync(FILE, `${readScore()}\n`);
  writable = true;
} catch {
  /* not Linux, or not allowed */
}

test.skipIf(!writable)('CONFIG SET oom-score-adj: relative, absolute, and restored when disabled', async () => {
  const before = readScore();
  const s = await startServer({ port: 0, log: () => {} });
  try {
    fs.writeFileSync(FILE, '22\n');
    expect(s.call('CONFIG', 'SET', 'oom-score-adj-values', '9 9 9', 'oom-score-adj', 'yes')).toBe('OK');
    expect(readScore()).toBe(31);
    expect(s.call('CONFIG', 'SET', 'oom-score-adj', 'absolute')).toBe('OK');
    expect(readScore()).toBe(9);
    expect(s.call('CONFIG', 'SET', 'oom-score-adj', 'no')).toBe('OK');
    expect(readScore()).toBe(22);
    // disabled: new values leave the score alone
    expect(s.call('CONFIG', 'SET', 'oom-score-adj-values', '1 2 3')).toBe('OK');
    expect(readScore()).toBe(22);
  } finally {
    await s.close();
    fs.writeFileSync(FILE, `${before}\n`);
  }
});
