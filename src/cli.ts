/**
 * Command line entry: `redmoon [configfile] [--name value ...]`, redis-server style.
 * Serves on 127.0.0.1:6379 by default.
 */
import fs from 'node:fs';
import { splitArgs } from './util/splitargs.ts';
import { RdbLoadError } from './persistence/rdb-loader.ts';
import { Persistence } from './persistence/persistence.ts';
import { relaunchWithSizedHeap } from './heap-size.ts';

const USAGE = `Usage: redmoon [/path/to/redis.conf] [options]
       redmoon --port 6380 --requirepass secret --databases 16 --loglevel notice
Options are redis.conf directives written as --name value (e.g. --save '' --appendonly no).
Extra: --help, --version.`;

/** Parses argv into config directives: config file lines first, then --name value pairs. */
export function parseCliArgs(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  if (args.length > 0 && !args[0].startsWith('--')) {
    const text = fs.readFileSync(args[0], 'latin1');
    for (const line of text.split('\n')) {
      const t = line.trim();
      if (t === '' || t.startsWith('#')) continue;
      const parts = splitArgs(t);
      if (!parts || parts.length === 0) throw new Error(`bad config line: ${t}`);
      out[parts[0].toLowerCase()] = parts.slice(1).join(' ');
    }
    i = 1;
  }
  for (; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument '${a}'`);
    const name = a.slice(2).toLowerCase();
    const vals: string[] = [];
    while (i + 1 < args.length && !args[i + 1].startsWith('--')) vals.push(args[++i]);
    out[name] = vals.join(' ');
  }
  return out;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return;
  }
  if (args.includes('--version') || args.includes('-v')) {
    console.log('redmoon v=0.1.0 (Redis 7.0.15 compatible)');
    return;
  }
  let config: Record<string, string>;
  try {
    config = parseCliArgs(args);
  } catch (e) {
    process.stderr.write(`\n*** FATAL CONFIG ERROR (redmoon) ***\n${(e as Error).message}\n`);
    process.exit(1);
  }
  if (relaunchWithSizedHeap(config)) return;
  // Loaded only here: a process that re-runs itself with a sized heap never loads the server.
  const { Server } = await import('./server.ts');
  let server: InstanceType<typeof Server>;
  try {
    if (!('bind' in config)) config['bind'] = '127.0.0.1';
    server = new Server({ config, log: (line) => process.stdout.write(line + '\n') });
  } catch (e) {
    process.stderr.write(`\n*** FATAL CONFIG ERROR (redmoon) ***\n${(e as Error & { text?: string }).text ?? (e as Error).message}\n`);
    process.exit(1);
  }
  server.log('notice', 'redmoon 0.1.0 starting (Redis 7.0.15 compatible)');
  let addr: { port: number; host: string };
  try {
    addr = await server.listen();
  } catch (e) {
    if (e instanceof RdbLoadError) {
      for (const line of e.lines) server.log('warning', line);
    } else {
      server.log('warning', `Could not create server TCP listening socket: ${(e as Error).message}`);
    }
    process.exit(1);
  }
  server.log('notice', `Ready to accept connections tcp on ${addr.host}:${addr.port}`);
  const stop = (sig: string) => {
    server.log('warning', `Received ${sig} scheduling shutdown...`);
    server.log('warning', 'User requested shutdown...');
    if (!Persistence.of(server).shutdownSave(false, false)) {
      server.log('warning', `${sig} received but errors trying to shut down the server, check the logs for more information`);
      process.once(sig, () => stop(sig));
      return;
    }
    void server.close().then(() => {
      server.log('warning', 'redmoon is now ready to exit, bye bye...');
      process.exit(0);
    });
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  server.onShutdown = () => process.exit(0);
}

void main();
