/**
 * The server side of the command line (src/cli.ts decides where it runs): validates the
 * config text as redis-server does, logs what redis-server logs at start and exit, writes
 * the pidfile, listens, and ends the process on signals, SHUTDOWN and crashes.
 *
 * Bundled on its own (dist/cli-serve.cjs) so the launcher can decide on the heap before
 * any of the server's code is loaded.
 */
import { keepProcTitle } from './proc-title.ts';
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { isMainThread } from 'node:worker_threads';
import { ConfigFileError } from './args.ts';
import { loadConfigLines, type LoadedConfig } from './config-file.ts';
import { startBanner } from './banner.ts';
import { logSink } from './logfile.ts';
import type { CliHost, ServeRequest } from './host.ts';
import { PersistenceStartupError } from '../persistence/aof.ts';
import { RdbLoadError } from '../persistence/rdb-loader.ts';
import { Persistence, ShutdownWhileLoading } from '../persistence/persistence.ts';
import { Server } from '../server.ts';
import { loadAclFile } from '../commands/acl-file.ts';
import { hasSpaces } from '../core/acl.ts';

function fatal(text: string): never {
  process.stderr.write(text);
  process.exit(1);
}

/** The config text applied as redis-server would, or the process ends with its error. */
export function loadConfigOrExit(text: string): LoadedConfig {
  try {
    return loadConfigLines(text);
  } catch (e) {
    if (e instanceof ConfigFileError) fatal(e.report());
    fatal(`${(e as Error).message}\n`);
  }
}

/** Serves until the process ends; `onReady` runs once connections are accepted. */
export async function serve(req: ServeRequest, host: CliHost, onReady: () => void = () => {}): Promise<void> {
  const { configFile, daemon } = req;
  const { params: config, users, renames } = loadConfigOrExit(req.text);
  // redis-server's default: every interface, IPv6 when there is some (protected mode keeps
  // other hosts out until a password is set).
  if (!('bind' in config)) config['bind'] = '* -::*';
  const logfile = config['logfile'] ?? '';
  // A daemon has no terminal: without a logfile its log goes nowhere, as with Redis.
  let sink: (line: string) => void;
  try {
    sink = logfile === '' && daemon ? () => {} : logSink(logfile);
  } catch (e) {
    fatal(`${(e as Error).message}\n`);
  }

  let server: Server;
  try {
    server = new Server({ config, log: sink });
    for (const [from, to] of renames) server.table.rename(from, to);
    for (const [name, ...rules] of users) {
      if (hasSpaces(name)) {
        server.log('warning', 'Spaces not allowed in ACL usernames');
        server.log('warning', 'Critical error while loading ACLs. Exiting.');
        process.exit(1);
      }
      const err = server.acl.defineUser(name, rules);
      if (err !== null) throw new Error(`Error in user declaration '${name}': ${err}`);
    }
  } catch (e) {
    fatal(`\n*** FATAL CONFIG ERROR (Redis 7.0.15) ***\n${(e as Error & { text?: string }).text ?? (e as Error).message}\n`);
  }
  if (configFile !== null) server.configFile = path.resolve(configFile);
  try {
    host.chdir(server.config.get('dir'));
  } catch (e) {
    server.log('warning', `Can't chdir to '${server.config.get('dir')}': ${(e as Error).message}`);
    process.exit(1);
  }
  server.log('warning', 'oO0OoO0OoO0Oo redmoon is starting oO0OoO0OoO0Oo');
  server.log('warning', `redmoon 0.1.0, Redis version=7.0.15 compatible, bits=64, pid=${process.pid}, just started`);
  server.log('warning', configFile === null ? 'Warning: no config file specified, using the default config. In order to specify a config file use redmoon /path/to/redis.conf' : 'Configuration loaded');

  const port = server.config.getInt('port');
  const showLogo = server.config.getBool('always-show-logo') || (!daemon && logfile === '' && req.stdoutIsTTY);
  // As Redis prints it: once the port is bound (tools take the PID line as "accepting
  // connections", LOADING replies included), before the dataset loads.
  const announce = () => {
    for (const line of startBanner(showLogo, port, process.pid)) server.logRaw('notice', line);
    server.log('warning', 'Server initialized');
    const heapMb = Math.round(v8.getHeapStatistics().heap_size_limit / 2 ** 20);
    server.log('verbose', `V8 heap limit ${heapMb} MB${isMainThread ? '' : ' (worker thread)'}`);
    if (server.config.get('aclfile') !== '') {
      if (users.length !== 0) {
        server.log('warning', 'Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or declare users directly in your redis.conf, but not both.');
        process.exit(1);
      }
      const errors = loadAclFile(server);
      if (errors !== null) {
        server.log('warning', `Aborting Redis startup because of ACL errors: ${errors}`);
        process.exit(1);
      }
    }
  };

  let addr: { port: number; host: string };
  try {
    addr = await server.listen(announce);
  } catch (e) {
    // SHUTDOWN while the dataset loaded: the server said bye bye, as Redis exits then
    if (e instanceof ShutdownWhileLoading) process.exit(0);
    if (e instanceof RdbLoadError) {
      for (const line of e.lines) server.log('warning', line);
      process.exit(1);
    }
    if (e instanceof PersistenceStartupError) {
      // a persistence file that cannot be loaded was reported where it was found
      process.exit(1);
    }
    // (each address that failed was logged)
    server.log('warning', `Failed listening on port ${port} (TCP), aborting.`);
    process.exit(1);
  }

  const pidfile = server.config.get('pidfile');
  if (pidfile !== '' || daemon) {
    const file = pidfile === '' ? '/var/run/redis.pid' : pidfile;
    try {
      fs.writeFileSync(file, `${process.pid}\n`);
    } catch {
      server.log('warning', `Failed to write PID file: ${file}`);
    }
  }
  const removePidfile = () => {
    if (pidfile === '') return;
    server.log('notice', 'Removing the pid file.');
    try {
      fs.unlinkSync(pidfile);
    } catch {
      /* already gone */
    }
  };

  keepProcTitle(server, (t) => host.setTitle(t));
  const unixsocket = server.config.get('unixsocket');
  if (addr.host === '' && unixsocket === '') {
    server.log('warning', 'Configured to not listen anywhere, exiting.');
    process.exit(1);
  }
  server.log('notice', addr.host === '' ? 'Ready to accept connections' : `Ready to accept connections tcp on ${addr.host}:${addr.port}`);
  if (unixsocket !== '') server.log('notice', `The server is now ready to accept connections at ${unixsocket}`);

  const exit = (code: number) => {
    removePidfile();
    server.log('warning', 'Redis is now ready to exit, bye bye...');
    process.exit(code);
  };
  // sigShutdownHandler: the signal only asks; the cron shuts down (SHUTDOWN ABORT can still
  // cancel it). A second SIGINT while that is under way exits at once.
  const onSignal = (sig: 'SIGINT' | 'SIGTERM') => {
    if (server.shutdownSignal !== null && sig === 'SIGINT') {
      server.log('warning', 'You insist... exiting now.');
      Persistence.of(server).removeForegroundTempFile();
      removePidfile();
      process.exit(1);
    }
    server.log('warning', `Received ${sig} scheduling shutdown...`);
    server.shutdownSignal = sig;
  };
  let shuttingDown = false;
  server.onSignalShutdown = (sig) => {
    if (shuttingDown) return;
    shuttingDown = true;
    // shutdown-on-sigint / shutdown-on-sigterm: default, or save / nosave (now, force)
    const flags = server.config.get(sig === 'SIGINT' ? 'shutdown-on-sigint' : 'shutdown-on-sigterm').split(' ');
    server.log('warning', 'User requested shutdown...');
    void Persistence.of(server)
      .shutdownSaveAsync(flags.includes('save'), flags.includes('nosave'))
      .then((saved) => {
        if (server.shutdownSignal === null) {
          shuttingDown = false; // SHUTDOWN ABORT meanwhile
          return;
        }
        if (!saved && !flags.includes('force')) {
          server.log('warning', `${sig} received but errors trying to shut down the server, check the logs for more information`);
          server.shutdownSignal = null;
          shuttingDown = false;
          return;
        }
        void server.close().then(() => exit(0));
      });
  };
  host.onSignal('SIGINT', () => onSignal('SIGINT'));
  host.onSignal('SIGTERM', () => onSignal('SIGTERM'));
  // A crash report in the log, as tools watching a server's log expect (then exit like Redis).
  host.onSignal('SIGABRT', () => server.crashReport('signal', 'crashed by signal: 6, si_code: 0'));
  server.onCrash = (reason) => {
    removePidfile();
    process.exit(reason === 'signal' ? 134 : 139);
  };
  // SHUTDOWN has logged its own lines by then
  server.onShutdown = () => {
    removePidfile();
    process.exit(0);
  };
  onReady();
}
