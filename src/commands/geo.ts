import { ReplyError, ERR } from '../errors.ts';
import type { Client } from '../core/client.ts';
import type { ReplySink } from '../resp/sink.ts';
import type { HandlerTable } from '../core/types.ts';
import { intArg, is } from './args.ts';
import { parseDouble } from '../util/numbers.ts';
import type { ZSet } from '../keyspace/zset.ts';
import {
  geoDecode,
  geoDistString,
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
} from '../keyspace/geo.ts';
import { buildStored, getZset, zaddGeneric } from './zsets.ts';

// Geo commands (Redis geo.c): a geo set is a zset whose scores are 52-bit geohashes.

function doubleArg(s: string, err: string = ERR.notFloat): number {
  const v = parseDouble(s);
  if (v === null || Number.isNaN(v)) throw new ReplyError(err);
  return v;
}

/** extractLongLatOrReply: two floats, then the range check. */
function lonLatArg(argv: string[], i: number): [number, number] {
  const lon = doubleArg(argv[i]);
  const lat = doubleArg(argv[i + 1]);
  if (!geoValidLonLat(lon, lat)) throw new ReplyError(geoInvalidPairError(lon, lat));
  return [lon, lat];
}

/** extractUnitOrReply. */
function unitArg(s: string): number {
  const f = geoUnitFactor(s);
  if (f < 0) throw new ReplyError(ERR.unsupportedUnitProvided);
  return f;
}

/** extractDistanceOrReply: [radius, conversion]. */
function distanceArg(argv: string[], i: number): [number, number] {
  const d = doubleArg(argv[i], ERR.needNumericRadius);
  if (d < 0) throw new ReplyError(ERR.radiusCannotNegative);
  return [d, unitArg(argv[i + 1])];
}

/** addReplyHumanLongDouble. */
function replyCoord(out: ReplySink, d: number): void {
  const text = geoFormatCoord(d);
  if (out.resp === 2) out.bulk(text);
  else if (out.doubleText !== undefined) out.doubleText(text, d);
  else out.double(d);
}

// GEOADD key [NX|XX] [CH] longitude latitude member [...]
function geoadd(c: Client, argv: string[], out: ReplySink): void {
  let xx = false;
  let nx = false;
  let longidx = 2;
  while (longidx < argv.length) {
    const opt = argv[longidx];
    if (is(opt, 'nx')) nx = true;
    else if (is(opt, 'xx')) xx = true;
    else if (!is(opt, 'ch')) break;
    longidx++;
  }
  if ((argv.length - longidx) % 3 !== 0 || (xx && nx)) throw new ReplyError(ERR.syntax);
  const elements = (argv.length - longidx) / 3;
  const zargv = argv.slice(0, longidx);
  zargv[0] = 'zadd';
  for (let i = 0; i < elements; i++) {
    const [lon, lat] = lonLatArg(argv, longidx + i * 3);
    zargv.push(String(geoEncode(lon, lat)), argv[longidx + i * 3 + 2]);
  }
  zaddGeneric(c, zargv, out, 0);
}

// GEOHASH key [member ...]
function geohash(c: Client, argv: string[], out: ReplySink): void {
  const z = getZset(c, argv[1]);
  out.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const s = z === undefined ? undefined : z.score(argv[j]);
    if (s === undefined) out.null();
    else out.bulk(geoHashString(s));
  }
}

// GEOPOS key [member ...]
function geopos(c: Client, argv: string[], out: ReplySink): void {
  const z = getZset(c, argv[1]);
  out.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const s = z === undefined ? undefined : z.score(argv[j]);
    if (s === undefined) {
      out.nullArray();
      continue;
    }
    const [lon, lat] = geoDecode(s);
    out.array(2);
    replyCoord(out, lon);
    replyCoord(out, lat);
  }
}

// GEODIST key member1 member2 [unit]
function geodist(c: Client, argv: string[], out: ReplySink): void {
  let toMeter = 1;
  if (argv.length === 5) toMeter = unitArg(argv[4]);
  else if (argv.length > 5) throw new ReplyError(ERR.syntax);
  const z = getZset(c, argv[1]);
  if (z === undefined) {
    out.null();
    return;
  }
  const s1 = z.score(argv[2]);
  const s2 = z.score(argv[3]);
  if (s1 === undefined || s2 === undefined) {
    out.null();
    return;
  }
  const [x1, y1] = geoDecode(s1);
  const [x2, y2] = geoDecode(s2);
  out.bulk(geoDistString(x1, y1, x2, y2, toMeter));
}

const RADIUS_COORDS = 1;
const RADIUS_MEMBER = 2;
const RADIUS_NOSTORE = 4;
const GEOSEARCH = 8;
const GEOSEARCHSTORE = 16;

const SORT_NONE = 0;
const SORT_ASC = 1;
const SORT_DESC = 2;

function memberLonLat(z: ZSet, member: string): [number, number] {
  const s = z.score(member);
  if (s === undefined) throw new ReplyError(ERR.couldNotDecode);
  return geoDecode(s);
}

/** georadiusGeneric: GEORADIUS[BYMEMBER][_RO], GEOSEARCH, GEOSEARCHSTORE. */
function georadiusGeneric(c: Client, argv: string[], out: ReplySink, srcKeyIndex: number, flags: number): void {
  const z = getZset(c, argv[srcKeyIndex]);
  let storekey: string | null = null;
  let storedist = false;
  const shape: GeoShape = { type: 'radius', lon: 0, lat: 0, radius: 0, width: 0, height: 0, conversion: 1 };
  let baseArgs: number;
  if (flags & RADIUS_COORDS) {
    baseArgs = 6;
    [shape.lon, shape.lat] = lonLatArg(argv, 2);
    [shape.radius, shape.conversion] = distanceArg(argv, baseArgs - 2);
  } else if (flags & RADIUS_MEMBER && z === undefined) {
    baseArgs = 5;
  } else if (flags & RADIUS_MEMBER) {
    baseArgs = 5;
    [shape.lon, shape.lat] = memberLonLat(z as ZSet, argv[2]);
    [shape.radius, shape.conversion] = distanceArg(argv, baseArgs - 2);
  } else {
    baseArgs = 2;
    if (flags & GEOSEARCHSTORE) {
      baseArgs = 3;
      storekey = argv[1];
    }
  }

  let withdist = false;
  let withhash = false;
  let withcoords = false;
  let frommember = false;
  let fromloc = false;
  let byradius = false;
  let bybox = false;
  let sort = SORT_NONE;
  let any = false;
  let count = 0;
  const remaining = argv.length - baseArgs;
  const search = (flags & GEOSEARCH) !== 0;
  const nostore = (flags & RADIUS_NOSTORE) !== 0 || search;
  for (let i = 0; i < remaining; i++) {
    const at = baseArgs + i;
    const arg = argv[at];
    if (is(arg, 'withdist')) withdist = true;
    else if (is(arg, 'withhash')) withhash = true;
    else if (is(arg, 'withcoord')) withcoords = true;
    else if (is(arg, 'any')) any = true;
    else if (is(arg, 'asc')) sort = SORT_ASC;
    else if (is(arg, 'desc')) sort = SORT_DESC;
    else if (is(arg, 'count') && i + 1 < remaining) {
      count = intArg(argv[at + 1]);
      if (count <= 0) throw new ReplyError(ERR.countMustBePositive);
      i++;
    } else if (is(arg, 'store') && i + 1 < remaining && !nostore) {
      storekey = argv[at + 1];
      storedist = false;
      i++;
    } else if (is(arg, 'storedist') && i + 1 < remaining && !nostore) {
      storekey = argv[at + 1];
      storedist = true;
      i++;
    } else if (is(arg, 'storedist') && search && (flags & GEOSEARCHSTORE) !== 0) {
      storedist = true;
    } else if (is(arg, 'frommember') && i + 1 < remaining && search && !fromloc) {
      if (z !== undefined) [shape.lon, shape.lat] = memberLonLat(z, argv[at + 1]);
      frommember = true;
      i++;
    } else if (is(arg, 'fromlonlat') && i + 2 < remaining && search && !frommember) {
      [shape.lon, shape.lat] = lonLatArg(argv, at + 1);
      fromloc = true;
      i += 2;
    } else if (is(arg, 'byradius') && i + 2 < remaining && search && !bybox) {
      [shape.radius, shape.conversion] = distanceArg(argv, at + 1);
      shape.type = 'radius';
      byradius = true;
      i += 2;
    } else if (is(arg, 'bybox') && i + 3 < remaining && search && !byradius) {
      const w = doubleArg(argv[at + 1], ERR.needNumericWidth);
      const h = doubleArg(argv[at + 2], ERR.needNumericHeight);
      if (h < 0 || w < 0) throw new ReplyError(ERR.heightWidthCannot);
      shape.width = w;
      shape.height = h;
      shape.conversion = unitArg(argv[at + 3]);
      shape.type = 'box';
      bybox = true;
      i += 3;
    } else {
      throw new ReplyError(ERR.syntax);
    }
  }

  if (storekey !== null && (withdist || withhash || withcoords)) {
    throw new ReplyError(
      ERR.notCompatibleWithdist(flags & GEOSEARCHSTORE ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS'),
    );
  }
  if (search && !(frommember || fromloc)) {
    throw new ReplyError(ERR.exactlyOneFrommember(argv[0]));
  }
  if (search && !(byradius || bybox)) {
    throw new ReplyError(ERR.exactlyOneByradius(argv[0]));
  }
  if (any && count === 0) throw new ReplyError(ERR.anyArgumentRequires);

  const db = c.db;
  if (z === undefined) {
    if (storekey !== null) {
      if (db.delete(storekey)) {
        c.server.notifier.notify('g', 'del', storekey, db.id);
        c.server.dirty++;
      }
      out.integer(0);
    } else {
      out.array(0);
    }
    return;
  }

  if (count !== 0 && sort === SORT_NONE && !any) sort = SORT_ASC;
  const exact = storekey !== null && storedist;
  const points = geoSearch(z, shape, any ? count : 0, exact);
  if (points.length === 0 && storekey === null) {
    out.array(0);
    return;
  }
  const returned = count === 0 || points.length < count ? points.length : count;
  if (sort !== SORT_NONE) geoSortPoints(points, sort === SORT_DESC, count);

  if (storekey === null) {
    let optionLength = 0;
    if (withdist) optionLength++;
    if (withcoords) optionLength++;
    if (withhash) optionLength++;
    out.array(returned);
    for (let i = 0; i < returned; i++) {
      const p = points[i];
      if (optionLength !== 0) out.array(optionLength + 1);
      out.bulk(p.member);
      if (withdist) out.bulk(geoFormatDistance(p.dist / shape.conversion));
      if (withhash) out.integer(scoreAsLongLong(p.score));
      if (withcoords) {
        out.array(2);
        replyCoord(out, p.lon);
        replyCoord(out, p.lat);
      }
    }
    return;
  }

  if (returned !== 0) {
    const entries: [string, number][] = new Array(returned);
    for (let i = 0; i < returned; i++) {
      const p = points[i];
      entries[i] = [p.member, storedist ? p.dist / shape.conversion : p.score];
    }
    entries.sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const r = buildStored(
      c,
      entries.map((e) => e[0]),
      entries.map((e) => e[1]),
    );
    db.set(storekey, r);
    c.server.signalKeyAsReady(db, storekey);
    c.server.notifier.notify('z', search ? 'geosearchstore' : 'georadiusstore', storekey, db.id);
    c.server.dirty += returned;
  } else if (db.delete(storekey)) {
    c.server.notifier.notify('g', 'del', storekey, db.id);
    c.server.dirty++;
  }
  out.integer(returned);
}

export const commands: HandlerTable = {
  geoadd,
  geohash,
  geopos,
  geodist,
  georadius: (c, argv, out) => georadiusGeneric(c, argv, out, 1, RADIUS_COORDS),
  georadiusbymember: (c, argv, out) => georadiusGeneric(c, argv, out, 1, RADIUS_MEMBER),
  georadius_ro: (c, argv, out) => georadiusGeneric(c, argv, out, 1, RADIUS_COORDS | RADIUS_NOSTORE),
  georadiusbymember_ro: (c, argv, out) => georadiusGeneric(c, argv, out, 1, RADIUS_MEMBER | RADIUS_NOSTORE),
  geosearch: (c, argv, out) => georadiusGeneric(c, argv, out, 1, GEOSEARCH),
  geosearchstore: (c, argv, out) => georadiusGeneric(c, argv, out, 2, GEOSEARCH | GEOSEARCHSTORE),
};

/**
 * The hash WITHHASH replies: the score converted to a C long long (truncated toward zero;
 * scores need not be geohashes, e.g. after GEOSEARCHSTORE STOREDIST or a plain ZADD). Out of
 * range and NaN convert to INT64_MIN as on x86-64.
 */
function scoreAsLongLong(score: number): number | bigint {
  if (Number.isSafeInteger(score)) return score;
  if (!(score >= -9223372036854775808 && score < 9223372036854775808)) return -9223372036854775808n;
  const t = Math.trunc(score);
  return Number.isSafeInteger(t) ? t : BigInt(t);
}
