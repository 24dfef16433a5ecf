/**
 * The child process of a background save or AOF rewrite: the process Redis forks, as far as
 * anyone outside can tell. It has its own pid (`pgrep -P`, `ps`), writes the file under a
 * name made of that pid, and can be killed; a save whose child dies fails as Redis's does.
 *
 * Node cannot fork its heap, so the parent keeps taking the point-in-time snapshot (the
 * copy-on-write walk of bgsave.ts) and streams the bytes down a pipe; the child writes them
 * to `temp-<pid>…`, fsyncs, and renames the file into place only once the parent has
 * vouched for the whole stream. The stream ends with an 8-byte little-endian count of the
 * bytes before it: a stream cut short (the parent killed mid-save) cannot end with its own
 * length, so the child then removes its temp file instead of renaming a partial one.
 */
import type { ChildProcess } from 'node:child_process';
import { nodeChildProcess } from '../util/lazy-node.ts';
import fs from 'node:fs';
import path from 'node:path';
import { strerror } from '../util/strerror.ts';

/** The child's program (CommonJS, run with `node -e`): argv = dir, temp name, final name, title. */
const CHILD_PROGRAM = String.raw`
const fs = require('fs'), path = require('path');
const [dir, tempPattern, finalPattern, title] = process.argv.slice(1);
try { process.title = title; } catch {}
const name = (p) => path.resolve(dir, p.split('%d').join(String(process.pid)));
const tmp = name(tempPattern), dest = name(finalPattern);
let fd = -1, written = 0, held = Buffer.alloc(0);
const fail = (msg) => {
  try { if (fd !== -1) fs.closeSync(fd); } catch {}
  try { fs.unlinkSync(tmp); } catch {}
  if (msg) process.stdout.write(msg + '\n');
  process.exit(1);
};
const why = (e) => (e && e.code && ({ ENOENT: 'No such file or directory', EACCES: 'Permission denied', ENOSPC: 'No space left on device', EISDIR: 'Is a directory', EROFS: 'Read-only file system', ENOTDIR: 'Not a directory' })[e.code]) || String(e && e.message);
try { fd = fs.openSync(tmp, 'w', 0o644); } catch (e) { fail('open ' + why(e)); }
const writeAll = (b) => { let off = 0; while (off < b.length) off += fs.writeSync(fd, b, off, b.length - off); };
process.stdin.on('data', (chunk) => {
  try {
    const all = held.length === 0 ? chunk : Buffer.concat([held, chunk]);
    const n = all.length - 8;
    if (n > 0) { writeAll(all.subarray(0, n)); written += n; held = Buffer.from(all.subarray(n)); }
    else held = Buffer.from(all);
  } catch (e) { fail('write ' + why(e)); }
});
process.stdin.on('end', () => {
  if (held.length !== 8 || Number(held.readBigUInt64LE(0)) !== written) fail('');
  try { fs.fsyncSync(fd); fs.closeSync(fd); fd = -1; } catch (e) { fail('write ' + why(e)); }
  try { fs.renameSync(tmp, dest); } catch (e) { fail('rename ' + why(e)); }
  process.exit(0);
});
process.stdin.on('error', () => fail(''));
`;

/** Where the child writes: `%d` in either name stands for the child's pid. */
export interface ChildTarget {
  dir: string;
  /** The file being written, e.g. `temp-%d.rdb`. */
  tempName: string;
  /** What it is renamed to once complete (relative to dir, or absolute). */
  finalName: string;
  /** The child's process title, as Redis names its children (redis-rdb-bgsave). */
  title: string;
}

/** How the child ended: an exit code, or the signal that killed it. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** What the child reported before failing ("write <reason>", "rename <reason>"), if anything. */
  message: string;
}

/** How much written data may wait for the child before the walk waits for it. */
const BUFFERED_BYTES = 8 << 20;

/** Signal numbers as Linux numbers them, for "terminated by signal N" lines. */
const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9,
  SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15,
};

export function signalNumber(sig: NodeJS.Signals): number {
  return SIGNAL_NUMBERS[sig] ?? 0;
}

/** What a background save streams its file to: a child process, or (without one) itself. */
export interface SaveSink {
  readonly pid: number;
  readonly tempPath: string;
  readonly finalPath: string;
  /** Resolves once the writer is done, committed or not (never rejects). */
  readonly exited: Promise<ChildExit>;
  /** Sends file bytes; resolves when more can be sent. False once the writer is gone. */
  write(chunk: Buffer): Promise<boolean>;
  /** The stream is complete: fsync and rename into place. */
  commit(): void;
  /** Stops at once and removes the temp file. */
  kill(): void;
}

export class SaveChild implements SaveSink {
  readonly pid: number;
  /** The temp file's path (named after the child's pid). */
  readonly tempPath: string;
  /** The final file's path. */
  readonly finalPath: string;
  /** Resolves once the child has exited (never rejects). */
  readonly exited: Promise<ChildExit>;
  exit: ChildExit | null = null;
  private readonly proc: ChildProcess;
  private readonly stdin: NodeJS.WritableStream;
  private bytes = 0;
  private broken = false;

  private constructor(proc: ChildProcess, target: ChildTarget) {
    this.proc = proc;
    this.pid = proc.pid as number;
    const name = (p: string) => path.resolve(target.dir, p.split('%d').join(String(this.pid)));
    this.tempPath = name(target.tempName);
    this.finalPath = name(target.finalName);
    this.stdin = proc.stdin as NodeJS.WritableStream;
    // a dead child makes writes fail with EPIPE; its exit is what reports the failure
    this.stdin.on('error', () => {
      this.broken = true;
    });
    let message = '';
    proc.stdout?.setEncoding('latin1');
    proc.stdout?.on('data', (s: string) => {
      message += s;
    });
    this.exited = new Promise<ChildExit>((resolve) => {
      proc.on('exit', (code, signal) => {
        this.broken = true;
        // the child's last words may still be in the pipe when it exits
        const done = () => {
          this.exit = { code, signal, message: message.trim() };
          resolve(this.exit);
        };
        if (proc.stdout !== null && !proc.stdout.readableEnded) proc.stdout.once('close', done);
        else done();
      });
    });
    try {
      // the file exists from the start, as the forked child's does, even while node starts up
      fs.closeSync(fs.openSync(this.tempPath, 'w', 0o644));
    } catch {
      /* the child reports it */
    }
  }

  /** Starts a child writing to `target`; null when no child process can be started here. */
  static start(target: ChildTarget): SaveChild | null {
    let proc: ChildProcess;
    try {
      proc = nodeChildProcess().spawn(process.execPath, ['-e', CHILD_PROGRAM, target.dir, target.tempName, target.finalName, target.title], {
        stdio: ['pipe', 'pipe', 'ignore'],
        // a runtime other than node (an embedder's) would not run the program
        env: { ...process.env, NODE_OPTIONS: '' },
      });
    } catch {
      return null;
    }
    if (proc.pid === undefined) {
      proc.on('error', () => {});
      return null;
    }
    proc.on('error', () => {});
    return new SaveChild(proc, target);
  }

  /** Sends file bytes; resolves when the pipe can take more. False once the child is gone. */
  async write(chunk: Buffer): Promise<boolean> {
    if (this.broken) return false;
    this.bytes += chunk.length;
    this.stdin.write(chunk);
    // a pipe holds 64 KB: waiting for it to drain after each chunk would pace the walk by
    // the child's reads, so up to a few MB wait in the stream's buffer instead
    if ((this.stdin as NodeJS.WritableStream & { writableLength: number }).writableLength < BUFFERED_BYTES) return true;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.stdin.off('drain', done);
        this.proc.off('exit', done);
        resolve();
      };
      this.stdin.on('drain', done);
      this.proc.on('exit', done);
    });
    return !this.broken;
  }

  /** Vouches for the stream (its length) and closes it: the child then fsyncs and renames. */
  commit(): void {
    if (this.broken) return;
    const trailer = Buffer.alloc(8);
    trailer.writeBigUInt64LE(BigInt(this.bytes));
    this.stdin.end(trailer);
  }

  /** Stops the child at once and removes its temp file (killRDBChild, rdbRemoveTempFile). */
  kill(): void {
    this.broken = true;
    if (this.exit === null) this.proc.kill('SIGKILL');
    try {
      fs.unlinkSync(this.tempPath);
    } catch {
      /* never created, or already gone */
    }
  }
}

/**
 * The fallback when no child process can be started (a runtime whose executable is not
 * node): the same job done by the server itself, under its own pid.
 */
export class InProcessWriter implements SaveSink {
  readonly pid = process.pid;
  readonly tempPath: string;
  readonly finalPath: string;
  readonly exited: Promise<ChildExit>;
  private resolveExit!: (e: ChildExit) => void;
  private fd = -1;
  private gone = false;

  constructor(target: ChildTarget) {
    const name = (p: string) => path.resolve(target.dir, p.split('%d').join(String(this.pid)));
    this.tempPath = name(target.tempName);
    this.finalPath = name(target.finalName);
    this.exited = new Promise<ChildExit>((resolve) => {
      this.resolveExit = resolve;
    });
    try {
      this.fd = fs.openSync(this.tempPath, 'w', 0o644);
    } catch (e) {
      this.end(1, `open ${strerror(e)}`);
    }
  }

  private end(code: number, message: string): void {
    if (this.gone) return;
    this.gone = true;
    if (this.fd !== -1) {
      try {
        fs.closeSync(this.fd);
      } catch {
        /* already closed */
      }
      this.fd = -1;
    }
    if (code !== 0) fs.rmSync(this.tempPath, { force: true });
    this.resolveExit({ code, signal: null, message });
  }

  async write(chunk: Buffer): Promise<boolean> {
    if (this.gone) return false;
    try {
      await new Promise<void>((resolve, reject) => {
        fs.write(this.fd, chunk, 0, chunk.length, null, (err) => (err ? reject(err) : resolve()));
      });
      return !this.gone;
    } catch (e) {
      this.end(1, `write ${strerror(e)}`);
      return false;
    }
  }

  commit(): void {
    if (this.gone) return;
    try {
      fs.fsyncSync(this.fd);
    } catch (e) {
      this.end(1, `write ${strerror(e)}`);
      return;
    }
    try {
      fs.renameSync(this.tempPath, this.finalPath);
    } catch (e) {
      this.end(1, `rename ${strerror(e)}`);
      return;
    }
    this.end(0, '');
  }

  kill(): void {
    this.end(1, '');
  }
}
