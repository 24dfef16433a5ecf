import type { Differential } from './differential.ts';
import type { RawClient } from './raw-client.ts';

/**
 * Reading a connection's state from outside, for the limit and eviction tests that run
 * side by side with redis-server: whether the server closed it, an INFO field, and one
 * field of CLIENT LIST's line for a named client.
 */

/** Waits up to `ms` for the server to close `c`; true when it did. */
export async function closedWithin(c: RawClient, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!c.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return c.closed;
}

/** A numeric INFO field of one side of the pair. */
export async function infoField(d: Differential, which: 'real' | 'ours', field: string): Promise<number> {
  const raw = (await d[which].command('INFO', 'everything')) as string;
  return Number(new RegExp(`^${field}:(\\d+)`, 'm').exec(raw)?.[1]);
}

/** Field `f` of the CLIENT LIST line of the client called `name`; null when it is gone. */
export function clientField(list: string, name: string, f: string): number | null {
  const line = list.split('\n').find((l) => l.includes(` name=${name} `));
  if (line === undefined) return null;
  return Number(new RegExp(` ${f}=(\\d+)`).exec(line)![1]);
}
