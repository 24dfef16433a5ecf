/** The worker thread's entry (dist/cli-worker.cjs): serves what the launcher asked for. */
import tty from 'node:tty';
import { workerSide } from './worker-host.ts';
import { serveHere } from './load-serve.ts';

const { req, host } = workerSide();
// fd 1 is the process's: whether it is a terminal is asked here, off the main thread's path
void serveHere({ ...req, stdoutIsTTY: tty.isatty(1) }, host);
