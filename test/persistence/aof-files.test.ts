import { describe, test, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { redisServerPath } from '../support/oracle.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type RunningServer } from '../../src/index.ts';
import { startReal, runRealToExit, tempDir, keyspace, readAofCommands } from './aof-support.ts';

const HAVE_REDIS = redisServerPath() !== null;

/** Every type, expiries, functions, stream groups with pending entries and empty consumers. */
const POPULATE: string[][] = [
  ['SET', 'str', 'hello'],
  ['SET', 'int', '12345'],
  ['SET', 'bin', 'a\x00b\xffc\r\n'],
  ['SET', 'ttl', 'v', 'EX', '1000'],
  ['RPUSH', 'list', 'a', 'b', 'c', '1', '2'],
  ['RPUSH', 'biglist', ...Array.from({ length: 150 }, (_, i) => `e${i}`)],
  ['SADD', 'iset', '1', '2', '3'],
  ['SADD', 'set', 'x', 'y', 'z'],
  ['ZADD', 'zset', '1.5', 'a', '-2', 'b', 'inf', 'c', '0.1', 'd'],
  ['HSET', 'hash', 'f1', 'v1', 'f2', '2'],
  ['HSET', 'bighash', ...Array.from({ length: 200 }, (_, i) => [`f${i}`, `v${i}`]).flat()],
  ['PEXPIRE', 'hash', '5000000'],
  ['XADD', 'stream', '1-1', 'a', '1'],
  ['XADD', 'stream', '2-1', 'b', '2', 'c', '3'],
  ['XADD', 'stream', '3-1', 'd', '4'],
  ['XGROUP', 'CREATE', 'stream', 'g1', '0'],
  ['XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', '2', 'STREAMS', 'stream', '>'],
  ['XGROUP', 'CREATECONSUMER', 'stream', 'g1', 'bob'],
  ['XGROUP', 'CREATE', 'stream', 'g2', '$'],
  ['XDEL', 'stream', '3-1'],
  ['XADD', 'emptystream', '5-5', 'x', 'y'],
  ['XDEL', 'emptystream', '5-5'],
  ['SELECT', '3'],
  ['SET', 'in3', 'three'],
  ['INCRBYFLOAT', 'fl', '3.25'],
  ['SELECT', '0'],
  ['FUNCTION', 'LOAD', "#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return args[1] end)"],
  ['EVAL', "redis.call('set', 'fromscript', 'x'); redis.call('lpush', 'list', 'z')", '0'],
];

const MORE: string[][] = [
  ['SET', 'after', 'rewrite'],
  ['LPOP', 'list'],
  ['SPOP', 'iset'],
  ['DEL', 'set'],
  ['XACK', 'stream', 'g1', '1-1'],
];

async function run(c: RawClient, cmds: string[][]): Promise<void> {
  for (const argv of cmds) {
    const r = await c.call(...argv);
    if (r.startsWith('-')) throw new Error(`${argv.join(' ')}: ${r}`);
  }
}

/** A picture of the keyspace with times (stream delivery / seen times) left out. */
async function picture(c: RawClient): Promise<string> {
  const ks = await keyspace(c);
  return JSON.stringify(ks, (_k, v) => (typeof v === 'bigint' ? String(v) : v)).replace(/\d{13}/g, '<ms>');
}

/** Until no AOF rewrite is running or scheduled (bounded). */
async function waitRewrite(c: RawClient): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const info = await c.call('INFO', 'persistence');
    if (info.includes('aof_rewrite_in_progress:0') && info.includes('aof_rewrite_scheduled:0')) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the AOF rewrite did not end');
}

function checkAof(manifest: string): { code: number | null; out: string } {
  const r = spawnSync('redis-check-aof', [manifest], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe.skipIf(!HAVE_REDIS)('AOF files: redmoon and redis-server read each other', () => {
  for (const preamble of ['no', 'yes']) {
    test(`redis-server loads redmoon's AOF directory (aof-use-rdb-preamble ${preamble}); redis-check-aof accepts it`, async () => {
      const dir = tempDir('aof-ours');
      const lines: string[] = [];
      const ours = await startServer({
        port: 0,
        config: { dir, appendonly: 'yes', 'aof-use-rdb-preamble': preamble, appendfsync: 'always' },
        log: (l) => lines.push(l),
      });
      const c = await RawClient.connect(ours.port);
      await run(c, POPULATE);
      expect(await c.call('BGREWRITEAOF')).toBe('+Background append only file rewriting started\r\n');
      // writes while the base is written go to the new incremental file
      await run(c, MORE);
      await waitRewrite(c);
      const expected = await picture(c);
      c.close();
      await ours.close();
      const aofDir = path.join(dir, 'appendonlydir');
      const files = fs.readdirSync(aofDir).sort();
      expect(files).toEqual([`appendonly.aof.2.base.${preamble === 'yes' ? 'rdb' : 'aof'}`, 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
      expect(fs.readFileSync(path.join(aofDir, 'appendonly.aof.manifest'), 'latin1')).toBe(
        `file appendonly.aof.2.base.${preamble === 'yes' ? 'rdb' : 'aof'} seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n`,
      );
      const check = checkAof(path.join(aofDir, 'appendonly.aof.manifest'));
      expect(check.out).toContain('All AOF files and manifest are valid');
      expect(check.code).toBe(0);
      const real = await startReal(dir, ['--appendonly', 'yes', '--aof-use-rdb-preamble', preamble]);
      const rc = await RawClient.connect(real.socket);
      expect(await picture(rc)).toBe(expected);
      expect(await rc.call('FCALL', 'myfunc', '0', 'hi')).toBe('$2\r\nhi\r\n');
      rc.close();
      await real.stop();
      // and redmoon restarts from its own files
      const again = await startServer({ port: 0, config: { dir, appendonly: 'yes', 'aof-use-rdb-preamble': preamble }, log: (l) => lines.push(l) });
      const c2 = await RawClient.connect(again.port);
      expect(await picture(c2)).toBe(expected);
      c2.close();
      await again.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }, 60000);

    test(`redmoon loads redis-server's AOF directory (aof-use-rdb-preamble ${preamble})`, async () => {
      const dir = tempDir('aof-real');
      const real = await startReal(dir, ['--appendonly', 'yes', '--aof-use-rdb-preamble', preamble, '--appendfsync', 'always']);
      const rc = await RawClient.connect(real.socket);
      await run(rc, POPULATE);
      await rc.call('BGREWRITEAOF');
      await waitRewrite(rc);
      await run(rc, MORE);
      const expected = await picture(rc);
      rc.close();
      await real.stop();
      const lines: string[] = [];
      const ours = await startServer({ port: 0, config: { dir, appendonly: 'yes', 'aof-use-rdb-preamble': preamble }, log: (l) => lines.push(l) });
      const c = await RawClient.connect(ours.port);
      expect(await picture(c)).toBe(expected);
      expect(await c.call('FCALL', 'myfunc', '0', 'hi')).toBe('$2\r\nhi\r\n');
      expect(lines.join('\n')).toMatch(/DB loaded from base file appendonly\.aof\.2\.base\.(rdb|aof)/);
      expect(lines.join('\n')).toContain('DB loaded from incr file appendonly.aof.2.incr.aof');
      c.close();
      await ours.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }, 60000);
  }

  test('BGREWRITEAOF with an RDB base runs between event-loop turns: writes meanwhile land once, in the new incremental file', async () => {
    const dir = tempDir('aof-bg');
    const s = await startServer({ port: 0, config: { dir, appendonly: 'yes', appendfsync: 'always' }, log: () => {} });
    const c = await RawClient.connect(s.port);
    await run(c, Array.from({ length: 300 }, (_, i) => ['SET', `k${i}`, String(i)]));
    await run(c, [['SET', 'counter', '0'], ['CONFIG', 'SET', 'rdb-key-save-delay', '2000']]);
    expect(await c.call('BGREWRITEAOF')).toBe('+Background append only file rewriting started\r\n');
    expect(await c.call('INFO', 'persistence')).toContain('aof_rewrite_in_progress:1');
    expect(await c.call('BGREWRITEAOF')).toBe('-ERR Background append only file rewriting already in progress\r\n');
    for (let i = 0; i < 50; i++) await run(c, [['INCR', 'counter'], ['SET', `k${i}`, 'changed'], ['DEL', `k${299 - i}`]]);
    await run(c, [['CONFIG', 'SET', 'rdb-key-save-delay', '0']]);
    await waitRewrite(c);
    const expected = await picture(c);
    expect(await c.call('GET', 'counter')).toBe('$2\r\n50\r\n');
    c.close();
    await s.close();
    expect(fs.readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1')).toBe(
      'file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n',
    );
    const again = await startServer({ port: 0, config: { dir, appendonly: 'yes' }, log: () => {} });
    const c2 = await RawClient.connect(again.port);
    expect(await picture(c2)).toBe(expected);
    c2.close();
    await again.close();
    const real = await startReal(dir, ['--appendonly', 'yes']);
    const rc = await RawClient.connect(real.socket);
    expect(await picture(rc)).toBe(expected);
    rc.close();
    await real.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60000);

  test('a truncated last command: loaded and cut with aof-load-truncated yes, fatal with no, as redis-server does', async () => {
    for (const truncatedOk of ['yes', 'no']) {
      const make = async (): Promise<string> => {
        const dir = tempDir('aof-trunc');
        const s = await startServer({ port: 0, config: { dir, appendonly: 'yes', 'aof-use-rdb-preamble': 'no' }, log: () => {} });
        const c = await RawClient.connect(s.port);
        await run(c, [['SET', 'a', '1'], ['SET', 'b', '2']]);
        c.close();
        await s.close();
        fs.appendFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof'), '*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1');
        return dir;
      };
      const ourDir = await make();
      const realDir = await make();
      const lines: string[] = [];
      let ours: RunningServer | null = null;
      let failed = false;
      try {
        ours = await startServer({ port: 0, config: { dir: ourDir, appendonly: 'yes', 'aof-load-truncated': truncatedOk }, log: (l) => lines.push(l) });
      } catch {
        failed = true;
      }
      const realArgs = ['--appendonly', 'yes', '--aof-load-truncated', truncatedOk];
      const strip = (log: string) =>
        log
          .split('\n')
          .filter((l) => /AOF|append/.test(l) && !/Redis version|redmoon/.test(l))
          .map((l) => l.replace(/^.*?[#*] /, '').replace(/: \d+\.\d+ seconds/, ''));
      if (truncatedOk === 'yes') {
        expect(failed).toBe(false);
        const real = await startReal(realDir, realArgs);
        const rc = await RawClient.connect(real.socket);
        const oc = await RawClient.connect(ours!.port);
        expect(await picture(oc)).toBe(await picture(rc));
        rc.close();
        oc.close();
        await real.stop();
        await ours!.close();
        expect(strip(lines.join('\n'))).toEqual(strip(real.log()).filter((l) => !l.includes('ready to accept')));
        expect(fs.readFileSync(path.join(ourDir, 'appendonlydir', 'appendonly.aof.1.incr.aof'))).toEqual(
          fs.readFileSync(path.join(realDir, 'appendonlydir', 'appendonly.aof.1.incr.aof')),
        );
      } else {
        expect(failed).toBe(true);
        const r = await runRealToExit(realDir, realArgs);
        expect(r.code).toBe(1);
        expect(strip(lines.join('\n'))).toEqual(strip(r.log));
      }
      fs.rmSync(ourDir, { recursive: true, force: true });
      fs.rmSync(realDir, { recursive: true, force: true });
    }
  }, 60000);

  test('a corrupt manifest stops startup with the same messages as redis-server', async () => {
    const ourDir = tempDir('aof-manifest');
    const realDir = tempDir('aof-manifest-real');
    for (const d of [ourDir, realDir]) {
      fs.mkdirSync(path.join(d, 'appendonlydir'));
      fs.writeFileSync(path.join(d, 'appendonlydir', 'appendonly.aof.manifest'), 'file appendonly.aof.1.incr.aof seq 1 type i\nfile x seq 1 type i\n');
    }
    const lines: string[] = [];
    await expect(startServer({ port: 0, config: { dir: ourDir, appendonly: 'yes' }, log: (l) => lines.push(l) })).rejects.toThrow();
    const r = await runRealToExit(realDir, ['--appendonly', 'yes']);
    expect(r.code).toBe(1);
    const pick = (log: string) =>
      log
        .split('\n')
        .map((l) => l.replace(/^.*?[#*] /, ''))
        .filter((l) => /manifest|sequence|>>>/.test(l));
    expect(pick(lines.join('\n'))).toEqual(pick(r.log));
    fs.rmSync(ourDir, { recursive: true, force: true });
    fs.rmSync(realDir, { recursive: true, force: true });
  }, 30000);

  test('CONFIG SET appendonly yes writes a base in the background, no stops logging; INFO persistence reports it', async () => {
    const dir = tempDir('aof-config');
    const s = await startServer({ port: 0, config: { dir, save: '', 'aof-use-rdb-preamble': 'no' }, log: () => {} });
    const c = await RawClient.connect(s.port);
    await run(c, [['SET', 'before', '1']]);
    expect(await c.call('INFO', 'persistence')).toContain('aof_enabled:0');
    expect(await c.call('CONFIG', 'SET', 'appendonly', 'yes')).toBe('+OK\r\n');
    await run(c, [['SET', 'after', '2']]);
    // the base is written by a child process, as Redis's fork does
    for (let i = 0; i < 300 && (await c.call('INFO', 'persistence')).includes('aof_rewrite_in_progress:1'); i++) await new Promise((r) => setTimeout(r, 50));
    const aofDir = path.join(dir, 'appendonlydir');
    expect(fs.readFileSync(path.join(aofDir, 'appendonly.aof.manifest'), 'latin1')).toBe(
      'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n',
    );
    expect(readAofCommands(path.join(aofDir, 'appendonly.aof.1.base.aof'))).toEqual([['SELECT', '0'], ['SET', 'before', '1']]);
    const info = await c.call('INFO', 'persistence');
    expect(info).toContain('aof_enabled:1');
    expect(info).toContain('aof_rewrites:1');
    expect(info).toMatch(/aof_current_size:\d+/);
    expect(await c.call('CONFIG', 'SET', 'appendonly', 'no')).toBe('+OK\r\n');
    await run(c, [['SET', 'later', '3']]);
    await new Promise((r) => setTimeout(r, 200));
    expect(readAofCommands(path.join(aofDir, 'appendonly.aof.1.incr.aof'))).toEqual([['SELECT', '0'], ['SET', 'after', '2']]);
    expect(await c.call('INFO', 'persistence')).toContain('aof_enabled:0');
    c.close();
    await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 30000);

  test('aof-timestamp-enabled: #TS annotations open the incremental file and a command base; both load back', async () => {
    const dir = tempDir('aof-ts');
    const s = await startServer({ port: 0, config: { dir, save: '', appendonly: 'yes', 'aof-use-rdb-preamble': 'no', 'enable-debug-command': 'yes' }, log: () => {} });
    const c = await RawClient.connect(s.port);
    await run(c, [['CONFIG', 'SET', 'aof-timestamp-enabled', 'yes'], ['SET', 'foo', 'bar']]);
    const aofDir = path.join(dir, 'appendonlydir');
    expect(fs.readFileSync(path.join(aofDir, 'appendonly.aof.1.incr.aof'), 'latin1')).toMatch(/^#TS:\d+\r\n\*2\r\n\$6\r\nSELECT/);
    await run(c, [['BGREWRITEAOF']]);
    await waitRewrite(c);
    expect(fs.readFileSync(path.join(aofDir, 'appendonly.aof.2.base.aof'), 'latin1')).toMatch(/^#TS:\d+\r\n\*2\r\n\$6\r\nSELECT/);
    expect(await c.call('DEBUG', 'LOADAOF')).toBe('+OK\r\n');
    expect(await c.call('GET', 'foo')).toBe('$3\r\nbar\r\n');
    c.close();
    await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 30000);
});
