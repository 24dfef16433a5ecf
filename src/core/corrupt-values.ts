/**
 * Values restored from corrupt payloads under `sanitize-dump-payload no`. Redis keeps such
 * a value as it came and crashes (assertion or panic) when a command walks into the bad
 * entries; commands that only touch the key or its header (DEL, TYPE, XLEN...) are safe.
 * redmoon keeps what of the value decodes and ends the same way at the first command that
 * reads or writes its elements.
 */
import type { Client } from './client.ts';
import type { Command } from './types.ts';
import type { CrashInfo } from '../keyspace/rdb.ts';

/** Commands that never walk a value's elements (key-level, lengths, serialization). */
const HEADER_ONLY = new Set([
  'del', 'unlink', 'exists', 'type', 'touch', 'object', 'memory', 'debug', 'dump', 'restore',
  'expire', 'pexpire', 'expireat', 'pexpireat', 'expiretime', 'pexpiretime', 'ttl', 'pttl', 'persist',
  'rename', 'renamenx', 'move', 'xlen', 'llen', 'hlen', 'scard', 'zcard',
]);

/** Remembers that `value` crashes as `crash` describes once a command reaches into it. */
export function markCorrupt(c: Client, value: object, crash: CrashInfo): void {
  (c.server.corruptValues ??= new WeakMap()).set(value, crash);
}

/**
 * True when the command reaches into a corrupt value: the crash report was then written and
 * the process is ending. Only called while some corrupt value was restored.
 */
export function reachesCorrupt(c: Client, cmd: Command, argv: string[]): boolean {
  const marks = c.server.corruptValues;
  const name = (cmd.parent ?? cmd).name;
  if (marks === null || HEADER_ONLY.has(name)) return false;
  for (const pos of cmd.keys(argv)) {
    const v = c.db.data.get(argv[pos]);
    if (v === undefined || typeof v === 'string') continue;
    let crash = marks.get(v);
    // these look for the stream's last ID first, walking it backwards
    if (crash?.lastId !== undefined && (name === 'xread' || name === 'xreadgroup' || name === 'xsetid')) crash = crash.lastId;
    if (crash !== undefined && c.server.bugReport(crash.pre, crash.lines)) return true;
  }
  return false;
}
