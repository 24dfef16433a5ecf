import type { HandlerTable } from '../core/types.ts';
import { commands as connection } from './connection.ts';
import { commands as strings } from './strings.ts';
import { commands as bitmaps } from './bitmaps.ts';
import { commands as keys } from './keys.ts';
import { commands as admin } from './admin.ts';
import { commands as lists } from './lists.ts';
import { commands as hashes } from './hashes.ts';
import { commands as sets } from './sets.ts';
import { commands as zsets } from './zsets.ts';
import { commands as hyperloglog } from './hyperloglog.ts';
import { commands as geo } from './geo.ts';
import { commands as sort } from './sort.ts';
import { commands as streams } from './streams.ts';
import { commands as pubsub } from './pubsub.ts';
import { commands as transactions } from './transactions.ts';
import { commands as scripting } from './scripting.ts';
import { commands as blocking } from './blocking.ts';
import { commands as tracking } from './tracking.ts';
import { commands as acl } from './acl.ts';
import { commands as cluster } from './cluster.ts';
import { commands as replication } from './replication.ts';
import { commands as module } from './module.ts';

/** Every command family's handlers; the server builds its command table from these. */
export const ALL_FAMILIES: HandlerTable[] = [
  connection,
  strings,
  bitmaps,
  keys,
  admin,
  lists,
  hashes,
  sets,
  zsets,
  hyperloglog,
  geo,
  sort,
  streams,
  pubsub,
  transactions,
  scripting,
  blocking,
  tracking,
  acl,
  cluster,
  replication,
  module,
];
