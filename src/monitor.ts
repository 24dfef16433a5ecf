import type { Client } from './client.ts';

/** Redis's sdscatrepr: a double-quoted, escaped form of a byte string. */
export function reprBytes(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    switch (ch) {
      case 0x5c: out += '\\\\'; break;
      case 0x22: out += '\\"'; break;
      case 0x0a: out += '\\n'; break;
      case 0x0d: out += '\\r'; break;
      case 0x09: out += '\\t'; break;
      case 0x07: out += '\\a'; break;
      case 0x08: out += '\\b'; break;
      default:
        if (ch >= 0x20 && ch <= 0x7e) out += s[i];
        else out += '\\x' + ch.toString(16).padStart(2, '0');
    }
  }
  return out + '"';
}

/**
 * Sends one command to every MONITOR client, in Redis's line format:
 * `+<sec>.<usec> [<db> <addr>] "arg" "arg"`; script commands show `lua` as the address.
 */
export function feedMonitors(monitors: Iterable<Client>, c: Client, argv: string[]): void {
  const now = performance.timeOrigin + performance.now();
  const sec = Math.floor(now / 1000);
  const usec = Math.floor((now - sec * 1000) * 1000) % 1000000;
  const who = c.sock === null ? 'lua' : c.addr;
  let line = `+${sec}.${String(usec).padStart(6, '0')} [${c.db.id} ${who}] `;
  for (let i = 0; i < argv.length; i++) {
    if (i !== 0) line += ' ';
    line += reprBytes(argv[i]);
  }
  line += '\r\n';
  for (const m of monitors) {
    if (m === c) continue;
    m.writer.raw(line);
    m.flush();
  }
}
