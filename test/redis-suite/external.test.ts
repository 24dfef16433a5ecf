/**
 * Redis 7.0.15's own test suite, external mode (`runtest --host --port`), against an in-process
 * redmoon: the files of files.ts, each against a fresh server. The tests tree comes from the
 * cache `npm run test:redis-suite -- --fetch` fills (CI's .ci/run does); nothing is fetched here.
 */
import { describe, test, expect, beforeEach, afterEach } from 'vitest';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { suiteDir, suitePresent } from '../../scripts/redis-suite/tree.ts';
import { runFile } from '../../scripts/redis-suite/runner.ts';
import { startServer, type RunningServer } from '../../src/index.ts';
import { CI_FILES } from './files.ts';

const dir = suiteDir();
const hasTcl = spawnSync('sh', ['-c', 'command -v tclsh'], { encoding: 'utf8' }).status === 0;
const reason = CI_FILES.length === 0
  ? 'no files listed in test/redis-suite/files.ts'
  : !suitePresent(dir)
  ? `no Redis tests tree in ${dir} (npm run test:redis-suite -- --fetch)`
  : !hasTcl
    ? 'tclsh is not installed (apt-get install tcl)'
    : null;
if (reason) console.log(`Redis suite (external mode) skipped: ${reason}`);

describe.skipIf(reason !== null)('Redis 7.0.15 test suite, external mode, against redmoon', () => {
  let server: RunningServer;
  beforeEach(async () => {
    // As Redis's CI starts its external server: debug and protected configs allowed, no saving.
    server = await startServer({
      port: 0,
      log: () => {},
      config: { 'enable-debug-command': 'yes', 'enable-protected-configs': 'yes', 'enable-module-command': 'yes', save: '' },
    });
  });
  afterEach(async () => {
    await server.close();
  });

  for (const file of CI_FILES) {
    test(
      file,
      async () => {
        const logFile = path.join(os.tmpdir(), `redmoon-suite-ci-${process.pid}`, `${file.replace(/\//g, '_')}.log`);
        const r = await runFile({
          dir,
          file,
          mode: 'external',
          server: 'redmoon',
          entry: '',
          logFile,
          timeoutSec: 600,
          external: { host: '127.0.0.1', port: server.port },
        });
        expect({ failed: r.failed, timedOut: r.timedOut, log: r.failed.length || r.timedOut ? logFile : '' }).toEqual({ failed: [], timedOut: false, log: '' });
        expect(r.ok).toBeGreaterThan(0);
      },
      720_000,
    );
  }
});
