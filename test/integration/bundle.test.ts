import { test, expect } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RawClient } from '../support/raw-client.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

test('the npm start bundle builds, serves and shuts down on SIGTERM', async () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-bundle-')), 'redmoon.mjs');
  const esbuild = path.join(ROOT, 'node_modules/.bin/esbuild');
  const b = spawnSync(esbuild, ['src/cli.ts', '--bundle', '--platform=node', '--format=esm', '--target=node20', '--packages=external', `--outfile=${out}`, '--log-level=warning'], { cwd: ROOT, encoding: 'utf8' });
  expect(b.status, b.stderr).toBe(0);
  // The bundle lives outside the tree: it must not read files relative to itself.
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(path.dirname(out), 'node_modules'));
  // (in its own directory: redis-server's defaults save dump.rdb in the working directory)
  const child = spawn(process.execPath, [out, '--port', '0', '--loglevel', 'notice'], { cwd: path.dirname(out), stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ready line: ${log}`)), 10_000);
    child.stdout.on('data', (d) => {
      log += d;
      const m = /Ready to accept connections tcp on [^\s]+:(\d+)/.exec(log);
      if (m) {
        clearTimeout(t);
        resolve(Number(m[1]));
      }
    });
    child.stderr.on('data', (d) => (log += d));
  });
  const c = await RawClient.connect(port);
  expect(await c.call('PING')).toBe('+PONG\r\n');
  expect(await c.call('SET', 'k', 'v')).toBe('+OK\r\n');
  expect(await c.call('GET', 'k')).toBe('$1\r\nv\r\n');
  c.close();
  const code = await new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
  expect(code).toBe(0);
});
