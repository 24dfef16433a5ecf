/**
 * What the serving code needs from the thread it runs on. In the CLI's own process these
 * are process.chdir and process.on; in a worker thread (src/cli/worker-host.ts), which has
 * neither, the main thread does them on the worker's behalf.
 */
export type CliSignal = 'SIGINT' | 'SIGTERM' | 'SIGABRT';

export interface CliHost {
  /** Changes the process's working directory; throws as process.chdir does. */
  chdir(dir: string): void;
  /** Runs `fn` each time the process receives `sig`. */
  onSignal(sig: CliSignal, fn: () => void): void;
  /** Sets the process title (ps, /proc/<pid>/cmdline); a worker thread's own would not show. */
  setTitle(title: string): void;
}

export const processHost: CliHost = {
  chdir: (dir) => process.chdir(dir),
  onSignal: (sig, fn) => {
    process.on(sig, fn);
  },
  setTitle: (title) => {
    process.title = title;
  },
};

/** What the launcher (src/cli.ts) hands the serving code (src/cli/serve.ts). */
export interface ServeRequest {
  configFile: string | null;
  /** config text: the file's, then stdin's, then the command line's (src/cli/args.ts) */
  text: string;
  /** this process is the background copy `daemonize yes` started */
  daemon: boolean;
  /** the process's stdout is a terminal (a worker's own stdout never is) */
  stdoutIsTTY: boolean;
}
