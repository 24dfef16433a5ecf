/**
 * Scripts through real clients: ioredis `defineCommand` (EVALSHA with its NOSCRIPT → EVAL
 * fallback, pipelines, Buffer replies) and node-redis `scripts` / `functions` (EVALSHA and
 * FCALL built by the client).
 */
import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { Redis } from 'ioredis';
import { createClient, defineScript, type CommandParser } from 'redis';
import { startServer, type RunningServer } from '../../src/index.ts';

let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ port: 0, log: () => {} });
});

afterAll(async () => {
  await server.close();
});

const INCR_BY = "return redis.call('INCRBY', KEYS[1], ARGV[1])";
const STOCK = "local s = redis.call('DECR', KEYS[1]); local n = redis.call('INCR', KEYS[2]); return {s, n}";

type ScriptClient = Redis & {
  incrByScript(key: string, by: number): Promise<number>;
  stockSale(stock: string, sales: string): Promise<number[]>;
  echoArgs(...args: (string | Buffer)[]): Promise<string[]>;
  echoArgsBuffer(...args: (string | Buffer)[]): Promise<Buffer[]>;
};

describe('ioredis defineCommand', () => {
  test('EVALSHA falls back to EVAL once, then runs from the cache', async () => {
    const r = new Redis(server.port, server.host) as ScriptClient;
    try {
      await r.script('FLUSH');
      r.defineCommand('incrByScript', { numberOfKeys: 1, lua: INCR_BY });
      r.defineCommand('stockSale', { numberOfKeys: 2, lua: STOCK });
      await r.set('ioc', '5');
      expect(await r.incrByScript('ioc', 2)).toBe(7);
      expect(await r.incrByScript('ioc', 3)).toBe(10);
      const sha = (await r.script('LOAD', INCR_BY)) as string;
      expect(await r.script('EXISTS', sha)).toEqual([1]);
      await r.mset('stock', '10', 'sales', '0');
      expect(await r.stockSale('stock', 'sales')).toEqual([9, 1]);
      expect(await r.stockSale('stock', 'sales')).toEqual([8, 2]);
    } finally {
      r.disconnect();
    }
  });

  test('custom commands in pipelines and MULTI, with binary arguments', async () => {
    const r = new Redis(server.port, server.host) as ScriptClient;
    try {
      await r.script('FLUSH');
      r.defineCommand('incrByScript', { numberOfKeys: 1, lua: INCR_BY });
      r.defineCommand('echoArgs', { numberOfKeys: 0, lua: 'return ARGV' });
      await r.del('iop');
      // defineCommand adds the commands to pipelines too; ioredis's types do not know them
      type Custom = { incrByScript(k: string, n: number): Custom; echoArgs(...a: string[]): Custom; get(k: string): Custom; exec(): Promise<unknown> };
      const res = await (r.pipeline() as unknown as Custom).incrByScript('iop', 1).incrByScript('iop', 1).get('iop').exec();
      expect(res).toEqual([
        [null, 1],
        [null, 2],
        [null, '2'],
      ]);
      const tx = await (r.multi() as unknown as Custom).incrByScript('iop', 10).echoArgs('a', 'b').exec();
      expect(tx).toEqual([
        [null, 12],
        [null, ['a', 'b']],
      ]);
      const bin = Buffer.from([0, 1, 255, 128, 13, 10]);
      expect(await r.echoArgsBuffer(bin, 'x')).toEqual([bin, Buffer.from('x')]);
    } finally {
      r.disconnect();
    }
  });

  test('script errors reach the caller with Redis text', async () => {
    const r = new Redis(server.port, server.host);
    try {
      r.defineCommand('boom', { numberOfKeys: 0, lua: "return redis.error_reply('MYERR custom')" });
      r.defineCommand('badCall', { numberOfKeys: 0, lua: "return redis.call('nosuch')" });
      const rr = r as unknown as { boom(): Promise<unknown>; badCall(): Promise<unknown> };
      await expect(rr.boom()).rejects.toThrow('MYERR custom');
      await expect(rr.badCall()).rejects.toThrow(/Unknown Redis command called from script/);
    } finally {
      r.disconnect();
    }
  });
});

describe('node-redis scripts and functions', () => {
  const incrBy = defineScript({
    SCRIPT: INCR_BY,
    NUMBER_OF_KEYS: 1,
    parseCommand(parser: CommandParser, key: string, by: number) {
      parser.pushKey(key);
      parser.push(String(by));
    },
    transformReply: (reply: unknown) => reply as number,
  });

  test('defineScript runs through EVALSHA, loading the script on NOSCRIPT', async () => {
    const c = createClient({ url: server.url, scripts: { incrBy } });
    await c.connect();
    try {
      await c.scriptFlush();
      await c.set('nrs', '1');
      expect(await c.incrBy('nrs', 4)).toBe(5);
      expect(await c.incrBy('nrs', 5)).toBe(10);
      expect(await c.scriptExists(incrBy.SHA1)).toEqual([1]);
      const [a, b] = await c.multi().incrBy('nrs', 1).incrBy('nrs', 1).exec();
      expect([a, b]).toEqual([11, 12]);
    } finally {
      await c.quit();
    }
  });

  test('functions: FUNCTION LOAD, then FCALL through the client', async () => {
    const lib = [
      '#!lua name=counters',
      "redis.register_function('bump', function(keys, args) return redis.call('INCRBY', keys[1], args[1]) end)",
      "redis.register_function{function_name='peek', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}}",
    ].join('\n');
    const functions = {
      counters: {
        bump: {
          NUMBER_OF_KEYS: 1,
          parseCommand(parser: CommandParser, key: string, by: number) {
            parser.pushKey(key);
            parser.push(String(by));
          },
          transformReply: (reply: unknown) => reply as number,
        },
        peek: {
          NUMBER_OF_KEYS: 1,
          IS_READ_ONLY: true,
          parseCommand(parser: CommandParser, key: string) {
            parser.pushKey(key);
          },
          transformReply: (reply: unknown) => reply as string | null,
        },
      },
    };
    const c = createClient({ url: server.url, functions });
    await c.connect();
    try {
      expect(await c.functionLoad(lib, { REPLACE: true })).toBe('counters');
      await c.del('nrf');
      expect(await c.counters.bump('nrf', 3)).toBe(3);
      expect(await c.counters.bump('nrf', 4)).toBe(7);
      expect(await c.counters.peek('nrf')).toBe('7');
      await expect(c.sendCommand(['FCALL_RO', 'bump', '1', 'nrf', '1'])).rejects.toThrow(
        /Can not execute a script with write flag using \*_ro command/,
      );
    } finally {
      await c.quit();
    }
  });
});
