/**
 * Redis's sdssplitargs: how inline requests, config files and a script's shebang line
 * are cut into arguments.
 */

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Splits an inline request line into arguments with redis-server's quoting rules:
 * "double quotes" with \xHH \n \r \t \b \a escapes, 'single quotes' with \' only.
 * A closing quote must be followed by a space or the end. Null means unbalanced quotes.
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  const n = line.length;
  let i = 0;
  for (;;) {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    if (i >= n || line.charCodeAt(i) === 0) return out;
    let cur = '';
    let inDq = false;
    let inSq = false;
    for (;;) {
      const c = i < n ? line.charCodeAt(i) : 0;
      if (inDq) {
        if (i >= n) return null;
        if (c === 92 && line.charCodeAt(i + 1) === 120 && hexVal(line.charCodeAt(i + 2)) >= 0 && hexVal(line.charCodeAt(i + 3)) >= 0) {
          cur += String.fromCharCode(hexVal(line.charCodeAt(i + 2)) * 16 + hexVal(line.charCodeAt(i + 3)));
          i += 3;
        } else if (c === 92 && i + 1 < n) {
          i++;
          const e = line[i];
          cur += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === 34) {
          if (i + 1 < n && !isSpace(line.charCodeAt(i + 1))) return null;
          i++;
          break;
        } else {
          cur += line[i];
        }
      } else if (inSq) {
        if (i >= n) return null;
        if (c === 92 && line.charCodeAt(i + 1) === 39) {
          i++;
          cur += "'";
        } else if (c === 39) {
          if (i + 1 < n && !isSpace(line.charCodeAt(i + 1))) return null;
          i++;
          break;
        } else {
          cur += line[i];
        }
      } else {
        if (i >= n || c === 32 || c === 10 || c === 13 || c === 9 || c === 0) break;
        if (c === 34) inDq = true;
        else if (c === 39) inSq = true;
        else cur += line[i];
      }
      i++;
    }
    out.push(cur);
  }
}
