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
  // Embedded servers persist nothing unless asked to (redis-server's defaults are the CLI's).
  const persist =
    options.dir !== undefined ||
    options.dbfilename !== undefined ||
    options.save !== undefined ||
    options.appendonly !== undefined ||
    ['dir', 'dbfilename', 'save', 'appendonly'].some((k) => options.config?.[k] !== undefined);
  const server = new Server({
    port: 0,
    ...options,
    config: persist ? options.config : { save: '', ...options.config },
    loadOnStart: options.loadOnStart ?? persist,
  });
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
