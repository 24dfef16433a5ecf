import { test, expect } from 'vitest';
import { RequestParser, ProtocolError } from '../../src/resp/parser.ts';

const limits = { maxBulkLen: 512 * 1024 * 1024, authRequired: () => false };

test('prime() parses ahead to the first request: a request still arriving shows its arguments and big bulk at once', () => {
  const p = new RequestParser(limits);
  p.feed(Buffer.from('*3\r\n$4\r\nMSET\r\n$1\r\nk\r\n$100000\r\nvvvv', 'latin1'));
  expect(p.bigSize).toBe(0);
  p.prime();
  expect(p.partialArgc).toBe(2);
  expect(p.partialArgvBytes).toBe(5);
  expect(p.bigSize).toBe(100002);
  p.feed(Buffer.alloc(100000 - 4 + 2, 'v').fill('\r\n', 100000 - 4));
  const argv = p.next() as string[];
  expect(argv.length).toBe(3);
  expect(argv[2].length).toBe(100000);
  expect(p.next()).toBe(null);
});

test('a primed complete request is handed out first, then the rest in order; a primed protocol error too', () => {
  const p = new RequestParser(limits);
  p.feed(Buffer.from('*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$1\r\na\r\n', 'latin1'));
  p.prime();
  p.prime(); // a second prime keeps the first request
  expect(p.next()).toEqual(['PING']);
  expect(p.next()).toEqual(['ECHO', 'a']);
  expect(p.next()).toBe(null);
  p.feed(Buffer.from('*x\r\n', 'latin1'));
  p.prime();
  expect(p.next()).toBeInstanceOf(ProtocolError);
});
