import net from 'node:net';
import { decode, replyEnd, type Reply } from './resp-reader.ts';

/** Encodes argv as a RESP multibulk request (byte strings). */
export function encodeCommand(argv: string[]): Buffer {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  return Buffer.from(s, 'latin1');
}

/**
 * A minimal client that returns raw reply bytes, so two servers can be compared byte for byte.
 * Connects by TCP port or unix socket path.
 */
export class RawClient {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly sock: net.Socket) {
    sock.on('data', (d) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.wake();
    });
    sock.on('close', () => {
      this.closed = true;
      this.wake();
    });
    sock.on('error', () => {});
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static connect(target: number | string, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const sock = typeof target === 'number' ? net.connect(target, host) : net.connect(target);
      sock.setNoDelay(true);
      sock.once('connect', () => resolve(new RawClient(sock)));
      sock.once('error', reject);
    });
  }

  /** Waits until `n` complete replies are buffered (or the socket closes, or timeout). */
  private async waitReplies(n: number, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let pos = 0;
      let count = 0;
      while (count < n) {
        const e = replyEnd(this.buf, pos);
        if (e < 0) break;
        pos = e;
        count++;
      }
      if (count >= n || this.closed) return pos;
      const left = deadline - Date.now();
      if (left <= 0) return pos;
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Sends raw bytes and returns the raw bytes of the next `n` replies (latin1). */
  async sendRaw(bytes: Buffer | string, n = 1, timeoutMs = 2000): Promise<string> {
    this.sock.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
    return this.readRaw(n, timeoutMs);
  }

  async readRaw(n = 1, timeoutMs = 2000): Promise<string> {
    const end = await this.waitReplies(n, timeoutMs);
    const out = this.buf.latin1Slice(0, end);
    this.buf = this.buf.subarray(end);
    return out;
  }

  /** Sends one command, returns its raw reply. */
  call(...argv: string[]): Promise<string> {
    return this.sendRaw(encodeCommand(argv), 1);
  }

  /** Sends one command, returns its decoded reply. */
  async command(...argv: string[]): Promise<Reply> {
    const raw = await this.call(...argv);
    const r = decode(Buffer.from(raw, 'latin1'), 0);
    if (!r) throw new Error(`no reply to ${argv.join(' ')}`);
    return r.value;
  }

  /** Whatever bytes arrive within ms (for "nothing more came" checks). */
  async drain(ms: number): Promise<string> {
    await new Promise((r) => setTimeout(r, ms));
    const out = this.buf.latin1Slice();
    this.buf = Buffer.alloc(0);
    return out;
  }

  close(): void {
    this.sock.destroy();
  }
}
