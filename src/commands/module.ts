import { ReplyError, ERR } from '../errors.ts';
import type { HandlerTable } from '../core/types.ts';
import { replyHelp } from './help.ts';

/**
 * MODULE as a Redis 7.0.15 without modules answers it: nothing is loaded, and redmoon
 * cannot load native extensions, so LOAD/LOADEX fail as Redis does for a missing file.
 */
const LOAD_ERROR = ERR.errorLoadingExtension;

const HELP = [
  'LIST',
  '    Return a list of loaded modules.',
  'LOAD <path> [<arg> ...]',
  '    Load a module library from <path>, passing to it any optional arguments.',
  'LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]',
  '    Load a module library from <path>, while passing it module configurations and optional arguments.',
  'UNLOAD <name>',
  '    Unload a module.',
];

export const commands: HandlerTable = {
  'module|list': (_c, _argv, out) => out.array(0),
  'module|load': () => {
    throw new ReplyError(LOAD_ERROR);
  },
  'module|loadex': () => {
    throw new ReplyError(LOAD_ERROR);
  },
  'module|unload': () => {
    throw new ReplyError(ERR.errorUnloadingModule);
  },
  'module|help': (_c, _argv, out) => replyHelp(out, 'MODULE', HELP),
};
