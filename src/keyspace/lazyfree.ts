import type { RedisValue } from './db.ts';

/** LAZYFREE_THRESHOLD: values costing more allocations than this are freed in the background. */
export const LAZYFREE_THRESHOLD = 64;

/** list-max-listpack-size's negative settings: a quicklist node's byte budget. */
const NODE_BYTES = [4096, 8192, 16384, 32768, 65536];

/**
 * lazyfreeGetFreeEffort: about how many allocations freeing a value takes in Redis (its
 * quicklist nodes, hashtable entries, skiplist nodes, stream nodes and groups); 1 for a
 * compact encoding. redmoon frees nothing itself (the garbage collector does), but UNLINK
 * and asynchronous flushes count the values Redis would free in the background.
 */
export function freeEffort(v: RedisValue, listMaxListpackSize: number): number {
  if (typeof v === 'string') return 1;
  switch (v.type) {
    case 'list': {
      const list = v as unknown as { length: number; get(i: number): string };
      if (listMaxListpackSize > 0) return Math.ceil(list.length / listMaxListpackSize);
      const budget = NODE_BYTES[Math.min(4, -listMaxListpackSize - 1)];
      let bytes = 0;
      for (let i = 0; i < list.length; i++) bytes += list.get(i).length + 2;
      return Math.ceil(bytes / budget);
    }
    case 'set':
      return v.encoding() === 'hashtable' ? v.size : 1;
    case 'hash':
      return v.encoding() === 'hashtable' ? v.size : 1;
    case 'zset':
      return v.encoding() === 'skiplist' ? v.size : 1;
    case 'stream': {
      const s = v as unknown as { nodes: unknown[]; groups: Map<string, { pel: { size: number } }> | null };
      // every macro node is an allocation (with the radix tree's inner nodes, about two)
      let effort = s.nodes.length * 2;
      if (s.groups !== null && s.groups.size !== 0) {
        const first = s.groups.values().next().value!;
        effort += s.groups.size * (1 + first.pel.size);
      }
      return effort;
    }
    default:
      return 1;
  }
}
