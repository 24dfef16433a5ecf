/**
 * Run by churn.test.ts under `node --expose-gc`: a server and its clients in one process.
 * Connections open, run a few commands (strings, a script, a list, pub/sub, a blocking pop
 * that times out, a transaction) and quit, thousands of times. The heap is measured after
 * full collections at three points; prints `HEAP <warm> <mid> <end>` in bytes.
 */
import net from 'node:net';
import { startServer } from '../../src/index.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

const CYCLES = Number(process.argv[2] ?? 1500);
const MIXES = [
  'INFO\r\nSET churn:k v\r\nGET churn:k\r\nQUIT\r\n',
  'EVAL "return redis.call(\'INCR\', KEYS[1])" 1 churn:c\r\nLPUSH churn:q a\r\nRPOP churn:q\r\nQUIT\r\n',
  'SUBSCRIBE churn:ch\r\nPSUBSCRIBE churn:*\r\nQUIT\r\n',
  'PUBLISH churn:ch m\r\nBRPOP churn:empty 0.01\r\nQUIT\r\n',
  'CLIENT SETNAME churner\r\nMULTI\r\nINCR churn:n\r\nEXEC\r\nWATCH churn:k\r\nQUIT\r\n',
];

const server = await startServer({ port: 0, log: () => {} });

function cycle(i: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const s = net.connect(server.port, '127.0.0.1');
    s.on('connect', () => s.write(MIXES[i % MIXES.length]));
    s.on('data', () => {});
    s.on('close', () => resolve());
    s.on('error', reject);
  });
}

async function heap(): Promise<number> {
  for (let i = 0; i < 5; i++) {
    gc!();
    await new Promise((r) => setTimeout(r, 10));
  }
  return process.memoryUsage().heapUsed;
}

async function churn(n: number): Promise<void> {
  // a few at a time, as clients come and go together
  for (let i = 0; i < n; i += 5) await Promise.all([0, 1, 2, 3, 4].map((j) => cycle(i + j)));
}

await churn(500);
const warm = await heap();
await churn(CYCLES);
const mid = await heap();
await churn(CYCLES);
const end = await heap();
console.log(`HEAP ${warm} ${mid} ${end}`);
await server.close();
process.exit(0);
