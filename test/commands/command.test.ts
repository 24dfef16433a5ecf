import { test, expect } from 'vitest';
import { describeDifferential } from '../support/differential.ts';

describeDifferential('COMMAND introspection', (d) => {
  test('COMMAND INFO and DOCS of implemented commands', async () => {
    await d().seq([
      ['COMMAND', 'INFO', 'ping'],
      ['COMMAND', 'INFO', 'PING', 'nosuch', 'echo'],
      ['COMMAND', 'INFO', 'lmove', 'sintercard', 'del'],
      ['COMMAND', 'INFO', 'config|get'],
      ['COMMAND', 'INFO', 'config|get|x'],
      ['COMMAND', 'DOCS', 'lmove'],
      ['COMMAND', 'DOCS', 'ping', 'nosuch', 'echo'],
      ['COMMAND', 'DOCS', 'config|set'],
      ['COMMAND', 'HELP'],
      ['COMMAND', 'COUNT', 'x'],
      ['COMMAND', 'NOSUCH'],
    ]);
    await d().both('HELLO', '3');
    await d().seq([['COMMAND', 'INFO', 'lmove', 'nosuch'], ['COMMAND', 'DOCS', 'echo', 'info']]);
    await d().both('HELLO', '2');
  });

  test('COMMAND LIST filters', async () => {
    await d().sameUnordered('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'config*');
    await d().sameUnordered('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'c?nfig|[gs]et');
    await d().seq([
      ['COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'foo'],
      ['COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'nosuchcat'],
      ['COMMAND', 'LIST', 'FILTERBY'],
      ['COMMAND', 'LIST', 'FILTERBY', 'x', 'y'],
      ['COMMAND', 'LIST', 'foo'],
      ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'x', 'extra'],
    ]);
  });

  test('COMMAND GETKEYS and GETKEYSANDFLAGS', async () => {
    await d().seq([
      ['COMMAND', 'GETKEYS', 'llen', 'a'],
      ['COMMAND', 'GETKEYS', 'llen'],
      ['COMMAND', 'GETKEYS', 'llen', 'a', 'b'],
      ['COMMAND', 'GETKEYS', 'del', 'a', 'b', 'c'],
      ['COMMAND', 'GETKEYS', 'sintercard', '2', 'a', 'b'],
      ['COMMAND', 'GETKEYS', 'sintercard', '5', 'a', 'b'],
      ['COMMAND', 'GETKEYS', 'sintercard', '-1', 'a', 'b'],
      ['COMMAND', 'GETKEYS', 'lmpop', '2', 'a', 'b', 'LEFT'],
      ['COMMAND', 'GETKEYS', 'rename', 'a', 'b'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'lmove', 'a', 'b', 'left', 'right'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'sinterstore', 'd', 'a', 'b'],
      ['COMMAND', 'GETKEYS', 'pfcount', 'a', 'b'],
      ['COMMAND', 'GETKEYS', 'object', 'encoding', 'k'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'object', 'encoding', 'k'],
      ['COMMAND', 'GETKEYS', 'object', 'nosuch', 'k'],
      ['COMMAND', 'GETKEYS', 'copy', 'a', 'b', 'DB', '1'],
      ['COMMAND', 'GETKEYS', 'scan', '0'],
      ['COMMAND', 'GETKEYS', 'keys', '*'],
      ['COMMAND', 'GETKEYS', 'exists', 'a', 'b'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'hset', 'h', 'f', 'v'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'smove', 'a', 'b', 'm'],
      ['COMMAND', 'GETKEYS', 'lmpop', 'x', 'a', 'LEFT'],
      ['COMMAND', 'GETKEYS', 'lmpop', '0', 'a', 'LEFT'],
      ['COMMAND', 'GETKEYS', 'pfmerge', 'd', 's1', 's2'],
      ['COMMAND', 'GETKEYS', 'pfdebug', 'getreg', 'k'],
      ['COMMAND', 'GETKEYS', 'nosuch', 'a'],
      ['COMMAND', 'GETKEYS', 'ping', 'x'],
      ['COMMAND', 'GETKEYS', 'config', 'get'],
      ['COMMAND', 'GETKEYS', 'config', 'nosuch'],
    ]);
  });

  test('COMMAND INFO and DOCS of every implemented command and subcommand match Redis', async () => {
    const names: string[] = [];
    for (const cmd of d().redmoon.server.table.commands.values()) {
      if (cmd.subcommands) for (const sub of cmd.subcommands.values()) names.push(sub.name);
      else names.push(cmd.name);
    }
    for (const name of names) {
      await d().same('COMMAND', 'INFO', name);
      await d().same('COMMAND', 'DOCS', name);
    }
  });

  test('COMMAND COUNT matches the table', async () => {
    const { ours } = await d().both('COMMAND', 'COUNT');
    const n = Number(ours.slice(1));
    expect(n).toBe(d().redmoon.server.table.commands.size);
    const all = await d().ours.call('COMMAND');
    expect(all.startsWith(`*${n}\r\n`)).toBe(true);
  });
});
