import { ReplyError, ERR, cstr } from '../errors.ts';
import type { Client } from '../core/client.ts';
import type { ReplySink } from '../resp/sink.ts';
import type { HandlerTable, Command } from '../core/types.ts';
import { objectBytes, jemallocSize, sdsAlloc } from '../keyspace/memsize.ts';
import { memoryReport } from '../core/memory.ts';
import { encodingOf } from './keys.ts';
import { peakUsedMemory } from './info.ts';
import { is } from './args.ts';
import { parseInt64 } from '../util/numbers.ts';
import { replyHelp } from './help.ts';

// ---- SLOWLOG ---------------------------------------------------------------------------

// SLOWLOG GET [count]
function slowlogGet(c: Client, argv: string[], out: ReplySink): void {
  const log = c.server.slowlog;
  let count = 10;
  if (argv.length === 3) {
    const n = parseInt64(argv[2]);
    if (n === null || n < -1) throw new ReplyError(ERR.countGreaterThanEqual);
    count = n === -1 ? log.entries.length : Number(n);
  }
  const list = log.entries.slice(0, Math.min(count, log.entries.length));
  out.array(list.length);
  for (const e of list) {
    out.array(6);
    out.integer(e.id);
    out.integer(e.time);
    out.integer(e.usec);
    out.array(e.argv.length);
    for (const a of e.argv) out.bulk(a);
    out.bulk(e.addr);
    out.bulk(e.name);
  }
}

const SLOWLOG_HELP = [
  'GET [<count>]',
  '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
  '    Entries are made of:',
  '    id, timestamp, time in microseconds, arguments array, client IP and port,',
  '    client name',
  'LEN',
  '    Return the length of the slowlog.',
  'RESET',
  '    Reset the slowlog.',
];

// ---- LATENCY ---------------------------------------------------------------------------

const LATENCY_HELP = [
  'DOCTOR',
  '    Return a human readable latency analysis report.',
  'GRAPH <event>',
  '    Return an ASCII latency graph for the <event> class.',
  'HISTORY <event>',
  '    Return time-latency samples for the <event> class.',
  'LATEST',
  '    Return the latest latency samples for all events.',
  'RESET [<event> ...]',
  '    Reset latency data of one or more <event> classes.',
  '    (default: reset all data for all event classes)',
  'HISTOGRAM [COMMAND ...]',
  '    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.',
  '    If no commands are specified then all histograms are replied.',
];

// LATENCY DOCTOR
function latencyDoctor(c: Client, _argv: string[], out: ReplySink): void {
  out.verbatim(c.server.latency.report());
}

// LATENCY GRAPH event: a header and one bar per sample (Redis draws a sparkline)
function latencyGraph(c: Client, argv: string[], out: ReplySink): void {
  const event = argv[2];
  const ts = c.server.latency.events.get(event);
  if (ts === undefined) throw new ReplyError(ERR.noSamplesAvailable(cstr(event)));
  const samples = ts.inOrder();
  let low = Infinity;
  let high = 0;
  for (const s of samples) {
    if (s.latency < low) low = s.latency;
    if (s.latency > high) high = s.latency;
  }
  let graph = `${cstr(event)} - high ${high} ms, low ${low} ms (all time high ${ts.max} ms)\n`;
  graph += '-'.repeat(80) + '\n';
  const now = Math.floor(c.server.clock.now() / 1000);
  for (const s of samples) graph += `${'#'.repeat(Math.max(1, Math.round((s.latency / Math.max(1, high)) * 40)))} ${s.latency}ms ${now - s.time}s ago\n`;
  out.verbatim(graph);
}

// LATENCY LATEST
function latencyLatest(c: Client, _argv: string[], out: ReplySink): void {
  const events = [...c.server.latency.events];
  out.array(events.length);
  for (const [event, ts] of events) {
    const last = ts.latest();
    out.array(4);
    out.bulk(event);
    out.integer(last.time);
    out.integer(last.latency);
    out.integer(ts.max);
  }
}

// LATENCY HISTORY event
function latencyHistory(c: Client, argv: string[], out: ReplySink): void {
  const ts = c.server.latency.events.get(argv[2]);
  const samples = ts === undefined ? [] : ts.inOrder();
  out.array(samples.length);
  for (const s of samples) {
    out.array(2);
    out.integer(s.time);
    out.integer(s.latency);
  }
}

// LATENCY RESET [event ...]
function latencyReset(c: Client, argv: string[], out: ReplySink): void {
  out.integer(c.server.latency.reset(argv.length === 2 ? null : argv.slice(2)));
}

/** One command's histogram: calls and a cumulative bucket map (power-of-two microseconds). */
function writeHistogram(out: ReplySink, cmd: Command): void {
  const s = cmd.stats;
  out.map(2);
  out.bulk('calls');
  out.integer(s.calls);
  out.bulk('histogram_usec');
  const avg = s.calls === 0 ? 0 : s.usec / s.calls;
  let bucket = 1;
  while (bucket < avg) bucket *= 2;
  out.map(1);
  out.integer(bucket);
  out.integer(s.calls);
}

function latencyHistogram(c: Client, argv: string[], out: ReplySink): void {
  const table = c.server.table;
  const list: Command[] = [];
  if (argv.length === 2) {
    for (const cmd of table.all()) if (cmd.stats.calls > 0) list.push(cmd);
  } else {
    for (let i = 2; i < argv.length; i++) {
      const [name, sub] = argv[i].toLowerCase().split('|');
      const parent = table.lookup(name);
      const cmd = sub === undefined ? parent : parent?.subcommands?.get(sub);
      if (!cmd) continue;
      if (cmd.stats.calls > 0 && !list.includes(cmd)) list.push(cmd);
      // a container command stands for its subcommands
      if (sub === undefined && cmd.subcommands) for (const subcmd of cmd.subcommands.values()) if (subcmd.stats.calls > 0 && !list.includes(subcmd)) list.push(subcmd);
    }
  }
  out.map(list.length);
  for (const cmd of list) {
    out.bulk(cmd.name);
    writeHistogram(out, cmd);
  }
}

// ---- MEMORY ----------------------------------------------------------------------------

// MEMORY USAGE key [SAMPLES count]
function memoryUsage(c: Client, argv: string[], out: ReplySink): void {
  let samples = 5;
  for (let i = 3; i < argv.length; i++) {
    if (is(argv[i], 'samples') && i + 1 < argv.length) {
      const n = parseInt64(argv[i + 1]);
      if (n === null) throw new ReplyError(ERR.notInteger);
      if (n < 0) throw new ReplyError(ERR.syntax);
      samples = Number(n);
      i++;
    } else {
      throw new ReplyError(ERR.syntax);
    }
  }
  const key = argv[2];
  const v = c.db.peek(key);
  if (v === undefined) return out.null();
  // objectComputeSize, plus the key's sds and its dictEntry (MEMORY USAGE's own additions)
  let bytes: number;
  if (typeof v !== 'string') bytes = objectBytes(v, samples);
  else {
    const enc = encodingOf(c.db, key, v);
    bytes = enc === 'int' ? 16 : enc === 'embstr' ? jemallocSize(20 + v.length) : 16 + sdsAlloc(v.length);
  }
  out.integer(bytes + sdsAlloc(key.length) + 24);
}

// MEMORY STATS
function memoryStats(c: Client, _argv: string[], out: ReplySink): void {
  const mu = process.memoryUsage();
  const r = memoryReport(c.server);
  const used = r.used;
  out.map(27 + r.dbs.length);
  const int = (k: string, v: number) => {
    out.bulk(k);
    out.integer(v);
  };
  const dbl = (k: string, v: number) => {
    out.bulk(k);
    out.double(v);
  };
  int('peak.allocated', Math.max(used, peakUsedMemory(c.server)));
  int('total.allocated', used);
  int('startup.allocated', r.startup);
  int('replication.backlog', 0);
  int('clients.slaves', 0);
  int('clients.normal', r.clientsNormal);
  int('cluster.links', 0);
  int('aof.buffer', 0);
  int('lua.caches', 0);
  int('functions.caches', 0);
  for (const db of r.dbs) {
    out.bulk(`db.${db.id}`);
    out.map(2);
    int('overhead.hashtable.main', db.main);
    int('overhead.hashtable.expires', db.expires);
  }
  int('overhead.total', r.overhead);
  int('keys.count', r.keys);
  int('keys.bytes-per-key', r.keys === 0 ? 0 : Math.floor((used - r.startup) / r.keys));
  int('dataset.bytes', r.dataset);
  dbl('dataset.percentage', used === r.startup ? 0 : (r.dataset * 100) / (used - r.startup));
  dbl('peak.percentage', 100);
  int('allocator.allocated', mu.heapUsed);
  int('allocator.active', mu.heapTotal);
  int('allocator.resident', mu.rss);
  dbl('allocator-fragmentation.ratio', mu.heapUsed === 0 ? 0 : mu.heapTotal / mu.heapUsed);
  int('allocator-fragmentation.bytes', mu.heapTotal - mu.heapUsed);
  dbl('allocator-rss.ratio', mu.heapTotal === 0 ? 0 : mu.rss / mu.heapTotal);
  int('allocator-rss.bytes', mu.rss - mu.heapTotal);
  dbl('rss-overhead.ratio', 1);
  int('rss-overhead.bytes', 0);
  dbl('fragmentation', used === 0 ? 0 : mu.rss / used);
  int('fragmentation.bytes', mu.rss - used);
}

function memoryDoctor(c: Client, _argv: string[], out: ReplySink): void {
  void c;
  out.verbatim(
    "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n",
  );
}

const MEMORY_HELP = [
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
];

export const commands: HandlerTable = {
  'slowlog|get': slowlogGet,
  'slowlog|len': (c, _argv, out) => out.integer(c.server.slowlog.entries.length),
  'slowlog|reset': (c, _argv, out) => {
    c.server.slowlog.reset();
    out.simple('OK');
  },
  'slowlog|help': (_c, _argv, out) => replyHelp(out, 'SLOWLOG', SLOWLOG_HELP),
  'latency|latest': latencyLatest,
  'latency|history': latencyHistory,
  'latency|reset': latencyReset,
  'latency|doctor': latencyDoctor,
  'latency|graph': latencyGraph,
  'latency|histogram': latencyHistogram,
  'latency|help': (_c, _argv, out) => replyHelp(out, 'LATENCY', LATENCY_HELP),
  'memory|usage': memoryUsage,
  'memory|stats': memoryStats,
  'memory|doctor': memoryDoctor,
  'memory|malloc-stats': (_c, _argv, out) => out.verbatim('Stats not supported for the current allocator'),
  'memory|purge': (_c, _argv, out) => out.simple('OK'),
  'memory|help': (_c, _argv, out) => replyHelp(out, 'MEMORY', MEMORY_HELP),
};
