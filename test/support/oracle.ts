import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';

/** Path of the real redis-server binary, or null when it is not installed. */
export function redisServerPath(): string | null {
  const r = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return r.status === 0 && p ? p : null;
}

export interface Oracle {
  /** Unix socket path the real server listens on. */
  socket: string;
  stop(): Promise<void>;
}

/**
 * Starts a private real redis-server (no TCP port, a unix socket in a temp dir, no
 * persistence). Extra config lines can be passed as `--name value` pairs.
 */
export async function startOracle(extra: string[] = []): Promise<Oracle> {
  const bin = redisServerPath();
  if (!bin) throw new Error('redis-server is not installed');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-oracle-'));
  const socket = path.join(dir, 'redis.sock');
  const child: ChildProcess = spawn(
    bin,
    ['--port', '0', '--unixsocket', socket, '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning', ...extra],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 5000;
  for (;;) {
    if (await canConnect(socket)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('redis-server did not start');
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return {
    socket,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGKILL');
      }),
  };
}

/** True when something accepts connections on the unix socket. */
export function canConnect(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(socket);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
