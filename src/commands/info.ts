import { memoryReport } from '../core/memory.ts';
import { Aof } from '../persistence/aof.ts';
import os from 'node:os';
import { Persistence } from '../persistence/persistence.ts';
import packageJson from '../../package.json' with { type: 'json' };
import { nodeCrypto } from '../util/lazy-node.ts';
import type { Client } from '../core/client.ts';
import { attachmentKey } from '../core/attachments.ts';
import type { ServerState } from '../core/state.ts';
import type { ReplySink } from '../resp/sink.ts';
import type { HandlerTable } from '../core/types.ts';
import { scriptingInfo } from '../lua/scripting.ts';
import { dateNow } from '../util/clock.ts';

const REDMOON_VERSION: string = packageJson.version;

/** Per-server values INFO needs that nothing else keeps (run id, replication id, peaks). */
interface InfoState {
  runId: string;
  replId: string;
  peakMemory: number;
}

/** Each server's run id, replication id and memory peak, made on first use. */
const INFO_STATE = attachmentKey<InfoState>('info', () => ({
  runId: nodeCrypto().randomBytes(20).toString('hex'),
  replId: nodeCrypto().randomBytes(20).toString('hex'),
  peakMemory: 0,
}));

function state(server: ServerState): InfoState {
  return server.attachments.get(INFO_STATE);
}

/** Redis's bytesToHuman: B, K, M, G... with two decimals. */
/** used_memory_peak so far (MEMORY STATS peak.allocated). */
export function peakUsedMemory(server: ServerState): number {
  return state(server).peakMemory;
}

export function bytesToHuman(n: number): string {
  if (n < 1024) return `${n}B`;
  const units = ['K', 'M', 'G', 'T', 'P', 'E'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(2)}${units[i]}`;
}

type Section = (server: ServerState, c: Client) => string[];

function serverSection(server: ServerState): string[] {
  const now = server.clock.now();
  const up = Math.floor((now - server.startTime) / 1000);
  const hz = server.config.get('hz');
  return [
    'redis_version:7.0.15',
    `redmoon_version:${REDMOON_VERSION}`,
    'redis_git_sha1:00000000',
    'redis_git_dirty:0',
    'redis_build_id:0',
    'redis_mode:standalone',
    `os:${os.type()} ${os.release()} ${os.machine()}`,
    'arch_bits:64',
    'monotonic_clock:POSIX clock_gettime',
    'multiplexing_api:epoll',
    'atomicvar_api:c11-builtin',
    'gcc_version:0.0.0',
    `process_id:${process.pid}`,
    'process_supervised:no',
    `run_id:${state(server).runId}`,
    `tcp_port:${server.config.get('port')}`,
    `server_time_usec:${now * 1000}`,
    `uptime_in_seconds:${up}`,
    `uptime_in_days:${Math.floor(up / 86400)}`,
    `hz:${hz}`,
    `configured_hz:${hz}`,
    `lru_clock:${Math.floor(now / 1000) & 0xffffff}`,
    `executable:${process.argv[1] ?? ''}`,
    'config_file:',
    'io_threads_active:0',
  ];
}

function blockedCount(server: ServerState): number {
  let n = 0;
  for (const c of server.clients.values()) if (c.blocked !== null) n++;
  return n;
}

function clientsSection(server: ServerState): string[] {
  const tracking = server.tracking.clients;
  return [
    `connected_clients:${server.clients.size}`,
    'cluster_connections:0',
    `maxclients:${server.config.get('maxclients')}`,
    'client_recent_max_input_buffer:0',
    'client_recent_max_output_buffer:0',
    `blocked_clients:${blockedCount(server)}`,
    `tracking_clients:${tracking}`,
    'clients_in_timeout_table:0',
  ];
}

function memorySection(server: ServerState): string[] {
  const mu = process.memoryUsage();
  const report = memoryReport(server);
  const used = report.used;
  const st = state(server);
  if (used > st.peakMemory) st.peakMemory = used;
  const peak = st.peakMemory;
  const total = os.totalmem();
  const maxmemory = Number(server.config.get('maxmemory'));
  const ratio = (a: number, b: number) => (b === 0 ? '0.00' : (a / b).toFixed(2));
  const sc = scriptingInfo(server);
  return [
    `used_memory:${used}`,
    `used_memory_human:${bytesToHuman(used)}`,
    `used_memory_rss:${mu.rss}`,
    `used_memory_rss_human:${bytesToHuman(mu.rss)}`,
    `used_memory_peak:${peak}`,
    `used_memory_peak_human:${bytesToHuman(peak)}`,
    `used_memory_peak_perc:${((used / peak) * 100).toFixed(2)}%`,
    `used_memory_overhead:${report.overhead}`,
    `used_memory_startup:${report.startup}`,
    `used_memory_dataset:${report.dataset}`,
    `used_memory_dataset_perc:${used === report.startup ? '0.00' : ((report.dataset * 100) / (used - report.startup)).toFixed(2)}%`,
    `allocator_allocated:${mu.heapUsed}`,
    `allocator_active:${mu.heapTotal}`,
    `allocator_resident:${mu.rss}`,
    `total_system_memory:${total}`,
    `total_system_memory_human:${bytesToHuman(total)}`,
    'used_memory_lua:32768',
    'used_memory_vm_eval:32768',
    'used_memory_lua_human:32.00K',
    // scripting (hook: src/lua/scripting.ts)
    `used_memory_scripts_eval:${sc.scriptsEvalMemory}`,
    `number_of_cached_scripts:${sc.cachedScripts}`,
    `number_of_functions:${sc.functions}`,
    `number_of_libraries:${sc.libraries}`,
    'used_memory_vm_functions:32768',
    'used_memory_vm_total:65536',
    'used_memory_vm_total_human:64.00K',
    `used_memory_functions:${sc.functionsMemory}`,
    `used_memory_scripts:${sc.scriptsEvalMemory + sc.functionsMemory}`,
    `used_memory_scripts_human:${bytesToHuman(sc.scriptsEvalMemory + sc.functionsMemory)}`,
    `maxmemory:${maxmemory}`,
    `maxmemory_human:${bytesToHuman(maxmemory)}`,
    `maxmemory_policy:${server.config.get('maxmemory-policy')}`,
    `allocator_frag_ratio:${ratio(mu.heapTotal, mu.heapUsed)}`,
    `allocator_frag_bytes:${mu.heapTotal - mu.heapUsed}`,
    `allocator_rss_ratio:${ratio(mu.rss, mu.heapTotal)}`,
    `allocator_rss_bytes:${mu.rss - mu.heapTotal}`,
    'rss_overhead_ratio:1.00',
    'rss_overhead_bytes:0',
    `mem_fragmentation_ratio:${ratio(mu.rss, used)}`,
    `mem_fragmentation_bytes:${mu.rss - used}`,
    'mem_not_counted_for_evict:0',
    'mem_replication_backlog:0',
    'mem_total_replication_buffers:0',
    'mem_clients_slaves:0',
    `mem_clients_normal:${report.clientsNormal}`,
    'mem_cluster_links:0',
    'mem_aof_buffer:0',
    'mem_allocator:libc',
    'active_defrag_running:0',
    'lazyfree_pending_objects:0',
    `lazyfreed_objects:${server.stats.lazyfreedObjects}`,
  ];
}

/** The loading_* fields INFO adds while the dataset loads. */
function loadingFields(p: Persistence): string[] {
  const l = p.loadingInfo;
  if (l === null) return [];
  const loaded = l.loadedBytes();
  const elapsed = Math.floor(dateNow() / 1000) - Math.floor(l.startedAt / 1000);
  const remaining = l.totalBytes - loaded;
  return [
    `loading_start_time:${Math.floor(l.startedAt / 1000)}`,
    `loading_total_bytes:${l.totalBytes}`,
    `loading_rdb_used_mem:${l.rdbUsedMem()}`,
    `loading_loaded_bytes:${loaded}`,
    `loading_loaded_perc:${(l.totalBytes !== 0 ? (loaded / l.totalBytes) * 100 : 0).toFixed(2)}`,
    `loading_eta_seconds:${elapsed === 0 ? 1 : Math.floor((elapsed * remaining) / (loaded + 1))}`,
  ];
}

function persistenceSection(server: ServerState): string[] {
  const p = Persistence.of(server);
  const bg = p.bgsave;
  const aofState = Aof.of(server);
  const aof = aofState.infoFields();
  const bgJob = bg ?? aofState.runningJob;
  return [
    `loading:${server.loading ? 1 : 0}`,
    'async_loading:0',
    // what a fork would have copied on write: the memory of the keys changed during the save
    `current_cow_peak:${bgJob?.cowBytes ?? 0}`,
    `current_cow_size:${bgJob?.cowBytes ?? 0}`,
    'current_cow_size_age:0',
    // the share of keys written (Redis: of the fork's keys), the save's progress
    `current_fork_perc:${bgJob !== null && bgJob.keysTotal !== 0 ? ((bgJob.keysProcessed / bgJob.keysTotal) * 100).toFixed(2) : '0.00'}`,
    `current_save_keys_processed:${bgJob !== null ? bgJob.keysProcessed : 0}`,
    `current_save_keys_total:${bgJob !== null ? bgJob.keysTotal : 0}`,
    `rdb_changes_since_last_save:${server.dirty}`,
    `rdb_bgsave_in_progress:${bg !== null ? 1 : 0}`,
    `rdb_last_save_time:${server.lastSave}`,
    `rdb_last_bgsave_status:${p.lastBgsaveOk ? 'ok' : 'err'}`,
    `rdb_last_bgsave_time_sec:${p.lastBgsaveSeconds}`,
    `rdb_current_bgsave_time_sec:${bg !== null ? Math.floor(dateNow() / 1000) - Math.floor(bg.startedAt / 1000) : -1}`,
    `rdb_saves:${p.saves}`,
    `rdb_last_cow_size:${p.lastCowBytes}`,
    `rdb_last_load_keys_expired:${p.lastLoadKeysExpired}`,
    `rdb_last_load_keys_loaded:${p.lastLoadKeysLoaded}`,
    ...aof.main,
    'module_fork_in_progress:0',
    'module_fork_last_cow_size:0',
    ...aof.tail,
    ...loadingFields(p),
  ];
}

function statsSection(server: ServerState): string[] {
  const s = server.stats;
  const ps = server.pubsub;
  return [
    `total_connections_received:${s.connectionsReceived}`,
    `total_commands_processed:${s.commandsProcessed}`,
    'instantaneous_ops_per_sec:0',
    `total_net_input_bytes:${s.netInputBytes}`,
    `total_net_output_bytes:${s.netOutputBytes}`,
    'total_net_repl_input_bytes:0',
    'total_net_repl_output_bytes:0',
    'instantaneous_input_kbps:0.00',
    'instantaneous_output_kbps:0.00',
    'instantaneous_input_repl_kbps:0.00',
    'instantaneous_output_repl_kbps:0.00',
    `rejected_connections:${s.rejectedConnections}`,
    'sync_full:0',
    'sync_partial_ok:0',
    'sync_partial_err:0',
    `expired_keys:${s.expiredKeys}`,
    'expired_stale_perc:0.00',
    'expired_time_cap_reached_count:0',
    'expire_cycle_cpu_milliseconds:0',
    `evicted_keys:${server.evictor.evictedKeys}`,
    `evicted_clients:${s.evictedClients}`,
    'total_eviction_exceeded_time:0',
    'current_eviction_exceeded_time:0',
    `keyspace_hits:${s.keyspaceHits}`,
    `keyspace_misses:${s.keyspaceMisses}`,
    `pubsub_channels:${ps.channels.size}`,
    `pubsub_patterns:${ps.patterns.size}`,
    `pubsubshard_channels:${ps.shardChannels.size}`,
    `latest_fork_usec:${s.latestForkUsec}`,
    `total_forks:${s.forks}`,
    'migrate_cached_sockets:0',
    'slave_expires_tracked_keys:0',
    'active_defrag_hits:0',
    'active_defrag_misses:0',
    'active_defrag_key_hits:0',
    'active_defrag_key_misses:0',
    'total_active_defrag_time:0',
    'current_active_defrag_time:0',
    `tracking_total_keys:${server.tracking.totalKeys}`,
    `tracking_total_items:${server.tracking.totalItems}`,
    `tracking_total_prefixes:${server.tracking.totalPrefixes}`,
    'unexpected_error_replies:0',
    `total_error_replies:${s.errorReplies}`,
    'dump_payload_sanitizations:0',
    `total_reads_processed:${s.readsProcessed}`,
    `total_writes_processed:${s.writesProcessed}`,
    'io_threaded_reads_processed:0',
    'io_threaded_writes_processed:0',
    `client_query_buffer_limit_disconnections:${s.queryBufferLimitDisconnections}`,
    `client_output_buffer_limit_disconnections:${s.outputBufferLimitDisconnections}`,
    'reply_buffer_shrinks:0',
    'reply_buffer_expands:0',
  ];
}

function replicationSection(server: ServerState): string[] {
  return [
    'role:master',
    'connected_slaves:0',
    'master_failover_state:no-failover',
    `master_replid:${state(server).replId}`,
    'master_replid2:0000000000000000000000000000000000000000',
    'master_repl_offset:0',
    'second_repl_offset:-1',
    'repl_backlog_active:0',
    `repl_backlog_size:${server.config.get('repl-backlog-size')}`,
    'repl_backlog_first_byte_offset:0',
    'repl_backlog_histlen:0',
  ];
}

function cpuSection(): string[] {
  const u = process.cpuUsage();
  const sys = (u.system / 1e6).toFixed(6);
  const user = (u.user / 1e6).toFixed(6);
  return [
    `used_cpu_sys:${sys}`,
    `used_cpu_user:${user}`,
    'used_cpu_sys_children:0.000000',
    'used_cpu_user_children:0.000000',
    `used_cpu_sys_main_thread:${sys}`,
    `used_cpu_user_main_thread:${user}`,
  ];
}

function commandstatsSection(server: ServerState): string[] {
  const lines: string[] = [];
  for (const cmd of server.table.all()) {
    const s = cmd.stats;
    if (s.calls === 0 && s.failed === 0 && s.rejected === 0) continue;
    const usec = Math.floor(s.usec);
    const per = s.calls === 0 ? 0 : s.usec / s.calls;
    lines.push(
      `cmdstat_${cmd.name}:calls=${s.calls},usec=${usec},usec_per_call=${per.toFixed(2)},rejected_calls=${s.rejected},failed_calls=${s.failed}`,
    );
  }
  return lines;
}

function errorstatsSection(server: ServerState): string[] {
  const codes = [...server.stats.errors.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return codes.map((code) => `errorstat_${code}:count=${server.stats.errors.get(code)}`);
}

function latencystatsSection(server: ServerState): string[] {
  const pcts = server.config
    .get('latency-tracking-info-percentiles')
    .split(' ')
    .filter((p) => p !== '');
  if (server.config.get('latency-tracking') !== 'yes') return [];
  const lines: string[] = [];
  for (const cmd of server.table.all()) {
    const s = cmd.stats;
    if (s.calls === 0) continue;
    const avg = s.usec / s.calls;
    const fields = pcts.map((p) => `p${p}=${avg.toFixed(3)}`).join(',');
    lines.push(`latency_percentiles_usec_${cmd.name}:${fields}`);
  }
  return lines;
}

/** Average remaining TTL in ms over a sample of keys with an expire (Redis estimates it too). */
function avgTtl(expires: Map<string, number>, now: number): number {
  if (expires.size === 0) return 0;
  let sum = 0;
  let n = 0;
  for (const when of expires.values()) {
    if (when > now) {
      sum += when - now;
      n++;
    }
    if (n === 64) break;
  }
  return n === 0 ? 0 : Math.floor(sum / n);
}

function keyspaceSection(server: ServerState): string[] {
  const lines: string[] = [];
  for (const db of server.dbs) {
    if (db.size === 0) continue;
    lines.push(`db${db.id}:keys=${db.size},expires=${db.expires.size},avg_ttl=${avgTtl(db.expires, server.clock.now())}`);
  }
  return lines;
}

/** Sections in Redis's output order; `modules` is listed where Redis prints "# Modules". */
const SECTIONS: [string, string, Section][] = [
  ['server', 'Server', serverSection],
  ['clients', 'Clients', clientsSection],
  ['memory', 'Memory', memorySection],
  ['persistence', 'Persistence', persistenceSection],
  ['stats', 'Stats', statsSection],
  ['replication', 'Replication', replicationSection],
  ['cpu', 'CPU', cpuSection],
  ['modules', 'Modules', () => []],
  ['commandstats', 'Commandstats', commandstatsSection],
  ['errorstats', 'Errorstats', errorstatsSection],
  ['latencystats', 'Latencystats', latencystatsSection],
  ['cluster', 'Cluster', () => ['cluster_enabled:0']],
  ['keyspace', 'Keyspace', keyspaceSection],
];

const DEFAULT = new Set(['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'errorstats', 'cluster', 'keyspace']);

/** The INFO text for the requested section names (no names: the default set). */
export function infoString(server: ServerState, c: Client, names: string[]): string {
  const wanted = new Set<string>();
  if (names.length === 0) for (const s of DEFAULT) wanted.add(s);
  for (const raw of names) {
    const n = raw.toLowerCase();
    if (n === 'default') for (const s of DEFAULT) wanted.add(s);
    else if (n === 'all' || n === 'everything') for (const [s] of SECTIONS) wanted.add(s);
    else wanted.add(n);
  }
  let out = '';
  let count = 0;
  for (const [key, title, gen] of SECTIONS) {
    if (!wanted.has(key)) continue;
    if (count++ > 0) out += '\r\n';
    out += `# ${title}\r\n`;
    for (const l of gen(server, c)) out += l + '\r\n';
  }
  return out;
}

// INFO [section ...]
function info(c: Client, argv: string[], out: ReplySink): void {
  out.verbatim(infoString(c.server, c, argv.slice(1)));
}

/** CONFIG RESETSTAT: zeroes INFO stats, command stats and error stats. */
export function resetStats(server: ServerState): void {
  const s = server.stats;
  s.connectionsReceived = 0;
  s.commandsProcessed = 0;
  s.readsProcessed = 0;
  s.writesProcessed = 0;
  s.rejectedCalls = 0;
  s.expiredKeys = 0;
  s.keyspaceHits = 0;
  s.keyspaceMisses = 0;
  s.rejectedConnections = 0;
  s.evictedClients = 0;
  s.queryBufferLimitDisconnections = 0;
  s.outputBufferLimitDisconnections = 0;
  server.evictor.evictedKeys = 0;
  s.lazyfreedObjects = 0;
  s.netInputBytes = 0;
  s.netOutputBytes = 0;
  s.errorReplies = 0;
  s.errors.clear();
  s.forks = 0;
  s.latestForkUsec = 0;
  for (const cmd of server.table.all()) {
    cmd.stats.calls = 0;
    cmd.stats.usec = 0;
    cmd.stats.failed = 0;
    cmd.stats.rejected = 0;
  }
  state(server).peakMemory = 0;
}

export const commands: HandlerTable = { info };
