import { test, expect, beforeAll, afterAll } from 'vitest';
import { Server } from '../../src/server.ts';
import type { Command } from '../../src/core/types.ts';
import { ChildServer } from './child.ts';
import { StrictConn, MalformedReply, encode } from './conn.ts';
import { Rng } from '../property/harness.ts';
import { argvFor, collectTokens, structuredArgvFor, tame, FIXTURE } from './fuzz-args.ts';

/**
 * Every implemented command and subcommand called with random arguments: random counts,
 * option keywords from its own docs, fixture keys of every type, edge numbers, empty strings,
 * NUL bytes, 64 KB strings. Each reply must be well-formed RESP, never `ERR internal error`
 * (a handler threw something other than a ReplyError), and the server must stay up and
 * answer. The server runs in a child process so a hang or crash cannot stall the runner.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20240601);
const TRIES = Number(process.env.FUZZ_TRIES ?? 16);

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
const KNOWN_REPLIES: RegExp[] = [];

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
  // RESET restores the connection (RESP2, db 0, no MULTI/tracking); every other try runs in RESP3.
  const prep2 = Buffer.concat([encode(['RESET']), encode(['PING']), encode(['FLUSHALL']), ...FIXTURE.map(encode)]);
  const prep3 = Buffer.concat([encode(['RESET']), encode(['HELLO', '3']), encode(['FLUSHALL']), ...FIXTURE.map(encode)]);
  for (const cmd of cmds) {
    const tokens = new Set<string>();
    collectTokens(cmd.docs, tokens);
    const toks = [...tokens];
    for (let t = 0; t < TRIES; t++) {
      // Half follow the documented argument grammar (deep option paths), half are random.
      const argv = tame(t % 2 === 0 ? structuredArgvFor(r, cmd) : argvFor(r, cmd, toks));
      conn.sock.write(t % 4 < 2 ? prep2 : prep3);
      conn.sock.write(encode(argv));
      let replies: string[] | null;
      try {
        // Skip leftovers of the previous try (several (un)subscribe replies) up to RESET's,
        // then the setup replies, then the command's reply (a push in RESP3 for UNSUBSCRIBE).
        const setup = await conn.read(FIXTURE.length + 2, 5000, false, '+RESET\r\n');
        replies = setup === null ? null : await conn.read(1, cmd.isBlocking ? 300 : 5000, true);
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
