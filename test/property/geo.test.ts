import { propertySuite, KEYS } from './common.ts';
import type { Op, Rng } from './harness.ts';

const MEMBERS = ['p', 'q', 'r', 's', '\x00', 't\xff', ''];
const LON = ['0', '13.361389', '-180', '180', '180.1', '-73.9', '15.087269', 'x', '', '1e400', 'nan'];
const LAT = ['0', '38.115556', '85.05112878', '85.06', '-85.05112878', '40.7', '37.502669', 'x', '-90'];
const UNITS = ['m', 'km', 'mi', 'ft', 'KM', 'parsec'];

function gen(r: Rng): Op {
  const k = r.pick(KEYS);
  const lon = (): string => (r.chance(0.7) ? (r.next() * 40 - 20).toFixed(r.range(0, 6)) : r.pick(LON));
  const lat = (): string => (r.chance(0.7) ? (r.next() * 40 - 20).toFixed(r.range(0, 6)) : r.pick(LAT));
  const radius = (): string => r.pick(['0', '1', '100', '500000', '3000', '-1', 'x', '1e10']);
  const opts = (): string[] => {
    const o: string[] = [];
    if (r.chance(0.3)) o.push('WITHCOORD');
    if (r.chance(0.3)) o.push('WITHDIST');
    if (r.chance(0.3)) o.push('WITHHASH');
    if (r.chance(0.4)) o.push('COUNT', r.pick(['1', '2', '5', '0', '-1', 'x']), ...(r.chance(0.3) ? ['ANY'] : []));
    if (r.chance(0.5)) o.push(r.pick(['ASC', 'DESC']));
    return o;
  };
  switch (r.int(14)) {
    case 0:
    case 1: {
      const argv = ['GEOADD', k];
      if (r.chance(0.3)) argv.push(...r.some(['NX', 'XX', 'CH'], 1, 2));
      for (let i = r.range(1, 3); i > 0; i--) argv.push(lon(), lat(), r.pick(MEMBERS));
      return { argv };
    }
    case 2: return { argv: ['GEOPOS', k, ...r.some(MEMBERS, 0, 3)] };
    case 3: return { argv: ['GEODIST', k, r.pick(MEMBERS), r.pick(MEMBERS), ...(r.chance(0.5) ? [r.pick(UNITS)] : [])] };
    case 4: return { argv: ['GEOHASH', k, ...r.some(MEMBERS, 0, 3)] };
    case 5: return { argv: [r.pick(['GEORADIUS', 'GEORADIUS_RO']), k, lon(), lat(), radius(), r.pick(UNITS), ...opts()] };
    case 6: return { argv: [r.pick(['GEORADIUSBYMEMBER', 'GEORADIUSBYMEMBER_RO']), k, r.pick(MEMBERS), radius(), r.pick(UNITS), ...opts()] };
    case 7:
    case 8: {
      const from = r.chance(0.5) ? ['FROMMEMBER', r.pick(MEMBERS)] : ['FROMLONLAT', lon(), lat()];
      const by = r.chance(0.5) ? ['BYRADIUS', radius(), r.pick(UNITS)] : ['BYBOX', radius(), radius(), r.pick(UNITS)];
      return { argv: ['GEOSEARCH', k, ...(r.chance(0.5) ? [...from, ...by] : [...by, ...from]), ...opts()] };
    }
    case 9: {
      const argv = ['GEOSEARCHSTORE', r.pick(KEYS), k, 'FROMLONLAT', lon(), lat(), 'BYRADIUS', radius(), 'km'];
      if (r.chance(0.4)) argv.push('STOREDIST');
      if (r.chance(0.4)) argv.push('COUNT', '2');
      return { argv };
    }
    case 10: return { argv: ['GEORADIUS', k, lon(), lat(), radius(), 'km', 'STORE', r.pick(KEYS), ...(r.chance(0.5) ? ['ASC'] : [])] };
    case 11: return { argv: ['ZRANGE', k, '0', '-1', 'WITHSCORES'] };
    case 12: return { argv: ['ZADD', k, r.pick(['0', '1', '-1', '4503599627370496', '1e20']), r.pick(MEMBERS)] };
    default: return { argv: ['DEL', k] };
  }
}

propertySuite('geo', [81, 82, 83], 300, gen);
