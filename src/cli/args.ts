/**
 * redis-server's command line: `[configfile] [-] [--name value ...]`. As in Redis, the options
 * become extra lines appended to the config file's text (values quoted), and the whole text is
 * read line by line, so an error names the line it comes from in Redis's own words.
 */
import fs from 'node:fs';
import { splitArgs } from '../util/splitargs.ts';
import { reprBytes } from '../core/monitor.ts';

export const VERSION_BANNER = 'Redis server v=7.0.15 sha=00000000:0 malloc=libc bits=64 build=redmoon';

/** A config line that cannot be applied: printed as Redis's FATAL CONFIG FILE ERROR. */
export class ConfigFileError extends Error {
  constructor(
    readonly lineNo: number,
    readonly line: string,
    readonly reason: string,
  ) {
    super(reason);
  }

  report(): string {
    return `\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line ${this.lineNo}\n>>> '${this.line}'\n${this.reason}\n`;
  }
}

export interface ConfigLine {
  lineNo: number;
  /** the line as written (trimmed), for error reports */
  text: string;
  /** directive name, lower case */
  name: string;
  args: string[];
}

export interface CommandLine {
  configFile: string | null;
  /** config text: the file's, then stdin's, then the options' */
  text: string;
}

/**
 * Turns argv into config text the way redis-server does: `--name` starts a new line and takes
 * the next argument as its value even when that starts with `--`; any other argument is a
 * value, quoted; `--save` with nothing after it means `save ""`.
 */
export function commandLineConfig(argv: string[], readStdin: () => string = () => fs.readFileSync(0, 'latin1')): CommandLine {
  let j = 0;
  let configFile: string | null = null;
  if (argv.length > 0 && !argv[0].startsWith('-')) configFile = argv[j++];
  let options = '';
  let stdin = '';
  let valueTaken = true;
  for (; j < argv.length; j++) {
    const a = argv[j];
    if (a === '-' && (j === 0 || j === argv.length - 1 || (configFile !== null && j === 1))) {
      stdin = readStdin();
      continue;
    }
    if (valueTaken && a.startsWith('--')) {
      if (options.length) options += '\n';
      options += a.slice(2) + ' ';
      const words = splitArgs(a);
      valueTaken = words !== null && words.length > 1; // "--port 6380" in one argument
      if (!valueTaken && a.toLowerCase() === '--save') {
        const last = j === argv.length - 1;
        if (last || argv[j + 1].startsWith('--')) {
          options += '""';
          valueTaken = !last;
        }
      } else if (!valueTaken && a.toLowerCase() === '--sentinel') {
        if (j === argv.length - 1 || argv[j + 1].startsWith('--')) valueTaken = j !== argv.length - 1;
      }
    } else {
      options += reprBytes(a) + ' ';
      valueTaken = true;
    }
  }
  let text = configFile !== null ? readConfigFile(configFile) : '';
  if (stdin) text += '\n' + stdin;
  if (options) text += '\n' + options;
  return { configFile, text };
}

function readConfigFile(file: string): string {
  try {
    return fs.readFileSync(file, 'latin1');
  } catch (e) {
    throw new Error(`Fatal error, can't open config file '${file}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (e as Error).message}`);
  }
}

/** Splits config text into directives; blank lines and comments are skipped. */
export function configLines(text: string): ConfigLine[] {
  const out: ConfigLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (t === '' || t.startsWith('#')) continue;
    const words = splitArgs(t);
    if (words === null) throw new ConfigFileError(i + 1, t, 'Unbalanced quotes in configuration line');
    if (words.length === 0) continue;
    out.push({ lineNo: i + 1, text: t, name: words[0].toLowerCase(), args: words.slice(1) });
  }
  return out;
}

/**
 * The last value of each of `names` in config text, `include`d files followed: for what
 * the launcher decides before the config is validated (src/cli/config-file.ts reports the
 * errors, so an unreadable include is skipped here).
 */
export function peekDirectives(text: string, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (lines: ConfigLine[], depth: number): void => {
    for (const l of lines) {
      if (l.name === 'include' && l.args.length === 1 && depth < 16) {
        let included: string;
        try {
          included = fs.readFileSync(l.args[0], 'latin1');
        } catch {
          continue;
        }
        walk(configLines(included), depth + 1);
      } else if (names.includes(l.name) && l.args.length > 0) {
        out[l.name] = l.args.join(' ');
      }
    }
  };
  walk(configLines(text), 0);
  return out;
}
