import { describe, test, expect, afterEach, vi } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, type RunningServer } from '../../src/index.ts';
import { RawClient } from '../support/raw-client.ts';
// a real timer for the test itself (the faked global one would never fire)
import { setTimeout as setTimeoutReal } from '../../src/util/clock.ts';

const SRC = path.resolve(import.meta.dirname, '../../src');

function* sources(dir: string): Generator<string> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* sources(p);
    else if (e.name.endsWith('.ts')) yield p;
  }
}

/** Source text without comments and string contents (rough, but enough to find calls). */
function code(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");
}

const TIMERS = ['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate', 'queueMicrotask'];
const CLOCKS = [/\bDate\.now\s*\(/, /\bperformance\.(now|timeOrigin)\b/, /\bprocess\.hrtime\b/, /\bnew Date\(\s*\)/];

describe('src/ takes timers and clocks from src/util/clock.ts', () => {
  test('no global timer or clock is used anywhere else', () => {
    const bad: string[] = [];
    for (const file of sources(SRC)) {
      if (file.endsWith(path.join('util', 'clock.ts'))) continue;
      const raw = fs.readFileSync(file, 'utf8');
      const body = code(raw);
      const imported = /import\s*\{([^}]*)\}\s*from\s*'[./]*(?:util\/)?clock\.ts'/.exec(raw)?.[1] ?? '';
      const names = new Set(imported.split(',').map((s) => s.trim()));
      for (const t of TIMERS) {
        if (new RegExp(`(?<![.\\w])${t}\\s*\\(`).test(body) && !names.has(t)) bad.push(`${path.relative(SRC, file)}: ${t} not from util/clock.ts`);
      }
      for (const re of CLOCKS) if (re.test(body)) bad.push(`${path.relative(SRC, file)}: ${re.source}`);
      if (/from\s*'(node:)?timers(\/promises)?'/.test(raw)) bad.push(`${path.relative(SRC, file)}: imports node:timers`);
    }
    expect(bad).toEqual([]);
  });
});

describe('fake timers in the test process change nothing inside the server', () => {
  let srv: RunningServer | null = null;
  afterEach(async () => {
    vi.useRealTimers();
    await srv?.close();
    srv = null;
  });

  async function exercise(s: RunningServer): Promise<void> {
    const c = await RawClient.connect(s.port);
    try {
      expect(await c.call('PING')).toBe('+PONG\r\n');
      expect(await c.call('SET', 'k', 'v', 'PX', '100000')).toBe('+OK\r\n');
      const ttl = await c.call('PTTL', 'k');
      expect(Number(ttl.slice(1))).toBeGreaterThan(90_000);
      // a real 100 ms timeout fires although the test's timers are frozen
      expect(await c.call('BLPOP', 'nolist', '0.1')).toBe('*-1\r\n');
      expect(await c.call('SET', 'short', 'v', 'PX', '50')).toBe('+OK\r\n');
      await new Promise<void>((r) => setTimeoutReal(r, 120));
      expect(await c.call('EXISTS', 'short')).toBe(':0\r\n');
    } finally {
      c.close();
    }
  }

  test('faked after startServer (vitest, Date too, system time moved)', async () => {
    srv = await startServer({ port: 0 });
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate', 'Date', 'performance', 'hrtime', 'queueMicrotask'] });
    vi.setSystemTime(new Date('2001-01-01T00:00:00Z'));
    await exercise(srv);
    const c = await RawClient.connect(srv.port);
    const t = await c.call('TIME');
    c.close();
    expect(Number(/\$\d+\r\n(\d+)/.exec(t)![1])).toBeGreaterThan(1_700_000_000);
  });

  test('faked before startServer, then restored: the server keeps serving new clients', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate', 'Date'] });
    srv = await startServer({ port: 0 });
    await exercise(srv);
    vi.useRealTimers();
    await exercise(srv);
  });
});
