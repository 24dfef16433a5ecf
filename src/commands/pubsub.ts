import { ReplyError, ERR } from '../errors.ts';
import type { Client } from '../core/client.ts';
import type { ReplySink } from '../resp/sink.ts';
import type { HandlerTable } from '../core/types.ts';
import type { SubKind } from '../core/pubsub.ts';
import { globMatch } from '../util/glob.ts';

function subscribeGeneric(kind: SubKind) {
  return (c: Client, argv: string[], _out: ReplySink): void => {
    const ps = c.server.pubsub;
    for (let i = 1; i < argv.length; i++) ps.subscribe(c, kind, argv[i]);
  };
}

function unsubscribeGeneric(kind: SubKind) {
  return (c: Client, argv: string[], _out: ReplySink): void => {
    const ps = c.server.pubsub;
    if (argv.length === 1) ps.unsubscribeAll(c, kind);
    else for (let i = 1; i < argv.length; i++) ps.unsubscribe(c, kind, argv[i]);
  };
}

// PUBLISH channel message
function publish(c: Client, argv: string[], out: ReplySink): void {
  out.integer(c.server.pubsub.publish(argv[1], argv[2]));
}

// SPUBLISH shardchannel message
function spublish(c: Client, argv: string[], out: ReplySink): void {
  out.integer(c.server.pubsub.publishShard(argv[1], argv[2]));
}

function subcommandSyntax(argv: string[]): ReplyError {
  return new ReplyError(
    ERR.subcommandOrArity(argv[1], argv[0].toUpperCase()),
  );
}

function listChannels(map: Map<string, Set<Client>>, argv: string[], out: ReplySink): void {
  if (argv.length > 3) throw subcommandSyntax(argv);
  const pat = argv.length === 3 ? argv[2] : null;
  const names: string[] = [];
  for (const name of map.keys()) if (pat === null || globMatch(pat, name, false)) names.push(name);
  out.array(names.length);
  for (const n of names) out.bulk(n);
}

function numsub(map: Map<string, Set<Client>>, argv: string[], out: ReplySink): void {
  out.array((argv.length - 2) * 2);
  for (let i = 2; i < argv.length; i++) {
    out.bulk(argv[i]);
    out.integer(map.get(argv[i])?.size ?? 0);
  }
}

const PUBSUB_HELP = [
  'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
  'HELP',
  '    Prints this help.',
];

export const commands: HandlerTable = {
  subscribe: subscribeGeneric('channel'),
  unsubscribe: unsubscribeGeneric('channel'),
  psubscribe: subscribeGeneric('pattern'),
  punsubscribe: unsubscribeGeneric('pattern'),
  ssubscribe: subscribeGeneric('shard'),
  sunsubscribe: unsubscribeGeneric('shard'),
  publish,
  spublish,
  'pubsub|channels': (c, argv, out) => listChannels(c.server.pubsub.channels, argv, out),
  'pubsub|shardchannels': (c, argv, out) => listChannels(c.server.pubsub.shardChannels, argv, out),
  'pubsub|numsub': (c, argv, out) => numsub(c.server.pubsub.channels, argv, out),
  'pubsub|shardnumsub': (c, argv, out) => numsub(c.server.pubsub.shardChannels, argv, out),
  'pubsub|numpat': (c, _argv, out) => out.integer(c.server.pubsub.patterns.size),
  'pubsub|help': (_c, _argv, out) => {
    out.array(PUBSUB_HELP.length);
    for (const line of PUBSUB_HELP) out.simple(line);
  },
};
