import type { ChildProcess } from 'node:child_process';

export interface Startup {
  port: number;
  /** everything the process printed so far, stdout and stderr together */
  log: () => string;
  exit: Promise<number | null>;
}

/** The process ended before it printed its ready line. */
export class ExitedBeforeReady extends Error {
  constructor(
    readonly code: number | null,
    readonly log: string,
  ) {
    super(`exited ${code}: ${log}`);
  }
}

/**
 * Waits for a started CLI's "Ready to accept connections tcp on host:port" line (on stdout or
 * stderr) and resolves with that port; rejects with ExitedBeforeReady if the process ends
 * first, or after timeoutMs.
 */
export function waitReady(child: ChildProcess, timeoutMs = 60_000): Promise<Startup> {
  let log = '';
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ready line: ${log}`)), timeoutMs);
    const onData = (d: Buffer) => {
      log += d.toString('latin1');
      const m = /Ready to accept connections tcp on [^\s]+:(\d+)/.exec(log);
      if (m) {
        clearTimeout(t);
        resolve({ port: Number(m[1]), log: () => log, exit });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exit.then((code) => {
      clearTimeout(t);
      reject(new ExitedBeforeReady(code, log));
    });
  });
}
