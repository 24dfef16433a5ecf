import { test, expect } from 'vitest';
import { describeDifferential } from '../support/differential.ts';
import { decode, type Reply } from '../support/resp-reader.ts';

/** Sorts the space-separated rules of a described rule string (single-command rules come in hash order in Redis). */
function sortedRules(s: string): string {
  return s.split(' ').sort().join(' ');
}

/** GETUSER/LIST replies with every rule string's rules sorted. */
function normalizeRules(r: Reply): Reply {
  if (typeof r === 'string') return r.includes(' ') && /[+-]@/.test(r) ? sortedRules(r) : r;
  if (Array.isArray(r)) return r.map(normalizeRules);
  if (r && typeof r === 'object' && 'map' in r) return { map: r.map.map(normalizeRules) };
  if (r && typeof r === 'object' && 'set' in r) return { set: r.set.map(normalizeRules) };
  return r;
}

describeDifferential('ACL', (d) => {
  /** Like seq, but ACL GETUSER / LIST replies are compared with their rules sorted. */
  const seqRules = async (cmds: string[][]): Promise<void> => {
    for (const c of cmds) {
      if (c[0] === 'ACL' && (c[1] === 'GETUSER' || c[1] === 'LIST')) {
        const { real, ours } = await d().both(...c);
        const n = (raw: string): Reply => normalizeRules(decode(Buffer.from(raw, 'latin1'), 0)!.value);
        expect(n(ours), JSON.stringify(c)).toEqual(n(real));
      } else {
        await d().same(...c);
      }
    }
  };

  const cleanup = async (): Promise<void> => {
    for (const u of ['alice', 'bob', 'carol', 'x', 'sel']) await d().both('ACL', 'DELUSER', u);
    await d().both('ACL', 'LOG', 'RESET');
  };

  test('basic introspection', async () => {
    await cleanup();
    await d().seq([
      ['ACL', 'WHOAMI'],
      ['ACL', 'USERS'],
      ['ACL', 'LIST'],
      ['ACL', 'GETUSER', 'default'],
      ['ACL', 'GETUSER', 'nosuch'],
      ['ACL', 'CAT'],
      ['ACL', 'CAT', 'nosuch'],
      ['ACL', 'CAT', 'a', 'b'],
      ['ACL', 'HELP'],
      ['ACL', 'SAVE'],
      ['ACL', 'LOAD'],
      ['ACL', 'NOSUCH'],
      ['ACL'],
      ['ACL', 'WHOAMI', 'x'],
      ['ACL', 'GENPASS', 'x'],
      ['ACL', 'GENPASS', '0'],
      ['ACL', 'GENPASS', '4097'],
      ['ACL', 'GENPASS', '1', '2'],
      ['ACL', 'LOG', 'x'],
      ['ACL', 'LOG', '1', '2'],
      ['ACL', 'LOG', '-1'],
      ['ACL', 'LOG'],
      ['ACL', 'DELUSER', 'default'],
      ['ACL', 'DELUSER', 'nosuch', 'default'],
      ['ACL', 'DELUSER', 'nosuch'],
    ]);
    for (const cat of ['read', 'write', 'admin', 'pubsub', 'SCRIPTING', 'dangerous', 'connection']) {
      await d().sameUnordered('ACL', 'CAT', cat);
    }
    const { real, ours } = await d().both('ACL', 'GENPASS');
    expect(ours.length).toBe(real.length);
    const g = await d().both('ACL', 'GENPASS', '5');
    expect(g.ours.length).toBe(g.real.length);
  });

  test('SETUSER rules and errors', async () => {
    await cleanup();
    await seqRules([
      ['ACL', 'SETUSER', 'alice'],
      ['ACL', 'GETUSER', 'alice'],
      ['ACL', 'LIST'],
      ['ACL', 'SETUSER', 'alice', 'on', '>p1', '>p2', '~k*', '%R~r*', '%W~w*', '%RW~b*', '&ch*', '+get', '+set', '-@all', '+@string'],
      ['ACL', 'GETUSER', 'alice'],
      ['ACL', 'SETUSER', 'alice', '<p1'],
      ['ACL', 'SETUSER', 'alice', '<nosuch'],
      ['ACL', 'SETUSER', 'alice', '!abc'],
      ['ACL', 'SETUSER', 'alice', '#' + 'a'.repeat(64)],
      ['ACL', 'SETUSER', 'alice', '#' + 'A'.repeat(64)],
      ['ACL', 'SETUSER', 'alice', '!' + 'a'.repeat(64)],
      ['ACL', 'SETUSER', 'alice', '!' + 'b'.repeat(64)],
      ['ACL', 'SETUSER', 'alice', 'nopass'],
      ['ACL', 'GETUSER', 'alice'],
      ['ACL', 'SETUSER', 'alice', 'resetpass', 'off', 'skip-sanitize-payload'],
      ['ACL', 'GETUSER', 'alice'],
      ['ACL', 'SETUSER', 'alice', 'allkeys', '~foo'],
      ['ACL', 'SETUSER', 'alice', 'allchannels', '&foo'],
      ['ACL', 'SETUSER', 'alice', '+nosuch'],
      ['ACL', 'SETUSER', 'alice', '-nosuch'],
      ['ACL', 'SETUSER', 'alice', '+@nosuch'],
      ['ACL', 'SETUSER', 'alice', 'bogus'],
      ['ACL', 'SETUSER', 'alice', '~a b'],
      ['ACL', 'SETUSER', 'alice', '&a b'],
      ['ACL', 'SETUSER', 'alice', '%X~a'],
      ['ACL', 'SETUSER', 'alice', '+config|get|x'],
      ['ACL', 'SETUSER', 'alice', '+config|'],
      ['ACL', 'SETUSER', 'alice', '+config|nosuch'],
      ['ACL', 'SETUSER', 'alice', '-select|0'],
      ['ACL', 'SETUSER', 'alice', '+'],
      ['ACL', 'SETUSER', 'alice', '-'],
      ['ACL', 'SETUSER', 'alice', '+@'],
      ['ACL', 'SETUSER', 'alice', ')'],
      ['ACL', 'SETUSER', 'alice', '(~x', '+get'],
      ['ACL', 'SETUSER', 'alice', '(~x +nosuch)'],
      ['ACL', 'SETUSER', 'a b'],
      ['ACL', 'SETUSER', 'a\x00b'],
      ['ACL', 'GETUSER', 'alice'],
      ['ACL', 'SETUSER', 'alice', 'reset'],
      ['ACL', 'GETUSER', 'alice'],
      ['ACL', 'LIST'],
      ['ACL', 'SETUSER', 'bob', 'on', 'nopass', 'allcommands', 'allkeys', 'allchannels'],
      ['ACL', 'LIST'],
      ['ACL', 'SETUSER', 'bob', '-@all', '+config|get', '+select|0', '+select|1', '+client'],
      ['ACL', 'GETUSER', 'bob'],
      ['ACL', 'SETUSER', 'bob', '-client|kill', '-@dangerous'],
      ['ACL', 'SETUSER', 'carol', 'on', 'nopass', '(~x* +get)', '(', '%R~y*', '+@read', ')', 'clearselectors'],
      ['ACL', 'SETUSER', 'sel', 'on', 'nopass', '(~x* +get)', '(', '%R~y*', '+set', ')', '&c1'],
      ['ACL', 'GETUSER', 'sel'],
      ['ACL', 'USERS'],
    ]);
  });

  test('described rules match (as sets of rules)', async () => {
    await cleanup();
    const cases: string[][] = [
      ['+@all', '-@dangerous'],
      ['-@all', '+@read', '-get', '+set'],
      ['+@all', '-@admin', '+config|get', '-debug'],
      ['-@all', '+client|list', '+acl|whoami', '+@hash'],
      ['allcommands', '-@write', '-@slow', '+@fast'],
      ['-@all', '+@string', '-@write', '+@list', '+@pubsub', '-publish'],
    ];
    for (const rules of cases) {
      await d().same('ACL', 'SETUSER', 'x', 'reset', ...rules);
      const { real, ours } = await d().both('ACL', 'LIST');
      const r = decode(Buffer.from(real, 'latin1'), 0)!.value as string[];
      const o = decode(Buffer.from(ours, 'latin1'), 0)!.value as string[];
      expect(o.map(sortedRules)).toEqual(r.map(sortedRules));
      // A described user set back gives the same user.
      const line = (o.find((l) => l.startsWith('user x ')) as string).split(' ').slice(2);
      await d().same('ACL', 'SETUSER', 'x', 'reset', ...line);
      const again = await d().both('ACL', 'LIST');
      const r2 = (decode(Buffer.from(again.real, 'latin1'), 0)!.value as string[]).map(sortedRules);
      expect(r2).toEqual(r.map(sortedRules));
      const dry = [
        ['GET', 'k'], ['SET', 'k', 'v'], ['CONFIG', 'GET', 'x'], ['CONFIG', 'SET', 'a', 'b'], ['DEBUG', 'SLEEP', '0'],
        ['CLIENT', 'LIST'], ['HSET', 'h', 'f', 'v'], ['PUBLISH', 'c', 'm'], ['LPUSH', 'l', 'x'],
      ];
      for (const cmd of dry) await d().same('ACL', 'DRYRUN', 'x', ...cmd);
    }
  });

  test('DRYRUN keys and channels', async () => {
    await cleanup();
    await d().seq([
      ['ACL', 'SETUSER', 'alice', 'on', 'nopass', '+@all', '~k*', '%R~r*', '%W~w*', '&ch*'],
      ['ACL', 'DRYRUN', 'alice', 'GET', 'k1'],
      ['ACL', 'DRYRUN', 'alice', 'GET', 'x1'],
      ['ACL', 'DRYRUN', 'alice', 'GET', 'r1'],
      ['ACL', 'DRYRUN', 'alice', 'GET', 'w1'],
      ['ACL', 'DRYRUN', 'alice', 'SET', 'w1', 'v'],
      ['ACL', 'DRYRUN', 'alice', 'SET', 'r1', 'v'],
      ['ACL', 'DRYRUN', 'alice', 'SET', 'w1', 'v', 'GET'],
      ['ACL', 'DRYRUN', 'alice', 'COPY', 'r1', 'w1'],
      ['ACL', 'DRYRUN', 'alice', 'COPY', 'w1', 'r1'],
      ['ACL', 'DRYRUN', 'alice', 'MSET', 'k1', 'v', 'x', 'v'],
      ['ACL', 'DRYRUN', 'alice', 'SORT', 'r1', 'STORE', 'w2'],
      ['ACL', 'DRYRUN', 'alice', 'SORT', 'r1', 'STORE', 'r2'],
      ['ACL', 'DRYRUN', 'alice', 'PUBLISH', 'ch1', 'm'],
      ['ACL', 'DRYRUN', 'alice', 'PUBLISH', 'other', 'm'],
      ['ACL', 'DRYRUN', 'alice', 'SUBSCRIBE', 'ch1', 'other'],
      ['ACL', 'DRYRUN', 'alice', 'PSUBSCRIBE', 'ch*'],
      ['ACL', 'DRYRUN', 'alice', 'PSUBSCRIBE', 'ch1*'],
      ['ACL', 'DRYRUN', 'alice', 'UNSUBSCRIBE', 'zzz'],
      ['ACL', 'DRYRUN', 'alice', 'EVAL', 'return 1', '1', 'x'],
      ['ACL', 'DRYRUN', 'nosuch', 'GET', 'x'],
      ['ACL', 'DRYRUN', 'alice', 'NOSUCH', 'x'],
      ['ACL', 'DRYRUN', 'alice', 'CONFIG', 'NOSUCH'],
      ['ACL', 'DRYRUN', 'alice', 'GET'],
      ['ACL', 'DRYRUN', 'alice', 'GET', 'a', 'b'],
      ['ACL', 'DRYRUN', 'alice', 'AUTH', 'a', 'b'],
    ]);
  });

  test('AUTH, HELLO and enforcement over two connections', async () => {
    await cleanup();
    await d().seq([
      ['ACL', 'SETUSER', 'alice', 'on', '>secret', '-@all', '+get', '+set', '+acl|whoami', '+publish', '+subscribe', '+multi', '+exec', '~k*', '&ch*'],
      ['ACL', 'SETUSER', 'bob', 'off', '>pw', '+@all', '~*'],
      ['SET', 'k1', 'v'],
    ]);
    const p = await d().pair();
    const both = async (...argv: string[]): Promise<void> => {
      const [r, o] = await Promise.all([p.real.call(...argv), p.ours.call(...argv)]);
      // HELLO shows the client id, which differs between the servers.
      const mask = (s: string): string => s.replace(/\$2\r\nid\r\n:\d+/, 'ID');
      expect(mask(o), JSON.stringify(argv)).toBe(mask(r));
    };
    try {
      await both('AUTH', 'alice', 'wrong');
      await both('AUTH', 'nosuch', 'x');
      await both('AUTH', 'bob', 'pw');
      await both('AUTH', 'x');
      await both('AUTH', 'alice', 'secret');
      await both('ACL', 'WHOAMI');
      await both('GET', 'k1');
      await both('GET', 'other');
      await both('SET', 'k2', 'v');
      await both('SET', 'x2', 'v');
      await both('DEL', 'k1');
      await both('CONFIG', 'GET', 'maxmemory');
      await both('PUBLISH', 'ch1', 'm');
      await both('PUBLISH', 'zz', 'm');
      await both('MULTI');
      await both('GET', 'k1');
      await both('DEL', 'k1');
      await both('EXEC');
      await both('PING');
      await both('HELLO', '2', 'AUTH', 'alice', 'nope');
      await both('HELLO', '2', 'AUTH', 'default', 'whatever');
      await both('ACL', 'WHOAMI');
    } finally {
      p.real.close();
      p.ours.close();
    }
    const { real, ours } = await d().both('ACL', 'LOG');
    const pick = (raw: string): Reply[] =>
      (decode(Buffer.from(raw, 'latin1'), 0)!.value as Reply[]).map((e) => {
        const a = e as Reply[];
        return [a[1], a[3], a[5], a[7], a[9]];
      });
    expect(pick(ours)).toEqual(pick(real));
    await d().seq([['ACL', 'LOG', '1'], ['ACL', 'LOG', '0'], ['ACL', 'LOG', 'RESET'], ['ACL', 'LOG']].slice(1));
  });

  test('DELUSER closes the user connections; requirepass is the default password', async () => {
    await cleanup();
    await d().same('ACL', 'SETUSER', 'alice', 'on', 'nopass', '+@all', '~*');
    const p = await d().pair();
    try {
      const [r1, o1] = await Promise.all([p.real.call('AUTH', 'alice', 'x'), p.ours.call('AUTH', 'alice', 'x')]);
      expect(o1).toBe(r1);
      await d().same('ACL', 'DELUSER', 'alice');
      const [r2, o2] = await Promise.all([p.real.call('PING').catch(() => 'closed'), p.ours.call('PING').catch(() => 'closed')]);
      expect(o2).toBe(r2);
    } finally {
      p.real.close();
      p.ours.close();
    }
    await d().seq([['CONFIG', 'SET', 'requirepass', 'pw'], ['ACL', 'GETUSER', 'default'], ['ACL', 'LIST'], ['PING']]);
    const q = await d().pair();
    try {
      for (const argv of [['PING'], ['AUTH', 'wrong'], ['AUTH', 'pw'], ['PING'], ['ACL', 'WHOAMI']]) {
        const [r, o] = await Promise.all([q.real.call(...argv), q.ours.call(...argv)]);
        expect(o, JSON.stringify(argv)).toBe(r);
      }
    } finally {
      q.real.close();
      q.ours.close();
      await d().both('CONFIG', 'SET', 'requirepass', '');
    }
    await d().seq([['ACL', 'GETUSER', 'default'], ['AUTH', 'x']]);
  });
});

describeDifferential('ACL re-checked at EXEC', (d) => {
  test('a command allowed when queued but denied at EXEC', async () => {
    await d().seq([['ACL', 'SETUSER', 'bob', 'on', '>pw', '~*', '+@all']]);
    const p = await d().pair();
    try {
      const run = async (...argv: string[]) => {
        const [real, ours] = await Promise.all([p.real.call(...argv), p.ours.call(...argv)]);
        expect(ours).toBe(real);
      };
      await run('AUTH', 'bob', 'pw');
      await run('MULTI');
      await run('SET', 'k', 'v');
      await run('GET', 'k');
      await d().same('ACL', 'SETUSER', 'bob', '-get');
      await run('EXEC');
    } finally {
      p.real.close();
      p.ours.close();
    }
    await d().same('ACL', 'DELUSER', 'bob');
  });
});

describeDifferential('ACL key access of options', (d) => {
  test('key patterns need a permission; MIGRATE KEYS names its keys; SORT BY/GET need every key readable', async () => {
    await d().seq([
      ['ACL', 'SETUSER', 'k', '%~'],
      ['ACL', 'SETUSER', 'k', '%'],
      ['ACL', 'SETUSER', 'k', '%RW~'],
      ['ACL', 'SETUSER', 'k', '%R'],
      ['ACL', 'SETUSER', 'mig', '+@all', '%R~read*', '%W~write*', '%RW~rw*'],
      ['ACL', 'DRYRUN', 'mig', 'MIGRATE', 'h', 'p', 'read', '0', '500'],
      ['ACL', 'DRYRUN', 'mig', 'MIGRATE', 'h', 'p', '', '0', '5000', 'KEYS', 'rw'],
      ['ACL', 'DRYRUN', 'mig', 'MIGRATE', 'h', 'p', '', '0', '5000', 'KEYS', 'read'],
      ['ACL', 'DRYRUN', 'mig', 'MIGRATE', 'h', 'p', '', '0', '5000', 'AUTH', 'KEYS', 'KEYS', 'write'],
      ['ACL', 'DRYRUN', 'mig', 'MIGRATE', 'h', 'p', '', '0', '5000', 'AUTH2', 'USER', 'KEYS', 'KEYS', 'read'],
      ['ACL', 'DRYRUN', 'mig', 'MIGRATE', 'h', 'p', 'rw', '0', '5000', 'KEYS', 'read'],
      ['COMMAND', 'GETKEYS', 'MIGRATE', 'h', 'p', '', '0', '5000', 'COPY', 'KEYS', 'a', 'b'],
      ['RPUSH', 'mylist', '1'],
      ['SET', 'v1', '1'],
    ]);
    const p = await d().pair();
    try {
      const run = async (...argv: string[]) => {
        const [real, ours] = await Promise.all([p.real.call(...argv), p.ours.call(...argv)]);
        expect(ours, JSON.stringify(argv)).toBe(real);
      };
      await d().same('ACL', 'SETUSER', 's', 'on', 'nopass', '(+sort ~mylist)');
      await run('AUTH', 's', 'x');
      for (const sel of [[], ['(+sort ~mylist ~v*)'], ['(+sort ~mylist %W~*)'], ['(+sort ~mylist %R~*)']]) {
        if (sel.length) await d().same('ACL', 'SETUSER', 's', ...sel);
        await run('SORT', 'mylist', 'BY', 'v*');
        await run('SORT', 'mylist', 'GET', 'v*');
        await run('SORT', 'mylist', 'BY', 'nostar');
      }
    } finally {
      p.real.close();
      p.ours.close();
    }
    for (const u of ['k', 'mig', 's']) await d().same('ACL', 'DELUSER', u);
  });

  test('big requests before AUTH get the unauthenticated protocol errors', async () => {
    await d().same('CONFIG', 'SET', 'requirepass', 'pw');
    try {
      await d().sameRaw('*100\r\n');
      await d().sameRaw('*1\r\n$100000000\r\n');
    } finally {
      await d().same('AUTH', 'pw');
      await d().same('CONFIG', 'SET', 'requirepass', '');
    }
  });
});
