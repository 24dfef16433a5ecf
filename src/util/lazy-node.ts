/**
 * Node built-ins loaded on first use. node:crypto and node:child_process are among the
 * larger costs of a fresh thread's start (the CLI serves from a worker thread), and a
 * server that runs no script, sets no password, asks no INFO and forks no save never
 * needs them. Each is loaded once per thread, then the same module object is returned.
 */
import { createRequire } from 'node:module';

type NodeCrypto = typeof import('node:crypto');
type NodeChildProcess = typeof import('node:child_process');

const requireHere = createRequire(import.meta.url);
let crypto: NodeCrypto | undefined;
let childProcess: NodeChildProcess | undefined;

export function nodeCrypto(): NodeCrypto {
  return (crypto ??= requireHere('node:crypto') as NodeCrypto);
}

export function nodeChildProcess(): NodeChildProcess {
  return (childProcess ??= requireHere('node:child_process') as NodeChildProcess);
}
