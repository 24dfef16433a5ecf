/**
 * Applies config text (a config file plus command-line options, src/cli/args.ts) the way
 * redis-server loads its config: line by line, every value validated as CONFIG SET would, the
 * first error fatal and reported with its line.
 */
import fs from 'node:fs';
import { configLines, ConfigFileError, type ConfigLine } from './args.ts';
import { configFileValue } from '../commands/config.ts';
import { Config } from '../core/config.ts';
import { COMMAND_META } from '../core/meta.ts';

/** Directives that are not parameters and that redmoon has nothing to do with. */
const UNSUPPORTED: Record<string, string> = {
  loadmodule: 'Modules are not supported by redmoon',
  sentinel: 'sentinel directive while not in sentinel mode',
};

/** Values redmoon cannot honour, refused at startup rather than silently ignored. */
const UNSUPPORTED_VALUES: Record<string, [string, string]> = {};

export interface LoadedConfig {
  /** parameter values by name, as the Server constructor takes them */
  params: Record<string, string>;
  /** `user` lines: name then ACL rules */
  users: string[][];
  /** `rename-command` lines: a command's name, then its new name ('' removes it) */
  renames: [string, string][];
}

export function loadConfigLines(text: string): LoadedConfig {
  const out: Record<string, string> = {};
  const userLines: string[][] = [];
  const defaults = new Config();
  let saveSeen = false;
  const users = new Set<string>();
  const renames: [string, string][] = [];
  // The names commands answer to so far, for rename-command's checks
  const names = new Set(Object.keys(COMMAND_META));
  const apply = (lines: ConfigLine[]): void => {
    for (const l of lines) {
      const fail = (reason: string): never => {
        throw new ConfigFileError(l.lineNo, l.text, reason);
      };
      if (l.name === 'include') {
        if (l.args.length !== 1) fail('Bad directive or wrong number of arguments');
        let included: string;
        try {
          included = fs.readFileSync(l.args[0], 'latin1');
        } catch (e) {
          fail(`Fatal error, can't open config file '${l.args[0]}': ${(e as Error).message}`);
        }
        apply(configLines(included!));
        continue;
      }
      if (l.name in UNSUPPORTED) fail(UNSUPPORTED[l.name]);
      if (l.name === 'rename-command' && l.args.length === 2) {
        const [from, to] = l.args;
        if (!names.delete(from.toLowerCase())) fail('No such command in rename-command');
        if (to !== '') {
          if (names.has(to.toLowerCase())) fail('Target command name already exists');
          names.add(to.toLowerCase());
        }
        renames.push([from.toLowerCase(), to]);
        continue;
      }
      if (l.name === 'user') {
        if (l.args.length < 1) fail('Bad directive or wrong number of arguments');
        const name = l.args[0];
        if (users.has(name)) fail(`Error in user declaration '${name}': Duplicate user found. A user can only be defined once in config files`);
        users.add(name);
        userLines.push(l.args);
        continue;
      }
      // Redis's first `save` line replaces the default save points, later ones add to them.
      const previous = l.name in out ? out[l.name] : defaults.has(l.name) ? defaults.get(l.name) : '';
      let value: string;
      try {
        value = configFileValue(l.name, l.args, previous);
      } catch (e) {
        fail((e as Error).message);
      }
      if (l.name === 'save') {
        if (saveSeen && value! !== '' && out['save']) value = `${out['save']} ${value!}`;
        saveSeen = true;
      }
      const refused = UNSUPPORTED_VALUES[l.name];
      if (refused && value! === refused[0]) fail(refused[1]);
      out[l.name] = value!;
    }
  };
  apply(configLines(text));
  return { params: out, users: userLines, renames };
}
