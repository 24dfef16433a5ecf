import { test, expect } from 'vitest';
import { describeDifferential, type Differential } from '../support/differential.ts';
import { decode, type Reply } from '../support/resp-reader.ts';

/** Small deterministic PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

describeDifferential('bitmap commands', (d) => {
  test('SETBIT GETBIT', async () => {
    await d().seq([
      ['SETBIT', 'k', '7', '1'],
      ['GET', 'k'],
      ['SETBIT', 'k', '7', '1'],
      ['SETBIT', 'k', '7', '0'],
      ['SETBIT', 'k', '100', '1'],
      ['STRLEN', 'k'],
      ['GETBIT', 'k', '100'],
      ['GETBIT', 'k', '101'],
      ['GETBIT', 'k', '100000'],
      ['GETBIT', 'nokey', '0'],
      ['SETBIT', 'k', '-1', '1'],
      ['SETBIT', 'k', 'x', '1'],
      ['SETBIT', 'k', '1', '2'],
      ['SETBIT', 'k', '1', '-1'],
      ['SETBIT', 'k', '1', 'x'],
      ['SETBIT', 'k', '4294967296', '1'],
      ['SETBIT', 'k', '9223372036854775807', '1'],
      ['GETBIT', 'k', '-1'],
      ['GETBIT', 'k', '4294967296'],
      ['GETBIT', 'k', '4294967295'],
      ['SET', 'n', '12'],
      ['GETBIT', 'n', '2'],
      ['GETBIT', 'n', '3'],
      ['SETBIT', 'n', '6', '1'],
      ['GET', 'n'],
      ['RPUSH', 'l', 'x'],
      ['SETBIT', 'l', '0', '1'],
      ['GETBIT', 'l', '0'],
      ['SETBIT', 'l', '-1', '1'],
      ['GETBIT', 'l', 'x'],
      ['SET', 't', 'v', 'EX', '100'],
      ['SETBIT', 't', '100', '1'],
      ['TTL', 't'],
      ['SETBIT', 'enc', '3', '1'],
      ['OBJECT', 'ENCODING', 'enc'],
      ['SET', 'i', '1'],
      ['SETBIT', 'i', '2', '1'],
      ['OBJECT', 'ENCODING', 'i'],
      ['SET', 'i2', '1'],
      ['SETBIT', 'i2', '0', '0'],
      ['OBJECT', 'ENCODING', 'i2'],
    ]);
  });

  test('BITCOUNT', async () => {
    const cmds: string[][] = [['SET', 'k', 'foobar\xff\x00\x81'], ['SET', 'e', '']];
    const idx = ['0', '1', '2', '-1', '-2', '-3', '7', '8', '63', '64', '71', '-100', '100', '9223372036854775807'];
    for (const a of idx) {
      for (const b of idx) {
        cmds.push(['BITCOUNT', 'k', a, b]);
        cmds.push(['BITCOUNT', 'k', a, b, 'BIT']);
      }
    }
    cmds.push(
      ['BITCOUNT', 'k'],
      ['BITCOUNT', 'k', '0', '-1', 'byte'],
      ['BITCOUNT', 'k', '0', '-1', 'bIt'],
      ['BITCOUNT', 'k', '0', '-1', 'bits'],
      ['BITCOUNT', 'k', '-1', '-2', 'bits'],
      ['BITCOUNT', 'k', '0'],
      ['BITCOUNT', 'k', '0', '1', 'BIT', 'x'],
      ['BITCOUNT', 'k', 'a', '1'],
      ['BITCOUNT', 'k', '1', 'b'],
      ['BITCOUNT', 'nokey'],
      ['BITCOUNT', 'nokey', '0'],
      ['BITCOUNT', 'nokey', 'a', 'b', 'c', 'd'],
      ['BITCOUNT', 'e'],
      ['BITCOUNT', 'e', '0', '-1'],
      ['BITCOUNT', 'e', '0', '-1', 'BIT'],
      ['SET', 'n', '1234567'],
      ['BITCOUNT', 'n'],
      ['BITCOUNT', 'n', '1', '3', 'BIT'],
      ['RPUSH', 'l', 'x'],
      ['BITCOUNT', 'l'],
      ['BITCOUNT', 'l', 'x'],
    );
    await d().seq(cmds);
  });

  test('BITPOS', async () => {
    const cmds: string[][] = [
      ['SET', 'k', '\xff\xf0\x00\x0f\xff'],
      ['SET', 'ones', '\xff\xff\xff'],
      ['SET', 'zeros', '\x00\x00\x00'],
      ['SET', 'e', ''],
    ];
    const idx = ['0', '1', '2', '-1', '-2', '7', '8', '12', '23', '24', '39', '40', '-100', '100'];
    for (const key of ['k', 'ones', 'zeros']) {
      for (const bit of ['0', '1']) {
        cmds.push(['BITPOS', key, bit]);
        for (const a of idx) {
          cmds.push(['BITPOS', key, bit, a]);
          for (const b of idx) {
            cmds.push(['BITPOS', key, bit, a, b]);
            cmds.push(['BITPOS', key, bit, a, b, 'BIT']);
          }
        }
      }
    }
    cmds.push(
      ['BITPOS', 'k', '2'],
      ['BITPOS', 'k', '-1'],
      ['BITPOS', 'k', 'x'],
      ['BITPOS', 'nokey', '0'],
      ['BITPOS', 'nokey', '1'],
      ['BITPOS', 'nokey', '1', '5', '10', 'BIT'],
      ['BITPOS', 'nokey', '2'],
      ['BITPOS', 'e', '0'],
      ['BITPOS', 'e', '1'],
      ['BITPOS', 'e', '0', '0', '-1'],
      ['BITPOS', 'k', '1', 'x'],
      ['BITPOS', 'k', '1', '0', 'x'],
      ['BITPOS', 'k', '1', '0', 'x', 'FOO'],
      ['BITPOS', 'k', '1', '0', '1', 'FOO'],
      ['BITPOS', 'k', '1', '0', '1', 'byte'],
      ['BITPOS', 'k', '1', '0', '1', 'BIT', 'x'],
      ['SET', 'n', '12'],
      ['BITPOS', 'n', '1'],
      ['RPUSH', 'l', 'x'],
      ['BITPOS', 'l', '1'],
      ['BITPOS', 'l', '3'],
    );
    await d().seq(cmds);
  });

  test('BITCOUNT and BITPOS on random strings and ranges', async () => {
    const r = rng(42);
    const cmds: string[][] = [];
    for (let n = 0; n < 20; n++) {
      const len = Math.floor(r() * 12);
      let s = '';
      for (let i = 0; i < len; i++) {
        const x = r();
        s += String.fromCharCode(x < 0.3 ? 0 : x < 0.6 ? 255 : Math.floor(r() * 256));
      }
      cmds.push(['SET', 'r', s]);
      for (let q = 0; q < 30; q++) {
        const a = String(Math.floor(r() * 120) - 60);
        const b = String(Math.floor(r() * 120) - 60);
        const unit = r() < 0.5 ? 'BIT' : 'BYTE';
        cmds.push(['BITCOUNT', 'r', a, b, unit]);
        cmds.push(['BITPOS', 'r', r() < 0.5 ? '0' : '1', a, b, unit]);
        cmds.push(['BITPOS', 'r', r() < 0.5 ? '0' : '1', a]);
      }
    }
    await d().seq(cmds);
  });

  test('BITOP', async () => {
    await d().seq([
      ['SET', 'a', 'foobar'],
      ['SET', 'b', 'abcdef\xff\x01'],
      ['SET', 'c', '\x00'],
      ['BITOP', 'AND', 'dest', 'a', 'b'],
      ['GET', 'dest'],
      ['BITOP', 'or', 'dest', 'a', 'b', 'c'],
      ['GET', 'dest'],
      ['BITOP', 'XOR', 'dest', 'a', 'b', 'nokey'],
      ['GET', 'dest'],
      ['BITOP', 'AND', 'dest', 'a', 'nokey'],
      ['GET', 'dest'],
      ['BITOP', 'NOT', 'dest', 'b'],
      ['GET', 'dest'],
      ['BITOP', 'NOT', 'dest', 'a', 'b'],
      ['BITOP', 'NOT', 'dest', 'nokey'],
      ['EXISTS', 'dest'],
      ['BITOP', 'AND', 'dest', 'nokey', 'nokey2'],
      ['BITOP', 'FOO', 'dest', 'a'],
      ['BITOP', 'ANDX', 'dest', 'a'],
      ['BITOP', 'AND\x00x', 'dest', 'a'],
      ['BITOP', 'AND', 'dest'],
      ['BITOP', 'AND', 'a', 'a'],
      ['GET', 'a'],
      ['RPUSH', 'l', 'x'],
      ['BITOP', 'OR', 'dest', 'a', 'l'],
      ['BITOP', 'OR', 'l', 'a'],
      ['TYPE', 'l'],
      ['SET', 'dest', 'v', 'EX', '100'],
      ['BITOP', 'OR', 'dest', 'a'],
      ['TTL', 'dest'],
      ['OBJECT', 'ENCODING', 'dest'],
      ['SET', 'n', '12'],
      ['BITOP', 'XOR', 'dest', 'n', 'a'],
      ['GET', 'dest'],
    ]);
  });

  test('BITFIELD basics and types', async () => {
    await d().seq([
      ['BITFIELD', 'k'],
      ['BITFIELD', 'k', 'GET', 'u8', '0'],
      ['EXISTS', 'k'],
      ['BITFIELD', 'k', 'SET', 'u8', '0', '255', 'GET', 'u8', '0', 'GET', 'i8', '0'],
      ['BITFIELD', 'k', 'SET', 'i5', '#3', '-7', 'GET', 'i5', '#3', 'GET', 'u5', '15'],
      ['GET', 'k'],
      ['BITFIELD', 'k', 'INCRBY', 'u2', '100', '1', 'INCRBY', 'u2', '100', '1', 'INCRBY', 'u2', '100', '1', 'INCRBY', 'u2', '100', '1'],
      ['BITFIELD', 'k', 'INCRBY', 'i64', '0', '9223372036854775807', 'INCRBY', 'i64', '0', '1'],
      ['BITFIELD', 'k', 'SET', 'i64', '0', '-9223372036854775808', 'GET', 'i64', '0', 'GET', 'u63', '0', 'GET', 'u63', '1'],
      ['BITFIELD', 'k', 'SET', 'u63', '3', '9223372036854775807', 'GET', 'u63', '3', 'GET', 'i64', '2'],
      ['BITFIELD', 'k', 'get', 'i1', '0', 'get', 'u1', '0', 'GET', 'i64', '1000'],
      ['BITFIELD', 'k', 'GET', 'u64', '0'],
      ['BITFIELD', 'k', 'GET', 'i65', '0'],
      ['BITFIELD', 'k', 'GET', 'i0', '0'],
      ['BITFIELD', 'k', 'GET', 'U8', '0'],
      ['BITFIELD', 'k', 'GET', 'u', '0'],
      ['BITFIELD', 'k', 'GET', '8', '0'],
      ['BITFIELD', 'k', 'GET', 'u08', '0'],
      ['BITFIELD', 'k', 'GET', 'u8\x00x', '0'],
      ['BITFIELD', 'k', 'GET', 'u8', '-1'],
      ['BITFIELD', 'k', 'GET', 'u8', 'x'],
      ['BITFIELD', 'k', 'GET', 'u8', '#'],
      ['BITFIELD', 'k', 'GET', 'u8', '#-1'],
      ['BITFIELD', 'k', 'GET', 'u8', '4294967296'],
      ['BITFIELD', 'k', 'GET', 'u8', '4294967295'],
      ['BITFIELD', 'k', 'GET', 'u8', '#536870912'],
      ['BITFIELD', 'k', 'GET', 'u8', '#536870911'],
      ['BITFIELD', 'k', 'GET', 'u8', '#2305843009213693952'],
      ['BITFIELD', 'k', 'GET', 'u8', '#2305843009213693953'],
      ['BITFIELD', 'k', 'SET', 'u8', '0', 'x'],
      ['BITFIELD', 'k', 'SET', 'u8', '0'],
      ['BITFIELD', 'k', 'GET', 'u8'],
      ['BITFIELD', 'k', 'INCRBY', 'u8', '0'],
      ['BITFIELD', 'k', 'FOO', 'u8', '0'],
      ['BITFIELD', 'k', 'OVERFLOW'],
      ['BITFIELD', 'k', 'OVERFLOW', 'FOO', 'GET', 'u8', '0'],
      ['BITFIELD', 'k', 'GET', 'u8', '0', 'OVERFLOW', 'FOO'],
      ['BITFIELD', 'k', 'GET', 'u8', '0', 'OVERFLOW', 'SAT'],
      ['BITFIELD', 'k', 'GET', 'u8', '0', 'SET', 'u8', 'x', '1'],
      ['BITFIELD', 'k', 'SET', 'u8', '#0', '1', 'SET', 'u99', '0', '1'],
      ['GET', 'k'],
      ['SET', 'n', '12'],
      ['BITFIELD', 'n', 'GET', 'u16', '0', 'GET', 'u4', '12'],
      ['BITFIELD', 'n', 'SET', 'u8', '0', '65'],
      ['GET', 'n'],
      ['RPUSH', 'l', 'x'],
      ['BITFIELD', 'l', 'GET', 'u8', '0'],
      ['BITFIELD', 'l', 'SET', 'u8', '0', '1'],
      ['BITFIELD', 'l', 'GET', 'u8', 'x'],
      ['BITFIELD', 'l'],
      ['SET', 't', 'v', 'EX', '100'],
      ['BITFIELD', 't', 'SET', 'u8', '100', '1'],
      ['TTL', 't'],
      ['OBJECT', 'ENCODING', 't'],
      ['SET', 'ro', '1'],
      ['BITFIELD', 'ro', 'GET', 'u8', '0'],
      ['OBJECT', 'ENCODING', 'ro'],
      ['BITFIELD', 'ro', 'SET', 'u8', '0', '49'],
      ['OBJECT', 'ENCODING', 'ro'],
    ]);
  });

  test('BITFIELD overflow behaviours', async () => {
    const cmds: string[][] = [];
    for (const ow of ['WRAP', 'SAT', 'FAIL']) {
      for (const type of ['u1', 'u2', 'u8', 'i1', 'i2', 'i8', 'u63', 'i63', 'i64', 'u32', 'i32']) {
        for (const v of ['0', '1', '-1', '2', '-2', '127', '128', '-128', '-129', '255', '256', '9223372036854775807', '-9223372036854775808', '4611686018427387904']) {
          cmds.push(['BITFIELD', 'k', 'OVERFLOW', ow, 'SET', type, '3', v, 'GET', type, '3']);
          cmds.push(['BITFIELD', 'k', 'OVERFLOW', ow, 'INCRBY', type, '3', v, 'INCRBY', type, '3', v]);
        }
      }
    }
    cmds.push(
      ['BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '1000', 'OVERFLOW', 'WRAP', 'INCRBY', 'u8', '0', '1000'],
      ['BITFIELD', 'k', 'overflow', 'sat', 'incrby', 'i8', '0', '-1000', 'overflow', 'fail', 'incrby', 'i8', '0', '-1'],
      ['BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '80', '1000'],
      ['GET', 'f'],
      ['GET', 'k'],
    );
    await d().seq(cmds);
  });

  test('BITFIELD random ops', async () => {
    const r = rng(7);
    const cmds: string[][] = [];
    for (let n = 0; n < 200; n++) {
      const argv = ['BITFIELD', 'rk'];
      const ops = 1 + Math.floor(r() * 4);
      for (let o = 0; o < ops; o++) {
        const signed = r() < 0.5;
        const bits = 1 + Math.floor(r() * (signed ? 64 : 63));
        const type = (signed ? 'i' : 'u') + bits;
        const off = r() < 0.2 ? `#${Math.floor(r() * 10)}` : String(Math.floor(r() * 100));
        const val = String(Math.floor((r() - 0.5) * 2 ** Math.floor(r() * 60)));
        const k = r();
        if (k < 0.15) argv.push('OVERFLOW', ['WRAP', 'SAT', 'FAIL'][Math.floor(r() * 3)]);
        if (k < 0.4) argv.push('GET', type, off);
        else if (k < 0.7) argv.push('SET', type, off, val);
        else argv.push('INCRBY', type, off, val);
      }
      cmds.push(argv);
    }
    cmds.push(['GET', 'rk']);
    await d().seq(cmds);
  });

  test('BITFIELD_RO', async () => {
    await d().seq([
      ['BITFIELD_RO', 'k'],
      ['BITFIELD_RO', 'k', 'GET', 'u8', '0'],
      ['SET', 'k', 'abc'],
      ['BITFIELD_RO', 'k', 'GET', 'u8', '0', 'GET', 'i12', '#1'],
      ['BITFIELD_RO', 'k', 'SET', 'u8', '0', '1'],
      ['BITFIELD_RO', 'k', 'INCRBY', 'u8', '0', '1'],
      ['BITFIELD_RO', 'k', 'SET', 'u8', '0', '1', 'FOO'],
      ['BITFIELD_RO', 'k', 'SET', 'u8', '0', 'x'],
      ['BITFIELD_RO', 'k', 'OVERFLOW', 'SAT', 'GET', 'u8', '0'],
      ['BITFIELD_RO', 'k', 'GET', 'u64', '0'],
      ['GET', 'k'],
      ['RPUSH', 'l', 'x'],
      ['BITFIELD_RO', 'l', 'GET', 'u8', '0'],
      ['BITFIELD_RO', 'l', 'SET', 'u8', '0', '1'],
    ]);
  });

  test('RESP3 null for BITFIELD FAIL', async () => {
    await d().both('HELLO', '3');
    await d().seq([['BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'SET', 'u2', '0', '10', 'GET', 'u2', '0']]);
    await d().both('HELLO', '2');
  });

  test('large bitmaps', async () => {
    await d().seq([
      ['SETBIT', 'big', '8000000', '1'],
      ['STRLEN', 'big'],
      ['BITCOUNT', 'big'],
      ['BITPOS', 'big', '1'],
      ['BITPOS', 'big', '0', '-1'],
      ['BITFIELD', 'big', 'INCRBY', 'u32', '7999990', '123456'],
      ['BITCOUNT', 'big', '999990', '-1'],
      ['BITOP', 'NOT', 'inv', 'big'],
      ['BITCOUNT', 'inv'],
      ['BITPOS', 'inv', '0'],
    ]);
  });
});

/**
 * Keyspace notifications: the real server's are read by a PSUBSCRIBE client; ours are
 * recorded at the notifier (the same events the pubsub layer would publish).
 */
async function sameEvents(dd: Differential, cmds: string[][]): Promise<void> {
  const sub = (await dd.pair()).real;
  try {
    await dd.real.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    await sub.call('PSUBSCRIBE', '__keyevent@*');
    const notifier = dd.redmoon.server.notifier;
    const mine: string[] = [];
    const orig = notifier.notify;
    notifier.configure('KEA');
    notifier.notify = function (cls, event, key, dbid) {
      mine.push(`${event} ${key}`);
      return orig.call(this, cls, event, key, dbid);
    };
    try {
      for (const c of cmds) await dd.same(...c);
    } finally {
      notifier.notify = orig;
      notifier.configure('');
    }
    const buf = Buffer.from(await sub.drain(100), 'latin1');
    const theirs: string[] = [];
    for (let pos = 0; ; ) {
      const r = decode(buf, pos);
      if (!r) break;
      pos = r.end;
      const v = r.value as Reply[];
      if (Array.isArray(v) && v[0] === 'pmessage') theirs.push(`${String(v[2]).split(':')[1]} ${String(v[3])}`);
    }
    expect(mine).toEqual(theirs);
  } finally {
    sub.close();
    await dd.real.call('CONFIG', 'SET', 'notify-keyspace-events', '');
  }
}

describeDifferential('bitmap keyspace notifications', (d) => {
  test('events of bitmap commands', async () => {
    await sameEvents(d(), [
      ['SETBIT', 'b', '3', '1'],
      ['SETBIT', 'b', '3', '1'],
      ['SETBIT', 'b', '3', '0'],
      ['SETBIT', 'b', '30', '0'],
      ['SETBIT', 'b', '30', '0'],
      ['BITFIELD', 'f', 'SET', 'u8', '0', '0'],
      ['BITFIELD', 'f', 'SET', 'u8', '0', '0'],
      ['BITFIELD', 'f', 'SET', 'u8', '0', '1', 'INCRBY', 'u8', '0', '1'],
      ['BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '1000'],
      ['BITFIELD', 'f', 'GET', 'u8', '0'],
      ['BITFIELD', 'g', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '1000'],
      ['BITOP', 'OR', 'dest', 'b', 'f'],
      ['BITOP', 'OR', 'dest', 'nokey'],
      ['BITOP', 'OR', 'dest', 'nokey'],
      ['BITOP', 'NOT', 'dest2', 'b'],
    ]);
  });
});
