import { test, expect } from 'vitest';
import { describeDifferential } from '../support/differential.ts';

describeDifferential('CONFIG', (d) => {
  test('CONFIG GET exact names, aliases, globs', async () => {
    await d().seq([
      ['CONFIG', 'GET', 'maxmemory'],
      ['CONFIG', 'GET', 'MAXMEMORY'],
      ['CONFIG', 'GET', 'nosuch'],
      ['CONFIG', 'GET', 'lua-time-limit'],
      ['CONFIG', 'GET', 'hash-max-ziplist-entries'],
      ['CONFIG', 'GET'],
    ]);
    await d().sameUnordered('CONFIG', 'GET', '*ziplist*');
    await d().sameUnordered('CONFIG', 'GET', 'maxmemory-policy', 'hz');
    await d().sameUnordered('CONFIG', 'GET', 'maxmemory*', 'hz', 'maxmemory');
    await d().sameUnordered('CONFIG', 'GET', 'slowlog-*');
    await d().both('HELLO', '3');
    await d().seq([['CONFIG', 'GET', 'hz']]);
    await d().both('HELLO', '2');
  });

  test('CONFIG GET * lists the same parameters as Redis', async () => {
    const names = (r: unknown) => (r as string[]).filter((_, i) => i % 2 === 0).sort();
    const real = names(await d().real.command('CONFIG', 'GET', '*'));
    const ours = names(await d().ours.command('CONFIG', 'GET', '*'));
    expect(ours).toEqual(real);
  });

  test('CONFIG SET validation errors', async () => {
    await d().seq([
      ['CONFIG', 'SET', 'hz', 'abc'],
      ['CONFIG', 'SET', 'hz', '1.5'],
      ['CONFIG', 'SET', 'hz', '-1'],
      ['CONFIG', 'SET', 'hz', '+10'],
      ['CONFIG', 'SET', 'lua-time-limit', 'abc'],
      ['CONFIG', 'SET', 'LUA-TIME-LIMIT', 'abc'],
      ['CONFIG', 'SET', 'maxmemory', '-1'],
      ['CONFIG', 'SET', 'maxmemory', '1xb'],
      ['CONFIG', 'SET', 'maxmemory', ' 10'],
      ['CONFIG', 'SET', 'appendonly', 'maybe'],
      ['CONFIG', 'SET', 'loglevel', 'foo'],
      ['CONFIG', 'SET', 'maxmemory-clients', '200%'],
      ['CONFIG', 'SET', 'maxmemory-clients', 'abc'],
      ['CONFIG', 'SET', 'daemonize', 'yes'],
      ['CONFIG', 'SET', 'Daemonize', 'yes'],
      ['CONFIG', 'SET', 'unixsocketperm', '999'],
      ['CONFIG', 'SET', 'dir', '/nonexistent'],
      ['CONFIG', 'SET', 'dbfilename', 'x'],
      ['CONFIG', 'SET', 'HZ', '1', 'hz', '2'],
      ['CONFIG', 'SET', 'foo', '1', 'hz', 'x'],
      ['CONFIG', 'SET', 'hz', 'x', 'foo', '1'],
      ['CONFIG', 'SET', 'hz', '1', 'maxmemory'],
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 abc'],
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 101'],
      ['CONFIG', 'SET', 'save', '1 2 3'],
      ['CONFIG', 'SET', 'save', '0 2'],
      ['CONFIG', 'SET', 'timeout', '-1'],
      ['CONFIG', 'SET', 'maxclients', '0'],
      ['CONFIG', 'SET', 'port', '70000'],
      ['CONFIG', 'SET', 'notify-keyspace-events', 'KEZ'],
      ['CONFIG', 'SET', 'shutdown-on-sigint', 'save nosave'],
      ['CONFIG', 'SET', 'shutdown-on-sigint', 'foo'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'foo 1 2 3'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1 2'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1x 2 3'],
      ['CONFIG', 'SET', 'oom-score-adj-values', '1 2'],
      ['CONFIG', 'SET', 'oom-score-adj-values', '1 2 3000'],
    ]);
  });

  test('CONFIG SET values and canonical forms', async () => {
    await d().seq([
      ['CONFIG', 'SET', 'maxmemory', '1GB'],
      ['CONFIG', 'GET', 'maxmemory'],
      ['CONFIG', 'SET', 'maxmemory', '10k'],
      ['CONFIG', 'GET', 'maxmemory'],
      ['CONFIG', 'SET', 'maxmemory', '010'],
      ['CONFIG', 'GET', 'maxmemory'],
      ['CONFIG', 'SET', 'maxmemory', '0'],
      ['CONFIG', 'SET', 'maxmemory-clients', '10%'],
      ['CONFIG', 'GET', 'maxmemory-clients'],
      ['CONFIG', 'SET', 'maxmemory-clients', '0'],
      ['CONFIG', 'SET', 'appendonly', 'YES'],
      ['CONFIG', 'GET', 'appendonly'],
      ['CONFIG', 'SET', 'appendonly', 'no'],
      ['CONFIG', 'SET', 'loglevel', 'WARNING'],
      ['CONFIG', 'GET', 'loglevel'],
      ['CONFIG', 'SET', 'loglevel', 'notice'],
      ['CONFIG', 'SET', 'notify-keyspace-events', 'KEAnm'],
      ['CONFIG', 'GET', 'notify-keyspace-events'],
      ['CONFIG', 'SET', 'notify-keyspace-events', 'Exg$'],
      ['CONFIG', 'GET', 'notify-keyspace-events'],
      ['CONFIG', 'SET', 'notify-keyspace-events', ''],
      ['CONFIG', 'GET', 'notify-keyspace-events'],
      ['CONFIG', 'SET', 'shutdown-on-sigint', 'now save'],
      ['CONFIG', 'GET', 'shutdown-on-sigint'],
      ['CONFIG', 'SET', 'shutdown-on-sigint', 'default'],
      ['CONFIG', 'SET', 'lua-time-limit', '1', 'busy-reply-threshold', '2'],
      ['CONFIG', 'GET', 'busy-reply-threshold'],
      ['CONFIG', 'GET', 'lua-time-limit'],
      ['CONFIG', 'SET', 'busy-reply-threshold', '5000'],
      ['CONFIG', 'SET', 'save', '100 10 20 1'],
      ['CONFIG', 'GET', 'save'],
      ['CONFIG', 'SET', 'save', ''],
      ['CONFIG', 'GET', 'save'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1mb 2 3'],
      ['CONFIG', 'GET', 'client-output-buffer-limit'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0'],
      ['CONFIG', 'SET', 'hz', '20', 'maxmemory-policy', 'allkeys-lru'],
      ['CONFIG', 'GET', 'hz'],
      ['CONFIG', 'GET', 'maxmemory-policy'],
      ['CONFIG', 'SET', 'hz', '30', 'maxmemory-policy', 'bogus'],
      ['CONFIG', 'GET', 'hz'],
      ['CONFIG', 'SET', 'hz', '10', 'maxmemory-policy', 'noeviction'],
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 99.9'],
      ['CONFIG', 'GET', 'latency-tracking-info-percentiles'],
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 99 99.9'],
      ['CONFIG', 'SET', 'requirepass', ''],
      ['CONFIG', 'SET', 'hz', '0'],
      ['CONFIG', 'GET', 'hz'],
      ['CONFIG', 'SET', 'hz', '1000'],
      ['CONFIG', 'GET', 'hz'],
      ['CONFIG', 'SET', 'hz', '10'],
      ['CONFIG', 'SET', 'maxmemory', '99999999999999999999999'],
      ['CONFIG', 'GET', 'maxmemory'],
      ['CONFIG', 'SET', 'maxmemory', '0'],
      ['CONFIG', 'SET', 'slowlog-max-len', '-1'],
      ['CONFIG', 'SET', 'slowlog-log-slower-than', '-2'],
      ['CONFIG', 'SET', 'list-max-listpack-size', '-5'],
      ['CONFIG', 'GET', 'list-max-ziplist-size'],
      ['CONFIG', 'SET', 'list-max-listpack-size', '-2'],
    ]);
  });

  test('CONFIG REWRITE, RESETSTAT, HELP', async () => {
    await d().seq([['CONFIG', 'REWRITE'], ['CONFIG', 'RESETSTAT'], ['CONFIG', 'HELP'], ['CONFIG', 'NOSUCH'], ['CONFIG', 'RESETSTAT', 'x']]);
  });
});
