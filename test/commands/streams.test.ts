import { describe, test, expect } from 'vitest';
import { describeDifferential } from '../support/differential.ts';
import { encodeCommand } from '../support/raw-client.ts';
import { decode, type Reply } from '../support/resp-reader.ts';

/** Runs commands on both servers; HELLO is sent to both without comparing (client ids differ). */
async function run(d: () => import('../support/differential.ts').Differential, cmds: string[][]): Promise<void> {
  for (const c of cmds) {
    if (c[0] === 'HELLO') await d().both(...c);
    else if (timing(c)) await sameMasked(d, c);
    else await d().same(...c);
  }
}

/** Replies that carry idle times or timestamps, which differ by a few ms between servers. */
function timing(c: string[]): boolean {
  const u = c.map((x) => x.toUpperCase());
  return (
    (u[0] === 'XPENDING' && c.length >= 6) ||
    (u[0] === 'XINFO' && u[1] === 'CONSUMERS') ||
    (u[0] === 'XINFO' && u[1] === 'STREAM' && u[3] === 'FULL')
  );
}

/** Compares decoded replies with idle times and delivery/seen timestamps masked out. */
async function sameMasked(d: () => import('../support/differential.ts').Differential, argv: string[]): Promise<void> {
  const { real, ours } = await d().both(...argv);
  const a = mask(decode(Buffer.from(real, 'latin1'), 0)!.value);
  const b = mask(decode(Buffer.from(ours, 'latin1'), 0)!.value);
  expect(b, `reply to ${JSON.stringify(argv)}`).toEqual(a);
}

function mask(r: Reply): Reply {
  if (typeof r === 'number' && r > 1e12) return 'T';
  if (Array.isArray(r)) {
    const out = r.map(mask);
    // XPENDING extended rows: [id, consumer, idle, deliveries]
    if (out.length === 4 && typeof out[0] === 'string' && /^\d+-\d+$/.test(out[0]) && typeof out[1] === 'string' && typeof out[2] === 'number') out[2] = 'I';
    for (let i = 0; i + 1 < out.length; i += 2) if (out[i] === 'idle' || out[i] === 'seen-time') out[i + 1] = 'I';
    return out;
  }
  if (r && typeof r === 'object' && 'map' in r) {
    const m = r.map.map(mask);
    for (let i = 0; i + 1 < m.length; i += 2) if (m[i] === 'idle' || m[i] === 'seen-time') m[i + 1] = 'I';
    return { map: m };
  }
  return r;
}

describeDifferential('stream commands', (d) => {
  test('XADD explicit IDs, errors and XLEN', async () => {
    await run(d, [
      ['XADD', 's', '1-1', 'a', '1'],
      ['XADD', 's', '1-1', 'a', '1'],
      ['XADD', 's', '1-0', 'a', '1'],
      ['XADD', 's', '0-0', 'a', '1'],
      ['XADD', 'new', '0-0', 'a', '1'],
      ['EXISTS', 'new'],
      ['XADD', 's', '1-*', 'b', '2'],
      ['XADD', 's', '2-*', 'b', '2'],
      ['XADD', 's', '2', 'c', '3'],
      ['XADD', 's', '3', 'c', '3'],
      ['XADD', 's', '5--01', 'x', 'y'],
      ['XADD', 's', '5-*', 'x', 'y'],
      ['XADD', 's', '18446744073709551615-18446744073709551614', 'x', 'y'],
      ['XADD', 's', '18446744073709551615-*', 'x', 'y'],
      ['XADD', 's', '*', 'x', 'y'],
      ['XADD', 's', '18446744073709551616-0', 'x', 'y'],
      ['XLEN', 's'],
      ['XLEN', 'nokey'],
      ['XADD', 's'],
      ['XADD', 's', '*'],
      ['XADD', 's', '*', 'a'],
      ['XADD', 's', '*', 'a', 'b', 'c'],
      ['XADD', 's', 'abc', 'a', 'b'],
      ['XADD', 's', '-', 'a', 'b'],
      ['XADD', 's', '+', 'a', 'b'],
      ['XADD', 's', '1-x', 'a', 'b'],
      ['XADD', 's', '-1', 'a', 'b'],
      ['XADD', 's', ' 7', 'a', 'b'],
      ['XRANGE', 's', '-', '+'],
      ['SET', 'str', 'x'],
      ['XADD', 'str', '*', 'a', 'b'],
      ['XLEN', 'str'],
      ['XADD', 'nomk', 'NOMKSTREAM', '*', 'a', 'b'],
      ['EXISTS', 'nomk'],
      ['XADD', 'q', '5-5', 'a', 'b'],
      ['XADD', 'q', '5-*', 'a', 'b'],
      ['XADD', 'q', '4-*', 'a', 'b'],
      ['XADD', 'q', 'NOMKSTREAM', '6-0', 'a', 'b'],
      ['TYPE', 'q'],
      ['OBJECT', 'ENCODING', 'q'],
    ]);
  });

  test('XADD auto IDs have the expected shape', async () => {
    const { real, ours } = await d().both('XADD', 'auto', '*', 'f', 'v');
    expect(ours).toMatch(/^\$\d+\r\n\d+-0\r\n$/);
    expect(real).toMatch(/^\$\d+\r\n\d+-0\r\n$/);
    await run(d, [['XADD', 'exh', '18446744073709551615-18446744073709551615', 'a', 'b'], ['XADD', 'exh', '*', 'a', 'b']]);
    await run(d, [['XADD', 'm', '5-18446744073709551615', 'a', 'b'], ['XADD', 'm', '5-*', 'a', 'b']]);
  });

  test('XADD/XTRIM trim options and errors', async () => {
    await run(d, [
      ['XADD', 's', 'MAXLEN', '1', 'MINID', '1', '*', 'a', 'b'],
      ['XADD', 's', 'LIMIT', '10', '*', 'a', 'b'],
      ['XADD', 's', 'MAXLEN', '10', 'LIMIT', '10', '*', 'a', 'b'],
      ['XADD', 's', 'MAXLEN', '-1', '*', 'a', 'b'],
      ['XADD', 's', 'MAXLEN', 'x', '*', 'a', 'b'],
      ['XADD', 's', 'MAXLEN', '~', '1', 'LIMIT', '-1', '*', 'a', 'b'],
      ['XADD', 's', 'MINID', '+', '*', 'a', 'b'],
      ['XADD', 's', 'MINID', '~', 'x', '*', 'a', 'b'],
      ['EXISTS', 's'],
      ['XTRIM', 's'],
      ['XTRIM', 's', 'MAXLEN'],
      ['XTRIM', 's', 'FOO', '1'],
      ['XTRIM', 's', 'MAXLEN', '1'],
      ['XTRIM', 's', 'MAXLEN', '1', 'LIMIT', '5'],
      ['XTRIM', 's', 'LIMIT', '5'],
      ['XTRIM', 's', 'MAXLEN', '~', '1', 'LIMIT', '5'],
      ['XTRIM', 's', 'MINID', '=', '1'],
    ]);
    const cmds: string[][] = [];
    for (let i = 1; i <= 30; i++) cmds.push(['XADD', 't', `${i}-1`, 'f', String(i)]);
    cmds.push(
      ['XTRIM', 't', 'MAXLEN', '25'],
      ['XLEN', 't'],
      ['XRANGE', 't', '-', '+', 'COUNT', '2'],
      ['XTRIM', 't', 'MINID', '10'],
      ['XRANGE', 't', '-', '+', 'COUNT', '2'],
      ['XTRIM', 't', 'MINID', '=', '12-1'],
      ['XTRIM', 't', 'MINID', '~', '20'],
      ['XTRIM', 't', 'MAXLEN', '=', '3'],
      ['XRANGE', 't', '-', '+'],
      ['XADD', 't', 'MAXLEN', '2', '31-0', 'f', 'v'],
      ['XRANGE', 't', '-', '+'],
      ['XADD', 't', 'MINID', '31', '32-0', 'f', 'v'],
      ['XRANGE', 't', '-', '+'],
      ['XTRIM', 't', 'MAXLEN', '0'],
      ['XLEN', 't'],
      ['EXISTS', 't'],
      ['XINFO', 'STREAM', 't'],
      ['XTRIM', 'nokey', 'MAXLEN', '0'],
    );
    await run(d, cmds);
  });

  test('approximate trimming follows node boundaries', async () => {
    const cmds: string[][] = [];
    for (let i = 1; i <= 350; i++) {
      cmds.push(['XADD', 'big', 'MAXLEN', '~', '120', `${i}-0`, 'field', `value-${i}`]);
    }
    await run(d, cmds.slice(0, 10));
    for (const c of cmds.slice(10)) await d().both(...c);
    await run(d, [
      ['XLEN', 'big'],
      ['XINFO', 'STREAM', 'big'],
      ['XTRIM', 'big', 'MAXLEN', '~', '10'],
      ['XTRIM', 'big', 'MAXLEN', '~', '10', 'LIMIT', '50'],
      ['XTRIM', 'big', 'MAXLEN', '~', '10', 'LIMIT', '150'],
      ['XLEN', 'big'],
      ['XRANGE', 'big', '-', '+', 'COUNT', '3'],
      ['XINFO', 'STREAM', 'big'],
    ]);
  });

  test('node sizes: byte limit and mixed field sets', async () => {
    const cmds: string[][] = [];
    for (let i = 1; i <= 120; i++) {
      const v = i % 3 === 0 ? 'x'.repeat(i * 3) : String(i * 1000);
      const fields = i % 5 === 0 ? ['other', v, 'f2', '-12'] : ['f', v];
      cmds.push(['XADD', 'n', `${i * 1000}-${i}`, ...fields]);
    }
    for (const c of cmds) await d().both(...c);
    await run(d, [
      ['XINFO', 'STREAM', 'n'],
      ['XTRIM', 'n', 'MAXLEN', '~', '50'],
      ['XINFO', 'STREAM', 'n'],
      ['XTRIM', 'n', 'MINID', '~', '90000'],
      ['XINFO', 'STREAM', 'n'],
    ]);
    await run(d, [
      ['CONFIG', 'SET', 'stream-node-max-entries', '3'],
      ['XADD', 'small', '1-0', 'a', '1'],
      ['XADD', 'small', '2-0', 'a', '2'],
      ['XADD', 'small', '3-0', 'a', '3'],
      ['XADD', 'small', '4-0', 'a', '4'],
      ['XDEL', 'small', '2-0'],
      ['XADD', 'small', '5-0', 'a', '5'],
      ['XADD', 'small', '6-0', 'a', '6'],
      ['XADD', 'small', '7-0', 'a', '7'],
      ['XINFO', 'STREAM', 'small'],
      ['XDEL', 'small', '4-0', '5-0', '6-0'],
      ['XINFO', 'STREAM', 'small'],
      ['XTRIM', 'small', 'MAXLEN', '~', '1'],
      ['XINFO', 'STREAM', 'small'],
      ['CONFIG', 'SET', 'stream-node-max-entries', '100'],
    ]);
  });

  test('XRANGE / XREVRANGE bounds and COUNT', async () => {
    await run(d, [
      ['XADD', 's', '1-0', 'a', '1'],
      ['XADD', 's', '1-5', 'b', '2'],
      ['XADD', 's', '2-0', 'c', '3', 'd', '4'],
      ['XADD', 's', '3-0', 'a', '1'],
      ['XRANGE', 's', '-', '+'],
      ['XRANGE', 's', '1', '1'],
      ['XRANGE', 's', '(1-0', '+'],
      ['XRANGE', 's', '-', '(3-0'],
      ['XRANGE', 's', '(1', '(3'],
      ['XRANGE', 's', '(-', '+'],
      ['XRANGE', 's', '-', '(+'],
      ['XRANGE', 's', '(18446744073709551615-18446744073709551615', '+'],
      ['XRANGE', 's', '-', '(0-0'],
      ['XRANGE', 's', '(', '+'],
      ['XRANGE', 's', '3', '1'],
      ['XRANGE', 's', '-', '+', 'COUNT', '2'],
      ['XRANGE', 's', '-', '+', 'COUNT', '0'],
      ['XRANGE', 's', '-', '+', 'COUNT', '-5'],
      ['XRANGE', 's', '-', '+', 'COUNT'],
      ['XRANGE', 's', '-', '+', 'COUNT', 'x'],
      ['XRANGE', 's', '-', '+', 'FOO', '1'],
      ['XRANGE', 's', 'x', '+'],
      ['XRANGE', 'nokey', '-', '+', 'COUNT', '0'],
      ['XREVRANGE', 's', '+', '-'],
      ['XREVRANGE', 's', '+', '-', 'COUNT', '1'],
      ['XREVRANGE', 's', '(3', '(1-0'],
      ['XREVRANGE', 's', '2', '1-5'],
      ['XREVRANGE', 's', '1', '3'],
      ['XDEL', 's', '1-5'],
      ['XRANGE', 's', '-', '+'],
      ['XREVRANGE', 's', '+', '-'],
      ['SET', 'str', 'x'],
      ['XRANGE', 'str', '-', '+'],
      ['XRANGE', 'str', 'x', '+'],
    ]);
  });

  test('XDEL and tombstone bookkeeping', async () => {
    await run(d, [
      ['XDEL', 'nokey', 'x'],
      ['XADD', 's', '1-0', 'a', '1'],
      ['XADD', 's', '2-0', 'a', '2'],
      ['XADD', 's', '3-0', 'a', '3'],
      ['XDEL', 's', 'x'],
      ['XDEL', 's', '2-0', 'bad'],
      ['XDEL', 's', '1-0', '1-0', '9-0'],
      ['XINFO', 'STREAM', 's'],
      ['XDEL', 's', '3-0'],
      ['XINFO', 'STREAM', 's'],
      ['XDEL', 's', '2-0'],
      ['XINFO', 'STREAM', 's'],
      ['XINFO', 'STREAM', 's', 'FULL'],
      ['XLEN', 's'],
      ['EXISTS', 's'],
      ['XADD', 's', '2-0', 'a', 'b'],
      ['XADD', 's', '4-0', 'a', 'b'],
      ['XINFO', 'STREAM', 's'],
    ]);
  });

  test('XSETID', async () => {
    await run(d, [
      ['XSETID', 'nokey', '1-0'],
      ['XADD', 's', '5-0', 'a', '1'],
      ['XSETID', 's', '4-0'],
      ['XSETID', 's', 'x'],
      ['XSETID', 's', '+'],
      ['XSETID', 's', '10-0', 'ENTRIESADDED', '-1'],
      ['XSETID', 's', '10-0', 'ENTRIESADDED', 'x'],
      ['XSETID', 's', '10-0', 'ENTRIESADDED', '0'],
      ['XSETID', 's', '10-0', 'MAXDELETEDID', '11-0'],
      ['XSETID', 's', '10-0', 'MAXDELETEDID', 'x'],
      ['XSETID', 's', '10-0', 'FOO'],
      ['XSETID', 's', '10-0', 'ENTRIESADDED'],
      ['XSETID', 's', '10-0', 'ENTRIESADDED', '7', 'MAXDELETEDID', '3-0'],
      ['XINFO', 'STREAM', 's'],
      ['XADD', 's', '9-0', 'a', 'b'],
      ['XADD', 's', '10-*', 'a', 'b'],
      ['XSETID', 's', '10-1'],
      ['XSETID', 's', '18446744073709551615-18446744073709551615'],
      ['XADD', 's', '*', 'a', 'b'],
      ['SET', 'str', 'x'],
      ['XSETID', 'str', '1-0'],
      ['XSETID', 'str', '1-0', 'MAXDELETEDID', '2-0'],
    ]);
  });

  test('XREAD non-blocking', async () => {
    await run(d, [
      ['XREAD', 'STREAMS', 's', '0'],
      ['XADD', 's', '1-0', 'a', '1'],
      ['XADD', 's', '2-0', 'b', '2'],
      ['XADD', 't', '1-0', 'c', '3'],
      ['XREAD', 'STREAMS', 's', '0'],
      ['XREAD', 'COUNT', '1', 'STREAMS', 's', 't', '0', '0'],
      ['XREAD', 'COUNT', '-1', 'STREAMS', 's', 't', '1', '0-0'],
      ['XREAD', 'STREAMS', 's', 't', '$', '$'],
      ['XREAD', 'STREAMS', 's', 'nokey', '0', '0'],
      ['XREAD', 'STREAMS', 's', '2'],
      ['XREAD', 'STREAMS', 's'],
      ['XREAD', 'STREAMS', 's', 't', '0'],
      ['XREAD', 'COUNT', 'x', 'STREAMS', 's', '0'],
      ['XREAD', 'FOO', 'STREAMS', 's', '0'],
      ['XREAD', 'COUNT', '1', 's', '0'],
      ['XREAD', 'GROUP', 'g', 'c', 'STREAMS', 's', '0'],
      ['XREAD', 'NOACK', 'STREAMS', 's', '0'],
      ['XREAD', 'STREAMS', 's', '>'],
      ['XREAD', 'STREAMS', 's', 'x'],
      ['XREAD', 'STREAMS', 's', '-'],
      ['XREAD', 'BLOCK', 'x', 'STREAMS', 's', '0'],
      ['XREAD', 'BLOCK', '-1', 'STREAMS', 's', '0'],
      ['XREAD', 'BLOCK', '0', 'STREAMS', 's', '0'],
      ['SET', 'str', 'x'],
      ['XREAD', 'STREAMS', 's', 'str', '0', '0'],
      ['XDEL', 's', '2-0'],
      ['XREAD', 'STREAMS', 's', '1-0'],
      ['MULTI'],
      ['XREAD', 'BLOCK', '0', 'STREAMS', 's', '$'],
      ['EXEC'],
      ['HELLO', '3'],
      ['XREAD', 'STREAMS', 's', 't', '0', '0'],
      ['XREAD', 'STREAMS', 's', '5'],
      ['HELLO', '2'],
    ]);
  });

  test('consumer groups: XGROUP', async () => {
    await run(d, [
      ['XGROUP', 'HELP'],
      ['XGROUP', 'CREATE', 's', 'g', '$'],
      ['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM'],
      ['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM'],
      ['XGROUP', 'CREATE', 's', 'g2', '0', 'ENTRIESREAD', '-2'],
      ['XGROUP', 'CREATE', 's', 'g2', '0', 'ENTRIESREAD', 'x'],
      ['XGROUP', 'CREATE', 's', 'g2', '0', 'FOO'],
      ['XGROUP', 'CREATE', 's', 'g2', 'bad'],
      ['XGROUP', 'CREATE', 's', 'g2', '0', 'ENTRIESREAD', '3'],
      ['XGROUP', 'CREATE', 's', 'g2', '0', 'MKSTREAM', 'MKSTREAM', 'MKSTREAM', 'MKSTREAM'],
      ['XGROUP', 'CREATE', 's'],
      ['XGROUP', 'FOO', 's', 'g'],
      ['XGROUP', 'SETID', 's', 'nog', '0'],
      ['XGROUP', 'SETID', 'nokey', 'g', '0'],
      ['XGROUP', 'SETID', 's', 'g', '5', 'ENTRIESREAD', '2'],
      ['XGROUP', 'SETID', 's', 'g', '-'],
      ['XGROUP', 'SETID', 's', 'g', '$', 'MKSTREAM'],
      ['XGROUP', 'SETID', 's', 'g', '1', 'ENTRIESREAD'],
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'alice'],
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'alice'],
      ['XGROUP', 'CREATECONSUMER', 's', 'nog', 'alice'],
      ['XGROUP', 'CREATECONSUMER', 'nokey', 'g', 'alice'],
      ['XGROUP', 'DELCONSUMER', 's', 'g', 'bob'],
      ['XGROUP', 'DELCONSUMER', 's', 'g', 'alice'],
      ['XGROUP', 'DELCONSUMER', 's', 'nog', 'alice'],
      ['XINFO', 'GROUPS', 's'],
      ['XGROUP', 'DESTROY', 's', 'g'],
      ['XGROUP', 'DESTROY', 's', 'g'],
      ['XGROUP', 'DESTROY', 'nokey', 'g'],
      ['SET', 'str', 'x'],
      ['XGROUP', 'CREATE', 'str', 'g', '$'],
      ['XINFO', 'GROUPS', 's'],
    ]);
  });

  test('XREADGROUP, XACK, XPENDING, lag and entries-read', async () => {
    await run(d, [
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>'],
      ['XADD', 's', '1-0', 'a', '1'],
      ['XADD', 's', '2-0', 'b', '2'],
      ['XADD', 's', '3-0', 'c', '3'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>'],
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XINFO', 'GROUPS', 's'],
      ['XREADGROUP', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '$'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', 'bad'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', 'nokey', '>', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '1', 'STREAMS', 's', '>'],
      ['XINFO', 'GROUPS', 's'],
      ['XREADGROUP', 'GROUP', 'g', 'c2', 'STREAMS', 's', '>'],
      ['XINFO', 'GROUPS', 's'],
      ['XREADGROUP', 'GROUP', 'g', 'c2', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'c2', 'COUNT', '1', 'STREAMS', 's', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'c3', 'STREAMS', 's', '0'],
      ['XPENDING', 's', 'g'],
      ['XPENDING', 's', 'nog'],
      ['XPENDING', 'nokey', 'g'],
      ['XPENDING', 's', 'g', '-', '+'],
      ['XPENDING', 's', 'g', '-', '+', 'x'],
      ['XPENDING', 's', 'g', 'x', '+', '10'],
      ['XPENDING', 's', 'g', 'IDLE', 'x', '-', '+', '10'],
      ['XPENDING', 's', 'g', 'IDLE', '10', '-', '+'],
      ['XPENDING', 's', 'g', '(3', '+', '10'],
      ['XPENDING', 's', 'g', '-', '+', '0'],
      ['XPENDING', 's', 'g', '-', '+', '10', 'nobody'],
      ['XPENDING', 's', 'g', 'IDLE', '9999999', '-', '+', '10'],
      ['XACK', 's', 'g', 'bad'],
      ['XACK', 's', 'nog', 'bad'],
      ['XACK', 'nokey', 'g', '1-0'],
      ['XACK', 's', 'g', '1-0', '1-0', '9-0'],
      ['XPENDING', 's', 'g'],
      ['XDEL', 's', '2-0'],
      ['XREADGROUP', 'GROUP', 'g', 'c2', 'STREAMS', 's', '0'],
      ['XINFO', 'GROUPS', 's'],
      ['XADD', 's', '4-0', 'd', '4'],
      ['XINFO', 'GROUPS', 's'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'NOACK', 'STREAMS', 's', '>'],
      ['XINFO', 'GROUPS', 's'],
      ['XPENDING', 's', 'g'],
      ['XGROUP', 'CREATE', 's', 'late', '0'],
      ['XGROUP', 'CREATE', 's', 'mid', '3-0'],
      ['XGROUP', 'CREATE', 's', 'top', '$', 'ENTRIESREAD', '4'],
      ['XINFO', 'GROUPS', 's'],
      ['XREADGROUP', 'GROUP', 'late', 'x', 'STREAMS', 's', '>'],
      ['XINFO', 'GROUPS', 's'],
      ['SET', 'str', 'x'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'str', '>'],
      ['XPENDING', 'str', 'g'],
      ['XACK', 'str', 'g', '1-0'],
      ['HELLO', '3'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '0'],
      ['XINFO', 'GROUPS', 's'],
      ['XPENDING', 's', 'g'],
      ['HELLO', '2'],
    ]);
  });

  test('lag with tombstones and trimming', async () => {
    const cmds: string[][] = [];
    for (let i = 1; i <= 10; i++) cmds.push(['XADD', 'x', `${i}-0`, 'f', String(i)]);
    cmds.push(
      ['XGROUP', 'CREATE', 'x', 'a', '0'],
      ['XGROUP', 'CREATE', 'x', 'b', '5-0'],
      ['XINFO', 'GROUPS', 'x'],
      ['XDEL', 'x', '7-0'],
      ['XINFO', 'GROUPS', 'x'],
      ['XREADGROUP', 'GROUP', 'a', 'c', 'COUNT', '3', 'STREAMS', 'x', '>'],
      ['XINFO', 'GROUPS', 'x'],
      ['XREADGROUP', 'GROUP', 'a', 'c', 'COUNT', '5', 'STREAMS', 'x', '>'],
      ['XINFO', 'GROUPS', 'x'],
      ['XTRIM', 'x', 'MAXLEN', '3'],
      ['XINFO', 'GROUPS', 'x'],
      ['XGROUP', 'SETID', 'x', 'b', '0'],
      ['XINFO', 'GROUPS', 'x'],
      ['XGROUP', 'SETID', 'x', 'b', '$'],
      ['XINFO', 'GROUPS', 'x'],
      ['XSETID', 'x', '20-0', 'ENTRIESADDED', '50', 'MAXDELETEDID', '15-0'],
      ['XINFO', 'GROUPS', 'x'],
      ['XINFO', 'STREAM', 'x'],
      ['XGROUP', 'CREATE', 'e', 'g', '$', 'MKSTREAM'],
      ['XINFO', 'GROUPS', 'e'],
      ['XINFO', 'STREAM', 'e'],
      ['XINFO', 'STREAM', 'e', 'FULL'],
    );
    await run(d, cmds);
  });

  test('XCLAIM and XAUTOCLAIM', async () => {
    await run(d, [
      ['XCLAIM', 's', 'g', 'c', '0', '1-0'],
      ['XADD', 's', '1-0', 'a', '1'],
      ['XADD', 's', '2-0', 'b', '2'],
      ['XADD', 's', '3-0', 'c', '3'],
      ['XADD', 's', '4-0', 'd', '4'],
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>'],
      ['XCLAIM', 's', 'g', 'bob', 'x', '1-0'],
      ['XCLAIM', 's', 'g', 'bob', '0', '1-0', 'IDLE', 'x'],
      ['XCLAIM', 's', 'g', 'bob', '0', '1-0', 'TIME', 'x'],
      ['XCLAIM', 's', 'g', 'bob', '0', '1-0', 'RETRYCOUNT', 'x'],
      ['XCLAIM', 's', 'g', 'bob', '0', '1-0', 'LASTID', 'x'],
      ['XCLAIM', 's', 'g', 'bob', '0', '1-0', 'FOO'],
      ['XCLAIM', 's', 'g', 'bob', '0', 'FORCE', '1-0'],
      ['XCLAIM', 's', 'g', 'bob', '0', '1-0', 'IDLE'],
      ['XCLAIM', 's', 'g', 'bob', '0', '1-0', 'TIME', '1000', 'RETRYCOUNT', '7'],
      ['XPENDING', 's', 'g', '-', '+', '10'],
      ['XCLAIM', 's', 'g', 'bob', '0', '2-0', '3-0', 'JUSTID', 'TIME', '2000'],
      ['XPENDING', 's', 'g', '-', '+', '10', 'bob'],
      ['XCLAIM', 's', 'g', 'carol', '0', '9-0', 'FORCE'],
      ['XCLAIM', 's', 'g', 'carol', '3600000', '4-0'],
      ['XDEL', 's', '4-0'],
      ['XCLAIM', 's', 'g', 'carol', '0', '4-0'],
      ['XPENDING', 's', 'g'],
      ['XADD', 's', '5-0', 'e', '5'],
      ['XCLAIM', 's', 'g', 'carol', '0', '5-0', 'FORCE', 'TIME', '3000', 'LASTID', '9-0'],
      ['XINFO', 'GROUPS', 's'],
      ['XPENDING', 's', 'g', '-', '+', '10'],
      ['XINFO', 'STREAM', 's', 'FULL'],
      ['XAUTOCLAIM', 's', 'g', 'dave', 'x', '0'],
      ['XAUTOCLAIM', 's', 'g', 'dave', '0', 'x'],
      ['XAUTOCLAIM', 's', 'g', 'dave', '0', '0', 'COUNT', '0'],
      ['XAUTOCLAIM', 's', 'g', 'dave', '0', '0', 'COUNT', 'x'],
      ['XAUTOCLAIM', 's', 'g', 'dave', '0', '0', 'FOO'],
      ['XAUTOCLAIM', 's', 'nog', 'dave', '0', '0'],
      ['XAUTOCLAIM', 'nokey', 'g', 'dave', '0', '0'],
      ['XAUTOCLAIM', 's', 'g', 'dave', '0', '(18446744073709551615-18446744073709551615'],
      ['XAUTOCLAIM', 's', 'g', 'dave', '3600000', '0'],
      ['XAUTOCLAIM', 's', 'g', 'dave', '0', '0', 'COUNT', '1'],
      ['XAUTOCLAIM', 's', 'g', 'dave', '0', '0', 'COUNT', '1', 'JUSTID'],
      ['XDEL', 's', '3-0'],
      ['XAUTOCLAIM', 's', 'g', 'erin', '0', '0-0', 'COUNT', '10'],
      ['XAUTOCLAIM', 's', 'g', 'erin', '0', '(1-0', 'JUSTID'],
      ['XPENDING', 's', 'g'],
      ['XINFO', 'GROUPS', 's'],
      ['SET', 'str', 'x'],
      ['XCLAIM', 'str', 'g', 'c', '0', '1-0'],
      ['XAUTOCLAIM', 'str', 'g', 'c', '0', '0'],
    ]);
  });

  test('XINFO forms and errors', async () => {
    await run(d, [
      ['XINFO', 'HELP'],
      ['XINFO', 'STREAM', 'nokey'],
      ['XINFO', 'GROUPS', 'nokey'],
      ['XINFO', 'CONSUMERS', 'nokey', 'g'],
      ['XADD', 's', '1-0', 'a', '1', 'b', '2'],
      ['XADD', 's', '2-0', 'a', '3', 'b', '4'],
      ['XADD', 's', '3-0', 'z', '3'],
      ['XINFO', 'STREAM', 's'],
      ['XINFO', 'STREAM', 's', 'FULL'],
      ['XINFO', 'STREAM', 's', 'FULL', 'COUNT', '1'],
      ['XINFO', 'STREAM', 's', 'FULL', 'COUNT', '0'],
      ['XINFO', 'STREAM', 's', 'FULL', 'COUNT', '-3'],
      ['XINFO', 'STREAM', 's', 'FULL', 'COUNT', 'x'],
      ['XINFO', 'STREAM', 's', 'FULL', 'COUNT'],
      ['XINFO', 'STREAM', 's', 'FOO'],
      ['XINFO', 'STREAM', 's', 'FULL', 'FOO', '1'],
      ['XINFO', 'CONSUMERS', 's', 'nog'],
      ['XINFO', 'GROUPS', 's'],
      ['XINFO', 'FOO', 's'],
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XGROUP', 'CREATE', 's', 'a', '0'],
      ['XINFO', 'GROUPS', 's'],
      ['SET', 'str', 'x'],
      ['XINFO', 'STREAM', 'str'],
      ['HELLO', '3'],
      ['XINFO', 'STREAM', 's'],
      ['XINFO', 'GROUPS', 's'],
      ['XINFO', 'STREAM', 's', 'FULL'],
      ['XINFO', 'STREAM', 'e'],
      ['HELLO', '2'],
      ['XINFO', 'HELP', 'x'],
    ]);
    const { real, ours } = await d().both('XINFO', 'CONSUMERS', 's', 'g');
    expect(ours).toBe(real);
  });

  test('big IDs keep full 64-bit precision', async () => {
    await run(d, [
      ['XADD', 'b', '9007199254740993-9007199254740993', 'a', '1'],
      ['XADD', 'b', '9007199254740993-*', 'a', '2'],
      ['XADD', 'b', '9007199254740994-18446744073709551615', 'a', '3'],
      ['XRANGE', 'b', '-', '+'],
      ['XRANGE', 'b', '(9007199254740993-9007199254740993', '+'],
      ['XREVRANGE', 'b', '(9007199254740994-18446744073709551615', '-'],
      ['XRANGE', 'b', '9007199254740994', '9007199254740994'],
      ['XREAD', 'STREAMS', 'b', '9007199254740993-9007199254740993'],
      ['XDEL', 'b', '9007199254740993-9007199254740994'],
      ['XINFO', 'STREAM', 'b'],
      ['XTRIM', 'b', 'MINID', '9007199254740994'],
      ['XRANGE', 'b', '-', '+'],
    ]);
  });

  test('COPY, DEL and TYPE of streams', async () => {
    await run(d, [
      ['XADD', 's', '1-0', 'a', '1'],
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>'],
      ['COPY', 's', 'd'],
      ['XADD', 'd', '2-0', 'b', '2'],
      ['XRANGE', 's', '-', '+'],
      ['XRANGE', 'd', '-', '+'],
      ['XPENDING', 'd', 'g'],
      ['XINFO', 'GROUPS', 'd'],
      ['DEL', 's'],
      ['TYPE', 'd'],
    ]);
  });

  test('keyspace events', async () => {
    const p = await d().pair();
    try {
      await run(d, [['CONFIG', 'SET', 'notify-keyspace-events', 'KEA']]);
      await Promise.all([p.real.call('PSUBSCRIBE', '__key*'), p.ours.call('PSUBSCRIBE', '__key*')]);
      await run(d, [
        ['XADD', 's', 'MAXLEN', '1', '1-0', 'a', '1'],
        ['XADD', 's', 'MAXLEN', '1', '2-0', 'a', '1'],
        ['XDEL', 's', '2-0'],
        ['XADD', 's', '3-0', 'a', '1'],
        ['XTRIM', 's', 'MAXLEN', '0'],
        ['XSETID', 's', '5-0'],
        ['XGROUP', 'CREATE', 's', 'g', '$'],
        ['XGROUP', 'CREATECONSUMER', 's', 'g', 'c'],
        ['XGROUP', 'SETID', 's', 'g', '0'],
        ['XGROUP', 'DELCONSUMER', 's', 'g', 'c'],
        ['XADD', 's', '6-0', 'a', '1'],
        ['XREADGROUP', 'GROUP', 'g', 'c2', 'STREAMS', 's', '>'],
        ['XCLAIM', 's', 'g', 'c3', '0', '6-0'],
        ['XGROUP', 'DESTROY', 's', 'g'],
        ['XGROUP', 'CREATE', 'm', 'g', '$', 'MKSTREAM'],
        ['PING'],
      ]);
      const [a, b] = await Promise.all([p.real.drain(300), p.ours.drain(300)]);
      expect(b).toBe(a);
    } finally {
      p.real.close();
      p.ours.close();
      await run(d, [['CONFIG', 'SET', 'notify-keyspace-events', '']]);
    }
  });

  test('randomized node layout, tombstones and trimming match (XINFO STREAM)', async () => {
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    await run(d, [
      ['CONFIG', 'SET', 'stream-node-max-entries', '5'],
      ['CONFIG', 'SET', 'stream-node-max-bytes', '120'],
    ]);
    try {
      let ms = 1;
      const ids: string[] = [];
      for (let step = 0; step < 400; step++) {
        const r = rnd(100);
        let cmd: string[];
        if (r < 60) {
          const gap = [0, 1, 255, 256, 65536, 16777216, 4294967296][rnd(7)];
          ms += gap;
          const id = gap === 0 ? `${ms}-*` : `${ms}-${rnd(3)}`;
          const nf = 1 + rnd(3);
          const fv: string[] = [];
          for (let j = 0; j < nf; j++) fv.push(rnd(2) ? 'f' : `f${j}`, rnd(3) ? String(rnd(100000) - 50000) : 'v'.repeat(rnd(80)));
          cmd = ['XADD', 'r', id, ...fv];
        } else if (r < 80 && ids.length) {
          cmd = ['XDEL', 'r', ids[rnd(ids.length)], ids[rnd(ids.length)]];
        } else if (r < 88) {
          cmd = ['XTRIM', 'r', 'MAXLEN', rnd(2) ? '~' : '=', String(rnd(40))];
        } else if (r < 94 && ids.length) {
          cmd = ['XTRIM', 'r', 'MINID', rnd(2) ? '~' : '=', ids[rnd(ids.length)]];
        } else {
          cmd = ['XINFO', 'STREAM', 'r'];
        }
        const reply = await d().same(...cmd);
        if (cmd[0] === 'XADD' && reply.startsWith('$')) ids.push(reply.split('\r\n')[1]);
        if (step % 10 === 0) await run(d, [['XINFO', 'STREAM', 'r'], ['XRANGE', 'r', '-', '+', 'COUNT', '5'], ['XREVRANGE', 'r', '+', '-', 'COUNT', '5']]);
      }
      await run(d, [['XINFO', 'STREAM', 'r', 'FULL', 'COUNT', '0']]);
    } finally {
      await run(d, [
        ['CONFIG', 'SET', 'stream-node-max-entries', '100'],
        ['CONFIG', 'SET', 'stream-node-max-bytes', '4096'],
      ]);
    }
  });

  test('edge cases', async () => {
    const cmds: string[][] = [];
    for (let i = 1; i <= 5; i++) cmds.push(['XADD', 's', `${i}-0`, 'f', String(i)]);
    cmds.push(
      ['XADD', 's', 'MAXLEN', '~', '0', 'LIMIT', '0', '6-0', 'f', '6'],
      ['XADD', 's', 'MAXLEN', '=', '0', 'LIMIT', '0', '7-0', 'f', '7'],
      ['XADD', 's', 'MAXLEN', '~', '8-0', 'f', '8'],
      ['XADD', 's', 'MAXLEN', '~'],
      ['XADD', 's', 'MAXLEN'],
      ['XADD', 's', 'MINID', '~', '-', '9-0', 'a', 'b'],
      ['XADD', 's', 'NOMKSTREAM', 'NOMKSTREAM', '9-0', 'a', 'b'],
      ['XTRIM', 's', 'MAXLEN', '~'],
      ['XTRIM', 's', 'MAXLEN', '~', '0', 'LIMIT', '0'],
      ['XLEN', 's'],
      ['XADD', 'nomk', 'NOMKSTREAM', 'MAXLEN', '1', '*', 'a', 'b'],
      ['XREAD', 'COUNT', '0', 'STREAMS', 's', '0'],
      ['XDEL', 's', '9-0'],
      ['XSETID', 's', '1-0'],
      ['XADD', 'e', '5-0', 'a', 'b'],
      ['XDEL', 'e', '5-0'],
      ['XSETID', 'e', '1-0'],
      ['XADD', 'e', '2-0', 'a', 'b'],
      ['XINFO', 'STREAM', 'e'],
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XGROUP', 'SETID', 's', 'g', '$', 'ENTRIESREAD', '3'],
      ['XINFO', 'GROUPS', 's'],
      ['XGROUP', 'SETID', 's', 'g', '0', 'ENTRIESREAD', '-1'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '0', 'STREAMS', 's', '>'],
      ['XINFO', 'GROUPS', 's'],
      ['XINFO', 'STREAM', 's'],
      ['XPENDING', 's', 'g', '-', '+', '10', 'c', 'extra'],
      ['XPENDING', 's', 'g', 'IDLE', '0', '-', '+', '2', 'c'],
      ['XPENDING', 's', 'g', 'IDLE', '0', '-', '+', '2', 'c', 'x'],
      ['XPENDING', 's', 'g', '-', '+'],
      ['XPENDING', 's', 'g', '-'],
      ['XPENDING', 's', 'g', '-', '+', '-5'],
      ['XPENDING', 's', 'g', '(+', '+', '5'],
      ['XPENDING', 's', 'g', '-', '(-', '5'],
      ['XPENDING', 's', 'g', '(18446744073709551615-18446744073709551615', '+', '5'],
      ['XPENDING', 's', 'g', '-', '(0-0', '5'],
      ['XAUTOCLAIM', 's', 'g', 'c', '0', '0', 'COUNT', '9223372036854775807'],
      ['XAUTOCLAIM', 's', 'g', 'c', '0', '0', 'COUNT', '576460752303423487', 'JUSTID'],
      ['XAUTOCLAIM', 's', 'g', 'c', '0', '0', 'COUNT'],
      ['XAUTOCLAIM', 's', 'g', 'c', '-5', '(0-0', 'JUSTID', 'JUSTID'],
      ['XCLAIM', 's', 'g', 'c', '-5', '1-0', '2-0', 'JUSTID', 'IDLE', '-1000000000000000'],
      ['XCLAIM', 's', 'g', 'd', '0', '1-0', 'LASTID', '100-0', 'RETRYCOUNT', '-1', 'JUSTID'],
      ['XINFO', 'GROUPS', 's'],
      ['XREADGROUP', 'GROUP', 'g', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'NOACK', 'COUNT', '1', 'BLOCK', '10', 'STREAMS', 's', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'no\r\nkey', '>'],
      ['XPENDING', 'no\r\nkey', 'g\nx'],
      ['XREAD', 'BLOCK', '9223372036854775807', 'STREAMS', 'e', '0'],
      ['XREAD', 'BLOCK', '9223372036854775800', 'STREAMS', 'zz', 'e', '0', '0'],
      ['XREAD', 'STREAMS', 's', 's', '4', '2'],
      ['XGROUP', 'CREATE', 's', 'g3', '18446744073709551615-18446744073709551615'],
      ['XREADGROUP', 'GROUP', 'g3', 'c', 'STREAMS', 's', '18446744073709551615-18446744073709551615'],
      ['XGROUP', 'CREATECONSUMER', 's', 'g3', 'c'],
      ['XREADGROUP', 'GROUP', 'g3', 'c', 'STREAMS', 's', '18446744073709551615-18446744073709551615'],
      ['XINFO', 'STREAM', 's', 'FULL'],
    );
    await run(d, cmds);
  });

  describe('blocking', () => {
    /** Sends a command on the extra connections without waiting for its reply. */
    function send(p: { real: { sock: import('node:net').Socket }; ours: { sock: import('node:net').Socket } }, ...argv: string[]): void {
      p.real.sock.write(encodeCommand(argv));
      p.ours.sock.write(encodeCommand(argv));
    }
    async function replies(p: Awaited<ReturnType<ReturnType<typeof d>['pair']>>, n = 1, ms = 1000): Promise<void> {
      const [a, b] = await Promise.all([p.real.readRaw(n, ms), p.ours.readRaw(n, ms)]);
      expect(b).toBe(a);
    }
    async function nothing(p: Awaited<ReturnType<ReturnType<typeof d>['pair']>>): Promise<void> {
      const [a, b] = await Promise.all([p.real.drain(100), p.ours.drain(100)]);
      expect(a).toBe('');
      expect(b).toBe('');
    }

    test('XREAD BLOCK is woken by XADD, times out, honours COUNT', async () => {
      const p = await d().pair();
      try {
        send(p, 'XREAD', 'BLOCK', '0', 'STREAMS', 's', 't', '$', '$');
        await nothing(p);
        await run(d, [['XADD', 'other', '1-0', 'a', '1'], ['XADD', 't', '5-0', 'a', '1']]);
        await replies(p);
        send(p, 'XREAD', 'BLOCK', '0', 'COUNT', '1', 'STREAMS', 't', '0');
        await replies(p);
        send(p, 'XREAD', 'BLOCK', '0', 'STREAMS', 't', '$');
        await run(d, [['XADD', 't', '6-0', 'b', '2'], ['XDEL', 't', '6-0']]);
        await replies(p);
        send(p, 'XREAD', 'BLOCK', '50', 'STREAMS', 't', '$');
        await replies(p, 1, 2000);
        send(p, 'XREAD', 'BLOCK', '0', 'STREAMS', 't', '$');
        await run(d, [['XDEL', 't', '5-0'], ['XSETID', 't', '9-0']]);
        await nothing(p);
        await run(d, [['XADD', 't', '10-0', 'c', '3']]);
        await replies(p);
        await Promise.all([p.real.call('HELLO', '3'), p.ours.call('HELLO', '3')]);
        send(p, 'XREAD', 'BLOCK', '0', 'STREAMS', 't', '$');
        await run(d, [['MULTI'], ['XADD', 't', '11-0', 'd', '4'], ['XADD', 't', '12-0', 'e', '5'], ['EXEC']]);
        await replies(p);
        send(p, 'XREAD', 'BLOCK', '50', 'STREAMS', 't', '$');
        await replies(p, 1, 2000);
        send(p, 'XREAD', 'BLOCK', '9223372036854775807', 'STREAMS', 't', '$');
        await nothing(p);
        await run(d, [['XADD', 't', '13-0', 'f', 'v']]);
        await replies(p);
      } finally {
        p.real.close();
        p.ours.close();
      }
    });

    test('XREADGROUP BLOCK, NOACK, group destroyed', async () => {
      const p = await d().pair();
      const q = await d().pair();
      try {
        await run(d, [['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM']]);
        send(p, 'XREADGROUP', 'GROUP', 'g', 'c1', 'BLOCK', '0', 'STREAMS', 's', '>');
        await nothing(p);
        send(q, 'XREADGROUP', 'GROUP', 'g', 'c2', 'BLOCK', '0', 'COUNT', '5', 'STREAMS', 's', '>');
        await nothing(q);
        await run(d, [['XADD', 's', '1-0', 'a', '1']]);
        await replies(p);
        await nothing(q);
        await run(d, [['XADD', 's', '2-0', 'b', '2'], ['XPENDING', 's', 'g', '-', '+', '10'].slice(0, 3)]);
        await replies(q);
        await run(d, [['XINFO', 'GROUPS', 's']]);
        send(p, 'XREADGROUP', 'GROUP', 'g', 'c3', 'NOACK', 'BLOCK', '0', 'STREAMS', 's', '>');
        await run(d, [['XADD', 's', '3-0', 'c', '3'], ['XPENDING', 's', 'g'], ['XINFO', 'GROUPS', 's']]);
        await replies(p);
        send(p, 'XREADGROUP', 'GROUP', 'g', 'c1', 'BLOCK', '0', 'STREAMS', 's', '>');
        await run(d, [['XGROUP', 'DESTROY', 's', 'g']]);
        await replies(p);
        send(p, 'XREADGROUP', 'GROUP', 'g', 'c1', 'BLOCK', '0', 'STREAMS', 's', '>');
        await replies(p);
        await run(d, [['XGROUP', 'CREATE', 's', 'g', '$']]);
        send(p, 'XREADGROUP', 'GROUP', 'g', 'c1', 'BLOCK', '30', 'STREAMS', 's', '>');
        await replies(p, 1, 2000);
        send(p, 'XREADGROUP', 'GROUP', 'g', 'c1', 'BLOCK', '0', 'STREAMS', 's', '0');
        await replies(p);
      } finally {
        p.real.close();
        p.ours.close();
        q.real.close();
        q.ours.close();
      }
    });
  });
});
