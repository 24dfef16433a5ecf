import type { Client, BlockState } from './client.ts';
import { GATE_WRITE, GATE_MAY_REPLICATE } from './types.ts';
import type { ServerState } from './state.ts';
import { clearTimeout, setTimeout } from '../util/clock.ts';

/**
 * CLIENT PAUSE state. While set on the server, dispatch postpones matching commands:
 * in `all` mode every command, in `write` mode commands that may write (and EXEC of a
 * transaction holding one). Postponed clients stop reading input until the pause ends.
 */
export class ClientPause {
  private readonly postponed = new Map<Client, string[]>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly server: ServerState,
    public mode: 'write' | 'all',
    public endsAt: number,
  ) {
    this.arm();
  }

  /** Extends or changes the pause (a later CLIENT PAUSE): the longer end and the stricter mode win. */
  update(mode: 'write' | 'all', endsAt: number): void {
    if (endsAt > this.endsAt) this.endsAt = endsAt;
    if (mode === 'all') this.mode = 'all';
    this.arm();
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.end(), Math.max(0, this.endsAt - this.server.clock.now()));
  }

  /** The server clock jumped (the `time` API): ends the pause if its end has passed. */
  clockMoved(): void {
    if (this.endsAt <= this.server.clock.now()) this.end();
    else this.arm();
  }

  /** True when a command with these gate flags (dispatch's gateFlags) must wait for the pause to end. */
  blocks(gate: number): boolean {
    return this.mode === 'all' || (gate & (GATE_WRITE | GATE_MAY_REPLICATE)) !== 0;
  }

  /** Parks a client with the command it tried to run. */
  postpone(c: Client, argv: string[]): void {
    this.postponed.set(c, argv);
    const state: BlockState = {
      cancel: () => {
        this.postponed.delete(c);
      },
    };
    c.blocked = state;
  }

  /** Ends the pause (timeout or CLIENT UNPAUSE) and runs the postponed commands in order. */
  end(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const server = this.server;
    if (server.clientPause === this) server.clientPause = null;
    const waiting = [...this.postponed];
    this.postponed.clear();
    for (const [c] of waiting) c.blocked = null;
    for (const [c, argv] of waiting) {
      if (!server.clients.has(c.id)) continue;
      server.execute(c, argv);
      c.flush();
      server.resumeClient(c);
    }
  }
}
