/**
 * Regenerates src/core/config-defaults.json: CONFIG GET * of a real redis-server 7.0.15 started
 * with no config file, so redmoon's CONFIG GET shows the same parameters and defaults.
 * Run: npx tsx scripts/gen-config-defaults.ts
 */
import fs from 'node:fs';
import { startOracle } from '../test/support/oracle.ts';
import { RawClient } from '../test/support/raw-client.ts';

const oracle = await startOracle();
const c = await RawClient.connect(oracle.socket);
const flat = (await c.command('CONFIG', 'GET', '*')) as string[];
const out: Record<string, string> = {};
const pairs: [string, string][] = [];
for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
pairs.sort((a, b) => (a[0] < b[0] ? -1 : 1));
for (const [k, v] of pairs) out[k] = v;
// Values that describe the oracle's own launch, not Redis's defaults.
out['port'] = '6379';
out['unixsocket'] = '';
out['dir'] = '';
out['save'] = '3600 1 300 100 60 10000';
out['loglevel'] = 'notice';
fs.writeFileSync(new URL('../src/core/config-defaults.json', import.meta.url), JSON.stringify(out, null, 1) + '\n');
console.log(`${pairs.length} parameters`);
c.close();
await oracle.stop();
