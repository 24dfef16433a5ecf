/**
 * Differential tests: every script runs through EVAL on a real redis-server 7.0.15 and
 * through our engine (with an in-memory ScriptHost); the replies must be identical.
 * Skipped, with the reason printed, when redis-server is not available.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { LuaEngine } from '../../src/lua/vm.ts';
import { evalScript, FakeHost, OracleClient, startOracle, type Reply } from './harness.ts';
import * as C from './cases.ts';
import type { DiffCase } from './cases.ts';
import { fuzzCases, patternFuzzCases, stringFuzzCases, libFuzzCases, syntaxFuzzCases, programFuzzCases } from './fuzz-cases.ts';

const groups: [string, DiffCase[]][] = [
  ['numbers', C.numbers],
  ['strings', C.strings],
  ['syntax', C.syntax],
  ['iteration order and borders', C.iteration],
  ['table library', C.tablelib],
  ['base library', C.base],
  ['sandbox', C.sandbox],
  ['errors', C.errors],
  ['redis API', C.redisApi],
  ['reply conversions', C.conversions],
  ['coroutines', C.coroutines],
  ['cjson', C.cjsonCases],
  ['cmsgpack', C.cmsgpackCases],
  ['struct', C.structCases],
  ['bit', C.bitCases],
  ['limits', C.limits],
  ['line numbers', C.lines],
  ['NaN and infinities', C.nans],
  ['random patterns', patternFuzzCases(Number(process.env.LUA_FUZZ_SEED ?? 7), Number(process.env.LUA_FUZZ_COUNT ?? 400))],
  ['random string calls', stringFuzzCases(Number(process.env.LUA_FUZZ_SEED ?? 11), Number(process.env.LUA_FUZZ_COUNT ?? 400))],
  ['random library calls', libFuzzCases(Number(process.env.LUA_FUZZ_SEED ?? 13), Number(process.env.LUA_FUZZ_COUNT ?? 400))],
  ['random token soup', syntaxFuzzCases(Number(process.env.LUA_FUZZ_SEED ?? 17), Number(process.env.LUA_FUZZ_COUNT ?? 400))],
  ['random programs', programFuzzCases(Number(process.env.LUA_FUZZ_SEED ?? 19), Number(process.env.LUA_FUZZ_COUNT ?? 300))],
  ['random expressions', fuzzCases(Number(process.env.LUA_FUZZ_SEED ?? 20261124), Number(process.env.LUA_FUZZ_COUNT ?? 600))],
];

const oracle = await startOracle('diff');
if ('skip' in oracle) console.warn(`[lua diff tests] skipped: ${oracle.skip}`);

describe.skipIf('skip' in oracle)('Lua engine vs redis-server 7.0.15', () => {
  let client: OracleClient;
  const expected = new Map<DiffCase, Reply>();
  const engine = new LuaEngine();
  const host = new FakeHost();

  beforeAll(async () => {
    if ('skip' in oracle) return;
    client = await OracleClient.connect(oracle.path);
    const all: Promise<void>[] = [];
    for (const [, cases] of groups) {
      for (const c of cases) {
        const keys = c.keys ?? [];
        all.push(client.command(['EVAL', c.script, String(keys.length), ...keys, ...(c.args ?? [])]).then((r) => void expected.set(c, r)));
      }
    }
    await Promise.all(all);
  });

  afterAll(() => {
    client?.close();
    if (!('skip' in oracle)) oracle.stop();
  });

  for (const [name, cases] of groups) {
    describe(name, () => {
      for (const c of cases) {
        const title = c.script.length > 90 ? c.script.slice(0, 87) + '...' : c.script;
        it(title.replace(/\n/g, '\\n'), () => {
          const got = evalScript(engine, c.script, c.keys ?? [], c.args ?? [], host);
          expect(got).toEqual(expected.get(c));
        });
      }
    });
  }
});
