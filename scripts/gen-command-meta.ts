/**
 * Regenerates src/core/meta.json from a real redis-server 7.0.15: for every command,
 * the RESP3 replies of COMMAND INFO and COMMAND DOCS as a tagged tree. The command table
 * reads arity, flags, key specs and ACL categories from it, and COMMAND INFO/DOCS replay it.
 * Run: npx tsx scripts/gen-command-meta.ts
 */
import fs from 'node:fs';
import { startOracle } from '../test/support/oracle.ts';
import { RawClient } from '../test/support/raw-client.ts';
import type { Reply } from '../test/support/resp-reader.ts';

type Tree = unknown;

/** Converts a decoded reply into the compact JSON form the server's replay code reads. */
function toTree(r: Reply): Tree {
  if (r === null || typeof r === 'string' || typeof r === 'number' || typeof r === 'boolean') return r;
  if (typeof r === 'bigint') return { i: r.toString() };
  if (Array.isArray(r)) return r.map(toTree);
  if ('simple' in r) return { s: r.simple };
  if ('map' in r) return { m: r.map.map(toTree) };
  if ('set' in r) return { t: r.set.map(toTree) };
  throw new Error(`unexpected reply ${JSON.stringify(r)}`);
}

const oracle = await startOracle();
const c = await RawClient.connect(oracle.socket);
await c.command('HELLO', '3');
const info = (await c.command('COMMAND', 'INFO')) as Reply[];
const docs = (await c.command('COMMAND', 'DOCS')) as { map: Reply[] };
const docByName = new Map<string, Reply>();
for (let i = 0; i < docs.map.length; i += 2) docByName.set(docs.map[i] as string, docs.map[i + 1]);
const out: Record<string, { info: Tree; docs: Tree }> = {};
const names = info.map((e) => (e as Reply[])[0] as string).sort();
for (const e of info) {
  const name = (e as Reply[])[0] as string;
  out[name] = { info: toTree(e), docs: toTree(docByName.get(name) ?? null) };
}
const ver = (await c.command('INFO', 'server')) as { verbatim: string } | string;
console.log(`redis: ${(typeof ver === 'string' ? ver : ver.verbatim).match(/redis_version:(\S+)/)?.[1]}; ${names.length} commands`);
// Wrapped in one top-level key: bundlers turn top-level JSON keys into named exports, and
// a command named `eval` is not a legal export binding in strict mode.
fs.writeFileSync(new URL('../src/core/meta.json', import.meta.url), JSON.stringify({ commands: out }));
c.close();
await oracle.stop();
