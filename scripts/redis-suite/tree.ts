/**
 * Redis 7.0.15's own Tcl test suite, kept in a cache outside the repository: the `tests/`
 * directory and `runtest` from Debian's source package (`apt-get source redis`), plus a `src/`
 * of our own where `redis-server` is a shim that starts redmoon (or, for baselines, the real
 * redis-server) and redis-cli, redis-benchmark and redis-check-* are Debian's redis-tools.
 * Nothing of Redis's is ever copied into the project.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

export const REDIS_VERSION = '7.0.15';

/** Where the tests tree lives: $REDMOON_REDIS_TESTS, else $XDG_CACHE_HOME (or ~/.cache)/redmoon/redis-7.0.15. */
export function suiteDir(): string {
  if (process.env.REDMOON_REDIS_TESTS) return path.resolve(process.env.REDMOON_REDIS_TESTS);
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'redmoon', `redis-${REDIS_VERSION}`);
}

/** True when the cached tree has the test framework and our src/ shims. */
export function suitePresent(dir = suiteDir()): boolean {
  return fs.existsSync(path.join(dir, 'tests', 'test_helper.tcl')) && fs.existsSync(path.join(dir, 'src', 'redis-server'));
}

/** Absolute path of the bundled server the shim starts by default. */
export function distEntry(repo: string): string {
  return path.join(repo, 'dist', 'cli.cjs');
}

function run(cmd: string, args: string[], cwd?: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return null;
}

const DEB_SRC_FILE = '/etc/apt/sources.list.d/redmoon-deb-src.sources';

/** Does apt know any deb-src entry (one-line or deb822 style)? */
function hasDebSrc(): boolean {
  const files = ['/etc/apt/sources.list'];
  const d = '/etc/apt/sources.list.d';
  if (fs.existsSync(d)) for (const f of fs.readdirSync(d)) files.push(path.join(d, f));
  for (const f of files) {
    if (!/\.(list|sources)$/.test(f) || !fs.existsSync(f)) continue;
    const text = fs.readFileSync(f, 'utf8');
    if (/^\s*deb-src\s/m.test(text) || /^Types:.*\bdeb-src\b/m.test(text)) return true;
  }
  return false;
}

/**
 * Adds deb-src entries mirroring the deb ones (same URIs, suites and components), so
 * `apt-get source` fetches the same Debian release's source package as the installed binaries.
 */
function addDebSrc(): void {
  const d = '/etc/apt/sources.list.d';
  const stanzas: string[] = [];
  const files = ['/etc/apt/sources.list', ...(fs.existsSync(d) ? fs.readdirSync(d).map((f) => path.join(d, f)) : [])];
  for (const f of files) {
    if (!fs.existsSync(f)) continue;
    const text = fs.readFileSync(f, 'utf8');
    if (f.endsWith('.sources')) {
      for (const block of text.split(/\n\s*\n/)) {
        if (!/^Types:.*\bdeb\b/m.test(block) || !/debian/.test(block)) continue;
        stanzas.push(
          block
            .split('\n')
            .filter((l) => !l.startsWith('#'))
            .map((l) => (l.startsWith('Types:') ? 'Types: deb-src' : l))
            .join('\n'),
        );
      }
    } else if (f.endsWith('.list')) {
      for (const line of text.split('\n')) {
        const m = /^\s*deb\s+(.*debian.*)$/.exec(line);
        if (m) stanzas.push(`deb-src ${m[1]}`);
      }
    }
  }
  if (stanzas.length === 0) throw new Error('no Debian apt source found to mirror as deb-src');
  const oneLine = stanzas.every((s) => s.startsWith('deb-src '));
  const target = oneLine ? DEB_SRC_FILE.replace(/\.sources$/, '.list') : DEB_SRC_FILE;
  fs.writeFileSync(target, stanzas.join(oneLine ? '\n' : '\n\n') + '\n');
  console.log(`redis-suite: added deb-src entries in ${target}`);
}

/** The installed redis-server's Debian version (e.g. 5:7.0.15-1~deb12u10), if any. */
function installedRedisVersion(): string | null {
  try {
    const v = run('dpkg-query', ['-W', '-f=${Version}', 'redis-server']).trim();
    return v || null;
  } catch {
    return null;
  }
}

const SHIM = `#!/bin/sh
# Stand-in for Redis's src/redis-server, written by redmoon's scripts/redis-suite: starts
# redmoon's bundle ($REDMOON_SUITE_ENTRY), or the binary in $REDMOON_SUITE_SERVER_BIN for
# baselines against real Redis. exec keeps the PID the test framework looks for in the log;
# an explicit heap size keeps redmoon from re-running itself in a child with another PID.
if [ -n "$REDMOON_SUITE_SERVER_BIN" ]; then exec "$REDMOON_SUITE_SERVER_BIN" "$@"; fi
# the process title's {title}, as Redis's is the name it was started under; a title can only
# be as long as node's own command line (Redis's setproctitle also takes the environment's
# room), hence the padded --title
export REDMOON_ARGV0="$0"
exec "\${REDMOON_SUITE_NODE:-__NODE__}" "--title=__TITLE__" --max-old-space-size=__HEAP__ "\${REDMOON_SUITE_ENTRY:-__ENTRY__}" "$@"
`;

/** The heap redmoon's CLI would size itself (src/heap-size.ts): three quarters of the machine's memory, in MB. */
export function suiteHeapMb(): number {
  return Math.floor((os.totalmem() * 0.75) / 2 ** 20);
}

/** (Re)writes src/ in the tree: the redis-server shim and links to Debian's tools. */
export function writeShims(dir: string, repo: string): void {
  const src = path.join(dir, 'src');
  fs.mkdirSync(src, { recursive: true });
  const shim = SHIM.replace('__NODE__', process.execPath).replace('__ENTRY__', distEntry(repo)).replace('__HEAP__', String(suiteHeapMb())).replace('__TITLE__', 'redis-server'.padEnd(300));
  const shimPath = path.join(src, 'redis-server');
  if (!fs.existsSync(shimPath) || fs.readFileSync(shimPath, 'utf8') !== shim) {
    fs.writeFileSync(shimPath + '.tmp', shim, { mode: 0o755 });
    fs.renameSync(shimPath + '.tmp', shimPath);
  }
  for (const tool of ['redis-cli', 'redis-benchmark', 'redis-check-aof', 'redis-check-rdb']) {
    const target = which(tool) ?? `/usr/bin/${tool}`;
    const link = path.join(src, tool);
    try {
      if (fs.readlinkSync(link) === target) continue;
      fs.unlinkSync(link);
    } catch {
      /* absent */
    }
    fs.symlinkSync(target, link);
  }
}

/**
 * Makes sure the cached tree exists: apt-get source redis (adding deb-src entries and running
 * apt-get update when needed), then keeps only runtest and tests/ and writes the shims.
 */
export function fetchSuite(repo: string, dir = suiteDir()): string {
  if (fs.existsSync(path.join(dir, 'tests', 'test_helper.tcl'))) {
    writeShims(dir, repo);
    return dir;
  }
  if (!which('apt-get')) throw new Error('apt-get not found: fetch Redis 7.0.15 tests/ by hand into ' + dir);
  if (!which('dpkg-source')) throw new Error('dpkg-source not found (apt-get install dpkg-dev)');
  const isRoot = process.getuid?.() === 0;
  if (!hasDebSrc()) {
    if (!isRoot) throw new Error('no deb-src entry in the apt sources, and not root to add one');
    addDebSrc();
    run('apt-get', ['update']);
  }
  const version = installedRedisVersion();
  const spec = version && version.includes(REDIS_VERSION) ? `redis=${version}` : 'redis';
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-redis-src-'));
  try {
    fs.chmodSync(tmp, 0o755); // apt's _apt user downloads into it
    try {
      run('apt-get', ['source', '-q', spec], tmp);
    } catch (e) {
      if (!isRoot) throw e;
      run('apt-get', ['update']);
      run('apt-get', ['source', '-q', spec], tmp);
    }
    const extracted = fs
      .readdirSync(tmp)
      .map((f) => path.join(tmp, f))
      .find((p) => fs.statSync(p).isDirectory() && fs.existsSync(path.join(p, 'tests', 'test_helper.tcl')));
    if (!extracted) throw new Error('apt-get source redis gave no tests/ directory');
    const versionH = fs.readFileSync(path.join(extracted, 'src', 'version.h'), 'utf8');
    if (!versionH.includes(`"${REDIS_VERSION}"`)) throw new Error(`source package is not Redis ${REDIS_VERSION}: ${versionH.trim()}`);
    const staging = dir + '.partial';
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    fs.cpSync(path.join(extracted, 'tests'), path.join(staging, 'tests'), { recursive: true });
    fs.cpSync(path.join(extracted, 'runtest'), path.join(staging, 'runtest'));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(staging, dir);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  writeShims(dir, repo);
  console.log(`redis-suite: Redis ${REDIS_VERSION} tests in ${dir}`);
  return dir;
}
