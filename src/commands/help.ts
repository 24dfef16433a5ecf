import type { ReplySink } from '../resp/sink.ts';

/**
 * Redis's `<CMD> HELP` reply: an array of status lines, a fixed header, the command's own
 * lines, then the HELP entry every container command ends with.
 */
export function replyHelp(out: ReplySink, container: string, lines: readonly string[]): void {
  out.array(lines.length + 3);
  out.simple(`${container} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const l of lines) out.simple(l);
  out.simple('HELP');
  out.simple('    Prints this help.');
}
