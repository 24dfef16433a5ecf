/**
 * Redis glob matching (`stringmatchlen` semantics) over byte strings.
 *
 * Supported syntax: `*` (any run, possibly empty), `?` (one byte), `[abc]`, `[a-z]`
 * (reversed ranges allowed), `[^...]` (negation), `\x` (literal x, also inside
 * brackets). A `[` without a closing `]` runs to the end of the pattern.
 *
 * Byte quirks kept on purpose: range bounds and the tested byte compare as C
 * `char`, which is signed on the platforms Redis ships for, so ranges that mix
 * bytes below and above 0x80 behave as in Redis; `nocase` folds only A-Z.
 */

/** Signed C `char` value of a byte (0x80..0xff become -128..-1). */
function sc(b: number): number {
  return (b << 24) >> 24;
}

/** C-locale tolower on a signed char value. */
function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** Code of pattern/string at i, or 0 past the end (C strings are NUL terminated). */
function at(s: string, i: number, end: number): number {
  return i < end ? s.charCodeAt(i) : 0;
}

interface MatchState {
  skipLonger: boolean;
}

function matchImpl(
  pat: string,
  p: number,
  pend: number,
  str: string,
  s: number,
  send: number,
  nocase: boolean,
  st: MatchState,
  nesting: number,
): boolean {
  // Like Redis, a pattern nesting more than 1000 stars matches nothing (no deep recursion).
  if (nesting > 1000) return false;
  while (p < pend && s < send) {
    const pc = pat.charCodeAt(p);
    switch (pc) {
      case 42 /* * */: {
        while (p + 1 < pend && pat.charCodeAt(p + 1) === 42) p++;
        if (p + 1 === pend) return true;
        while (s < send) {
          if (matchImpl(pat, p + 1, pend, str, s, send, nocase, st, nesting + 1)) return true;
          if (st.skipLonger) return false;
          s++;
        }
        st.skipLonger = true;
        return false;
      }
      case 63 /* ? */:
        s++;
        break;
      case 91 /* [ */: {
        p++;
        const not = at(pat, p, pend) === 94; /* ^ */
        if (not) p++;
        let match = false;
        const c = str.charCodeAt(s);
        for (;;) {
          const cur = at(pat, p, pend);
          if (cur === 92 /* \ */ && pend - p >= 2) {
            p++;
            if (pat.charCodeAt(p) === c) match = true;
          } else if (cur === 93 /* ] */ && p < pend) {
            break;
          } else if (p >= pend) {
            p--;
            break;
          } else if (pend - p >= 3 && pat.charCodeAt(p + 1) === 45 /* - */) {
            let start = sc(cur);
            let end = sc(pat.charCodeAt(p + 2));
            let cc = sc(c);
            if (start > end) {
              const t = start;
              start = end;
              end = t;
            }
            if (nocase) {
              start = lower(start);
              end = lower(end);
              cc = lower(cc);
            }
            p += 2;
            if (cc >= start && cc <= end) match = true;
          } else if (!nocase) {
            if (cur === c) match = true;
          } else if (lower(cur) === lower(c)) {
            match = true;
          }
          p++;
        }
        if (not) match = !match;
        if (!match) return false;
        s++;
        break;
      }
      case 92 /* \ */:
      default: {
        if (pc === 92 && pend - p >= 2) p++;
        const a = pat.charCodeAt(p);
        const b = str.charCodeAt(s);
        if (nocase ? lower(a) !== lower(b) : a !== b) return false;
        s++;
        break;
      }
    }
    p++;
    if (s === send) {
      while (p < pend && pat.charCodeAt(p) === 42) p++;
      break;
    }
  }
  return p === pend && s === send;
}

/**
 * True if byte string `str` matches glob `pattern` exactly as Redis's stringmatchlen.
 * Note: like Redis, `*` does not match the empty string; KEYS and SCAN short-circuit a
 * pattern of exactly `*` to "all keys" before matching, PSUBSCRIBE does not.
 */
export function globMatch(pattern: string, str: string, nocase = false): boolean {
  return matchImpl(pattern, 0, pattern.length, str, 0, str.length, nocase, { skipLonger: false }, 0);
}

/**
 * Compile a pattern once for matching many strings (KEYS, SCAN MATCH, PSUBSCRIBE):
 * returns a predicate equal to `globMatch(pattern, s, nocase)`, with fast paths for
 * `*` and for patterns without special characters.
 */
export function globMatcher(pattern: string, nocase = false): (s: string) => boolean {
  if (pattern === '*') return (s) => s.length > 0;
  if (!nocase && !/[*?[\\]/.test(pattern)) return (s) => s === pattern;
  return (s) => globMatch(pattern, s, nocase);
}
