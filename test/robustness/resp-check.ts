/**
 * Strict RESP2/RESP3 reply framing for robustness tests: finds where one reply ends and
 * rejects anything malformed (bad type byte, non-numeric integers or lengths, missing CRLF,
 * CR/LF inside simple strings, bad doubles...).
 */

export class MalformedReply extends Error {}

const INT = /^-?(0|[1-9][0-9]*)$/;
const DOUBLE = /^(-?inf|nan|-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?)$/;

/** End offset of the reply at `pos`, -1 when incomplete; throws MalformedReply. */
export function strictReplyEnd(buf: Buffer, pos: number, depth = 0): number {
  if (depth > 64) throw new MalformedReply('nesting too deep');
  if (pos >= buf.length) return -1;
  const nl = buf.indexOf('\r\n', pos);
  if (nl < 0) {
    if (buf.length - pos > 1 << 20) throw new MalformedReply('header line without CRLF');
    return -1;
  }
  const type = String.fromCharCode(buf[pos]);
  const line = buf.latin1Slice(pos + 1, nl);
  const p = nl + 2;
  const int = (what: string): number => {
    if (!INT.test(line)) throw new MalformedReply(`bad ${what} ${JSON.stringify(line)}`);
    return Number(line);
  };
  const items = (n: number): number => {
    let q = p;
    for (let i = 0; i < n; i++) {
      q = strictReplyEnd(buf, q, depth + 1);
      if (q < 0) return -1;
    }
    return q;
  };
  switch (type) {
    case '+':
    case '-':
      if (line.includes('\r') || line.includes('\n')) throw new MalformedReply('CR/LF inside a status line');
      if (type === '-' && line.length === 0) throw new MalformedReply('empty error');
      return p;
    case ':':
      int('integer');
      return p;
    case '(':
      if (!INT.test(line)) throw new MalformedReply(`bad big number ${line}`);
      return p;
    case ',':
      if (!DOUBLE.test(line)) throw new MalformedReply(`bad double ${JSON.stringify(line)}`);
      return p;
    case '#':
      if (line !== 't' && line !== 'f') throw new MalformedReply(`bad boolean ${line}`);
      return p;
    case '_':
      if (line !== '') throw new MalformedReply('bad null');
      return p;
    case '$':
    case '=':
    case '!': {
      const n = int('bulk length');
      if (n === -1 && type === '$') return p;
      if (n < 0) throw new MalformedReply(`negative length ${n}`);
      if (buf.length < p + n + 2) return -1;
      if (buf[p + n] !== 13 || buf[p + n + 1] !== 10) throw new MalformedReply('bulk not followed by CRLF');
      if (type === '=' && (n < 4 || buf[p + 3] !== 58)) throw new MalformedReply('bad verbatim string');
      return p + n + 2;
    }
    case '*': {
      const n = int('array length');
      if (n === -1) return p;
      if (n < 0) throw new MalformedReply(`negative array length ${n}`);
      return items(n);
    }
    case '~':
    case '>': {
      const n = int('aggregate length');
      if (n < 0) throw new MalformedReply(`negative length ${n}`);
      return items(n);
    }
    case '%':
    case '|': {
      const n = int('map length');
      if (n < 0) throw new MalformedReply(`negative map length ${n}`);
      return items(2 * n);
    }
    default:
      throw new MalformedReply(`unknown type byte ${JSON.stringify(type)}`);
  }
}
