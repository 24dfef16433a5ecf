/**
 * How CLIENT LIST / CLIENT INFO (and the ACL log) describe a client: its type class and
 * its info line, in Redis 7.0.15's field order.
 */
import type { Client } from './client.ts';
import { clientMemory } from './client-memory.ts';

export type ClientType = 'normal' | 'slave' | 'pubsub' | 'master';

/** Redis's getClientTypeByName; null for an unknown name. */
export function clientTypeByName(name: string): ClientType | null {
  const n = name.toLowerCase();
  if (n === 'normal') return 'normal';
  if (n === 'slave' || n === 'replica') return 'slave';
  if (n === 'pubsub') return 'pubsub';
  if (n === 'master') return 'master';
  return null;
}

export function clientType(c: Client): ClientType {
  if (c.monitor) return 'slave';
  if (c.inPubSubMode) return 'pubsub';
  return 'normal';
}

function flagsOf(c: Client): string {
  let f = '';
  if (c.monitor) f += 'O';
  if (c.inPubSubMode) f += 'P';
  if (c.multi !== null) f += 'x';
  if (c.blocked !== null) f += 'b';
  const t = c.tracking;
  if (t) {
    f += 't';
    if (t.brokenRedir) f += 'R';
    if (t.bcast) f += 'B';
  }
  if (c.multi !== null && c.watchDirty) f += 'd';
  if (c.closeAfterReply) f += 'c';
  if (c.closeAsap) f += 'A';
  if (c.noEvict) f += 'e';
  return f === '' ? 'N' : f;
}

/** One CLIENT LIST / CLIENT INFO line (without the newline), Redis 7.0.15's fields in order. */
export function clientInfoLine(c: Client): string {
  const now = Math.floor(c.server.clock.now() / 1000);
  const age = now - Math.floor(c.createdAt / 1000);
  const idle = now - Math.floor(c.lastInteraction / 1000);
  const qb = c.qb;
  const omem = c.outputBytes;
  const multiMem = c.multi === null ? 0 : c.multiArgvBytes;
  const tracking = c.tracking;
  return (
    `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=${c.sock ? 8 : -1} name=${c.name} age=${age} idle=${idle}` +
    ` flags=${flagsOf(c)} db=${c.db.id} sub=${c.channels.size} psub=${c.patterns.size} ssub=${c.shardChannels.size}` +
    ` multi=${c.multi === null ? -1 : c.multi.length} qbuf=${qb.len} qbuf-free=${qb.alloc - qb.len}` +
    ` argv-mem=${c.argvMem + (c.parser?.partialArgvBytes ?? 0)} multi-mem=${multiMem} rbs=${c.rb.size} rbp=${c.rb.peak} obl=0 oll=0 omem=${omem}` +
    ` tot-mem=${clientMemory(c, omem)}` +
    ` events=r cmd=${c.lastCommand} user=${c.user} redir=${tracking ? tracking.redirect : -1} resp=${c.resp}`
  );
}
