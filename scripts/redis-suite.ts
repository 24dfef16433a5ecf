/**
 * Redis 7.0.15's own test suite against redmoon (npm run test:redis-suite).
 *
 *   npm run test:redis-suite -- [options]
 *     --mode normal|external|both   normal: the framework starts our server itself (default both)
 *     --server redmoon|redis|both   redis = the real /usr/bin/redis-server, for baselines (default redmoon)
 *     --single unit/x               one file (repeatable); default: every file of the default list
 *     --ci                          the files `npm test` runs (test/redis-suite/files.ts)
 *     --tags "-a -b"                runtest tags (default: -repl -needs:repl -cluster -modules)
 *     --timeout S                   per-file limit in seconds (default 600)
 *     --fetch                       only fetch the tests tree (apt-get source redis) and write the shims
 *     --table                       print README's table from the recorded results and exit
 *     -- ...                        anything after a second -- goes to runtest (--only, --skiptest...)
 *
 * Files run one at a time; logs and results go under the cache directory (scripts/redis-suite/tree.ts),
 * results merged per file into results/<mode>-<server>.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fetchSuite, distEntry, suiteDir } from './redis-suite/tree.ts';
import { DEFAULT_DENY_TAGS, DEFAULT_FILES, runFile, type FileResult, type Mode } from './redis-suite/runner.ts';
import { CI_FILES } from '../test/redis-suite/files.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Args {
  modes: Mode[];
  servers: string[];
  files: string[];
  tags: string[];
  timeout: number;
  fetchOnly: boolean;
  table: boolean;
  extra: string[];
}

function parseArgs(argv: string[]): Args {
  const a: Args = { modes: ['normal', 'external'], servers: ['redmoon'], files: [], tags: DEFAULT_DENY_TAGS, timeout: 600, fetchOnly: false, table: false, extra: [] };
  for (let i = 0; i < argv.length; i++) {
    const o = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${o} needs a value`);
      return argv[++i];
    };
    if (o === '--mode') {
      const v = val();
      a.modes = v === 'both' ? ['normal', 'external'] : [v as Mode];
    } else if (o === '--server') {
      const v = val();
      a.servers = v === 'both' ? ['redis', 'redmoon'] : [v];
    } else if (o === '--single') a.files.push(val());
    else if (o === '--ci') a.files.push(...CI_FILES);
    else if (o === '--tags') a.tags = val().split(/\s+/).filter(Boolean);
    else if (o === '--timeout') a.timeout = Number(val());
    else if (o === '--fetch') a.fetchOnly = true;
    else if (o === '--table') a.table = true;
    else if (o === '--') {
      a.extra = argv.slice(i + 1);
      break;
    } else throw new Error(`unknown option ${o}`);
  }
  for (const m of a.modes) if (m !== 'normal' && m !== 'external') throw new Error(`bad --mode ${m}`);
  for (const s of a.servers) if (s !== 'redis' && s !== 'redmoon') throw new Error(`bad --server ${s}`);
  if (a.files.length === 0) a.files = DEFAULT_FILES;
  return a;
}

type Results = Record<string, FileResult>;

function resultsPath(dir: string, mode: Mode, server: string): string {
  return path.join(dir, 'results', `${mode}-${server}.json`);
}

function loadResults(dir: string, mode: Mode, server: string): Results {
  const p = resultsPath(dir, mode, server);
  return fs.existsSync(p) ? (JSON.parse(fs.readFileSync(p, 'utf8')) as Results) : {};
}

function saveResult(dir: string, mode: Mode, server: string, r: FileResult): void {
  const all = loadResults(dir, mode, server);
  all[r.file] = r;
  const p = resultsPath(dir, mode, server);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, JSON.stringify(all, null, 1) + '\n');
}

function cell(r: FileResult | undefined): string {
  if (!r) return '';
  let s = `${r.ok}/${r.ok + r.err}`;
  if (r.timedOut) s += ' (timeout)';
  else if (r.exception) s += ' (aborted)';
  return s;
}

/** README's table: per file, passing/run tests for real Redis and redmoon in each mode. */
function printTable(dir: string): void {
  const res = {
    nr: loadResults(dir, 'normal', 'redis'),
    nm: loadResults(dir, 'normal', 'redmoon'),
    er: loadResults(dir, 'external', 'redis'),
    em: loadResults(dir, 'external', 'redmoon'),
  };
  const files = DEFAULT_FILES.filter((f) => Object.values(res).some((r) => r[f]));
  console.log('| file | normal: Redis | normal: redmoon | external: Redis | external: redmoon |');
  console.log('|---|---:|---:|---:|---:|');
  const tot = { nr: [0, 0], nm: [0, 0], er: [0, 0], em: [0, 0] } as Record<keyof typeof res, number[]>;
  for (const f of files) {
    const row = [f];
    for (const k of ['nr', 'nm', 'er', 'em'] as const) {
      const r = res[k][f];
      row.push(cell(r));
      if (r) {
        tot[k][0] += r.ok;
        tot[k][1] += r.ok + r.err;
      }
    }
    console.log(`| ${row.join(' | ')} |`);
  }
  console.log(`| **total** | ${(['nr', 'nm', 'er', 'em'] as const).map((k) => `${tot[k][0]}/${tot[k][1]}`).join(' | ')} |`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = suiteDir();
  if (args.table) return printTable(dir);
  fetchSuite(repo, dir);
  if (args.fetchOnly) return;
  if (args.servers.includes('redmoon')) execFileSync('npm', ['run', 'build', '--silent'], { cwd: repo, stdio: 'inherit' });
  const entry = distEntry(repo);
  let failures = 0;
  for (const mode of args.modes) {
    for (const server of args.servers) {
      const bin = server === 'redis' ? '/usr/bin/redis-server' : 'redmoon';
      console.log(`\n== ${mode} mode, ${server}`);
      for (const file of args.files) {
        const logFile = path.join(dir, 'logs', `${mode}-${server}`, `${file.replace(/\//g, '_')}.log`);
        const r = await runFile({ dir, file, mode, server: bin, entry, logFile, tags: args.tags, timeoutSec: args.timeout, extraArgs: args.extra });
        saveResult(dir, mode, server, r);
        const bad = r.err > 0 || r.exception || r.timedOut;
        if (bad) failures++;
        const flag = r.timedOut ? ' TIMEOUT' : r.exception ? ' ABORTED' : '';
        console.log(`${bad ? 'FAIL' : 'pass'} ${file.padEnd(42)} ${String(r.ok).padStart(4)} ok ${String(r.err).padStart(3)} err ${String(r.skipped).padStart(3)} skipped ${String(r.seconds).padStart(5)}s${flag}`);
        for (const f of r.failed.slice(0, 20)) console.log(`       - ${f}`);
        if (bad) console.log(`       log: ${logFile}`);
      }
    }
  }
  process.exitCode = failures === 0 ? 0 : 1;
}

main().catch((e) => {
  console.error(`redis-suite: ${(e as Error).message}`);
  process.exit(2);
});
