/**
 * A dataset with every type in every encoding Redis 7.0 has (and the edge cases of its RDB
 * encodings), as commands to run on a server, plus helpers to compare two servers' data.
 */
import { encodeCommand, type RawClient } from '../support/raw-client.ts';
import { decode } from '../support/resp-reader.ts';

export function datasetCommands(): string[][] {
  const cmds: string[][] = [];
  const add = (...argv: string[]) => cmds.push(argv);
  // strings: int encodings of every width, big ints, compressible, binary, empty
  add('SET', 's:small', 'hello');
  for (const n of ['0', '-1', '127', '-128', '255', '32767', '-32768', '65536', '2147483647', '-2147483648', '2147483648', '9223372036854775807', '-9223372036854775808', '00012', '+5', '1e3']) {
    add('SET', `s:int:${n}`, n);
  }
  add('SET', 's:lzf', 'abcabcabc'.repeat(50));
  add('SET', 's:raw', 'x'.repeat(100));
  add('SET', 's:bin', '\x00\xff\r\n\x01binary\x00');
  add('SET', 's:empty', '');
  add('APPEND', 's:appended', 'ab');
  add('SET', '\x00\xffbinkey', 'v');
  add('SET', 'k'.repeat(40) + 'long-compressible-key-' + 'z'.repeat(40), 'v');
  add('SET', 's:ttl', 'v', 'PX', '100000000');
  add('SET', 's:ttl2', 'v', 'EX', '99999999');
  // lists: one listpack node, many nodes, big elements, integers
  add('RPUSH', 'l:small', 'a', 'b', '1', '-5', '100000', 'x'.repeat(70));
  const many: string[] = [];
  for (let i = 0; i < 1200; i++) many.push(i % 3 === 0 ? String(i * 7919) : `elem-${i}`);
  add('RPUSH', 'l:many', ...many);
  add('LPUSH', 'l:many', 'head1', 'head2');
  add('RPUSH', 'l:big', 'y'.repeat(9000), 'small', 'z'.repeat(20000));
  add('RPUSH', 'l:ttl', '1', '2', '3');
  add('PEXPIRE', 'l:ttl', '200000000');
  // sets: intset (16, 32, 64 bit), hashtable
  add('SADD', 'set:int16', '1', '2', '3', '-7');
  add('SADD', 'set:int32', '1', '100000', '-100000');
  add('SADD', 'set:int64', '1', '10000000000');
  add('SADD', 'set:str', 'a', 'b', 'c', '1');
  const ints: string[] = [];
  for (let i = 0; i < 600; i++) ints.push(String(i * 3));
  add('SADD', 'set:bigint', ...ints);
  // zsets: listpack, skiplist, special scores
  add('ZADD', 'z:small', '1', 'a', '2.5', 'b', '-3', 'c', '1e20', 'd', '0.1', 'e');
  add('ZADD', 'z:inf', 'inf', 'top', '-inf', 'bottom', '0', 'zero');
  const zm: string[] = [];
  for (let i = 0; i < 200; i++) zm.push(String(i / 3), `member-${i}`);
  add('ZADD', 'z:skip', ...zm);
  add('ZADD', 'z:longmember', '1', 'm'.repeat(100));
  // hashes: listpack, hashtable by count and by value length
  add('HSET', 'h:small', 'f1', 'v1', 'f2', '123', 'n', '-7');
  const hm: string[] = [];
  for (let i = 0; i < 600; i++) hm.push(`field-${i}`, i % 2 ? String(i) : `value-${i}`);
  add('HSET', 'h:big', ...hm);
  add('HSET', 'h:longval', 'f', 'v'.repeat(100));
  // streams: nodes, deletions, groups, PEL, consumers
  for (let i = 1; i <= 250; i++) add('XADD', 'x:s', `${1000 + i}-${i % 3}`, 'f', String(i), ...(i % 10 === 0 ? ['g', 'extra'] : []));
  add('XDEL', 'x:s', '1005-2', '1010-1', '1250-1');
  add('XGROUP', 'CREATE', 'x:s', 'g1', '0');
  add('XGROUP', 'CREATE', 'x:s', 'g2', '$');
  add('XGROUP', 'CREATE', 'x:s', 'g3', '1100-0', 'ENTRIESREAD', '50');
  add('XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', '5', 'STREAMS', 'x:s', '>');
  add('XREADGROUP', 'GROUP', 'g1', 'bob', 'COUNT', '3', 'STREAMS', 'x:s', '>');
  add('XACK', 'x:s', 'g1', '1002-2');
  add('XGROUP', 'CREATECONSUMER', 'x:s', 'g1', 'carol');
  add('XADD', 'x:empty', '5-5', 'a', 'b');
  add('XDEL', 'x:empty', '5-5');
  add('XGROUP', 'CREATE', 'x:empty', 'g', '$');
  add('XADD', 'x:trim', 'MAXLEN', '2', '7-1', 'a', '1');
  add('XADD', 'x:trim', '9999999999999-1', 'a', '2');
  // other databases
  add('SELECT', '1');
  add('SET', 'db1:key', 'in db 1');
  add('SADD', 'db1:set', 'm');
  add('SELECT', '9');
  add('HSET', 'db9:h', 'a', 'b');
  add('PEXPIRE', 'db9:h', '300000000');
  add('SELECT', '0');
  // a function library
  add('FUNCTION', 'LOAD', "#!lua name=persisted\nredis.register_function('persisted_fn', function(keys, args) return 'ok' end)");
  return cmds;
}

/**
 * One command's raw reply, waiting up to 30 s (RawClient.call gives up after 2 s, which a
 * loaded CI machine can exceed while a server saves or loads).
 */
export function call(c: RawClient, ...argv: string[]): Promise<string> {
  return c.sendRaw(encodeCommand(argv), 1, 30_000);
}

/** Runs commands on a client, failing on error replies. */
export async function run(c: RawClient, cmds: string[][]): Promise<void> {
  for (const argv of cmds) {
    const r = await call(c, ...argv);
    if (r.startsWith('-')) throw new Error(`${JSON.stringify(argv).slice(0, 80)} -> ${r}`);
  }
}

async function strings(c: RawClient, ...argv: string[]): Promise<string[]> {
  const raw = await call(c, ...argv);
  const v = decode(Buffer.from(raw, 'latin1'), 0)!.value as unknown;
  if (Array.isArray(v)) return v.map((x) => String(x));
  return [String(v)];
}

/**
 * What must agree between two servers holding the same data: DEBUG DIGEST (values and
 * which keys have a TTL), each key's encoding, the TTLs to the second, stream group state
 * and the function libraries.
 */
export async function describeData(c: RawClient, dbs = [0, 1, 9]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  out['digest'] = (await call(c, 'DEBUG', 'DIGEST')).trim();
  for (const db of dbs) {
    await call(c, 'SELECT', String(db));
    const keys = (await strings(c, 'KEYS', '*')).sort();
    for (const k of keys) {
      const enc = (await call(c, 'OBJECT', 'ENCODING', k)).trim();
      const ttl = Number((await call(c, 'PTTL', k)).slice(1));
      out[`${db}:${JSON.stringify(k)}`] = `${enc} ttl~${ttl < 0 ? ttl : Math.round(ttl / 100000)}`;
      if ((await call(c, 'TYPE', k)).trim() === '+stream') {
        out[`${db}:${k}:groups`] = await call(c, 'XINFO', 'GROUPS', k);
        out[`${db}:${k}:stream`] = (await call(c, 'XINFO', 'STREAM', k, 'FULL')).replace(/seen-time\r\n:\d+/g, 'seen').replace(/:1[7-9]\d{11}\r\n/g, ':T\r\n');
      }
    }
  }
  await call(c, 'SELECT', '0');
  out['functions'] = await call(c, 'FUNCTION', 'LIST', 'WITHCODE');
  return out;
}
