import { test, expect } from 'vitest';
import { describeDifferential, seqAllowingHello } from '../support/differential.ts';


const SICILY = ['13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania', '13.583333', '37.316667', 'Agrigento'];

/** A deterministic grid of points around (lon, lat). */
function grid(lon: number, lat: number, n: number, step: number, prefix = 'p'): string[] {
  const r: string[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      r.push((lon + (i - n / 2) * step).toFixed(6), (lat + (j - n / 2) * step).toFixed(6), `${prefix}${i}_${j}`);
    }
  }
  return r;
}

describeDifferential('geo commands', (d) => {
  test('GEOADD options and errors', async () => {
    await seqAllowingHello(d(), [
      ['GEOADD', 'g', ...SICILY],
      ['GEOADD', 'g', ...SICILY],
      ['GEOADD', 'g', 'CH', '13.361389', '38.115557', 'Palermo', '1', '1', 'x'],
      ['GEOADD', 'g', 'NX', '0', '0', 'Palermo', '2', '2', 'y'],
      ['GEOADD', 'g', 'XX', '0', '0', 'Palermo', '2', '2', 'z'],
      ['GEOADD', 'g', 'XX', 'CH', '0', '0', 'Palermo'],
      ['GEOADD', 'g', 'NX', 'XX', '0', '0', 'a'],
      ['GEOADD', 'g', 'ch', 'nx', '3', '3', 'a'],
      ['GEOADD', 'g', '0', '0'],
      ['GEOADD', 'g', 'NX', '0', '0'],
      ['GEOADD', 'g', '0', '0', 'a', '1'],
      ['GEOADD', 'g', 'GT', '0', '0', 'a'],
      ['GEOADD', 'g', 'x', '0', 'a'],
      ['GEOADD', 'g', '0', 'nan', 'a'],
      ['GEOADD', 'g', '200', '100', 'a'],
      ['GEOADD', 'g', '-180.0000001', '0', 'a'],
      ['GEOADD', 'g', '0', '85.05112879', 'a'],
      ['GEOADD', 'g', '180', '85.05112878', 'edge1', '-180', '-85.05112878', 'edge2'],
      ['GEOADD', 'g', '1', '1', 'ok', '1000', '1', 'bad'],
      ['GEOADD', 'g', '1e400', '1', 'bad'],
      ['GEOADD', 'g', 'inf', '1', 'bad'],
      ['ZRANGE', 'g', '0', '-1', 'WITHSCORES'],
      ['SET', 's', 'x'],
      ['GEOADD', 's', '1', '1', 'a'],
      ['GEOADD', 's', '1', '1000', 'a'],
      ['GEOADD', 's', '1', '1', 'a', 'x'],
      ['GEOADD', 'g', '\x00\xff', '1', 'a'],
      ['GEOADD', 'b', '1', '1', '\x00\xff\r\n'],
      ['GEOPOS', 'b', '\x00\xff\r\n'],
    ]);
  });

  test('GEOPOS GEOHASH GEODIST', async () => {
    await seqAllowingHello(d(), [
      ['GEOADD', 'g', ...SICILY, '0', '0', 'origin', '-122.27652', '37.805186', 'oak', '180', '85.05112878', 'ne', '-180', '-85.05112878', 'sw'],
      ['GEOPOS', 'g', 'Palermo', 'Catania', 'missing', 'origin', 'oak', 'ne', 'sw'],
      ['GEOPOS', 'g'],
      ['GEOPOS', 'nokey', 'a', 'b'],
      ['GEOHASH', 'g', 'Palermo', 'Catania', 'missing', 'origin', 'oak', 'ne', 'sw'],
      ['GEOHASH', 'nokey', 'a'],
      ['GEOHASH', 'g'],
      ['GEODIST', 'g', 'Palermo', 'Catania'],
      ['GEODIST', 'g', 'Palermo', 'Catania', 'km'],
      ['GEODIST', 'g', 'Palermo', 'Catania', 'MI'],
      ['GEODIST', 'g', 'Palermo', 'Catania', 'ft'],
      ['GEODIST', 'g', 'Palermo', 'Catania', 'm'],
      ['GEODIST', 'g', 'Palermo', 'Catania', 'yd'],
      ['GEODIST', 'g', 'Palermo', 'Catania', 'km', 'x'],
      ['GEODIST', 'g', 'Palermo', 'missing'],
      ['GEODIST', 'g', 'Palermo', 'Palermo'],
      ['GEODIST', 'g', 'ne', 'sw'],
      ['GEODIST', 'g', 'origin', 'oak', 'km'],
      ['GEODIST', 'nokey', 'a', 'b'],
      ['GEODIST', 'nokey', 'a', 'b', 'yd'],
      ['ZADD', 'g', '-1', 'neg', '1e300', 'big', '4503599627370496', 'top'],
      ['GEOPOS', 'g', 'neg', 'big', 'top'],
      ['GEOHASH', 'g', 'neg', 'big', 'top'],
      ['SET', 's', 'x'],
      ['GEOPOS', 's', 'a'],
      ['GEOHASH', 's', 'a'],
      ['GEODIST', 's', 'a', 'b'],
      ['HELLO', '3'],
      ['GEOPOS', 'g', 'Palermo', 'missing'],
      ['GEOHASH', 'g', 'Palermo', 'missing'],
      ['GEODIST', 'g', 'Palermo', 'missing'],
      ['GEODIST', 'g', 'Palermo', 'Catania'],
    ]);
  });

  test('GEORADIUS and GEORADIUSBYMEMBER', async () => {
    const cmds: string[][] = [['GEOADD', 'g', ...SICILY]];
    for (const opts of [
      [],
      ['WITHDIST'],
      ['WITHCOORD'],
      ['WITHHASH'],
      ['WITHDIST', 'WITHCOORD', 'WITHHASH'],
      ['withhash', 'withcoord', 'ASC'],
      ['DESC', 'WITHDIST'],
      ['COUNT', '1'],
      ['COUNT', '2', 'DESC', 'WITHDIST'],
      ['COUNT', '1', 'ANY'],
      ['COUNT', '5', 'ANY', 'ASC'],
    ]) {
      cmds.push(['GEORADIUS', 'g', '15', '37', '200', 'km', ...opts]);
      cmds.push(['GEORADIUS_RO', 'g', '15', '37', '200000', 'm', ...opts]);
      cmds.push(['GEORADIUSBYMEMBER', 'g', 'Palermo', '200', 'km', ...opts]);
      cmds.push(['GEORADIUSBYMEMBER_RO', 'g', 'Agrigento', '100', 'mi', ...opts]);
    }
    cmds.push(
      ['GEORADIUS', 'g', '15', '37', '1', 'km'],
      ['GEORADIUS', 'g', '15', '37', '0', 'km'],
      ['GEORADIUS', 'g', '15', '37', '-1', 'km'],
      ['GEORADIUS', 'g', '15', '37', 'x', 'km'],
      ['GEORADIUS', 'g', '15', '37', 'nan', 'km'],
      ['GEORADIUS', 'g', '15', '37', '10', 'yd'],
      ['GEORADIUS', 'g', '15', '100', '10', 'km'],
      ['GEORADIUS', 'g', 'x', '37', '10', 'km'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT', '0'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT', '-1'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT', 'x'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'ANY'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'FOO'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STORE'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STORE', 'd', 'WITHDIST'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'FROMMEMBER', 'Palermo'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'BYRADIUS', '1', 'km'],
      ['GEORADIUS_RO', 'g', '15', '37', '200', 'km', 'STORE', 'd'],
      ['GEORADIUSBYMEMBER_RO', 'g', 'Palermo', '200', 'km', 'STOREDIST', 'd'],
      ['GEORADIUSBYMEMBER', 'g', 'missing', '200', 'km'],
      ['GEORADIUSBYMEMBER', 'g', 'missing', 'x', 'km'],
      ['GEORADIUSBYMEMBER', 'g', 'Palermo', 'x', 'km'],
      ['GEORADIUSBYMEMBER', 'nokey', 'missing', 'x', 'km'],
      ['GEORADIUSBYMEMBER', 'nokey', 'missing', '1', 'km', 'FOO'],
      ['GEORADIUS', 'nokey', '15', '37', '200', 'km'],
      ['GEORADIUS', 'nokey', '15', '37', '200', 'yd'],
      ['SET', 's', 'x'],
      ['GEORADIUS', 's', '15', '37', '200', 'km'],
      ['GEORADIUS', 's', '15', '370', '200', 'km'],
      ['GEORADIUSBYMEMBER', 's', 'a', '200', 'km'],
      ['HELLO', '3'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'WITHDIST', 'WITHCOORD', 'WITHHASH'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km'],
    );
    await seqAllowingHello(d(), cmds);
  });

  test('GEORADIUS STORE and STOREDIST', async () => {
    await seqAllowingHello(d(), [
      ['GEOADD', 'g', ...SICILY],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STORE', 'd'],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['OBJECT', 'ENCODING', 'd'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STOREDIST', 'd'],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STOREDIST', 'd', 'COUNT', '1', 'DESC'],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['GEORADIUSBYMEMBER', 'g', 'Palermo', '500', 'mi', 'STOREDIST', 'd', 'STORE', 'e'],
      ['ZRANGE', 'e', '0', '-1', 'WITHSCORES'],
      ['EXISTS', 'd'],
      ['GEORADIUS', 'g', '15', '37', '1', 'km', 'STORE', 'e'],
      ['EXISTS', 'e'],
      ['GEORADIUS', 'nokey', '15', '37', '1', 'km', 'STORE', 'd'],
      ['EXISTS', 'd'],
      ['SET', 'str', 'x'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STORE', 'str'],
      ['TYPE', 'str'],
    ]);
  });

  test('GEOSEARCH and GEOSEARCHSTORE', async () => {
    const cmds: string[][] = [['GEOADD', 'g', ...SICILY, '12.758489', '38.788135', 'edge1', '17.241510', '38.788135', 'edge2']];
    for (const from of [
      ['FROMLONLAT', '15', '37'],
      ['FROMMEMBER', 'Palermo'],
    ]) {
      for (const by of [
        ['BYRADIUS', '200', 'km'],
        ['BYRADIUS', '100', 'mi'],
        ['BYBOX', '400', '400', 'km'],
        ['BYBOX', '100', '1000', 'km'],
        ['BYBOX', '0', '0', 'm'],
      ]) {
        for (const opts of [[], ['ASC', 'WITHDIST', 'WITHCOORD', 'WITHHASH'], ['DESC', 'COUNT', '2'], ['COUNT', '3', 'ANY', 'WITHDIST']]) {
          cmds.push(['GEOSEARCH', 'g', ...from, ...by, ...opts]);
        }
        cmds.push(['GEOSEARCHSTORE', 'd', 'g', ...from, ...by], ['ZRANGE', 'd', '0', '-1', 'WITHSCORES']);
        cmds.push(['GEOSEARCHSTORE', 'd', 'g', ...from, ...by, 'STOREDIST', 'COUNT', '2'], ['ZRANGE', 'd', '0', '-1', 'WITHSCORES']);
      }
    }
    cmds.push(
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37'],
      ['GEOSEARCH', 'g', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'g'],
      ['geosearch', 'g', 'BYRADIUS', '1', 'km'],
      ['GeoSearch', 'g', 'FROMLONLAT', '15', '37'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km', 'BYBOX', '1', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYBOX', '1', '1', 'km', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'missing', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '99', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '-1', 'km'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYBOX', '-1', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYBOX', 'x', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYBOX', '1', 'x', 'km'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYBOX', '1', '1', 'yd'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYBOX', '1', '1'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km', 'STORE', 'x'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km', 'STOREDIST'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km', 'ANY'],
      ['GEOSEARCHSTORE', 'd', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'WITHDIST'],
      ['GEOSEARCHSTORE', 'd', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'STORE', 'x'],
      ['GEOSEARCHSTORE', 'd', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'm'],
      ['EXISTS', 'd'],
      ['GEOSEARCHSTORE', 'd', 'nokey', 'FROMMEMBER', 'x', 'BYRADIUS', '1', 'm'],
      ['GEOSEARCH', 'nokey', 'FROMMEMBER', 'x', 'BYRADIUS', '1', 'm'],
      ['SET', 's', 'x'],
      ['GEOSEARCH', 's', 'FROMMEMBER', 'x', 'BYRADIUS', '1', 'm'],
      ['GEOSEARCHSTORE', 'd', 's', 'FROMMEMBER', 'x', 'BYRADIUS', '1', 'm'],
      ['HELLO', '3'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYBOX', '400', '400', 'km', 'WITHCOORD', 'WITHDIST'],
    );
    await seqAllowingHello(d(), cmds);
  });

  test('dense grids, COUNT ordering and encodings of stored results', async () => {
    const cmds: string[][] = [['GEOADD', 'g', ...grid(2.35, 48.85, 20, 0.01)]];
    for (const by of [
      ['BYRADIUS', '5', 'km'],
      ['BYRADIUS', '3.3', 'km'],
      ['BYBOX', '6', '4', 'km'],
    ]) {
      cmds.push(
        ['GEOSEARCH', 'g', 'FROMLONLAT', '2.35', '48.85', ...by, 'ASC', 'WITHDIST'],
        ['GEOSEARCH', 'g', 'FROMLONLAT', '2.35', '48.85', ...by, 'DESC', 'COUNT', '17', 'WITHDIST'],
        ['GEOSEARCH', 'g', 'FROMMEMBER', 'p3_7', ...by, 'COUNT', '50', 'WITHDIST'],
        ['GEOSEARCH', 'g', 'FROMMEMBER', 'p3_7', ...by, 'COUNT', '10', 'ANY'],
        ['GEOSEARCHSTORE', 'd', 'g', 'FROMLONLAT', '2.35', '48.85', ...by, 'STOREDIST'],
        ['OBJECT', 'ENCODING', 'd'],
        ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
        ['GEOSEARCHSTORE', 'd', 'g', 'FROMLONLAT', '2.35', '48.85', ...by, 'COUNT', '5'],
        ['OBJECT', 'ENCODING', 'd'],
        ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      );
    }
    await seqAllowingHello(d(), cmds);
  });

  test('random points and searches agree', async () => {
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pts: string[] = [];
    for (let i = 0; i < 600; i++) {
      const world = i % 3 === 0;
      const lon = world ? rnd() * 360 - 180 : 10 + rnd() * 2;
      const lat = world ? rnd() * 170 - 85 : 45 + rnd() * 2;
      pts.push(lon.toFixed(7), lat.toFixed(7), `r${i}`);
    }
    const cmds: string[][] = [['GEOADD', 'g', ...pts]];
    for (let k = 0; k < 40; k++) {
      const world = k % 4 === 0;
      const lon = (world ? rnd() * 360 - 180 : 10 + rnd() * 2).toFixed(5);
      const lat = (world ? rnd() * 170 - 85 : 45 + rnd() * 2).toFixed(5);
      const r = (world ? rnd() * 3000 : rnd() * 80).toFixed(3);
      const w = (rnd() * 150).toFixed(2);
      const h = (rnd() * 150).toFixed(2);
      cmds.push(
        ['GEOSEARCH', 'g', 'FROMLONLAT', lon, lat, 'BYRADIUS', r, 'km', 'ASC', 'WITHDIST', 'WITHCOORD', 'WITHHASH'],
        ['GEOSEARCH', 'g', 'FROMLONLAT', lon, lat, 'BYBOX', w, h, 'km', 'DESC', 'WITHDIST'],
        ['GEOSEARCH', 'g', 'FROMMEMBER', `r${k * 7}`, 'BYRADIUS', r, 'mi', 'COUNT', '7', 'WITHDIST'],
        ['GEORADIUS', 'g', lon, lat, r, 'km', 'COUNT', '20', 'DESC'],
        ['GEOSEARCHSTORE', 'd', 'g', 'FROMLONLAT', lon, lat, 'BYRADIUS', r, 'km', 'STOREDIST'],
        ['ZRANGE', 'd', '0', '-1'],
        ['GEODIST', 'g', `r${k}`, `r${k + 300}`, 'ft'],
        ['STOREDIST-SCORES'],
      );
    }
    for (const c of cmds) {
      if (c[0] !== 'STOREDIST-SCORES') {
        await d().same(...c);
        continue;
      }
      // Stored distances are full doubles: libm differences (glibc vs correctly rounded
      // sin/cos/asin) may leave the last bit different in rare cases; allow one ulp.
      const { real, ours } = await d().both('ZRANGE', 'd', '0', '-1', 'WITHSCORES');
      const a = real.split('\r\n');
      const b = ours.split('\r\n');
      expect(b.length).toBe(a.length);
      for (let i = 0; i < a.length; i++) {
        if (a[i] === b[i] || a[i].startsWith('$')) continue;
        const x = Number(a[i]);
        const y = Number(b[i]);
        expect(Math.abs(x - y) <= Math.abs(x) * 2 ** -52, `${a[i]} vs ${b[i]}`).toBe(true);
      }
    }
  });

  test('keyspace events', async () => {
    const dd = d();
    await dd.both('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    const p = await dd.pair();
    try {
      await Promise.all([p.real.call('PSUBSCRIBE', '__key*__:*'), p.ours.call('PSUBSCRIBE', '__key*__:*')]);
      const cmds: string[][] = [
        ['GEOADD', 'g', ...SICILY],
        ['GEOADD', 'g', ...SICILY],
        ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STORE', 'd'],
        ['GEOSEARCHSTORE', 'e', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km'],
        ['GEOSEARCHSTORE', 'e', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km'],
        ['GEORADIUS', 'g', '15', '37', '1', 'km', 'STORE', 'd'],
        ['PING'],
      ];
      for (const c of cmds) await dd.same(...c);
      const [r, o] = await Promise.all([p.real.drain(300), p.ours.drain(300)]);
      if (r !== o) throw new Error(`events differ:\nreal: ${JSON.stringify(r)}\nours: ${JSON.stringify(o)}`);
    } finally {
      p.real.close();
      p.ours.close();
      await dd.both('CONFIG', 'SET', 'notify-keyspace-events', '');
    }
  });
});
