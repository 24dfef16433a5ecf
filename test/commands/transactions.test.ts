import { test, expect } from 'vitest';
import { describeDifferential } from '../support/differential.ts';

describeDifferential('transactions', (d) => {
  test('MULTI/EXEC basics and errors', async () => {
    await d().seq([
      ['EXEC'],
      ['DISCARD'],
      ['MULTI'],
      ['MULTI'],
      ['SET', 'a', '1'],
      ['INCR', 'a'],
      ['GET', 'a'],
      ['EXEC'],
      ['EXEC'],
      ['MULTI'],
      ['WATCH', 'x'],
      ['PING'],
      ['EXEC'],
    ]);
  });

  test('run-time errors inside EXEC and empty EXEC', async () => {
    await d().seq([
      ['SET', 's', 'str'],
      ['MULTI'],
      ['LPUSH', 's', 'x'],
      ['INCR', 's'],
      ['SET', 't', '1'],
      ['EXEC'],
      ['GET', 't'],
      ['MULTI'],
      ['EXEC'],
    ]);
  });

  test('EXECABORT after queue-time errors', async () => {
    await d().seq([
      ['MULTI'],
      ['SET', 'a'],
      ['NOSUCH'],
      ['SET', 'a', '1'],
      ['EXEC'],
      ['GET', 'a'],
      ['MULTI'],
      ['GET'],
      ['DISCARD'],
      ['EXEC'],
    ]);
  });

  test('DISCARD', async () => {
    await d().seq([['MULTI'], ['SET', 'a', '1'], ['DISCARD'], ['GET', 'a'], ['DISCARD']]);
  });

  test('RESP3 EXEC and null on WATCH failure', async () => {
    const p = await d().pair();
    try {
      await d().both('HELLO', '3');
      await d().seq([['SET', 'w', '1'], ['WATCH', 'w']]);
      await Promise.all([p.real.call('SET', 'w', '2'), p.ours.call('SET', 'w', '2')]);
      await d().seq([['MULTI'], ['GET', 'w'], ['EXEC'], ['MULTI'], ['GET', 'w'], ['HGETALL', 'nokey'], ['EXEC']]);
      await d().both('HELLO', '2');
    } finally {
      p.real.close();
      p.ours.close();
    }
  });

  test('WATCH: modified by another client, unwatch, same client', async () => {
    const p = await d().pair();
    try {
      await d().seq([['SET', 'x', '1'], ['WATCH', 'x', 'y']]);
      await Promise.all([p.real.call('SET', 'x', '2'), p.ours.call('SET', 'x', '2')]);
      await d().seq([['MULTI'], ['SET', 'x', '3'], ['EXEC'], ['GET', 'x']]);
      // After EXEC nothing is watched any more.
      await d().seq([['WATCH', 'x']]);
      await d().seq([['UNWATCH']]);
      await Promise.all([p.real.call('SET', 'x', '5'), p.ours.call('SET', 'x', '5')]);
      await d().seq([['MULTI'], ['SET', 'x', '6'], ['EXEC']]);
      // A change by the watching client itself also aborts.
      await d().seq([['WATCH', 'x'], ['SET', 'x', '7'], ['MULTI'], ['GET', 'x'], ['EXEC']]);
      // Deleting a missing key is no change; creating a watched key is.
      await d().seq([['WATCH', 'nokey'], ['DEL', 'nokey'], ['MULTI'], ['PING'], ['EXEC']]);
      await d().seq([['WATCH', 'nokey'], ['SET', 'nokey', '1'], ['MULTI'], ['PING'], ['EXEC']]);
      // Another db with the same key name does not count.
      await d().seq([['WATCH', 'x'], ['SELECT', '1'], ['SET', 'x', '1'], ['SELECT', '0'], ['MULTI'], ['PING'], ['EXEC']]);
    } finally {
      p.real.close();
      p.ours.close();
    }
  });

  test('WATCH and FLUSHALL / expiry', async () => {
    await d().seq([['SET', 'x', '1'], ['WATCH', 'x'], ['FLUSHALL'], ['MULTI'], ['PING'], ['EXEC']]);
    await d().seq([['WATCH', 'x'], ['FLUSHALL'], ['MULTI'], ['PING'], ['EXEC']]);
    // A watched key that expires before EXEC aborts it.
    await d().seq([['SET', 'e', '1', 'PX', '30'], ['WATCH', 'e']]);
    await new Promise((r) => setTimeout(r, 80));
    await d().seq([['MULTI'], ['PING'], ['EXEC']]);
  });

  test('WATCH an already expired key', async () => {
    await d().seq([['DEBUG', 'SET-ACTIVE-EXPIRE', '0'], ['SET', 'e', '1', 'PX', '5']]);
    await new Promise((r) => setTimeout(r, 30));
    await d().seq([['WATCH', 'e'], ['MULTI'], ['PING'], ['EXEC']]);
    await d().seq([['SET', 'e2', '1', 'PX', '5']]);
    await new Promise((r) => setTimeout(r, 30));
    await d().seq([['WATCH', 'e2'], ['GET', 'e2'], ['MULTI'], ['PING'], ['EXEC']]);
    await d().seq([['SET', 'e3', '1', 'PX', '5']]);
    await new Promise((r) => setTimeout(r, 30));
    await d().seq([['WATCH', 'e3'], ['SET', 'e3', '2'], ['MULTI'], ['PING'], ['EXEC'], ['DEBUG', 'SET-ACTIVE-EXPIRE', '1']]);
  });

  test('SWAPDB and stale keys: no logical change leaves the WATCH clean', async () => {
    const wait = () => new Promise((r) => setTimeout(r, 30));
    try {
      // a missing key replaced by an expired one
      await d().seq([['FLUSHALL'], ['DEBUG', 'SET-ACTIVE-EXPIRE', '0'], ['SELECT', '0'], ['SET', 'x', 'foo', 'PX', '5']]);
      await wait();
      await d().seq([['SELECT', '1'], ['WATCH', 'x'], ['SWAPDB', '0', '1'], ['MULTI'], ['PING'], ['EXEC']]);
      // an expired key replaced by another expired one
      await d().seq([['FLUSHALL'], ['SELECT', '1'], ['SET', 'x', 'foo', 'PX', '5'], ['SELECT', '0'], ['SET', 'x', 'bar', 'PX', '5']]);
      await wait();
      await d().seq([['SELECT', '1'], ['WATCH', 'x'], ['SWAPDB', '0', '1'], ['MULTI'], ['PING'], ['EXEC']]);
      // an expired key replaced by a live one: a change
      await d().seq([['FLUSHALL'], ['SELECT', '1'], ['SET', 'x', 'foo', 'PX', '5'], ['SELECT', '0'], ['SET', 'x', 'bar']]);
      await wait();
      await d().seq([['SELECT', '1'], ['WATCH', 'x'], ['SWAPDB', '0', '1'], ['MULTI'], ['PING'], ['EXEC']]);
      // a live key replaced by an expired one: a change
      await d().seq([['FLUSHALL'], ['SELECT', '1'], ['SET', 'x', 'foo'], ['SELECT', '0'], ['SET', 'x', 'bar', 'PX', '5']]);
      await wait();
      await d().seq([['SELECT', '1'], ['WATCH', 'x'], ['SWAPDB', '0', '1'], ['MULTI'], ['PING'], ['EXEC']]);
    } finally {
      await d().seq([['DEBUG', 'SET-ACTIVE-EXPIRE', '1'], ['FLUSHALL'], ['SELECT', '0']]);
    }
  });

  test('WATCH arity and commands allowed in MULTI', async () => {
    await d().seq([['WATCH'], ['MULTI'], ['UNWATCH'], ['EXEC'], ['MULTI'], ['SUBSCRIBE'], ['EXEC']]);
    const r = await d().same('MULTI');
    expect(r).toBe('+OK\r\n');
    await d().seq([['EXEC', 'x'], ['EXEC']]);
  });
}, { 'enable-debug-command': 'yes' });
