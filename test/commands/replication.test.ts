import { test } from 'vitest';
import { describeDifferential } from '../support/differential.ts';

describeDifferential('replication commands on a master without replicas', (d) => {
  test('REPLICAOF / SLAVEOF', async () => {
    await d().seq([
      ['REPLICAOF', 'NO', 'ONE'],
      ['SLAVEOF', 'no', 'one'],
      ['REPLICAOF', 'x'],
      ['REPLICAOF', 'a', 'b', 'c'],
      ['REPLICAOF', 'localhost', 'abc'],
      ['REPLICAOF', 'localhost', '-1'],
      ['REPLICAOF', 'localhost', '65536'],
      ['SLAVEOF', 'localhost', 'x'],
      ['ROLE'],
    ]);
  });

  test('FAILOVER', async () => {
    await d().seq([
      ['FAILOVER'],
      ['FAILOVER', 'ABORT'],
      ['FAILOVER', 'TO', '127.0.0.1', '1'],
      ['FAILOVER', 'TO', '127.0.0.1', 'x'],
      ['FAILOVER', 'TO', '127.0.0.1'],
      ['FAILOVER', 'FORCE'],
      ['FAILOVER', 'FORCE', 'FORCE'],
      ['FAILOVER', 'TIMEOUT', 'x'],
      ['FAILOVER', 'TIMEOUT', '-1'],
      ['FAILOVER', 'TIMEOUT', '0'],
      ['FAILOVER', 'TIMEOUT', '10'],
      ['FAILOVER', 'TIMEOUT', '10', 'TIMEOUT', '5'],
      ['FAILOVER', 'ABORT', 'x'],
      ['FAILOVER', 'bogus'],
    ]);
  });

  test('REPLCONF and PSYNC FAILOVER', async () => {
    await d().seq([
      ['REPLCONF', 'listening-port', '1'],
      ['REPLCONF', 'listening-port', 'x'],
      ['REPLCONF', 'ip-address', '1.2.3.4'],
      ['REPLCONF', 'ip-address', 'x'.repeat(255)],
      ['REPLCONF', 'ip-address', 'x'.repeat(256)],
      ['REPLCONF', 'capa', 'eof', 'capa', 'psync2', 'capa', 'other'],
      ['REPLCONF', 'rdb-only', '1'],
      ['REPLCONF', 'rdb-only', '2'],
      ['REPLCONF', 'rdb-only', 'x'],
      ['REPLCONF', 'rdb-filter-only', 'functions'],
      ['REPLCONF', 'rdb-filter-only', ''],
      ['REPLCONF', 'rdb-filter-only', 'functions other'],
      ['REPLCONF', 'x'],
      ['REPLCONF', 'a', 'b'],
      ['REPLCONF', 'a', 'b', 'c'],
      ['REPLCONF'],
      ['PSYNC', 'x', '1', 'FAILOVER'],
      ['PSYNC', 'x'],
      ['SYNC', 'x'],
      ['MULTI'],
      ['SYNC'],
      ['DISCARD'],
    ]);
  });
});

describeDifferential(
  'MODULE without modules',
  (d) => {
    test('MODULE subcommands', async () => {
      await d().seq([
        ['MODULE', 'LIST'],
        ['MODULE', 'LIST', 'x'],
        ['MODULE', 'HELP'],
        ['MODULE', 'LOAD', '/nonexistent/module.so'],
        ['MODULE', 'LOAD', '/nonexistent/module.so', 'a', 'b'],
        ['MODULE', 'LOADEX', '/nonexistent/module.so', 'CONFIG', 'a', 'b', 'ARGS', 'x'],
        ['MODULE', 'LOADEX', '/nonexistent/module.so', 'BOGUS'],
        ['MODULE', 'UNLOAD', 'foo'],
        ['MODULE', 'UNLOAD'],
        ['MODULE', 'NOSUCH'],
        ['MODULE'],
      ]);
    });
  },
  { 'enable-module-command': 'yes' },
);

describeDifferential('MODULE when not enabled', (d) => {
  test('protected', async () => {
    await d().seq([['MODULE', 'LIST'], ['MODULE', 'HELP'], ['MODULE', 'LOAD', '/x.so'], ['MODULE', 'LOADEX', '/x.so'], ['MODULE', 'UNLOAD', 'x']]);
  });
});
