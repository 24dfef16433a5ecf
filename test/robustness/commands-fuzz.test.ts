import { test, expect, beforeAll, afterAll } from 'vitest';
import { Server } from '../../src/server.ts';
import type { Command } from '../../src/commands/types.ts';
import { ChildServer } from './child.ts';
import { StrictConn, MalformedReply, encode } from './conn.ts';
import { Rng } from '../property/harness.ts';

/**
 * Every implemented command and subcommand called with random arguments: random counts,
 * option keywords from its own docs, fixture keys of every type, edge numbers, empty strings,
 * NUL bytes, 64 KB strings. Each reply must be well-formed RESP, never `ERR internal error`
 * (a handler threw something other than a ReplyError), and the server must stay up and
 * answer. The server runs in a child process so a hang or crash cannot stall the runner.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20240601);
const TRIES = Number(process.env.FUZZ_TRIES ?? 24);

/** Commands that legitimately block forever, close or hijack the connection, or reconfigure the server. */
const SKIP = new Set([
  'shutdown', 'monitor', 'quit', 'subscribe', 'psubscribe', 'ssubscribe', 'client|pause', 'client|kill',
  'client|reply', 'replicaof', 'slaveof', 'failover', 'sync', 'psync', 'config|set', 'config|rewrite', 'save',
  'bgsave', 'bgrewriteaof', 'acl|setuser', 'acl|deluser', 'acl|load', 'acl|save', 'migrate', 'wait', 'debug',
  'module', 'replconf',
]);

/** Known bugs in files owned by other engineers (see the robustness report); skipped here. */
const KNOWN: Record<string, string> = {};
/** Known unimplemented features answered with an internal error (reported, not hidden elsewhere). */
const KNOWN_REPLIES: RegExp[] = [/DUMP of stream values is not supported/];

const FIXTURE: string[][] = [
  ['SET', 'str', '12'],
  ['SET', 'txt', 'hello world'],
  ['RPUSH', 'lst', 'a', 'b', 'c', '1', '2'],
  ['HSET', 'hsh', 'f', '1', 'g', 'x'],
  ['SADD', 'st', 'a', 'b', '1'],
  ['SADD', 'ist', '1', '2', '3'],
  ['ZADD', 'zs', '1', 'a', '2', 'b', '3', 'c'],
  ['GEOADD', 'geo', '13.36', '38.11', 'p', '15.08', '37.50', 'q'],
  ['PFADD', 'hll', 'a', 'b', 'c'],
  ['XADD', 'strm', '1-1', 'f', 'v'],
  ['XADD', 'strm', '2-1', 'f', 'w'],
  ['XGROUP', 'CREATE', 'strm', 'grp', '0'],
  ['XREADGROUP', 'GROUP', 'grp', 'alice', 'COUNT', '1', 'STREAMS', 'strm', '>'],
];
const KEYS = ['str', 'txt', 'lst', 'hsh', 'st', 'ist', 'zs', 'geo', 'hll', 'strm', 'nokey', 'str'];
const NUMBERS = [
  '0', '1', '-1', '2', '3', '10', '-10', '100', '1000000', '-1000000', '0.5', '-0.5', '1e3', 'inf', '-inf', '+inf',
  'nan', '9223372036854775807', '-9223372036854775808', '9223372036854775808', '18446744073709551615',
  '4294967295', '4294967296', '2147483647', '-2147483648', '1e308', '1e400', '0x10', '007', '-0',
];
const STRINGS = ['', '\x00', 'a\x00b', ' ', '*', '?', '[', '\\', '\r\n', '\xff\xfe', 'grp', 'alice', 'f', 'a', 'p', '$', '>', '0-0', '1-1', '*', '-', '+', '(1', '[a', 'default', 'return 1', "return redis.call('get', KEYS[1])", '#!lua name=lib\nredis.register_function("f", function() return 1 end)'];

function collectTokens(docs: unknown, out: Set<string>): void {
  if (!docs || typeof docs !== 'object') return;
  if (Array.isArray(docs)) {
    for (const d of docs) collectTokens(d, out);
    return;
  }
  const m = (docs as { m?: unknown[] }).m;
  if (Array.isArray(m)) {
    for (let i = 0; i < m.length; i += 2) {
      if (m[i] === 'token' && typeof m[i + 1] === 'string') out.add(m[i + 1] as string);
      else if (m[i] === 'arguments') collectTokens(m[i + 1], out);
    }
  } else {
    for (const v of Object.values(docs)) collectTokens(v, out);
  }
}

function nameOf(cmd: Command): string[] {
  return cmd.parent ? [cmd.parent.name, cmd.name.slice(cmd.parent.name.length + 1)] : [cmd.name];
}

function argvFor(r: Rng, cmd: Command, tokens: string[]): string[] {
  const base = nameOf(cmd);
  const min = Math.abs(cmd.arity) - base.length;
  const n = cmd.arity > 0 && r.chance(0.6) ? min : Math.max(0, r.range(min - 1, min + 5));
  const argv = [...base];
  for (let i = 0; i < n; i++) {
    const x = r.next();
    if (x < 0.3 && tokens.length) argv.push(r.chance(0.8) ? r.pick(tokens) : r.pick(tokens).toLowerCase());
    else if (x < 0.5) argv.push(r.pick(KEYS));
    else if (x < 0.75) argv.push(r.pick(NUMBERS));
    else if (x < 0.97) argv.push(r.pick(STRINGS));
    else if (x < 0.99) argv.push(r.bytes(16));
    else argv.push('z'.repeat(65536));
  }
  // Keep blocking timeouts short.
  if (cmd.isBlocking && argv.length > base.length && !['xread', 'xreadgroup'].includes(base[0])) argv[argv.length - 1] = r.pick(['0.01', '0', '-1', 'x', '0.01']);
  return argv;
}

let child: ChildServer;

beforeAll(async () => {
  child = await ChildServer.start();
});

afterAll(() => {
  child?.stop();
});

function show(argv: string[]): string {
  return JSON.stringify(argv.map((a) => (a.length > 60 ? `${a.slice(0, 20)}…(${a.length} bytes)` : a)));
}

test('every command survives random arguments with well-formed replies', async () => {
  const table = new Server({}).table;
  const cmds = [...table.all()].filter((c) => !SKIP.has(c.name) && !KNOWN[c.name]);
  expect(cmds.length).toBeGreaterThan(150);
  const r = new Rng(SEED);
  const problems: string[] = [];
  let conn = await StrictConn.connect(child.port);
  const restart = async (): Promise<void> => {
    conn.close();
    if (child.exited !== null || !(await alive())) {
      child.stop();
      child = await ChildServer.start();
    }
    conn = await StrictConn.connect(child.port);
  };
  const alive = async (): Promise<boolean> => {
    try {
      const c = await StrictConn.connect(child.port);
      const p = await c.call(['PING'], 3000);
      c.close();
      return p === '+PONG\r\n';
    } catch {
      return false;
    }
  };
  const prep = Buffer.concat([encode(['RESET']), encode(['FLUSHALL']), ...FIXTURE.map(encode)]);
  for (const cmd of cmds) {
    const tokens = new Set<string>();
    collectTokens(cmd.docs, tokens);
    const toks = [...tokens];
    for (let t = 0; t < TRIES; t++) {
      const argv = argvFor(r, cmd, toks);
      conn.sock.write(prep);
      conn.sock.write(encode(argv));
      let replies: string[] | null;
      try {
        replies = await conn.read(FIXTURE.length + 3, cmd.isBlocking ? 300 : 5000);
      } catch (e) {
        if (!(e instanceof MalformedReply)) throw e;
        problems.push(`${show(argv)}: malformed reply: ${e.message}`);
        await restart();
        continue;
      }
      if (replies === null) {
        if (cmd.isBlocking && child.exited === null) {
          await restart();
          continue;
        }
        problems.push(`${show(argv)}: no reply (${child.exited !== null ? `server exited: ${child.exited}` : 'hang or closed connection'})`);
        await restart();
        continue;
      }
      const reply = replies[replies.length - 1];
      if (reply.startsWith('-ERR internal error') && !KNOWN_REPLIES.some((re) => re.test(reply))) problems.push(`${show(argv)}: ${reply.trim()}`);
    }
    if (child.exited !== null) {
      problems.push(`server exited after ${cmd.name}`);
      await restart();
    }
  }
  conn.close();
  expect(await alive()).toBe(true);
  expect(problems, problems.join('\n')).toEqual([]);
}, 120000);
