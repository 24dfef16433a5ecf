import { test, expect } from 'vitest';
import { describeDifferential } from '../support/differential.ts';

const many = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describeDifferential('hyperloglog commands', (d) => {
  test('PFADD / PFCOUNT / stored bytes (sparse)', async () => {
    await d().seq([
      ['PFADD', 'h'],
      ['PFADD', 'h', 'a', 'b', 'c'],
      ['PFADD', 'h', 'a'],
      ['PFCOUNT', 'h'],
      ['GET', 'h'],
      ['PFCOUNT', 'nokey'],
      ['PFADD', 'bin', '\x00\xff', '\r\n'],
      ['PFCOUNT', 'bin'],
      ['GET', 'bin'],
      ['OBJECT', 'ENCODING', 'h'],
    ]);
  });

  test('promotion to dense and big counts', async () => {
    await d().same('PFADD', 'big', ...many('e', 3000));
    await d().seq([['PFDEBUG', 'ENCODING', 'big'], ['PFCOUNT', 'big'], ['GET', 'big']]);
    await d().same('PFADD', 'big2', ...many('x', 200));
    await d().seq([['PFDEBUG', 'ENCODING', 'big2'], ['PFDEBUG', 'DECODE', 'big2'], ['PFDEBUG', 'TODENSE', 'big2'], ['PFDEBUG', 'TODENSE', 'big2'], ['GET', 'big2']]);
  });

  test('PFCOUNT of several keys and PFMERGE', async () => {
    await d().same('PFADD', 'a', ...many('a', 100));
    await d().same('PFADD', 'b', ...many('b', 5000));
    await d().seq([
      ['PFCOUNT', 'a', 'b'],
      ['PFCOUNT', 'a', 'nokey', 'b'],
      ['PFMERGE', 'm', 'a', 'b'],
      ['GET', 'm'],
      ['PFCOUNT', 'm'],
      ['PFMERGE', 'm2', 'a'],
      ['GET', 'm2'],
      ['PFMERGE', 'empty'],
      ['GET', 'empty'],
      ['PFMERGE', 'a', 'nokey'],
      ['GET', 'a'],
    ]);
  });

  test('errors', async () => {
    await d().seq([
      ['SET', 'str', 'hello'],
      ['PFADD', 'str', 'x'],
      ['PFCOUNT', 'str'],
      ['PFCOUNT', 'nokey', 'str'],
      ['PFMERGE', 'd', 'str'],
      ['LPUSH', 'list', 'x'],
      ['PFADD', 'list', 'x'],
      ['PFCOUNT', 'list'],
      ['PFDEBUG', 'ENCODING', 'nokey'],
      ['PFDEBUG', 'ENCODING', 'str'],
      ['PFADD', 'h', 'a'],
      ['PFDEBUG', 'NOPE', 'h'],
      ['PFDEBUG', 'ENCODING'],
      ['PFADD'],
      ['PFCOUNT'],
    ]);
  });

  test('PFSELFTEST', async () => {
    // Redis's self test takes seconds on a loaded machine: wait for both replies far longer
    // than a plain call's 2 s, so a slow oracle never shifts later replies.
    const enc = `*1\r\n$10\r\nPFSELFTEST\r\n`;
    const [real, ours] = await Promise.all([d().real.sendRaw(enc, 1, 60_000), d().ours.sendRaw(enc, 1, 60_000)]);
    expect(ours).toBe(real);
    expect(real).toBe('+OK\r\n');
  }, 120_000);

  test('corrupt sparse HLL gives INVALIDOBJ', async () => {
    // A sparse header followed by a truncated opcode stream.
    await d().seq([
      ['SET', 'bad', 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff'],
      ['PFCOUNT', 'bad'],
      ['PFADD', 'bad', 'x'],
      ['PFMERGE', 'out', 'bad'],
    ]);
  });
});
