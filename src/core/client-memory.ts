import type { Client } from './client.ts';
import { dictBuckets } from '../keyspace/memsize.ts';

/**
 * A client's memory in Redis's terms (getClientMemoryUsage): what CLIENT LIST shows as
 * tot-mem, what maxmemory-clients compares, and a client's share of used_memory. redmoon's
 * real buffers are Node's; the figures are what redis-server 7.0 would hold for the same
 * client state.
 */

/** The client struct (zmalloc_size); its reply buffer (c.rb) is added apart. */
export const CLIENT_STRUCT_BYTES = 768;
/** A watched key: its listNode and watchedKey struct. */
const WATCHED_KEY_BYTES = 24 + 32;
/** A pattern subscription: its listNode. */
const PATTERN_BYTES = 24;
/** A channel subscription: its dictEntry (the bucket array is counted apart). */
const CHANNEL_BYTES = 24;
/** A queued MULTI command: its multiCmd slot. */
const QUEUED_COMMAND_BYTES = 24;
/** Redis's underestimate for a tracking prefix: rax nodes times sizeof(raxNode) * sizeof(raxNode*). */
const PREFIX_NODE_BYTES = 4 * 8;

/** The bytes of the queued commands' arguments and their slots (multiStateMemOverhead without watches). */
export function multiMemory(c: Client): number {
  return c.multi === null ? 0 : c.multiArgvBytes + QUEUED_COMMAND_BYTES * c.multi.length;
}

/**
 * tot-mem: buffers, arguments, the transaction, subscriptions, watches and prefixes.
 * Without `runningArgv` the arguments of the command running are left out: Redis counts a
 * client for eviction after its command, once its argv is freed (a blocked client keeps it).
 */
export function clientMemory(c: Client, outputBytes: number, runningArgv = true): number {
  let mem = CLIENT_STRUCT_BYTES + c.rb.size + outputBytes + c.qb.allocated;
  if (c.argv !== null && (runningArgv || c.blocked !== null)) mem += c.argvMem + 8 * c.argv.length;
  const p = c.parser;
  if (p !== null && p.partialArgc !== 0) mem += p.partialArgvBytes + 8 * p.partialArgc;
  if (c.multi !== null) mem += multiMemory(c);
  if (c.watched.size !== 0) mem += c.watched.size * WATCHED_KEY_BYTES;
  const patterns = c.patterns.size;
  if (patterns !== 0) mem += patterns * PATTERN_BYTES;
  const channels = c.channels.size;
  if (channels !== 0) mem += channels * CHANNEL_BYTES + 8 * dictBuckets(channels);
  const shard = c.shardChannels.size;
  if (shard !== 0) mem += shard * CHANNEL_BYTES + 8 * dictBuckets(shard);
  const t = c.tracking;
  // about two rax nodes per prefix: its own, and the split it causes
  if (t !== null && t.prefixes.length !== 0) mem += 2 * t.prefixes.length * PREFIX_NODE_BYTES;
  return mem;
}
