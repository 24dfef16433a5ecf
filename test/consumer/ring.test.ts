/**
 * The consumer ring: the package as users get it. `npm pack` makes the tarball, one scratch
 * project under os.tmpdir() installs it with ioredis, node-redis and the test runners from
 * the registry (one install, npm's own cache), and the seed files of test/consumer/fixture
 * run there under vitest, Jest (CommonJS and ESM), mocha and node:test, each with and without
 * fake timers, plus a strict tsc (skipLibCheck false, noUncheckedIndexedAccess) over our
 * declarations. Skipped, with the reason printed, only when the registry cannot be reached.
 */
import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURE = path.join(import.meta.dirname, 'fixture');
const MINUTES = 60_000;
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command without blocking the worker (vitest's RPC must keep flowing meanwhile). */
function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, timeout = 5 * MINUTES): Promise<Ran> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    p.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeout);
    p.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

function ok(r: Ran): string {
  const out = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
  expect(r.status, out.slice(-4000)).toBe(0);
  return out;
}

const reachable = await run(NPM, ['view', 'ioredis', 'version'], ROOT, {}, MINUTES);
const skipReason = reachable.status === 0 ? null : `npm registry unreachable: ${(reachable.stderr ?? '').trim().split('\n').pop()}`;
if (skipReason !== null) console.log(`consumer ring skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('consumer ring: the packed tarball in scratch projects', () => {
  let dir = '';
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-consumer-'));
    // the package exactly as `npm pack` builds it (prepare runs scripts/build.mjs)
    const packed = ok(await run(NPM, ['pack', '--pack-destination', dir], ROOT, {}, 10 * MINUTES));
    const tarball = fs.readdirSync(dir).find((f) => f.endsWith('.tgz'));
    expect(tarball, packed).toBeDefined();
    for (const f of fs.readdirSync(FIXTURE)) fs.copyFileSync(path.join(FIXTURE, f), path.join(dir, f));
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({
        name: 'redmoon-consumer',
        private: true,
        jest: { testEnvironment: 'node', testMatch: ['**/jest.test.*'], transform: {} },
      }),
    );
    ok(
      await run(
        NPM,
        ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', `./${tarball}`, 'ioredis@5', 'redis@5', 'vitest@3', 'jest@29', 'mocha@11', 'sinon@21', 'typescript@5.9', '@types/node@20'],
        dir,
        {},
        10 * MINUTES,
      ),
    );
  }, 20 * MINUTES);
  // (removing the scratch project's node_modules takes a while on a busy machine)
  afterAll(() => {
    if (dir !== '') fs.rmSync(dir, { recursive: true, force: true });
  }, 5 * MINUTES);

  test('installs only what runs: fengari beside the package, no TypeScript sources, no tests', async () => {
    const pkgDir = path.join(dir, 'node_modules', 'redmoon');
    const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.dependencies)).toEqual(['fengari']);
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else files.push(path.relative(pkgDir, path.join(d, e.name)));
      }
    };
    walk(pkgDir);
    expect(files.filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('test') || f.startsWith('src'))).toEqual([]);
    expect(files).toContain('LICENSE');
    expect(fs.existsSync(path.join(dir, 'node_modules', 'tsx'))).toBe(false);
  }, 5 * MINUTES);

  test('plain node: import and require', async () => {
    const esm = "import { startServer } from 'redmoon'; const s = await startServer({ port: 0 }); console.log(typeof s.time.now()); await s.close();";
    expect(ok(await run(process.execPath, ['--input-type=module', '-e', esm], dir))).toContain('number');
    const cjs = "require('redmoon').startServer({ port: 0 }).then(async (s) => { console.log(s.url.startsWith('redis://')); await s.close(); });";
    expect(ok(await run(process.execPath, ['-e', cjs], dir))).toContain('true');
  }, 5 * MINUTES);

  test('the installed bin serves', async () => {
    const script = `
      const { spawn } = require('node:child_process');
      const net = require('node:net');
      const p = spawn('node_modules/.bin/redmoon', ['--port', '0', '--save', ''], { stdio: ['ignore', 'pipe', 'inherit'] });
      let log = '';
      p.stdout.on('data', (d) => {
        log += d;
        const m = /Ready to accept connections tcp on [^\\s]+:(\\d+)/.exec(log);
        if (!m) return;
        const s = net.connect(Number(m[1]), '127.0.0.1', () => s.write('PING\\r\\n'));
        s.on('error', () => {});
        s.on('data', (r) => { console.log(String(r).trim()); s.destroy(); p.kill('SIGTERM'); });
      });`;
    expect(ok(await run(process.execPath, ['-e', script], dir, {}, 2 * MINUTES))).toContain('+PONG');
  }, 5 * MINUTES);

  test('vitest, with and without fake timers', async () => {
    ok(await run(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'vitest.test.mjs'], dir));
  }, 5 * MINUTES);

  test('Jest (CommonJS): real, modern and legacy fake timers', async () => {
    ok(await run(process.execPath, ['node_modules/jest/bin/jest.js', 'jest.test.cjs'], dir));
  }, 5 * MINUTES);

  test('Jest (ESM), with and without fake timers', async () => {
    ok(await run(process.execPath, ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', 'jest.test.mjs'], dir));
  }, 5 * MINUTES);

  test('mocha with sinon fake timers', async () => {
    ok(await run(process.execPath, ['node_modules/mocha/bin/mocha.js', 'mocha.spec.cjs'], dir));
  }, 5 * MINUTES);

  test('node:test with mock.timers', async () => {
    ok(await run(process.execPath, ['--test', 'node.test.mjs'], dir));
  }, 5 * MINUTES);

  test('strict tsc with skipLibCheck false type-checks against our declarations', async () => {
    ok(await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], dir));
    // and it does check them: a misuse is reported
    fs.writeFileSync(path.join(dir, 'bad.mts'), "import { startServer } from 'redmoon';\nconst s = await startServer({ port: 0 });\nconst n: string = s.time.now();\nexport { n };\n");
    const r = await run(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '--strict', '--module', 'nodenext', '--skipLibCheck', 'false', 'bad.mts'], dir);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain("Type 'number' is not assignable to type 'string'");
  }, 5 * MINUTES);
});
