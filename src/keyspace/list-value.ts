/**
 * The list value type. `List` (list.ts) already implements RObject: Redis 7.0 reports every
 * list as `quicklist` (listpack-encoded lists arrived in 7.2), so no encoding state is kept.
 * This module is the name the command layer imports, should lists grow per-value state.
 */
export { List as ListValue } from './list.ts';
