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
export function feedMonitors(monitors: Iterable<Client>, c: Client, argv: string[], fromScript = false): void {
  const now = c.server.clock.nowMicros() / 1000;
  const sec = Math.floor(now / 1000);
  const usec = Math.floor((now - sec * 1000) * 1000) % 1000000;
  const who = fromScript || c.sock === null ? 'lua' : c.addr;
  let line = `+${sec}.${String(usec).padStart(6, '0')} [${c.db.id} ${who}] `;
  const shown = redactArgv(argv);
  for (let i = 0; i < shown.length; i++) {
    if (i !== 0) line += ' ';
    line += reprBytes(shown[i]);
  }
  line += '\r\n';
  for (const m of monitors) {
    m.writer.raw(line);
    m.flush();
  }
}

const SENSITIVE_CONFIGS = new Set(['requirepass', 'masterauth', 'masteruser']);

/**
 * The argv MONITOR and SLOWLOG show: passwords replaced by "(redacted)" exactly where Redis
 * redacts them (AUTH, HELLO AUTH, CONFIG SET of sensitive parameters, MIGRATE AUTH/AUTH2,
 * ACL SETUSER). Returns argv itself when nothing needs hiding.
 */
export function redactArgv(argv: string[]): string[] {
  const name = argv[0].toLowerCase();
  let out: string[] | null = null;
  const hide = (i: number) => {
    if (i >= argv.length) return;
    if (out === null) out = argv.slice();
    out[i] = '(redacted)';
  };
  if (name === 'auth') {
    if (argv.length <= 3) for (let i = 1; i < argv.length; i++) hide(i);
  } else if (name === 'hello') {
    for (let j = 2; j < argv.length; j++) {
      const more = argv.length - 1 - j;
      const opt = argv[j].toLowerCase();
      if (opt === 'auth' && more >= 2) {
        hide(j + 1);
        hide(j + 2);
        j += 2;
      } else if (opt === 'setname' && more >= 1) {
        j += 1;
      } else break;
    }
  } else if (name === 'config' && argv.length > 1 && argv[1].toLowerCase() === 'set') {
    for (let i = 2; i + 1 < argv.length; i += 2) if (SENSITIVE_CONFIGS.has(argv[i].toLowerCase())) hide(i + 1);
  } else if (name === 'acl' && argv.length > 2 && argv[1].toLowerCase() === 'setuser') {
    for (let i = 2; i < argv.length; i++) hide(i);
  } else if (name === 'migrate') {
    for (let j = 6; j < argv.length; j++) {
      const opt = argv[j].toLowerCase();
      if (opt === 'auth') hide(++j);
      else if (opt === 'auth2') {
        hide(++j);
        hide(++j);
      } else if (opt === 'keys') break;
    }
  }
  return out ?? argv;
}
