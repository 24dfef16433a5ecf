/**
 * Where Redis 7.0 keeps a corrupt value (sanitize-dump-payload no) and dies on it, or refuses
 * a corrupt RDB file at startup: redmoon's CLI and redis-server are run on the same payloads
 * and files, and must end the same way with the same log lines (the assertion or panic
 * report; the RDB checker's lines and "Terminating server after rdb file reading failure.").
 */
import { describe, test, expect, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RawClient } from '../support/raw-client.ts';
import { redisServerPath } from '../support/oracle.ts';
import { listpack, lpStr, lpUint, ziplist, payload, str, len, rdbFile } from '../support/rdb-craft.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX_LOADER = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const REDIS = redisServerPath();

interface Run {
  proc: ChildProcess;
  sock: string;
  /** Everything written to stdout (the log, and redis-check-rdb's report). */
  out: string[];
  exited: Promise<number | null>;
}

let n = 0;
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-corrupt-'));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

/** Starts redis-server or redmoon's CLI on a unix socket in a fresh dir, logging to stdout. */
function launch(kind: 'redis' | 'redmoon', args: string[], files: Record<string, Buffer> = {}): Run {
  const dir = path.join(base, `${kind}-${++n}`);
  fs.mkdirSync(dir);
  for (const [name, data] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), data);
  const sock = path.join(dir, 's.sock');
  const common = ['--port', '0', '--unixsocket', sock, '--dir', dir, '--save', '', '--loglevel', 'verbose', '--enable-debug-command', 'yes', ...args];
  const proc =
    kind === 'redis'
      ? spawn(REDIS!, common, { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, ['--max-old-space-size=512', '--import', TSX_LOADER, path.join(ROOT, 'src/cli.ts'), ...common], {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, NODE_OPTIONS: '' },
        });
  const out: string[] = [];
  proc.stdout!.on('data', (d: Buffer) => out.push(d.toString('latin1')));
  proc.stderr!.on('data', (d: Buffer) => out.push(d.toString('latin1')));
  const exited = new Promise<number | null>((resolve) => proc.once('close', (code) => resolve(code)));
  return { proc, sock, out, exited };
}

/** A connection once the server answers PING; null when it exited first. */
async function connect(r: Run): Promise<RawClient | null> {
  let gone = false;
  void r.exited.then(() => (gone = true));
  for (let i = 0; i < 600 && !gone; i++) {
    if (fs.existsSync(r.sock)) {
      try {
        const c = await RawClient.connect(r.sock);
        if ((await c.call('PING')) === '+PONG\r\n') return c;
        c.close();
      } catch {
        // not listening yet
      }
    }
    await new Promise((res) => setTimeout(res, 100));
  }
  return null;
}

function log(r: Run): string {
  return r.out.join('');
}

/** A reply, or null when the server closed the connection instead. */
async function reply(c: RawClient, ...argv: string[]): Promise<string | null> {
  try {
    const r = await c.call(...argv);
    return r === '' ? null : r;
  } catch {
    return null;
  }
}

const kinds = REDIS ? (['redis', 'redmoon'] as const) : (['redmoon'] as const);

describe('corrupt values Redis keeps and crashes on', () => {
  for (const kind of kinds) {
    test(`${kind}: a list node with a malformed entry is kept, LLEN works, LRANGE ends the server with an assertion`, async () => {
      const r = launch(kind, ['--sanitize-dump-payload', 'no']);
      try {
        const c = (await connect(r))!;
        const bad = listpack([lpStr('ab').slice(0, -1) + '\x05']);
        const p = payload(18, len(2) + len(2) + str(listpack([lpStr('x'), lpStr('y')])) + len(2) + str(bad));
        expect(await reply(c, 'RESTORE', 'k', '0', p)).toBe('+OK\r\n');
        expect(await reply(c, 'LLEN', 'k')).toMatch(/^:\d+\r\n$/);
        expect(await reply(c, 'LRANGE', 'k', '0', '-1')).toBeNull();
        await r.exited;
        const text = log(r);
        expect(text).toContain('=== ASSERTION FAILED ===');
        expect(text).toContain("==> listpack.c:1276 'lpValidateNext(lp, &p, lpbytes)' is not true");
        expect(text).not.toContain('crashed by signal');
      } finally {
        r.proc.kill('SIGKILL');
      }
    }, 60_000);

    test(`${kind}: a stream whose last entry's backlen is wrong: XLEN works, XREAD's reverse walk panics`, async () => {
      const r = launch(kind, ['--sanitize-dump-payload', 'no']);
      try {
        const c = (await connect(r))!;
        // master entry (1 live, 0 deleted, fields item/value), one entry 1-1 with the same
        // fields, and its lp-count's backlen pointing 7 bytes back: at the ID's 0 delta
        const entries = [lpUint(1), lpUint(0), lpUint(2), lpStr('item'), lpStr('value'), lpUint(0), lpUint(2), lpUint(0), lpUint(0), lpUint(1), lpUint(0), '\x05\x07'];
        const id = '\x00'.repeat(7) + '\x01' + '\x00'.repeat(7) + '\x01';
        const meta = len(1) + len(1) + len(1) + len(1) + len(1) + len(0) + len(0) + len(1) + len(0);
        const p = payload(19, len(1) + str(id) + str(listpack(entries)) + meta);
        expect(await reply(c, 'RESTORE', 'k', '0', p)).toBe('+OK\r\n');
        expect(await reply(c, 'XLEN', 'k')).toBe(':1\r\n');
        expect(await reply(c, 'XREAD', 'STREAMS', 'k', '0')).toBeNull();
        await r.exited;
        const text = log(r);
        expect(text).toContain('Guru Meditation: Corrupt stream, length is 1, but no max id #t_stream.c:1372');
        expect(text).not.toContain('crashed by signal');
      } finally {
        r.proc.kill('SIGKILL');
      }
    }, 60_000);

    test(`${kind}: a listpack hash with duplicate fields converted on load panics at once`, async () => {
      const r = launch(kind, ['--sanitize-dump-payload', 'no', '--hash-max-listpack-entries', '1']);
      try {
        const c = (await connect(r))!;
        const p = payload(16, str(listpack([lpStr('a'), lpStr('1'), lpStr('a'), lpStr('2')])));
        expect(await reply(c, 'RESTORE', 'k', '0', p)).toBeNull();
        await r.exited;
        const text = log(r);
        expect(text).toMatch(/listpack with dup elements dump \(hexdump of \d+ bytes\):/);
        expect(text).toContain('Guru Meditation: Listpack corruption detected #t_hash.c:477');
      } finally {
        r.proc.kill('SIGKILL');
      }
    }, 60_000);

    test(`${kind}: with sanitize-dump-payload yes the same payloads are refused and the server lives on`, async () => {
      const r = launch(kind, ['--sanitize-dump-payload', 'yes']);
      try {
        const c = (await connect(r))!;
        const bad = listpack([lpStr('ab').slice(0, -1) + '\x05']);
        expect(await reply(c, 'RESTORE', 'k', '0', payload(18, len(1) + len(2) + str(bad)))).toBe('-ERR Bad data format\r\n');
        expect(await reply(c, 'PING')).toBe('+PONG\r\n');
        expect(log(r)).toContain('Internal error in RDB reading offset 0, function at rdb.c:2071 -> Listpack integrity check failed.');
      } finally {
        r.proc.kill('SIGKILL');
      }
    }, 60_000);
  }
});

describe('RDB files with empty or corrupt values', () => {
  for (const kind of kinds) {
    test(`${kind}: empty collections are skipped with a warning each`, async () => {
      const file = rdbFile([
        [4, 'hash', len(0)],
        [2, 'set', len(0)],
        [13, 'hash_zl', str(ziplist([]))],
        [1, 'list', len(0)],
        [0, 'kept', str('v')],
      ]);
      const r = launch(kind, ['--dbfilename', 'e.rdb'], { 'e.rdb': file });
      try {
        const c = await connect(r);
        expect(c, log(r)).not.toBeNull();
        expect(await reply(c!, 'DBSIZE')).toBe(':1\r\n');
        const text = log(r);
        for (const k of ['hash', 'set', 'hash_zl', 'list']) expect(text).toContain(`rdbLoadObject skipping empty key: ${k}`);
        expect(text).toContain('Done loading RDB, keys loaded: 1, keys expired: 0, empty keys skipped: 4.');
      } finally {
        r.proc.kill('SIGKILL');
      }
    }, 60_000);

    test(`${kind}: a corrupt ziplist stops the server, with the RDB checker's report`, async () => {
      const broken = ziplist(['a', '1', 'b', '2']).replace('\x03\x01b', '\x07\x01b');
      const file = rdbFile([
        [0, 'first', str('v')],
        [13, 'bad', str(broken)],
      ]);
      const r = launch(kind, ['--dbfilename', 'c.rdb', '--sanitize-dump-payload', 'no'], { 'c.rdb': file });
      try {
        expect(await r.exited).toBe(1);
        const text = log(r);
        expect(text.match(/Hash ziplist integrity check failed/g)?.length).toBeGreaterThanOrEqual(2);
        expect(text).toContain("[additional info] Reading key 'bad'");
        expect(text).toContain('Terminating server after rdb file reading failure.');
      } finally {
        r.proc.kill('SIGKILL');
      }
    }, 60_000);
  }
});
