/**
 * Redis 7.0.15's command metadata (meta.json, generated from a real server by
 * scripts/gen-command-meta.ts), loaded once: the command table, ACLs, COMMAND and CLUSTER
 * all read it from here.
 */
import metaJson from './meta.json' with { type: 'json' };
import type { Tree } from './keyspecs.ts';

/** One command's COMMAND INFO and COMMAND DOCS trees. */
export interface CommandMeta {
  info: Tree[];
  docs: Tree;
}

/** Every Redis 7.0.15 command by lowercase name (immutable). */
export const COMMAND_META: Readonly<Record<string, CommandMeta>> = (metaJson as unknown as { commands: Record<string, CommandMeta> }).commands;

/** Strips the `{s:..}` / `{t:[..]}` wrappers of a metadata list of strings. */
export function treeStrings(t: Tree): string[] {
  const items = ((t as { t?: Tree[] }).t ?? t) as Tree[];
  return items.map((x) => (typeof x === 'string' ? x : (x as { s: string }).s));
}

/** Redis's ACL categories, in its order (ACL CAT, and the order rules are described in). */
export const ACL_CATEGORIES = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog', 'geo',
  'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting',
] as const;

/** ACL_CATEGORIES as a set, for membership checks. */
export const ACL_CATEGORY_SET: ReadonlySet<string> = new Set<string>(ACL_CATEGORIES);
