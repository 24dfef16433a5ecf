/** The worker thread's entry (dist/cli-worker.cjs): serves what the launcher asked for. */
import fs from 'node:fs';
import { workerSide } from './worker-host.ts';
import { serveHere } from './load-serve.ts';

const { req, host, files } = workerSide();
// fd 1 is the process's: whether it is a terminal is asked here, off the main thread's
// path, and without node:tty (a character device is what isatty accepts, /dev/null aside,
// where a logo shown is seen by no one)
void serveHere({ ...req, stdoutIsTTY: isCharDevice(1) }, host, files);

function isCharDevice(fd: number): boolean {
  try {
    return fs.fstatSync(fd).isCharacterDevice();
  } catch {
    return false;
  }
}
