/**
 * Command line entry: `redmoon [configfile] [-] [--name value ...]`, redis-server style, so
 * that tools which drive redis-server (Redis's own test framework among them) can drive
 * redmoon: same argument rules and config errors, same log lines at start and exit, logfile,
 * pidfile, unixsocket and daemonize. Serves on port 6379 of every interface by default, in
 * protected mode (only local clients until the default user has a password), as Redis.
 *
 * This file is kept small because it decides, before the server's code is loaded, where
 * the server runs: in this thread, or in a worker thread with a larger heap
 * (src/cli/heap-size.ts). The server side is src/cli/serve.ts; built, it is its own bundle
 * (dist/cli-serve.cjs), loaded with its compiled code cached (src/cli/code-cache.ts); the
 * worker's entry is dist/cli-worker.cjs (src/cli/worker-main.ts).
 */
import { commandLineConfig, ConfigFileError, peekDirectives, VERSION_BANNER } from './cli/args.ts';
import { workerHeapMb } from './cli/heap-size.ts';
import { processHost, type ServeRequest } from './cli/host.ts';
import { BUNDLED, readServeBundle } from './cli/bundle-files.ts';
import { serveInWorker } from './cli/worker-host.ts';

const USAGE = `Usage: redmoon [/path/to/redis.conf] [options] [-]
       redmoon - (read config from stdin)
       redmoon -v or --version
       redmoon -h or --help

Examples:
       redmoon (run the server with default config)
       redmoon /etc/redis/6379.conf
       redmoon --port 7777
       redmoon /etc/myredis.conf --loglevel verbose -
       redmoon --port 6380 --requirepass secret --save '' --appendonly no
Options are redis.conf directives written as --name value.`;

/** Set in the environment of the process `daemonize yes` starts in the background. */
const DAEMON_ENV = 'REDMOON_DAEMON_CHILD';

function fatal(text: string): never {
  process.stderr.write(text);
  process.exit(1);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.length === 1 && (args[0] === '--help' || args[0] === '-h')) {
    console.log(USAGE);
    return;
  }
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
    console.log(VERSION_BANNER);
    return;
  }
  let req: ServeRequest;
  let peeked: Record<string, string>;
  try {
    const cmd = commandLineConfig(args);
    peeked = peekDirectives(cmd.text, ['daemonize', 'maxmemory']);
    req = { configFile: cmd.configFile, text: cmd.text, daemon: !!process.env[DAEMON_ENV], stdoutIsTTY: false };
  } catch (e) {
    if (e instanceof ConfigFileError) fatal(e.report());
    fatal(`${(e as Error).message}\n`);
  }

  if ((peeked['daemonize'] ?? '').toLowerCase() === 'yes' && !req.daemon) {
    // Config errors go to this terminal, not to the daemon's nowhere.
    (await (await import('./cli/load-serve.ts')).loadServe()).serve.loadConfigOrExit(req.text);
    // No fork in Node: the same command runs again, detached, and this process exits.
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, [DAEMON_ENV]: '1' },
    });
    child.unref();
    process.exit(0);
  }

  // Run from src/ (tsx), a worker could not load TypeScript: this thread serves.
  const heapMb = BUNDLED ? workerHeapMb(peeked) : null;
  // What serving in this thread needs is loaded only then (node:tty loads node:net; the
  // worker asks whether stdout is a terminal itself).
  if (heapMb === null) {
    const { serveHere } = await import('./cli/load-serve.ts');
    await serveHere({ ...req, stdoutIsTTY: (await import('node:tty')).isatty(1) }, processHost);
  }
  else serveInWorker(new URL('./cli-worker.cjs', import.meta.url), req, heapMb, readServeBundle);
}

void main();
