import { test, expect } from 'vitest';
import { describeDifferential, type Differential } from '../support/differential.ts';
import { crc64 } from '../../src/keyspace/rdb.ts';

/**
 * DUMP/RESTORE of streams (RDB_TYPE_STREAM_LISTPACKS_2): payloads byte-identical to
 * redis-server's when no timestamps are involved; with consumer groups, each server loads the
 * other's payload (real one with deep sanitization) and both then agree on the contents.
 */

function build(): string[][] {
  const cmds: string[][] = [];
  for (let i = 1; i <= 230; i++) {
    cmds.push(['XADD', 'm', `${1000 + i}-${i % 3}`, 'f', String(i), ...(i % 7 === 0 ? ['g', 'x'.repeat(i % 50)] : [])]);
  }
  return cmds;
}

async function crossRestore(d: Differential, key: string): Promise<void> {
  const real = (await d.real.command('DUMP', key)) as string;
  const ours = (await d.ours.command('DUMP', key)) as string;
  expect(ours.length).toBe(real.length);
  // Each side restores the other's payload, then both must describe the same stream.
  expect(await d.real.call('RESTORE', 'copy', '0', ours, 'REPLACE')).toBe('+OK\r\n');
  expect(await d.ours.call('RESTORE', 'copy', '0', real, 'REPLACE')).toBe('+OK\r\n');
  await d.same('XRANGE', 'copy', '-', '+');
  await d.same('XINFO', 'STREAM', 'copy');
  await d.same('XPENDING', 'copy', 'g1');
  // (The extended XPENDING form shows idle times: timing-dependent.)
  await d.same('XPENDING', 'copy', 'g1', '-', '+', '10', 'nobody');
  await d.same('XINFO', 'GROUPS', 'copy');
  // Loading and dumping again gives back the very payload that was loaded.
  expect(await d.real.command('DUMP', 'copy')).toBe(ours);
  expect(await d.ours.command('DUMP', 'copy')).toBe(real);
}

describeDifferential(
  'stream DUMP/RESTORE',
  (d) => {
    test('payloads match redis-server byte for byte', async () => {
      await d().seq([
        ['XADD', 's', '1-1', 'f', 'v', 'g', '12'],
        ['XADD', 's', '2-5', 'f', 'w', 'g', '-3'],
        ['XADD', 's', '3-0', 'a', '1'],
        ['DUMP', 's'],
        ['XDEL', 's', '2-5'],
        ['DUMP', 's'],
        ['XGROUP', 'CREATE', 's', 'g2', '0'],
        ['XGROUP', 'CREATE', 's', 'g1', '$', 'ENTRIESREAD', '5'],
        ['XSETID', 's', '10-10', 'ENTRIESADDED', '20', 'MAXDELETEDID', '3-0'],
        ['DUMP', 's'],
        ['XADD', 'big', '18446744073709551615-18446744073709551614', 'f', 'v'],
        ['DUMP', 'big'],
        ['XGROUP', 'CREATE', 'e', 'g', '$', 'MKSTREAM'],
        ['DUMP', 'e'],
        ...build(),
        ['DUMP', 'm'],
        ['XTRIM', 'm', 'MAXLEN', '150'],
        ['DUMP', 'm'],
        ['XTRIM', 'm', 'MINID', '1100'],
        ['DUMP', 'm'],
      ]);
    });

    test('RESTORE round trips, with consumers and pending entries', async () => {
      await d().seq([...build(), ['XGROUP', 'CREATE', 'm', 'g1', '0'], ['XGROUP', 'CREATE', 'm', 'g0', '$']]);
      await d().both('XREADGROUP', 'GROUP', 'g1', 'bob', 'COUNT', '5', 'STREAMS', 'm', '>');
      await d().both('XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', '3', 'STREAMS', 'm', '>');
      await d().both('XCLAIM', 'm', 'g1', 'carol', '0', '1002-2', 'JUSTID');
      await d().same('XDEL', 'm', '1003-0', '1050-2');
      await crossRestore(d(), 'm');
      // Our own payload restores into our own server too.
      const ours = (await d().ours.command('DUMP', 'm')) as string;
      expect(await d().ours.call('RESTORE', 'm2', '0', ours)).toBe('+OK\r\n');
      expect(await d().ours.call('XINFO', 'STREAM', 'm2', 'FULL')).toBe(await d().ours.call('XINFO', 'STREAM', 'm', 'FULL'));
    });

    test('corrupt stream payloads are refused', async () => {
      await d().both('XADD', 's', '1-1', 'f', 'v');
      const good = (await d().ours.command('DUMP', 's')) as string;
      // Flip each body byte and re-seal the CRC: the parser itself must refuse or accept
      // cleanly (never throw), and whatever it accepts must be usable.
      for (let i = 1; i < good.length - 10; i++) {
        const body = good.slice(0, i) + String.fromCharCode(good.charCodeAt(i) ^ 0x5a) + good.slice(i + 1, good.length - 8);
        const r = await d().ours.call('RESTORE', `bad${i}`, '0', body + crc64(body));
        expect(r === '+OK\r\n' || r.startsWith('-ERR Bad data format'), `byte ${i}: ${r}`).toBe(true);
        if (r === '+OK\r\n') expect((await d().ours.call('XINFO', 'STREAM', `bad${i}`, 'FULL'))[0]).not.toBe('-');
      }
      expect(await d().ours.call('PING')).toBe('+PONG\r\n');
    });
  },
  { 'sanitize-dump-payload': 'yes' },
);
