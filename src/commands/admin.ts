import type { HandlerTable } from './types.ts';
import { commands as commandCmds } from './command.ts';
import { commands as configCmds } from './config.ts';
import { commands as infoCmds } from './info.ts';
import { commands as clientCmds } from './client.ts';

/** Server administration and introspection: COMMAND, CONFIG, INFO, and the families below. */
export const commands: HandlerTable = {
  ...commandCmds,
  ...configCmds,
  ...infoCmds,
  ...clientCmds,
};
