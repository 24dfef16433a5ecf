import { test, expect } from 'vitest';
import { describeDifferential } from '../support/differential.ts';

/** Parses INFO text into sections of [field, value] pairs. */
function parseInfo(raw: string): Map<string, [string, string][]> {
  const body = raw.startsWith('=') ? raw.slice(raw.indexOf('\r\n') + 2 + 4, -2) : raw.slice(raw.indexOf('\r\n') + 2, -2);
  const out = new Map<string, [string, string][]>();
  let cur: [string, string][] = [];
  for (const line of body.split('\r\n')) {
    if (line.startsWith('# ')) {
      cur = [];
      out.set(line.slice(2), cur);
    } else if (line !== '') {
      const i = line.indexOf(':');
      cur.push([line.slice(0, i), line.slice(i + 1)]);
    }
  }
  return out;
}

/**
 * Fields Redis 7.0.15 lacks: our version, and Redis 7.2's counters of clients closed for
 * their query or output buffer limits.
 */
const REDMOON_ONLY = new Set(['redmoon_version', 'client_query_buffer_limit_disconnections', 'client_output_buffer_limit_disconnections']);

describeDifferential('INFO', (d) => {
  test('section selection', async () => {
    for (const args of [[], ['default'], ['all'], ['everything'], ['keyspace', 'server'], ['CPU'], ['foo'], ['default', 'foo'], ['commandstats', 'latencystats'], ['modules']]) {
      const { real, ours } = await d().both('INFO', ...args);
      expect([...parseInfo(ours).keys()], `INFO ${args.join(' ')}`).toEqual([...parseInfo(real).keys()]);
    }
    await d().same('INFO', 'foo');
  });

  test('field names and order match Redis', async () => {
    const { real, ours } = await d().both('INFO', 'everything');
    const r = parseInfo(real);
    const o = parseInfo(ours);
    for (const sec of ['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Cluster']) {
      const names = (o.get(sec) ?? []).map(([k]) => k).filter((k) => !REDMOON_ONLY.has(k));
      expect(names, sec).toEqual((r.get(sec) ?? []).map(([k]) => k));
    }
    const server = new Map(o.get('Server'));
    expect(server.get('redis_version')).toBe('7.0.15');
    expect(server.get('redmoon_version')).toMatch(/^\d+\.\d+\.\d+/);
    expect(new Map(o.get('Memory')).get('maxmemory_policy')).toBe('noeviction');
  });

  test('keyspace, errorstats and commandstats follow the commands run', async () => {
    await d().both('CONFIG', 'RESETSTAT');
    await d().both('SADD', 's', 'a');
    await d().both('SADD', 's2', 'a');
    await d().both('PEXPIRE', 's2', '100000');
    await d().both('SELECT', '3');
    await d().both('RPUSH', 'l', 'x');
    await d().both('SELECT', '0');
    await d().both('NOSUCHCOMMAND');
    await d().both('SADD', 's');
    await d().both('RPUSH', 's', 'x');
    await d().both('SELECT', 'x');
    const ks = await d().both('INFO', 'keyspace');
    const noTtl = (x: string) => x.replace(/avg_ttl=\d+/g, '').replace(/^\$\d+/, '');
    expect(noTtl(ks.ours)).toBe(noTtl(ks.real));
    expect(ks.ours).toMatch(/db0:keys=2,expires=1,avg_ttl=(99\d{3}|100000)\r\n/);
    await d().same('INFO', 'errorstats');
    const { real, ours } = await d().both('INFO', 'commandstats');
    const strip = (raw: string) =>
      (parseInfo(raw).get('Commandstats') ?? [])
        .map(([k, v]) => `${k}:${v.replace(/usec=\d+,usec_per_call=[\d.]+,/, '')}`)
        .sort();
    expect(strip(ours)).toEqual(strip(real));
    const stats = new Map(parseInfo((await d().both('INFO', 'stats')).ours).get('Stats'));
    expect(stats.get('total_error_replies')).toBe('4');
  });

  test('total_commands_processed counts what ran: not rejected commands, not the INFO itself, EXEC and script commands each', async () => {
    const count = async (): Promise<[string, string]> => {
      const { real, ours } = await d().both('INFO', 'stats');
      const get = (raw: string) => new Map(parseInfo(raw).get('Stats')).get('total_commands_processed') ?? '?';
      return [get(real), get(ours)];
    };
    await d().both('CONFIG', 'RESETSTAT');
    const seen: [string, string][] = [await count()];
    await d().both('PING');
    seen.push(await count());
    await d().both('NOSUCHCOMMAND');
    await d().both('GET');
    seen.push(await count());
    await d().seq([['MULTI'], ['SET', 'tcp', '1'], ['INCR', 'tcp'], ['EXEC']]);
    seen.push(await count());
    await d().both('EVAL', "redis.call('set', 'tcp2', 1) return redis.pcall('nosuch')", '0');
    seen.push(await count());
    for (const [real, ours] of seen) expect(ours).toBe(real);
  });

  test('RESP3 verbatim reply', async () => {
    await d().both('HELLO', '3');
    const { real, ours } = await d().both('INFO', 'cluster');
    expect(ours).toBe(real);
    await d().both('HELLO', '2');
  });
});
