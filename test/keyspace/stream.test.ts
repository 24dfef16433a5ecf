import { describe, test, expect } from 'vitest';
import {
  Stream,
  parseStreamID,
  incrID,
  decrID,
  cmpID,
  formatID,
  normU64,
  subInt64,
  addInt,
  U64_MAX,
  ID_ZERO,
  ID_MAX,
  Pel,
  Nack,
  type StreamID,
} from '../../src/keyspace/stream.ts';

const limits = { maxBytes: 4096, maxEntries: 100 };
const id = (ms: number | bigint, seq: number | bigint): StreamID => ({ ms: normU64(BigInt(ms)), seq: normU64(BigInt(seq)) });

describe('stream IDs', () => {
  test('parsing follows string2ull/strtoull', () => {
    expect(parseStreamID('5', 0, false)).toEqual({ ms: 5, seq: 0, seqGiven: true });
    expect(parseStreamID('5', U64_MAX, false)?.seq).toBe(U64_MAX);
    expect(parseStreamID('5-7', 0, true)).toEqual({ ms: 5, seq: 7, seqGiven: true });
    expect(parseStreamID('-', 0, false)).toEqual({ ms: 0, seq: 0, seqGiven: true });
    expect(parseStreamID('+', 0, false)?.ms).toBe(U64_MAX);
    expect(parseStreamID('-', 0, true)).toBeNull();
    expect(parseStreamID('+', 0, true)).toBeNull();
    expect(parseStreamID('5-*', 0, true)).toBeNull();
    expect(parseStreamID('5-*', 0, true, true)).toEqual({ ms: 5, seq: 0, seqGiven: false });
    expect(parseStreamID('-1', 0, true)).toBeNull();
    expect(parseStreamID('5--1', 0, true)).toBeNull();
    expect(parseStreamID('5--01', 0, true)?.seq).toBe(U64_MAX);
    expect(parseStreamID(' 7', 0, true)?.ms).toBe(7);
    expect(parseStreamID('+7', 0, true)?.ms).toBe(7);
    expect(parseStreamID('007', 0, true)?.ms).toBe(7);
    expect(parseStreamID('0x10', 0, true)).toBeNull();
    expect(parseStreamID('', 0, true)).toBeNull();
    expect(parseStreamID('18446744073709551615-18446744073709551615', 0, true)).toEqual({ ms: U64_MAX, seq: U64_MAX, seqGiven: true });
    expect(parseStreamID('18446744073709551616', 0, true)).toBeNull();
    expect(parseStreamID('9007199254740993', 0, true)?.ms).toBe(9007199254740993n);
    expect(parseStreamID('1'.repeat(128), 0, true)).toBeNull();
    expect(parseStreamID('5\0junk', 0, true)?.ms).toBe(5);
  });

  test('successor, predecessor and comparison are exact past 2^53', () => {
    expect(incrID(id(1, 2))).toEqual(id(1, 3));
    expect(incrID(id(1, U64_MAX))).toEqual(id(2, 0));
    expect(incrID(ID_MAX)).toBeNull();
    expect(decrID(id(2, 0))).toEqual(id(1, U64_MAX));
    expect(decrID(ID_ZERO)).toBeNull();
    expect(incrID(id(0, 9007199254740991))).toEqual(id(0, 9007199254740992n));
    expect(typeof incrID(id(0, 9007199254740991))!.seq).toBe('bigint');
    expect(decrID(id(0, 9007199254740992n))!.seq).toBe(9007199254740991);
    expect(cmpID(id(9007199254740993n, 0), id(9007199254740992n, 5))).toBe(1);
    expect(cmpID(id(5, 9007199254740993n), id(5, 9007199254740993n))).toBe(0);
    expect(formatID(id(U64_MAX, 1))).toBe('18446744073709551615-1');
    expect(subInt64(5, 7)).toBe(-2);
    expect(subInt64(9223372036854775807n, -1)).toBe(-9223372036854775808n);
    expect(addInt(9007199254740991, 1)).toBe(9007199254740992n);
  });
});

describe('Stream', () => {
  test('append, range, reverse range, delete', () => {
    const s = new Stream();
    for (let i = 1; i <= 250; i++) s.append(id(i, 0), ['f', String(i)], limits);
    expect(s.length).toBe(250);
    expect(s.nodes.length).toBe(3);
    expect(s.range(id(100, 0), id(102, 0), false, 0).map((e) => e.pairs[1])).toEqual(['100', '101', '102']);
    expect(s.range(ID_ZERO, ID_MAX, true, 2).map((e) => formatID(e.id))).toEqual(['250-0', '249-0']);
    expect(s.range(id(100, 1), id(100, 5), false, 0)).toEqual([]);
    expect(s.deleteEntry(id(101, 0))).toBe(true);
    expect(s.deleteEntry(id(101, 0))).toBe(false);
    expect(s.range(id(100, 0), id(102, 0), true, 0).map((e) => e.pairs[1])).toEqual(['102', '100']);
    expect(s.length).toBe(249);
    expect(s.edgeLive(false)).toEqual(id(250, 0));
  });

  test('same-field entries share the master fields', () => {
    const s = new Stream();
    s.append(id(1, 0), ['a', '1', 'b', '2'], limits);
    s.append(id(2, 0), ['a', '3', 'b', '4'], limits);
    s.append(id(3, 0), ['b', '3'], limits);
    const n = s.nodes[0];
    expect(n.data[1]).toEqual(['3', '4']);
    expect(n.pairs(1)).toEqual(['a', '3', 'b', '4']);
    expect(n.pairs(2)).toEqual(['b', '3']);
  });

  test('a node with every entry deleted disappears', () => {
    const s = new Stream();
    s.append(id(1, 0), ['a', '1'], { maxBytes: 4096, maxEntries: 2 });
    s.append(id(2, 0), ['a', '1'], { maxBytes: 4096, maxEntries: 2 });
    s.append(id(3, 0), ['a', '1'], { maxBytes: 4096, maxEntries: 2 });
    expect(s.nodes.length).toBe(2);
    s.deleteEntry(id(3, 0));
    expect(s.nodes.length).toBe(1);
    expect(s.raxNodes()).toBe(2);
  });

  test('approximate trimming removes whole nodes only', () => {
    const s = new Stream();
    for (let i = 1; i <= 250; i++) s.append(id(i, 0), ['f', 'v'], limits);
    expect(s.trim({ strategy: 'maxlen', approx: true, limit: 10000, maxlen: 120, minid: ID_ZERO })).toBe(100);
    expect(s.length).toBe(150);
    expect(s.firstId).toEqual(id(101, 0));
    expect(s.trim({ strategy: 'maxlen', approx: false, limit: 0, maxlen: 120, minid: ID_ZERO })).toBe(30);
    expect(s.firstId).toEqual(id(131, 0));
    expect(s.trim({ strategy: 'minid', approx: false, limit: 0, maxlen: 0, minid: id(240, 0) })).toBe(109);
    expect(s.length).toBe(11);
  });

  test('clone is deep', () => {
    const s = new Stream();
    s.append(id(1, 0), ['a', '1'], limits);
    const t = s.clone();
    t.append(id(2, 0), ['a', '2'], limits);
    expect(s.length).toBe(1);
    expect(t.length).toBe(2);
  });
});

describe('Pel', () => {
  test('stays ordered through deletes, re-adds and out-of-order inserts', () => {
    const pel = new Pel();
    const mk = (ms: number): Nack => new Nack(id(ms, 0), `${ms}-0`, null, 0, 1);
    const nodes = [1, 2, 3, 4, 5].map(mk);
    for (const n of nodes) pel.add(n);
    pel.delete('3-0');
    pel.delete('5-0');
    expect(pel.ordered().map((n) => n.key)).toEqual(['1-0', '2-0', '4-0']);
    pel.delete('2-0');
    pel.add(nodes[1]);
    pel.add(mk(9));
    expect(pel.ordered().map((n) => n.key)).toEqual(['1-0', '2-0', '4-0', '9-0']);
    pel.add(mk(0));
    pel.delete('4-0');
    expect(pel.ordered().map((n) => n.key)).toEqual(['0-0', '1-0', '2-0', '9-0']);
    expect(pel.seek(id(1, 1))).toBe(2);
    expect(pel.size).toBe(4);
  });
});
