/**
 * Prints the README's command compatibility table: every Redis 7.0.15 command by group,
 * marked implemented when redmoon's command table has a handler for it.
 * Run: npx tsx scripts/compat-table.ts
 */
import { createRequire } from 'node:module';
import { Server } from '../src/server.ts';

const require = createRequire(import.meta.url);
const meta = (require('../src/core/meta.json') as { commands: Record<string, { info: unknown[]; docs: { m: unknown[] } | null }> }).commands;

function docField(docs: { m: unknown[] } | null, key: string): unknown {
  if (!docs) return undefined;
  for (let i = 0; i < docs.m.length; i += 2) if (docs.m[i] === key) return docs.m[i + 1];
  return undefined;
}

const server = new Server({ log: () => {} });
const groups = new Map<string, { name: string; done: boolean; subs: string }[]>();
let total = 0;
let done = 0;
for (const name of Object.keys(meta).sort()) {
  const group = String(docField(meta[name].docs, 'group') ?? 'other');
  const cmd = server.table.commands.get(name);
  const subInfos = (meta[name].info[9] as unknown[][]) ?? [];
  let subs = '';
  let implemented = !!cmd?.handler;
  if (subInfos.length) {
    const have = subInfos.filter((s) => cmd?.subcommands?.has(String(s[0]).split('|')[1])).length;
    implemented = have > 0;
    subs = `${have}/${subInfos.length} subcommands`;
  }
  total++;
  if (implemented) done++;
  let list = groups.get(group);
  if (!list) groups.set(group, (list = []));
  list.push({ name, done: implemented, subs });
}
console.log(`${done} of ${total} Redis 7.0.15 commands implemented.\n`);
console.log('| group | implemented | not implemented |');
console.log('|---|---|---|');
for (const [group, list] of [...groups].sort()) {
  const yes = list.filter((c) => c.done).map((c) => c.name.toUpperCase() + (c.subs ? ` (${c.subs})` : ''));
  const no = list.filter((c) => !c.done).map((c) => c.name.toUpperCase());
  console.log(`| ${group} | ${yes.join(', ') || '—'} | ${no.join(', ') || '—'} |`);
}
await server.close();
