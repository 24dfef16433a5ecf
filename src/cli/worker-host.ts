/**
 * Runs the server in a worker thread whose V8 old space has the size the CLI wants
 * (src/cli/heap-size.ts): a heap limit is fixed when an isolate is created, and a worker's
 * isolate is far cheaper to create than a second node process.
 *
 * A worker has no signals and may not chdir, so the main thread does both for it: it passes
 * SIGINT, SIGTERM and SIGABRT on as messages, and changes directory on request while the
 * worker waits, and sets the process title it asks for. The worker's stdout and stderr reach the process's own; when the worker
 * ends (process.exit in it, SHUTDOWN, a crash), the process exits with its code.
 */
import { Worker, MessageChannel, parentPort, workerData, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { CliHost, CliSignal, ServeRequest } from './host.ts';
import type { BundleFiles } from './bundle-files.ts';
import { workerYoungMb } from './heap-size.ts';

const SIGNALS: CliSignal[] = ['SIGINT', 'SIGTERM', 'SIGABRT'];

/** What the main thread gives the worker. */
export interface WorkerData {
  req: ServeRequest;
  /** the command's own path, for INFO's executable */
  argv1: string;
  /** set to 1 by the main thread when a chdir it was asked for is done */
  done: Int32Array;
  /** the chdir's outcome: null, or the error's message */
  replies: MessagePort;
  /** the server bundle's files, read by the main thread while the worker boots */
  bundle: MessagePort;
}

type ToMain = { chdir: string } | { title: string };
type ToWorker = { signal: CliSignal };

/**
 * Starts `entry` in a worker serving `req` with an old space of `heapMb` MB. `readBundle`
 * reads the files the worker will load: this thread has nothing else to do while the
 * worker boots.
 */
export function serveInWorker(entry: URL, req: ServeRequest, heapMb: number, readBundle: () => BundleFiles | null): void {
  const done = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const bundle = new MessageChannel();
  const data: WorkerData = { req, argv1: process.argv[1] ?? '', done, replies: port2, bundle: bundle.port2 };
  const worker = new Worker(entry, {
    workerData: data,
    transferList: [port2, bundle.port2],
    argv: process.argv.slice(2),
    resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: workerYoungMb() },
  });
  const files = readBundle();
  if (files !== null) bundle.port1.postMessage(files, [files.source, files.cache].flatMap(ownBuffer));
  bundle.port1.close();
  for (const sig of SIGNALS) process.on(sig, () => worker.postMessage({ signal: sig } satisfies ToWorker));
  worker.on('message', (m: ToMain) => {
    if ('title' in m) {
      process.title = m.title;
      return;
    }
    let outcome: string | null = null;
    try {
      process.chdir(m.chdir);
    } catch (e) {
      outcome = (e as Error).message;
    }
    port1.postMessage(outcome);
    Atomics.store(done, 0, 1);
    Atomics.notify(done, 0);
  });
  // An uncaught error in the worker is reported as node reports one, then 'exit' follows.
  worker.on('error', (e) => process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`));
  worker.on('exit', (code) => process.exit(code));
}

/** A buffer's memory, to move to another thread when the buffer is all of it (not a pool's). */
function ownBuffer(b: Uint8Array | undefined): ArrayBuffer[] {
  if (b === undefined || b.byteOffset !== 0 || !(b.buffer instanceof ArrayBuffer) || b.byteLength !== b.buffer.byteLength) return [];
  return [b.buffer];
}

/**
 * Inside the worker: the request it serves, chdir and signals through the main thread, and
 * the server bundle's files when the main thread has read them already.
 */
export function workerSide(): { req: ServeRequest; host: CliHost; files: BundleFiles | undefined } {
  const data = workerData as WorkerData;
  const port = parentPort!;
  process.argv[1] = data.argv1;
  // (not there yet only if this thread booted faster than the main thread read two files)
  const files = receiveMessageOnPort(data.bundle)?.message as BundleFiles | undefined;
  data.bundle.close();
  const host: CliHost = {
    chdir(dir) {
      Atomics.store(data.done, 0, 0);
      port.postMessage({ chdir: dir } satisfies ToMain);
      Atomics.wait(data.done, 0, 0);
      const reply = receiveMessageOnPort(data.replies);
      if (reply !== undefined && reply.message !== null) throw new Error(reply.message as string);
    },
    setTitle(title) {
      port.postMessage({ title } satisfies ToMain);
    },
    onSignal(sig, fn) {
      port.on('message', (m: ToWorker) => {
        if (m.signal === sig) fn();
      });
    },
  };
  return { req: data.req, host, files };
}
