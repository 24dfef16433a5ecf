/**
 * Geo indexing exactly as Redis 7.0 (geohash.c, geohash_helper.c, geo.c): 52-bit interleaved
 * geohash scores, decoding, haversine distance, the 11-char GEOHASH string, the 9-box area
 * computation for radius/box searches and Redis's result order (stable sort for full results,
 * Redis's partial quicksort when COUNT cuts the result), plus the two number formats geo
 * replies use. Uses the ZSet as the index; knows nothing of RESP.
 *
 * A geohash cell is kept as {step, lat, lon}: its latitude and longitude cell indexes. The
 * interleaved form (latitude bits at even positions) is only built to make a score.
 *
 * Trigonometry: Redis uses glibc; V8's Math.sin/cos/asin differ from it by one ulp in ~3% of
 * calls. Distances are computed with Math.* and recomputed with correctly rounded functions
 * (libm.ts, ~0.1% differences) whenever one ulp could change an outcome: a point on the
 * edge of the search area, a distance whose 4-decimal rendering is near a tie, or when the
 * exact double is shown (STOREDIST: pass `exact`).
 */
import { asinCR, cosCR, sinCR } from './libm.ts';
import type { ZSet } from './zset.ts';
import { ERR } from '../errors.ts';

export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;
export const GEO_STEP_MAX = 26;

const D_R = Math.PI / 180.0;
/** Earth's quadratic mean radius for WGS-84, as Redis uses it. */
export const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const TWO32 = 4294967296;

function degRad(ang: number): number {
  return ang * D_R;
}

function radDeg(ang: number): number {
  return ang / D_R;
}

// ============================== bit helpers ==============================

/** Spread the low 16 bits of v to the even bit positions of a 32-bit word. */
function spread(v: number): number {
  v &= 0xffff;
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  v = (v | (v << 1)) & 0x55555555;
  return v >>> 0;
}

/** Gather the even bit positions of a 32-bit word into 16 bits. */
function squash(v: number): number {
  v &= 0x55555555;
  v = (v | (v >>> 1)) & 0x33333333;
  v = (v | (v >>> 2)) & 0x0f0f0f0f;
  v = (v | (v >>> 4)) & 0x00ff00ff;
  v = (v | (v >>> 8)) & 0x0000ffff;
  return v;
}

/** interleave64(lat, lon) of two uint32 cell indexes, as a double (exact below 2^53, and for the edge cells Redis can produce). */
function interleave(lat: number, lon: number): number {
  const lo = (spread(lat) | (spread(lon) << 1)) >>> 0;
  const hi = (spread(lat >>> 16) | (spread(lon >>> 16) << 1)) >>> 0;
  return hi * TWO32 + lo;
}

/** A geohash cell: `step` bits per coordinate, latitude and longitude cell indexes. */
export interface GeoCell {
  step: number;
  lat: number;
  lon: number;
}

/** geohashEncode over the given ranges; caller checks the coordinates are within them. */
function encodeCell(lon: number, lat: number, step: number, lonMin: number, lonMax: number, latMin: number, latMax: number): GeoCell {
  let latOff = (lat - latMin) / (latMax - latMin);
  let lonOff = (lon - lonMin) / (lonMax - lonMin);
  const scale = 2 ** step;
  latOff *= scale;
  lonOff *= scale;
  return { step, lat: latOff >>> 0, lon: lonOff >>> 0 };
}

/** Interleaved bits of a cell (the geohash value at its step). */
function cellBits(c: GeoCell): number {
  return interleave(c.lat, c.lon);
}

/** Cell area bounds, as geohashDecode. */
interface Area {
  latMin: number;
  latMax: number;
  lonMin: number;
  lonMax: number;
}

const LAT_SCALE = GEO_LAT_MAX - GEO_LAT_MIN;
const LON_SCALE = GEO_LONG_MAX - GEO_LONG_MIN;

function cellArea(c: GeoCell): Area {
  const div = 2 ** c.step;
  const ilat = c.lat;
  const ilon = c.lon;
  return {
    latMin: GEO_LAT_MIN + (ilat / div) * LAT_SCALE,
    latMax: GEO_LAT_MIN + (((ilat + 1) >>> 0) / div) * LAT_SCALE,
    lonMin: GEO_LONG_MIN + (ilon / div) * LON_SCALE,
    lonMax: GEO_LONG_MIN + (((ilon + 1) >>> 0) / div) * LON_SCALE,
  };
}

// ============================== public: scores ==============================

/** True if (lon, lat) is inside Redis's indexable range (else ERR.invalidLongitudeLatitude). */
export function geoValidLonLat(lon: number, lat: number): boolean {
  return !(lon < GEO_LONG_MIN || lon > GEO_LONG_MAX || lat < GEO_LAT_MIN || lat > GEO_LAT_MAX);
}

/** GEOADD's zset score of a valid (lon, lat): the 52-bit interleaved geohash as a number. */
export function geoEncode(lon: number, lat: number): number {
  const c = encodeCell(lon, lat, GEO_STEP_MAX, GEO_LONG_MIN, GEO_LONG_MAX, GEO_LAT_MIN, GEO_LAT_MAX);
  return cellBits(c);
}

/** (uint64_t)score as C on x86-64 computes it, split into [hi, lo] uint32 halves. */
function scoreToU64(score: number): [number, number] {
  if (score >= 0 && score < 9007199254740992) {
    const t = Math.floor(score);
    return [Math.floor(t / TWO32), t >>> 0];
  }
  let v: bigint;
  if (Number.isNaN(score)) v = 1n << 63n;
  else {
    const t = Math.trunc(score);
    if (t >= 18446744073709551616) v = 0n;
    else if (t >= 0) v = BigInt(t);
    else if (t >= -9223372036854775808) v = (1n << 64n) + BigInt(t);
    else v = 1n << 63n;
  }
  return [Number(v >> 32n), Number(v & 0xffffffffn)];
}

/** Longitude and latitude of a geo score (decodeGeohash + geohashDecodeAreaToLongLat, clamped to the limits). */
export function geoDecode(score: number): [number, number] {
  const [hi, lo] = scoreToU64(score);
  const lat = (squash(lo) | (squash(hi) << 16)) >>> 0;
  const lon = (squash(lo >>> 1) | (squash(hi >>> 1) << 16)) >>> 0;
  const a = cellArea({ step: GEO_STEP_MAX, lat, lon });
  let x = (a.lonMin + a.lonMax) / 2;
  if (x > GEO_LONG_MAX) x = GEO_LONG_MAX;
  if (x < GEO_LONG_MIN) x = GEO_LONG_MIN;
  let y = (a.latMin + a.latMax) / 2;
  if (y > GEO_LAT_MAX) y = GEO_LAT_MAX;
  if (y < GEO_LAT_MIN) y = GEO_LAT_MIN;
  return [x, y];
}

const GEOALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/** GEOHASH's 11-character standard geohash of a geo score (re-encoded over lat -90..90). */
export function geoHashString(score: number): string {
  const [lon, lat] = geoDecode(score);
  const c = encodeCell(lon, lat, GEO_STEP_MAX, -180, 180, -90, 90);
  const bits = cellBits(c);
  let out = '';
  for (let i = 0; i < 10; i++) {
    const idx = Math.floor(bits / 2 ** (52 - (i + 1) * 5)) % 32;
    out += GEOALPHABET[idx];
  }
  return out + GEOALPHABET[0];
}

// ============================== public: distances ==============================

/** Distance in meters along a meridian (geohashGetLatDistance). */
function latDistance(lat1: number, lat2: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2) - degRad(lat1));
}

/** Haversine great-circle distance in meters between two points (geohashGetDistance), fast: within an ulp or so of Redis's. */
export function geoDistance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const lon1r = degRad(lon1);
  const lon2r = degRad(lon2);
  const v = Math.sin((lon2r - lon1r) / 2);
  if (v === 0.0) return latDistance(lat1, lat2);
  const lat1r = degRad(lat1);
  const lat2r = degRad(lat2);
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
}

/** geohashGetDistance with correctly rounded sin/cos/asin: Redis's exact double in all but ~0.5% of cases (slow, ~3us). */
export function geoDistanceExact(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const lon1r = degRad(lon1);
  const lon2r = degRad(lon2);
  const v = sinCR((lon2r - lon1r) / 2);
  if (v === 0.0) return latDistance(lat1, lat2);
  const lat1r = degRad(lat1);
  const lat2r = degRad(lat2);
  const u = sinCR((lat2r - lat1r) / 2);
  const a = u * u + cosCR(lat1r) * cosCR(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * asinCR(Math.sqrt(a));
}

/**
 * Upper bound of |fast - Redis| for a fast distance d whose haversine had sqrt(a) = s: a few
 * ulps through the formula, amplified by asin's slope near 1.
 */
function fastTolerance(lon1: number, lat1: number, lon2: number, lat2: number, d: number): number {
  if (Math.sin((degRad(lon2) - degRad(lon1)) / 2) === 0) return 0; // pure arithmetic path
  const s = Math.sin(d / (2.0 * EARTH_RADIUS_IN_METERS));
  const c = Math.sqrt(Math.max(0, 1 - s * s));
  if (c < 1e-4) return Infinity;
  const slope = d === 0 ? 1 : s / (c * (d / (2.0 * EARTH_RADIUS_IN_METERS)));
  return d * (8 * slope + 4) * 2 ** -50;
}

/** True if x rounds to 4 decimals differently under a change of up to tol (relative to x's scale). */
function nearTie(x: number, tol: number): boolean {
  const f = x * 10000;
  const frac = f - Math.floor(f);
  return Math.abs(frac - 0.5) <= tol * 10000 + Math.abs(f) * 2 ** -50;
}

/** GEODIST's reply text: distance between two points in units of toMeter meters, 4 decimals, as Redis prints it. */
export function geoDistString(lon1: number, lat1: number, lon2: number, lat2: number, toMeter: number): string {
  let d = geoDistance(lon1, lat1, lon2, lat2);
  if (nearTie(d / toMeter, fastTolerance(lon1, lat1, lon2, lat2, d) / toMeter)) d = geoDistanceExact(lon1, lat1, lon2, lat2);
  return geoFormatDistance(d / toMeter);
}

/** Meters per unit for m, km, ft, mi (case-insensitive); -1 if unknown (ERR.unsupportedUnitProvided). */
export function geoUnitFactor(unit: string): number {
  switch (unit.toLowerCase()) {
    case 'm':
      return 1;
    case 'km':
      return 1000;
    case 'ft':
      return 0.3048;
    case 'mi':
      return 1609.34;
    default:
      return -1;
  }
}

// ============================== public: search ==============================

/** A search area: circle of `radius` or box of `width` x `height`, in units of `conversion` meters, centred at (lon, lat). */
export interface GeoShape {
  type: 'radius' | 'box';
  lon: number;
  lat: number;
  radius: number;
  width: number;
  height: number;
  conversion: number;
}

/** A search hit: member, its decoded position, its zset score and its distance in meters from the centre. */
export interface GeoPoint {
  member: string;
  lon: number;
  lat: number;
  score: number;
  dist: number;
}

/** geohashEstimateStepsByRadius. */
function estimateSteps(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** geohashBoundingBox: [minLon, minLat, maxLon, maxLat]. */
function boundingBox(shape: GeoShape): [number, number, number, number] {
  const lon = shape.lon;
  const lat = shape.lat;
  const height = shape.conversion * (shape.type === 'radius' ? shape.radius : shape.height / 2);
  const width = shape.conversion * (shape.type === 'radius' ? shape.radius : shape.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const lonDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / cosCR(degRad(lat + latDelta)));
  const lonDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / cosCR(degRad(lat - latDelta)));
  const south = lat < 0;
  return [
    south ? lon - lonDeltaBottom : lon - lonDeltaTop,
    lat - latDelta,
    south ? lon + lonDeltaBottom : lon + lonDeltaTop,
    lat + latDelta,
  ];
}

/**
 * geohashNeighbors' geohash_move_x/_y: the moved coordinate wraps modulo 2^step; the other
 * one is kept untouched (even an out-of-range index from a point on the range's edge).
 */
function moved(c: GeoCell, dLon: number, dLat: number): GeoCell {
  const mask = 2 ** c.step - 1;
  return {
    step: c.step,
    lat: dLat === 0 ? c.lat : (c.lat + dLat) & mask,
    lon: dLon === 0 ? c.lon : (c.lon + dLon) & mask,
  };
}

/**
 * geohashCalculateAreasByShapeWGS84: the cells to scan, in Redis's order (centre, N, S, E,
 * W, NE, NW, SE, SW), with excluded neighbours as null.
 */
export function geoSearchCells(shape: GeoShape): (GeoCell | null)[] {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(shape);
  let radiusMeters =
    shape.type === 'radius'
      ? shape.radius
      : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2));
  radiusMeters *= shape.conversion;
  let steps = estimateSteps(radiusMeters, shape.lat);
  const enc = (s: number) => encodeCell(shape.lon, shape.lat, s, GEO_LONG_MIN, GEO_LONG_MAX, GEO_LAT_MIN, GEO_LAT_MAX);
  let hash = enc(steps);
  let decrease = false;
  {
    const north = cellArea(moved(hash, 0, 1));
    const south = cellArea(moved(hash, 0, -1));
    const east = cellArea(moved(hash, 1, 0));
    const west = cellArea(moved(hash, -1, 0));
    if (north.latMax < maxLat) decrease = true;
    if (south.latMin > minLat) decrease = true;
    if (east.lonMax < maxLon) decrease = true;
    if (west.lonMin > minLon) decrease = true;
  }
  if (steps > 1 && decrease) {
    steps--;
    hash = enc(steps);
  }
  const area = cellArea(hash);
  let n: GeoCell | null = moved(hash, 0, 1);
  let s: GeoCell | null = moved(hash, 0, -1);
  let e: GeoCell | null = moved(hash, 1, 0);
  let w: GeoCell | null = moved(hash, -1, 0);
  let ne: GeoCell | null = moved(hash, 1, 1);
  let nw: GeoCell | null = moved(hash, -1, 1);
  let se: GeoCell | null = moved(hash, 1, -1);
  let sw: GeoCell | null = moved(hash, -1, -1);
  if (steps >= 2) {
    if (area.latMin < minLat) s = sw = se = null;
    if (area.latMax > maxLat) n = ne = nw = null;
    if (area.lonMin < minLon) w = sw = nw = null;
    if (area.lonMax > maxLon) e = se = ne = null;
  }
  return [hash, n, s, e, w, ne, nw, se, sw];
}

/** Distance of (x, y) from the shape's centre, exact when asked or when one ulp could flip `d > limit`. */
function distWithin(x1: number, y1: number, x2: number, y2: number, limit: number, exact: boolean): number {
  if (exact) return geoDistanceExact(x1, y1, x2, y2);
  const d = geoDistance(x1, y1, x2, y2);
  if (Math.abs(d - limit) <= fastTolerance(x1, y1, x2, y2, d)) return geoDistanceExact(x1, y1, x2, y2);
  return d;
}

/** geoWithinShape: distance in meters if the decoded point is inside the shape, else -1. */
function withinShape(shape: GeoShape, x: number, y: number, exact: boolean): number {
  if (shape.type === 'radius') {
    const lim = shape.radius * shape.conversion;
    const d = distWithin(shape.lon, shape.lat, x, y, lim, exact);
    return d > lim ? -1 : d;
  }
  const widthM = shape.width * shape.conversion;
  const heightM = shape.height * shape.conversion;
  if (latDistance(y, shape.lat) > heightM / 2) return -1;
  if (distWithin(x, y, shape.lon, y, widthM / 2, false) > widthM / 2) return -1;
  return exact ? geoDistanceExact(shape.lon, shape.lat, x, y) : geoDistance(shape.lon, shape.lat, x, y);
}

/**
 * GEOSEARCH/GEORADIUS candidate collection (membersOfAllNeighbors): every member of `z`
 * inside `shape`, in Redis's unsorted order; with `limit` > 0 (COUNT n ANY) stop once that
 * many were found. Distances are Redis's exact doubles when `exact` (for STOREDIST), else
 * good for inclusion, ordering and 4-decimal output in `shape.conversion` units.
 */
export function geoSearch(z: ZSet, shape: GeoShape, limit = 0, exact = false): GeoPoint[] {
  const out: GeoPoint[] = [];
  const cells = geoSearchCells(shape);
  // Like Redis, skip a cell equal to the last processed one, but never compare with the
  // centre (index 0 doubles as "nothing processed yet").
  let lastIdx = 0;
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    if (c === null) continue;
    const last = cells[lastIdx];
    if (lastIdx !== 0 && last !== null && c.step === last.step && c.lat === last.lat && c.lon === last.lon) continue;
    if (out.length && limit && out.length >= limit) break;
    const mul = 2 ** (52 - c.step * 2);
    const bits = cellBits(c);
    const min = bits * mul;
    const max = (bits + 1) * mul;
    const first = z.countScoreBelow(min, false);
    const end = z.countScoreBelow(max, false);
    z.forEachInRankRange(first, end - 1, false, (member, score) => {
      const [x, y] = geoDecode(score);
      const d = withinShape(shape, x, y, exact);
      if (d >= 0) out.push({ member, lon: x, lat: y, score, dist: d });
      return !(out.length && limit && out.length >= limit);
    });
    lastIdx = i;
  }
  if (!exact) {
    for (const p of out) {
      const tol = fastTolerance(shape.lon, shape.lat, p.lon, p.lat, p.dist);
      if (nearTie(p.dist / shape.conversion, tol / shape.conversion)) p.dist = geoDistanceExact(shape.lon, shape.lat, p.lon, p.lat);
    }
  }
  return out;
}

/**
 * Order search hits as Redis does: `count` is the number of results that will be returned
 * (0 = all). When all are returned the sort is stable (glibc qsort is a merge sort);
 * otherwise Redis's pqsort partial quicksort, whose order among equal distances we reproduce.
 */
export function geoSortPoints(points: GeoPoint[], desc: boolean, count = 0): void {
  const cmp = desc
    ? (a: GeoPoint, b: GeoPoint) => (a.dist < b.dist ? 1 : a.dist === b.dist ? 0 : -1)
    : (a: GeoPoint, b: GeoPoint) => (a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1);
  const returned = count === 0 || points.length < count ? points.length : count;
  if (returned === points.length) points.sort(cmp);
  else pqsort(points, 0, points.length, cmp, 0, returned - 1);
}

/** Bentley-McIlroy quicksort of a[base, base+n) that only recurses into parts overlapping [lr, rr] (Redis pqsort.c). */
function pqsort<T>(a: T[], base: number, n: number, cmp: (x: T, y: T) => number, lr: number, rr: number): void {
  const swap = (i: number, j: number) => {
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  };
  const vecswap = (i: number, j: number, k: number) => {
    for (; k > 0; k--, i++, j++) swap(i, j);
  };
  const med3 = (i: number, j: number, k: number) =>
    cmp(a[i], a[j]) < 0
      ? cmp(a[j], a[k]) < 0
        ? j
        : cmp(a[i], a[k]) < 0
          ? k
          : i
      : cmp(a[j], a[k]) > 0
        ? j
        : cmp(a[i], a[k]) < 0
          ? i
          : k;
  for (;;) {
    if (n < 7) {
      for (let pm = base + 1; pm < base + n; pm++)
        for (let pl = pm; pl > base && cmp(a[pl - 1], a[pl]) > 0; pl--) swap(pl, pl - 1);
      return;
    }
    let pm = base + (n >>> 1);
    if (n > 7) {
      let pl = base;
      let pn = base + n - 1;
      if (n > 40) {
        const d = n >>> 3;
        pl = med3(pl, pl + d, pl + 2 * d);
        pm = med3(pm - d, pm, pm + d);
        pn = med3(pn - 2 * d, pn - d, pn);
      }
      pm = med3(pl, pm, pn);
    }
    swap(base, pm);
    let pa = base + 1;
    let pb = pa;
    let pc = base + n - 1;
    let pd = pc;
    for (;;) {
      let r: number;
      while (pb <= pc && (r = cmp(a[pb], a[base])) <= 0) {
        if (r === 0) {
          swap(pa, pb);
          pa++;
        }
        pb++;
      }
      while (pb <= pc && (r = cmp(a[pc], a[base])) >= 0) {
        if (r === 0) {
          swap(pc, pd);
          pd--;
        }
        pc--;
      }
      if (pb > pc) break;
      swap(pb, pc);
      pb++;
      pc--;
    }
    const pn = base + n;
    let r = Math.min(pa - base, pb - pa);
    vecswap(base, pb - r, r);
    r = Math.min(pd - pc, pn - pd - 1);
    vecswap(pb, pn - r, r);
    r = pb - pa;
    if (r > 1) {
      const l = base;
      const h = base + r - 1;
      if (!((lr < l && rr < l) || (lr > h && rr > h))) pqsort(a, base, r, cmp, lr, rr);
    }
    r = pd - pc;
    if (r > 1) {
      base = pn - r;
      n = r;
      const l = base;
      const h = base + r - 1;
      if (!((lr < l && rr < l) || (lr > h && rr > h))) continue;
    }
    return;
  }
}

// ============================== public: formatting ==============================

/** addReplyDoubleDistance: fixed point with 4 decimals, rounding half to even (llrint). */
export function geoFormatDistance(d: number): string {
  if (d === 0) return '0.0000';
  const x = d * 10000;
  let r = Math.round(x);
  if (r - x === 0.5 && r % 2 !== 0) r -= 1;
  const neg = r < 0;
  let digits = String(Math.abs(r));
  if (digits.length < 5) digits = '0'.repeat(5 - digits.length) + digits;
  const s = digits.slice(0, digits.length - 4) + '.' + digits.slice(digits.length - 4);
  return neg ? '-' + s : s;
}

/** printf("%.<digits>f") of a double: exact decimal expansion, ties to even, no exponent form. */
function printfFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  const ax = Math.abs(x);
  if (ax >= 1e21) return (x < 0 ? '-' : '') + BigInt(ax).toString() + (digits ? '.' + '0'.repeat(digits) : '');
  let s = x.toFixed(digits);
  if (Number.isInteger(ax * 2 ** (digits + 1)) && !Number.isInteger(ax * 2 ** digits)) {
    const last = s.charCodeAt(s.length - 1) - 48;
    if (last % 2 === 1) s = s.slice(0, -1) + String(last - 1);
  }
  if (s.charCodeAt(0) !== 45 && (x < 0 || Object.is(x, -0))) s = '-' + s;
  return s;
}

/** GEOADD/GEOSEARCH error for coordinates outside the limits (message format "%f,%f"). */
export function geoInvalidPairError(lon: number, lat: number): string {
  return ERR.invalidLongitudeLatitudePair(printfFixed(lon, 6), printfFixed(lat, 6));
}

/** addReplyHumanLongDouble of a double: "%.17Lf" with trailing zeros (and a bare dot) removed; "-0" becomes "0". */
export function geoFormatCoord(x: number): string {
  // toFixed rounds exact ties away from zero, printf to even; printfFixed corrects that.
  let s = printfFixed(x, 17);
  if (s === 'inf' || s === '-inf') return s;
  let l = s.length;
  while (s.charCodeAt(l - 1) === 48) l--;
  if (s.charCodeAt(l - 1) === 46) l--;
  s = s.slice(0, l);
  return s === '-0' ? '0' : s;
}
