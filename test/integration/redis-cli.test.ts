import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer } from '../../src/index.ts';
import { startOracle, type Oracle } from '../support/oracle.ts';

const haveCli = spawnSync('sh', ['-c', 'command -v redis-cli && command -v redis-server']).status === 0;
if (!haveCli) console.log('SKIP redis-cli tests: redis-cli/redis-server are not installed (apt-get install redis-server redis-tools)');

/** The seeds and everyday redis-cli uses, run on real Redis and on redmoon, outputs compared. */
describe.skipIf(!haveCli)('redis-cli against redmoon and redis-server', () => {
  let moon: RunningServer;
  let oracle: Oracle;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-cli-'));

  beforeAll(async () => {
    moon = await startServer({ port: 0, log: () => {} });
    oracle = await startOracle();
  });
  afterAll(async () => {
    await moon.close();
    await oracle.stop();
  });

  /** Runs redis-cli (asynchronously: redmoon lives in this process) and returns its output. */
  function run(target: string[], args: string[], input?: string): Promise<string> {
    return new Promise((resolve) => {
      const child = spawn('redis-cli', [...target, ...args], { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.latin1Slice()));
      child.stderr!.on('data', (d: Buffer) => (out += d.latin1Slice()));
      child.on('close', () => resolve(out));
      if (input !== undefined) {
        child.stdin!.on('error', () => {});
        child.stdin!.end(input);
      }
    });
  }

  /** Runs redis-cli with args (and optional stdin) against both; returns both outputs. */
  async function both(args: string[], input?: string): Promise<{ real: string; ours: string }> {
    const real = await run(['-s', oracle.socket], args, input);
    const ours = await run(['-p', String(moon.port)], args, input);
    return { real, ours };
  }

  async function same(args: string[], input?: string): Promise<string> {
    const { real, ours } = await both(args, input);
    expect(ours).toBe(real);
    return ours;
  }

  test('seed: counter through EVAL and --eval', async () => {
    await same(['SET', 'counter', '5']);
    expect(await same(['EVAL', "return redis.call('incr', KEYS[1])", '1', 'counter'])).toBe('6\n');
    const file = path.join(dir, 'incr.lua');
    fs.writeFileSync(file, "return redis.call('incr', KEYS[1])\n");
    expect(await same(['--eval', file, 'counter'])).toBe('7\n');
  });

  test('seed: stock/sales script, with keys and with hard-coded names', async () => {
    await same(['SET', 'stock', '10']);
    await same(['SET', 'sales', '0']);
    const script = "local s = redis.call('DECR', KEYS[1]); local n = redis.call('INCR', KEYS[2]); return {s, n}";
    expect(await same(['EVAL', script, '2', 'stock', 'sales'])).toBe('9\n1\n');
    const fixed = "local s = redis.call('DECR', 'stock'); local n = redis.call('INCR', 'sales'); return {s, n}";
    expect(await same(['EVAL', fixed, '0'])).toBe('8\n2\n');
    const file = path.join(dir, 'stock.lua');
    fs.writeFileSync(file, script);
    expect(await same(['--eval', file, 'stock', 'sales', ','])).toBe('7\n3\n');
  });

  test('piped commands and --scan', async () => {
    await same([], 'SET a 1\nSET b 2\nMGET a b nosuch\nINCR a\nLPUSH l x y\nLRANGE l 0 -1\nNOSUCH\n');
    const { real, ours } = await both(['--scan', '--pattern', '*']);
    expect(ours.split('\n').sort()).toEqual(real.split('\n').sort());
  });

  test('RESP3 output with -3', async () => {
    await same(['-3', 'HSET', 'h', 'f', 'v']);
    await same(['-3', 'HGETALL', 'h']);
    await same(['-3', 'ZADD', 'z', '1.5', 'm']);
    await same(['-3', 'ZSCORE', 'z', 'm']);
  });
});
