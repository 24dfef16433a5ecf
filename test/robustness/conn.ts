import net from 'node:net';
import { strictReplyEnd, MalformedReply } from './resp-check.ts';

export function encode(argv: string[]): Buffer {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  return Buffer.from(s, 'latin1');
}

/**
 * A connection that frames replies strictly (MalformedReply on bad framing) and skips RESP3
 * push messages (client tracking invalidations) when counting replies.
 */
export class StrictConn {
  private buf = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  closed = false;

  private constructor(readonly sock: net.Socket) {
    sock.on('data', (d) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.wake?.();
    });
    sock.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
    sock.on('error', () => {});
  }

  static connect(port: number): Promise<StrictConn> {
    return new Promise((resolve, reject) => {
      const sock = net.connect(port, '127.0.0.1');
      sock.setNoDelay(true);
      sock.once('connect', () => resolve(new StrictConn(sock)));
      sock.once('error', reject);
    });
  }

  /**
   * Reads n replies (pushes skipped unless `pushes`); null on timeout or close. Throws
   * MalformedReply. `skipUntil`: first discards replies until one equal to it (included).
   */
  async read(n: number, timeoutMs: number, pushes = false, skipUntil: string | null = null): Promise<string[] | null> {
    const deadline = Date.now() + timeoutMs;
    const out: string[] = [];
    for (;;) {
      while (out.length < n) {
        const end = strictReplyEnd(this.buf, 0);
        if (end < 0) break;
        const r = this.buf.latin1Slice(0, end);
        this.buf = this.buf.subarray(end);
        if (skipUntil !== null) {
          if (r === skipUntil) skipUntil = null;
          continue;
        }
        if (pushes || r[0] !== '>') out.push(r);
      }
      if (out.length >= n) return out;
      if (this.closed) return null;
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await new Promise<void>((res) => {
        const t = setTimeout(res, left);
        this.wake = () => {
          clearTimeout(t);
          this.wake = null;
          res();
        };
      });
    }
  }

  async call(argv: string[], timeoutMs = 5000): Promise<string | null> {
    this.sock.write(encode(argv));
    const r = await this.read(1, timeoutMs);
    return r ? r[0] : null;
  }

  close(): void {
    this.sock.destroy();
  }
}

export { MalformedReply };
