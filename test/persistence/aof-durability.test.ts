import { describe, test, expect } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RawClient } from '../support/raw-client.ts';
import { tempDir } from './aof-support.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TSX_LOADER = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * redmoon's CLI as its own process, so it can be killed with SIGKILL. node runs the server
 * itself (no tsx wrapper, and a heap size given, so the CLI does not run itself again):
 * the SIGKILL must reach the process that serves, or it would outlive the test.
 */
async function startCli(dir: string, port: number, fsync: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--max-old-space-size=1024', '--import', TSX_LOADER, path.join(ROOT, 'src/cli.ts'), '--port', String(port), '--dir', dir, '--appendonly', 'yes', '--appendfsync', fsync, '--save', ''],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 60000;
  for (;;) {
    try {
      const c = await RawClient.connect(port);
      c.close();
      return child;
    } catch {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error('redmoon did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/**
 * kill -9 in the middle of a write load: four connections write as fast as they are
 * answered; the process is killed while they do, then restarted on the same directory.
 */
async function killDuringLoad(fsync: string): Promise<{ acked: { key: string; at: number }[]; killedAt: number; present: Set<string> }> {
  const dir = tempDir(`aof-kill-${fsync}`);
  const port = await freePort();
  const child = await startCli(dir, port, fsync);
  const acked: { key: string; at: number }[] = [];
  let stop = false;
  const writer = async (w: number) => {
    const c = await RawClient.connect(port);
    for (let i = 0; !stop && i < 1_000_000; i++) {
      const key = `k:${w}:${i}`;
      let r: string;
      try {
        r = await c.call('SET', key, String(i));
      } catch {
        break;
      }
      if (r !== '+OK\r\n') break;
      acked.push({ key, at: Date.now() });
    }
    c.close();
  };
  const writers = [0, 1, 2, 3].map(writer);
  // bounded: stop after enough writes or enough time, whichever first
  const t0 = Date.now();
  while (acked.length < 3000 && Date.now() - t0 < 8000) await new Promise((r) => setTimeout(r, 50));
  const killedAt = Date.now();
  await killed(child);
  stop = true;
  await Promise.all(writers);
  const again = await startCli(dir, port, fsync);
  const c = await RawClient.connect(port);
  const present = new Set<string>();
  for (let i = 0; i < acked.length; i += 500) {
    const keys = acked.slice(i, i + 500).map((a) => a.key);
    const raw = await c.call('MGET', ...keys);
    const values = raw.split('\r\n');
    // *N, then $len / value pairs or $-1 per key
    let j = 1;
    for (const k of keys) {
      if (values[j] === '$-1') j += 1;
      else {
        present.add(k);
        j += 2;
      }
    }
  }
  c.close();
  await killed(again);
  fs.rmSync(dir, { recursive: true, force: true });
  return { acked, killedAt, present };
}

describe('durability: SIGKILL during a write load', () => {
  test('appendfsync always: every acknowledged write is there after restart', async () => {
    const { acked, present } = await killDuringLoad('always');
    expect(acked.length).toBeGreaterThan(100);
    const missing = acked.filter((a) => !present.has(a.key));
    expect(missing).toEqual([]);
  }, 180000);

  test('appendfsync everysec: at most about one second of acknowledged writes is lost', async () => {
    const { acked, killedAt, present } = await killDuringLoad('everysec');
    expect(acked.length).toBeGreaterThan(100);
    const lostEarly = acked.filter((a) => !present.has(a.key) && a.at < killedAt - 1500);
    expect(lostEarly).toEqual([]);
  }, 180000);
});
