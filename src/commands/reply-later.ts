import type { Client } from '../core/client.ts';
import type { ReplySink } from '../resp/sink.ts';

/** A plain client command (not in EXEC or a script) may have its reply written later. */
export function canReplyLater(c: Client, out: ReplySink): boolean {
  return out === c.writer && c.sock !== null && c.multi === null && !c.inExecOrScript;
}

/**
 * The client waits (its input is not read) until `work` settles; `reply` then writes its
 * answer, and the client's next commands run.
 */
export function replyLater<T>(c: Client, work: Promise<T>, reply: (result: T | Error) => void): void {
  const server = c.server;
  c.blocked = { cancel: () => {} };
  const done = (result: T | Error) => {
    reply(result);
    c.blocked = null;
    if (server.clients.has(c.id)) server.afterServed(c);
  };
  work.then(done, (e: unknown) => done(e instanceof Error ? e : new Error(String(e))));
}
