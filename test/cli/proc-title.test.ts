/**
 * proc-title-template: the CLI sets its process title (/proc/<pid>/cmdline) from it at
 * startup and after CONFIG SET, as redis-server does; CONFIG SET refuses a template that
 * does not expand, with Redis's error.
 */
import { test, expect } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RawClient } from '../support/raw-client.ts';
import { waitReady } from '../support/cli-ready.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX_LOADER = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

const cmdline = (pid: number) => fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0+$/, '');

test.runIf(process.platform === 'linux')('the process title follows proc-title-template', async () => {
  const child = spawn(
    process.execPath,
    ['--max-old-space-size=512', '--import', TSX_LOADER, path.join(ROOT, 'src/cli.ts'), '--port', '0', '--save', '', '--proc-title-template', 'T1 {title} {config-file} {{x}'],
    { cwd: os.tmpdir(), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '', REDMOON_ARGV0: '/somewhere/redis-server' } },
  );
  try {
    const { port } = await waitReady(child);
    expect(cmdline(child.pid!)).toBe('T1 /somewhere/redis-server - {x}');
    const c = await RawClient.connect(port);
    expect(await c.call('CONFIG', 'SET', 'proc-title-template', 'T2 {port} {tls-port} {server-mode}')).toBe('+OK\r\n');
    expect(cmdline(child.pid!)).toBe('T2 0 0');
    for (const bad of ['{invalid-var}', '{', 'x {title', ' ', '{title}']) {
      expect(await c.call('CONFIG', 'SET', 'proc-title-template', bad)).toBe(
        "-ERR CONFIG SET failed (possibly related to argument 'proc-title-template') - template format is invalid or contains unknown variables\r\n",
      );
    }
    expect(await c.call('CONFIG', 'GET', 'proc-title-template')).toBe('*2\r\n$19\r\nproc-title-template\r\n$34\r\nT2 {port} {tls-port} {server-mode}\r\n');
    c.close();
  } finally {
    child.kill('SIGKILL');
  }
}, 90_000);
