import { describe, test, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commandLineConfig, ConfigFileError } from '../../src/cli/args.ts';
import { loadConfigLines } from '../../src/cli/config-file.ts';
import { redisServerPath } from '../support/oracle.ts';

/** What redmoon's CLI prints for these arguments before exiting (the config error report), or null when they load. */
function ourError(argv: string[]): string | null {
  try {
    loadConfigLines(commandLineConfig(argv, () => '').text);
    return null;
  } catch (e) {
    if (e instanceof ConfigFileError) return e.report();
    throw e;
  }
}

const real = redisServerPath();

describe.skipIf(!real)('redis-server command line: the same config errors as Redis', () => {
  // Each case makes real redis-server fail before it opens any socket.
  const cases = [
    ['--port'],
    ['--port', '6380', '--loglevel'],
    ['--port', '6379', '6380'],
    ['--port', '--loglevel', 'verbose'],
    ['--port', '--bla', '--loglevel', 'verbose'],
    ['--logfile', '--my--log--file', '--loglevel', '--bla'],
    ['--shutdown-on-sigint'],
    ['--shutdown-on-sigint', 'now force', '--shutdown-on-sigterm'],
    ['--replicaof', '127.0.0.1', 'abc'],
    ['--replicaof', '--127.0.0.1', 'abc'],
    ['--replicaof', '--127.0.0.1', '--abc'],
    ['--user', 'foo', '--user', 'foo'],
    ['--bogus', '1'],
    ['--maxmemory', '10xb'],
    ['--save', '10'],
    ['--hz', 'x', '--port', '1'],
    ['--appendonly', 'maybe'],
    ['--rename-command', 'nosuch', 'x'],
    ['--rename-command', 'get', 'set'],
    ['--rename-command', 'get', 'x', '--rename-command', 'get', 'y'],
  ];
  for (const argv of cases) {
    test(argv.join(' '), () => {
      const r = spawnSync(real!, argv, { encoding: 'latin1', timeout: 10000 });
      expect(r.status).toBe(1);
      expect(ourError(argv)).toBe(r.stderr);
    });
  }

  test('a config file line and an unbalanced quote', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-cli-'));
    try {
      const file = path.join(dir, 'bad.conf');
      for (const text of ['port 1\n\n# comment\nfoo bar\n', 'port 1\nlogfile "abc\n', 'databases 0\n']) {
        fs.writeFileSync(file, text);
        const r = spawnSync(real!, [file], { encoding: 'latin1', timeout: 10000 });
        expect(ourError([file])).toBe(r.stderr);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('redis-server command line: what loads', () => {
  test('options after a config file, values in one argument, bare values, --save alone', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-cli-'));
    try {
      const file = path.join(dir, 'a.conf');
      fs.writeFileSync(file, 'port 7000\nsave 900 1\nsave 60 10\nmaxmemory 1mb\n');
      const { params } = loadConfigLines(commandLineConfig([file, 'loglevel', 'verbose', '--maxmemory 700mb', '--hz', '20', '--save'], () => '').text);
      expect(params['port']).toBe('7000');
      expect(params['loglevel']).toBe('verbose');
      expect(params['maxmemory']).toBe('734003200');
      expect(params['hz']).toBe('20');
      expect(params['save']).toBe('');
      const two = loadConfigLines(commandLineConfig([file], () => '').text).params;
      expect(two['save']).toBe('900 1 60 10');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('config from stdin (-) and user lines', () => {
    const { params, users } = loadConfigLines(commandLineConfig(['-', '--port', '7001'], () => 'databases 4\nuser alice on >pw ~* +@all\n').text);
    expect(params['databases']).toBe('4');
    expect(params['port']).toBe('7001');
    expect(users).toEqual([['alice', 'on', '>pw', '~*', '+@all']]);
  });
});
