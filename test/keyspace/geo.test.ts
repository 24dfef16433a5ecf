import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  geoDecode,
  geoDistString,
  geoDistance,
  geoDistanceExact,
  geoEncode,
  geoFormatCoord,
  geoFormatDistance,
  geoHashString,
  geoInvalidPairError,
  geoSearch,
  geoSortPoints,
  geoUnitFactor,
  geoValidLonLat,
  type GeoShape,
} from '../../src/keyspace/geo.ts';
import { ZSet } from '../../src/keyspace/zset.ts';
import { Oracle, hasRedis, type RespValue } from './oracle.ts';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('geo (local)', () => {
  it('encodes Palermo like Redis', () => {
    // GEOADD Sicily 13.361389 38.115556 "Palermo" -> ZSCORE 3479099956230698
    expect(geoEncode(13.361389, 38.115556)).toBe(3479099956230698);
    const [lon, lat] = geoDecode(3479099956230698);
    expect(geoFormatCoord(lon)).toBe('13.36138933897018433');
    expect(geoFormatCoord(lat)).toBe('38.11555639549629859');
    expect(geoHashString(3479099956230698)).toBe('sqc8b49rny0');
  });

  it('distance Palermo-Catania', () => {
    const a = geoDecode(geoEncode(13.361389, 38.115556));
    const b = geoDecode(geoEncode(15.087269, 37.502669));
    expect(geoFormatDistance(geoDistance(a[0], a[1], b[0], b[1]))).toBe('166274.1516');
    expect(geoFormatDistance(geoDistance(a[0], a[1], b[0], b[1]) / 1000)).toBe('166.2742');
  });

  it('formats', () => {
    expect(geoFormatDistance(0)).toBe('0.0000');
    expect(geoFormatDistance(0.00004)).toBe('0.0000');
    expect(geoFormatDistance(0.0123)).toBe('0.0123');
    expect(geoFormatDistance(0.00005)).toBe('0.0000'); // llrint(0.5) = 0 (half to even)
    expect(geoFormatCoord(0)).toBe('0');
    expect(geoFormatCoord(-0)).toBe('0');
    expect(geoFormatCoord(180)).toBe('180');
    expect(geoFormatCoord(-1.5)).toBe('-1.5');
    // Exact ties at the 18th decimal round to even like printf.
    expect(geoFormatCoord(3 / 262144)).toBe('0.00001144409179688');
    expect(geoFormatCoord(1 / 262144)).toBe('0.00000381469726562');
    expect(geoUnitFactor('KM')).toBe(1000);
    expect(geoUnitFactor('yd')).toBe(-1);
    expect(geoValidLonLat(180, 85.05112878)).toBe(true);
    expect(geoValidLonLat(180.0001, 0)).toBe(false);
    expect(geoValidLonLat(0, -85.06)).toBe(false);
  });

  it('pqsort path orders the first COUNT items like a full sort (distances)', () => {
    const r = rng(4);
    for (let t = 0; t < 200; t++) {
      const n = 1 + Math.floor(r() * 120);
      const pts = Array.from({ length: n }, (_, i) => ({ member: 'm' + i, lon: 0, lat: 0, score: 0, dist: Math.floor(r() * 20) }));
      const count = 1 + Math.floor(r() * n);
      const full = pts.slice().sort((a, b) => a.dist - b.dist);
      geoSortPoints(pts, false, count);
      expect(pts.slice(0, count).map((p) => p.dist)).toEqual(full.slice(0, count).map((p) => p.dist));
    }
  });
});

describe.skipIf(!hasRedis)('geo vs redis-server 7.0', () => {
  const o = new Oracle('geo');
  beforeAll(() => o.start(), 20000);
  afterAll(() => o.stop());

  const r = rng(2024);
  const z = new ZSet();
  const names: string[] = [];

  function point(): [number, number] {
    const k = r();
    if (k < 0.45) return [13 + r() * 4 - 2, 38 + r() * 4 - 2]; // cluster
    if (k < 0.55) return [179.9 + r() * 0.1, r() * 10 - 5]; // antimeridian
    if (k < 0.6) return [-180 + r() * 0.1, r() * 10 - 5];
    if (k < 0.7) return [r() * 360 - 180, 84 + r() * 1.05112878]; // near the top
    if (k < 0.72) return [[-180, 180, 0][Math.floor(r() * 3)], [-85.05112878, 85.05112878, 0][Math.floor(r() * 3)]];
    return [r() * 360 - 180, r() * 170.10225756 - 85.05112878];
  }

  it('GEOADD scores, GEOPOS, GEOHASH, GEODIST', async () => {
    await o.cmd('DEL', 'g');
    const args: (string | number)[] = [];
    for (let i = 0; i < 1500; i++) {
      const [lon, lat] = point();
      const name = 'p' + i;
      names.push(name);
      args.push(String(lon), String(lat), name);
      if (geoValidLonLat(lon, lat)) z.add(name, geoEncode(lon, lat));
    }
    // Several points on exactly the same spot (ties in distance).
    for (let i = 0; i < 30; i++) {
      args.push('13.5', '38.5', 'same' + i);
      names.push('same' + i);
      z.add('same' + i, geoEncode(13.5, 38.5));
    }
    expect(await o.cmd('GEOADD', 'g', ...args)).toBe(z.size);
    for (const name of names) {
      const sc = z.score(name)!;
      expect(Number(await o.cmd('ZSCORE', 'g', name))).toBe(sc);
    }
    const pos = (await o.cmd('GEOPOS', 'g', ...names)) as string[][];
    const hashes = (await o.cmd('GEOHASH', 'g', ...names)) as string[];
    for (let i = 0; i < names.length; i++) {
      const [lon, lat] = geoDecode(z.score(names[i])!);
      expect([names[i], geoFormatCoord(lon), geoFormatCoord(lat)]).toEqual([names[i], ...pos[i]]);
      expect(geoHashString(z.score(names[i])!)).toBe(hashes[i]);
    }
    for (let i = 0; i < 400; i++) {
      const a = names[Math.floor(r() * names.length)];
      const b = names[Math.floor(r() * names.length)];
      const unit = ['m', 'km', 'ft', 'mi'][i % 4];
      const [x1, y1] = geoDecode(z.score(a)!);
      const [x2, y2] = geoDecode(z.score(b)!);
      const mine = geoDistString(x1, y1, x2, y2, geoUnitFactor(unit));
      expect(mine).toBe(await o.cmd('GEODIST', 'g', a, b, unit));
    }
  }, 60000);

  it('invalid coordinate errors print like %f', async () => {
    for (const [lon, lat] of [
      ['200', '100'],
      ['-180.0000001', '0'],
      ['0', '-85.05112879'],
      ['1e300', '1'],
      ['-inf', '0'],
      ['181.0000005', '0'],
      ['181.0000015', '-0'],
      ['0.0000005', '95.00000049999999'],
    ]) {
      const theirs = await o.cmd('GEOADD', 'bad', lon, lat, 'x');
      const n = (v: string) => Number(v.replace('inf', 'Infinity'));
      expect(theirs).toEqual({ error: geoInvalidPairError(n(lon), n(lat)) });
    }
  });

  it('GEOADD with odd scores set by ZADD decodes like Redis', async () => {
    const scores = ['-1', '0', '1', '4503599627370496', '9007199254740992', '18014398509481984', '1e19', '-1e19', '0.5', '1e300', '-inf', 'inf'];
    await o.cmd('DEL', 'odd');
    const zz = new ZSet();
    for (let i = 0; i < scores.length; i++) {
      await o.cmd('ZADD', 'odd', scores[i], 'o' + i);
      zz.add('o' + i, Number(scores[i].replace('inf', 'Infinity')));
    }
    for (let i = 0; i < scores.length; i++) {
      const theirs = (await o.cmd('GEOPOS', 'odd', 'o' + i)) as string[][];
      const [lon, lat] = geoDecode(zz.score('o' + i)!);
      expect({ s: scores[i], p: [geoFormatCoord(lon), geoFormatCoord(lat)] }).toEqual({ s: scores[i], p: theirs[0] });
      const h = (await o.cmd('GEOHASH', 'odd', 'o' + i)) as string[];
      expect({ s: scores[i], h: geoHashString(zz.score('o' + i)!) }).toEqual({ s: scores[i], h: h[0] });
    }
  });

  function myReply(shape: GeoShape, sort: '' | 'ASC' | 'DESC', count: number, any: boolean): RespValue[] {
    let s = sort;
    if (count && !s && !any) s = 'ASC';
    const pts = geoSearch(z, shape, any ? count : 0);
    if (s) geoSortPoints(pts, s === 'DESC', count);
    const n = count === 0 || pts.length < count ? pts.length : count;
    const out: RespValue[] = [];
    for (let i = 0; i < n; i++) {
      const p = pts[i];
      out.push([p.member, geoFormatDistance(p.dist / shape.conversion), p.score, [geoFormatCoord(p.lon), geoFormatCoord(p.lat)]]);
    }
    return out;
  }

  it('GEOSEARCH by radius and by box: same members, order, distances, hashes, coords', async () => {
    const units = ['m', 'km', 'ft', 'mi'];
    for (let t = 0; t < 400; t++) {
      const [lon, lat] = t % 3 === 0 ? [13.5, 38.5] : point();
      if (!geoValidLonLat(lon, lat)) continue;
      const unit = units[t % 4];
      const conv = geoUnitFactor(unit);
      const big = r() < 0.15;
      const meters = t % 50 === 7 ? 0 : t % 50 === 8 ? 2e7 : big ? r() * 5e6 : r() * 3e5;
      const sort = (['', 'ASC', 'DESC'] as const)[Math.floor(r() * 3)];
      const count = r() < 0.5 ? 1 + Math.floor(r() * 40) : 0;
      const any = count > 0 && r() < 0.3;
      const byBox = r() < 0.5;
      const shape: GeoShape = {
        type: byBox ? 'box' : 'radius',
        lon,
        lat,
        radius: meters / conv,
        width: (meters * 2 * (0.3 + r())) / conv,
        height: (meters * 2 * (0.3 + r())) / conv,
        conversion: conv,
      };
      const args: (string | number)[] = ['GEOSEARCH', 'g', 'FROMLONLAT', String(lon), String(lat)];
      if (byBox) args.push('BYBOX', String(shape.width), String(shape.height), unit);
      else args.push('BYRADIUS', String(shape.radius), unit);
      if (sort) args.push(sort);
      if (count) args.push('COUNT', count);
      if (any) args.push('ANY');
      args.push('WITHDIST', 'WITHHASH', 'WITHCOORD');
      const theirs = await o.cmd(...args);
      const mine = myReply(shape, sort, count, any);
      expect({ args, reply: mine }).toEqual({ args, reply: theirs });
    }
  }, 120000);

  it('GEOSEARCHSTORE STOREDIST: exact distance doubles almost always identical', async () => {
    let total = 0;
    let same = 0;
    let sameFast = 0;
    for (let t = 0; t < 60; t++) {
      const [lon, lat] = point();
      if (!geoValidLonLat(lon, lat)) continue;
      const shape: GeoShape = { type: 'radius', lon, lat, radius: 1000 + r() * 3000, width: 0, height: 0, conversion: 1000 };
      await o.cmd('GEOSEARCHSTORE', 'dst', 'g', 'FROMLONLAT', String(lon), String(lat), 'BYRADIUS', String(shape.radius), 'km', 'STOREDIST');
      const theirs = (await o.cmd('ZRANGE', 'dst', 0, -1, 'WITHSCORES')) as string[];
      const pts = geoSearch(z, shape, 0, true);
      const byName = new Map(pts.map((p) => [p.member, p]));
      expect(pts.length).toBe(theirs.length / 2);
      for (let i = 0; i < theirs.length; i += 2) {
        const p = byName.get(theirs[i])!;
        total++;
        if (p.dist / 1000 === Number(theirs[i + 1])) same++;
        if (geoDistance(lon, lat, p.lon, p.lat) / 1000 === Number(theirs[i + 1])) sameFast++;
      }
    }
    // Correctly rounded trig matches glibc far more often than V8's Math.* does.
    expect(total).toBeGreaterThan(1000);
    expect(same / total).toBeGreaterThan(0.99);
    expect(same).toBeGreaterThanOrEqual(sameFast);
    console.log(`STOREDIST doubles identical: exact ${same}/${total}, fast ${sameFast}/${total}`);
  }, 60000);
});
