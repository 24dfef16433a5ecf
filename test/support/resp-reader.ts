/**
 * Test-side RESP2/RESP3 reply reader: frames whole replies in a byte stream and decodes
 * them into a plain tree (used by the differential suite and the metadata generator).
 */

export type Reply =
  | string // bulk / verbatim (latin1)
  | number // integer
  | bigint
  | null
  | boolean
  | Reply[]
  | { simple: string }
  | { error: string }
  | { map: Reply[] } // flat k, v, k, v
  | { set: Reply[] }
  | { double: string }
  | { bignum: string }
  | { push: Reply[] }
  | { verbatim: string; format: string };

/** Returns the end offset of the one complete reply starting at `pos`, or -1 if incomplete. */
export function replyEnd(buf: Buffer, pos: number): number {
  const r = decode(buf, pos);
  return r ? r.end : -1;
}

export function decode(buf: Buffer, pos: number): { value: Reply; end: number } | null {
  if (pos >= buf.length) return null;
  const nl = buf.indexOf('\r\n', pos);
  if (nl < 0) return null;
  const type = String.fromCharCode(buf[pos]);
  const line = buf.latin1Slice(pos + 1, nl);
  let p = nl + 2;
  const aggregate = (n: number): { items: Reply[]; end: number } | null => {
    const items: Reply[] = [];
    for (let i = 0; i < n; i++) {
      const r = decode(buf, p);
      if (!r) return null;
      items.push(r.value);
      p = r.end;
    }
    return { items, end: p };
  };
  switch (type) {
    case '+':
      return { value: { simple: line }, end: p };
    case '-':
      return { value: { error: line }, end: p };
    case ':': {
      const n = Number(line);
      return { value: Number.isSafeInteger(n) ? n : BigInt(line), end: p };
    }
    case '$':
    case '=': {
      const len = Number(line);
      if (len < 0) return { value: null, end: p };
      if (buf.length < p + len + 2) return null;
      const s = buf.latin1Slice(p, p + len);
      if (type === '=') return { value: { verbatim: s.slice(4), format: s.slice(0, 3) }, end: p + len + 2 };
      return { value: s, end: p + len + 2 };
    }
    case '*':
    case '~':
    case '>': {
      const n = Number(line);
      if (n < 0) return { value: null, end: p };
      const a = aggregate(n);
      if (!a) return null;
      const value: Reply = type === '*' ? a.items : type === '~' ? { set: a.items } : { push: a.items };
      return { value, end: a.end };
    }
    case '%': {
      const a = aggregate(Number(line) * 2);
      if (!a) return null;
      return { value: { map: a.items }, end: a.end };
    }
    case '_':
      return { value: null, end: p };
    case '#':
      return { value: line === 't', end: p };
    case ',':
      return { value: { double: line }, end: p };
    case '(':
      return { value: { bignum: line }, end: p };
    default:
      throw new Error(`bad reply type byte ${JSON.stringify(type)} at ${pos}`);
  }
}
