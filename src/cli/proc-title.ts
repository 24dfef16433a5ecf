/**
 * The process title (`ps`, /proc/<pid>/cmdline) from proc-title-template, as redis-server
 * sets it with set-proc-title yes: at startup and after every CONFIG SET of the template.
 * Only the CLI does this: an embedding process keeps its own title.
 */
import { expandProcTitle } from '../util/proc-title.ts';

interface TitleSource {
  config: { get(name: string): string; getBool(name: string): boolean; watch(name: string, f: (v: string) => void): void };
  configFile: string | null;
}

export function keepProcTitle(server: TitleSource, setTitle: (title: string) => void): void {
  if (!server.config.getBool('set-proc-title')) return;
  // {title} is the name the server was started under: a wrapper script (the Tcl suite's
  // src/redis-server) passes its own in REDMOON_ARGV0, else it is the script node runs.
  const title = process.env['REDMOON_ARGV0'] || process.argv[1] || 'redmoon';
  server.config.watch('proc-title-template', (template) => {
    const cfg = server.config;
    const port = cfg.get('port');
    const tlsPort = cfg.get('tls-port');
    const bind = cfg.get('bind').split(' ')[0] || '*';
    const listenAddr = port !== '0' || tlsPort !== '0' ? `${bind}:${port !== '0' ? port : tlsPort}` : `unixsocket:${cfg.get('unixsocket')}`;
    const t = expandProcTitle(template, {
      title,
      'listen-addr': listenAddr,
      'server-mode': '',
      'config-file': server.configFile ?? '-',
      port,
      'tls-port': tlsPort,
      unixsocket: cfg.get('unixsocket'),
    });
    if (t === null) return;
    try {
      setTitle(t);
    } catch {
      /* a title the platform refuses: keep the old one */
    }
  });
}
