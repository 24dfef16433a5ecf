/**
 * Users at startup, as redis-server's ACLLoadUsersAtStartup: `aclfile` is loaded (relative
 * to `dir`), a file with errors or users both in the config and in a file stop the server,
 * and a `user default` line starts from a reset default user.
 */
import { describe, test, expect, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RawClient } from '../support/raw-client.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX_LOADER = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

interface Started {
  port: number | null;
  code: number | null;
  log: string;
  stop: () => void;
}

/** Runs the CLI until it is ready (port set) or has exited (code set); a config file comes first. */
function run(cwd: string, args: string[], configFile: string[] = []): Promise<Started> {
  const cli = path.join(ROOT, 'src/cli.ts');
  const child = spawn(process.execPath, ['--max-old-space-size=512', '--import', TSX_LOADER, cli, ...configFile, '--port', '0', '--save', '', ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let log = '';
  const stop = () => child.kill('SIGKILL');
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      stop();
      reject(new Error(`neither ready nor exited: ${log}`));
    }, 60_000);
    const onData = (d: Buffer) => {
      log += d.toString('latin1');
      const m = /Ready to accept connections tcp on [^\s]+:(\d+)/.exec(log);
      if (m) {
        clearTimeout(t);
        resolve({ port: Number(m[1]), code: null, log, stop });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(t);
      resolve({ port: null, code, log, stop });
    });
  });
}

describe('users at startup', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-aclstart-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('aclfile is read from dir at startup', async () => {
    fs.writeFileSync(path.join(dir, 'users.acl'), 'user alice on >pw ~* +@all\nuser default on nopass ~* &* +@all\n');
    const s = await run(os.tmpdir(), ['--dir', dir, '--aclfile', 'users.acl']);
    expect(s.port, s.log).not.toBeNull();
    try {
      const c = await RawClient.connect(s.port!);
      expect(await c.call('AUTH', 'alice', 'pw')).toBe('+OK\r\n');
      expect(await c.call('ACL', 'USERS')).toBe('*2\r\n$5\r\nalice\r\n$7\r\ndefault\r\n');
      c.close();
    } finally {
      s.stop();
    }
  }, 90_000);

  test('an ACL file with errors, or users in both places, stop the server', async () => {
    fs.writeFileSync(path.join(dir, 'bad.acl'), 'user alice on +nosuch\n');
    const bad = await run(dir, ['--aclfile', 'bad.acl']);
    expect(bad.code).toBe(1);
    expect(bad.log).toContain(
      "Aborting Redis startup because of ACL errors: bad.acl:1: Error in applying operation '+nosuch': Unknown command or category name in ACL. WARNING: ACL errors detected",
    );
    const both = await run(dir, ['--aclfile', 'users.acl', '--user', 'bob', 'on']);
    expect(both.code).toBe(1);
    expect(both.log).toContain('Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid.');
    const spaces = await run(dir, ['--user', 'default on nopass']);
    expect(spaces.code).toBe(1);
    expect(spaces.log).toContain('Spaces not allowed in ACL usernames');
  }, 90_000);

  test('a user default line starts from a reset user (no channels with resetchannels)', async () => {
    fs.writeFileSync(path.join(dir, 'default.conf'), 'user default on nopass ~* +@all\n');
    const s = await run(dir, [], [path.join(dir, 'default.conf')]);
    expect(s.port, s.log).not.toBeNull();
    try {
      const c = await RawClient.connect(s.port!);
      expect(await c.call('SUBSCRIBE', 'foo')).toMatch(/^-NOPERM/);
      c.close();
    } finally {
      s.stop();
    }
  }, 90_000);
});

describe('rename-command', () => {
  test('the command answers to its new name only; an empty name removes it', async () => {
    const s = await run(os.tmpdir(), ['--rename-command', 'flushdb', 'badger', '--rename-command', 'flushall', '']);
    expect(s.port, s.log).not.toBeNull();
    try {
      const c = await RawClient.connect(s.port!);
      expect(await c.call('FLUSHDB')).toMatch(/^-ERR unknown command 'FLUSHDB'/);
      expect(await c.call('flushall')).toMatch(/^-ERR unknown command 'flushall'/);
      expect(await c.call('BADGER')).toBe('+OK\r\n');
      expect(await c.call('badger', 'x')).toBe('-ERR syntax error\r\n');
      c.close();
    } finally {
      s.stop();
    }
  }, 90_000);
});
