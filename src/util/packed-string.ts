/**
 * Length prefixes for byte strings packed into one JS string (util/packed-map.ts,
 * util/listpack-map.ts): a length below 255 is one character; a longer one is the marker
 * 255 and four characters, big-endian.
 */

const LONG = 0xff;

export function lenPrefix(n: number): string {
  return n < LONG ? String.fromCharCode(n) : String.fromCharCode(LONG, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

/** The length whose prefix starts at pos. */
export function readLen(s: string, pos: number): number {
  const c = s.charCodeAt(pos);
  if (c < LONG) return c;
  return ((s.charCodeAt(pos + 1) << 24) | (s.charCodeAt(pos + 2) << 16) | (s.charCodeAt(pos + 3) << 8) | s.charCodeAt(pos + 4)) >>> 0;
}

/** How many characters the prefix at pos takes. */
export function prefixSize(s: string, pos: number): number {
  return s.charCodeAt(pos) < LONG ? 1 : 5;
}

/**
 * Concatenation makes a rope (ConsString) past 12 characters, which keeps its parts alive;
 * reading the last character makes V8 flatten it into one sequential string.
 */
export function flatten(s: string): string {
  s.charCodeAt(s.length - 1);
  return s;
}
