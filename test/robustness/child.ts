import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A redmoon child process; `log` collects its stderr (warnings such as internal errors). */
export class ChildServer {
  log = '';
  exited: number | string | null = null;
  private constructor(readonly proc: ChildProcess, readonly port: number) {}

  /** `nodeArgs` go to node itself (e.g. --max-old-space-size=64). */
  static start(config: Record<string, string> = {}, nodeArgs: string[] = []): Promise<ChildServer> {
    const script = fileURLToPath(new URL('./child-server.ts', import.meta.url));
    const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script, JSON.stringify(config)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new Promise((resolve, reject) => {
      let out = '';
      let child: ChildServer | null = null;
      const early: string[] = [];
      proc.stderr!.on('data', (d: Buffer) => {
        if (child) child.log += d.toString('latin1');
        else early.push(d.toString('latin1'));
      });
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /PORT (\d+)/.exec(out);
        if (m && !child) {
          child = new ChildServer(proc, Number(m[1]));
          child.log = early.join('');
          proc.on('exit', (code, sig) => {
            child!.exited = code ?? sig;
          });
          resolve(child);
        }
      });
      proc.once('exit', (code) => {
        if (!child) reject(new Error(`child server exited (${code}): ${early.join('')}`));
      });
    });
  }

  stop(): void {
    if (this.exited === null) this.proc.kill('SIGKILL');
  }
}
