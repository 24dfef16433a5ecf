import { test, expect } from 'vitest';
import { describeDifferential } from '../support/differential.ts';

describeDifferential('connection commands', (d) => {
  test('PING and ECHO', async () => {
    await d().seq([
      ['PING'],
      ['ping', 'hello'],
      ['PING', 'a', 'b'],
      ['ECHO', 'x\x00\xff'],
      ['ECHO'],
      ['echo', 'a', 'b'],
    ]);
  });

  test('unknown commands and arity errors', async () => {
    await d().seq([
      ['NOSUCHCMD'],
      ['nosuch', 'a', 'b', 'c'],
      ['nosuch', 'a\r\nb'],
      ['nosuch', 'x'.repeat(300)],
      ['nosuch', 'x'.repeat(100), 'y'.repeat(100), 'z'],
    ]);
  });

  test('SELECT', async () => {
    await d().seq([['SELECT', '1'], ['SELECT', '16'], ['SELECT', '-1'], ['SELECT', 'abc'], ['SELECT', '01'], ['SELECT', '0']]);
  });

  test('HELLO', async () => {
    await d().seq([
      ['HELLO', '4'],
      ['HELLO', 'x'],
      ['HELLO', '3', 'FOO'],
      ['HELLO', '2', 'AUTH', 'default'],
      ['HELLO', '2', 'SETNAME', 'bad name'],
      ['AUTH', 'x'],
      ['AUTH', 'a', 'b'],
      ['AUTH', 'a', 'b', 'c'],
    ]);
  });

  test('HELLO before authenticating, and EXEC refused before its MULTI check', async () => {
    await d().same('CONFIG', 'SET', 'requirepass', 'pw');
    try {
      const p = await d().pair();
      try {
        for (const argv of [['HELLO'], ['HELLO', '3'], ['HELLO', '2', 'SETNAME', 'x'], ['HELLO', '3', 'AUTH', 'default', 'bad'], ['EXEC'], ['MULTI']]) {
          const [real, ours] = await Promise.all([p.real.call(...argv), p.ours.call(...argv)]);
          expect(ours, JSON.stringify(argv)).toBe(real);
        }
      } finally {
        p.real.close();
        p.ours.close();
      }
    } finally {
      await d().same('CONFIG', 'SET', 'requirepass', '');
    }
    await d().seq([['EXEC', 'x'], ['EXEC']]);
  });

  test('protocol errors', async () => {
    await d().sameRaw('*1\r\nx\r\n');
    await d().sameRaw('*abc\r\n');
    await d().sameRaw('*1\r\n$-5\r\n');
    await d().sameRaw('*1\r\n$abc\r\n');
    await d().sameRaw('PING "unbalanced\r\n');
    await d().sameRaw("PING 'a'b\r\n");
    await d().sameRaw('*3\r\n$4\r\nECHO\r\n');
    await d().sameRaw('*0\r\n*-1\r\nPING\r\n');
    await d().sameRaw('\r\n\r\nPING\r\n');
    await d().sameRaw('ECHO "a\\x41\\n" \'b\\\'c\'\r\n');
    await d().sameRaw('ECHO   spaced   \n');
  });
});
