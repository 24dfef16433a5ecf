/**
 * In-process microbenchmark of the per-command path (parse → dispatch → handler → encode),
 * with no sockets: `npx tsx bench/hotpath.ts [name filter]`. Prints nanoseconds per command.
 * Each round feeds a pipelined batch to the client's parser and runs it through
 * Server.processInput, as a socket read does (so `fast` commands share the batch's clock).
 * To profile: `npx esbuild bench/hotpath.ts --bundle --platform=node --format=esm
 * --packages=external --outfile=dist/hotpath.mjs`, then `node --cpu-prof dist/hotpath.mjs incr`.
 */
import { Server } from '../src/server.ts';
import { RequestParser } from '../src/resp/parser.ts';
import { encodeCommand } from '../test/support/raw-client.ts';

// `npx tsx bench/hotpath.ts incr` runs only the workloads whose name contains "incr"
const only = (process.argv[2] ?? '').toLowerCase();
const server = new Server({ log: () => {} });
const c = server.createClient();

/**
 * `random`: the key placeholder becomes a random 12-digit number (redis-benchmark -r), in
 * 1024 different batches fed in turn, so repeated arguments are not all the same string.
 */
function bench(name: string, argv: string[], batch = 16, rounds = 200_000, random = false): void {
  if (only && !name.toLowerCase().includes(only)) return;
  const rand = () => argv.map((a) => a.replace('__rand_int__', String(Math.floor(Math.random() * 1e12)).padStart(12, '0')));
  const bufs = Array.from({ length: random ? 1024 : 1 }, () => Buffer.concat(Array.from({ length: batch }, () => encodeCommand(random ? rand() : argv))));
  const parser = new RequestParser({ maxBulkLen: 1 << 29, authRequired: () => false });
  c.parser = parser;
  let turn = 0;
  const run = () => {
    parser.feed(bufs[turn++ & (bufs.length - 1)]);
    server.processInput(c);
    c.writer.take();
  };
  for (let i = 0; i < 20_000; i++) run();
  // CPU time rather than wall time: on a shared machine, time spent descheduled is not ours.
  const t0 = process.cpuUsage();
  for (let i = 0; i < rounds; i++) run();
  const used = process.cpuUsage(t0);
  const ns = ((used.user + used.system) * 1000) / (rounds * batch);
  console.log(`${name.padEnd(28)} ${ns.toFixed(0)} ns/command`);
}

// The commands and keys redis-benchmark sends (bench/run.ts), so the figures compare.
bench('PING', ['PING']);
bench('SET key xxx', ['SET', 'key:__rand_int__', 'xxx']);
bench('GET key', ['GET', 'key:__rand_int__']);
bench('SET random key', ['SET', 'key:__rand_int__', 'xxx'], 16, 200_000, true);
bench('GET random key', ['GET', 'key:__rand_int__'], 16, 200_000, true);
bench('INCR counter', ['INCR', 'counter:__rand_int__']);
bench('LPUSH mylist', ['LPUSH', 'mylist', 'xxx'], 16, 20_000);
bench('RPOP mylist', ['RPOP', 'mylist'], 16, 20_000);
bench('HSET h f v', ['HSET', 'myhash', 'element:__rand_int__', 'xxx']);
bench('SADD s m', ['SADD', 'myset', 'element:__rand_int__']);
bench('ZADD z 0 m', ['ZADD', 'myzset', '0', 'element:__rand_int__']);
bench('ZRANGE z 0 9', ['ZRANGE', 'myzset', '0', '9']);
const load = (script: string): string => {
  const w = server.createClient();
  server.execute(w, ['SCRIPT', 'LOAD', script]);
  const reply = Buffer.concat(w.writer.take()).latin1Slice();
  return reply.split('\r\n')[1];
};
// the fixed cost of a script run, then one redis.call on top of it
bench('EVALSHA return 1', ['EVALSHA', load('return 1'), '0'], 16, 20_000);
bench('EVALSHA return KEYS[1]', ['EVALSHA', load('return KEYS[1]'), '1', 'counter'], 16, 20_000);
bench('EVALSHA incr', ['EVALSHA', load("return redis.call('incr', KEYS[1])"), '1', 'counter'], 16, 20_000);
bench('EVAL stock/sales', ['EVAL', "local s = redis.call('DECR', KEYS[1]); local n = redis.call('INCR', KEYS[2]); return {s, n}", '2', 'stock', 'sales'], 16, 10_000);
await server.close();
