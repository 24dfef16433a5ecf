import { Server, type ServerOptions } from './server.ts';

export { Server, type ServerOptions } from './server.ts';
export type { ReplySink } from './resp/sink.ts';

/** A running redmoon server, as returned by startServer. */
export interface RunningServer {
  readonly port: number;
  readonly host: string;
  /** `redis://host:port` */
  readonly url: string;
  /** The server object, for in-process inspection. */
  readonly server: Server;
  /** Stops listening, disconnects clients, clears timers. */
  close(): Promise<void>;
  /** Removes every key of every database. */
  flushall(): void;
}

/**
 * Starts a server and resolves once it accepts connections.
 * `await startServer({ port: 0 })` picks a free port; many servers may run in one process.
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const server = new Server({ port: 0, ...options });
  const { port, host } = await server.listen();
  return {
    port,
    host,
    url: `redis://${host.includes(':') ? `[${host}]` : host}:${port}`,
    server,
    close: () => server.close(),
    flushall: () => server.flushall(),
  };
}
