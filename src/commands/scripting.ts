/**
 * Scripting commands: EVAL / EVALSHA (+ _RO), SCRIPT *, FUNCTION *, FCALL / FCALL_RO.
 * The run rules live in src/lua/scripting.ts, the Lua side in src/lua/.
 */
import type { Client } from '../core/client.ts';
import type { ReplySink } from '../resp/sink.ts';
import type { HandlerTable } from '../core/types.ts';
import { ERR, cstr } from '../errors.ts';
import { replyHelp } from './help.ts';
import { parseInt64 } from '../util/numbers.ts';
import { type EvalScript, Scripting, scriptFlagsToGate, parseNumkeys } from '../lua/scripting.ts';
import type { ServerState } from '../core/state.ts';
import type { Command } from '../core/types.ts';
import { startDebugSession, FLAG_LUA_DEBUG, FLAG_LUA_DEBUG_SYNC } from '../lua/debug-session.ts';

/** EVAL and FCALL skip dispatch's MONITOR feed: they show up before the commands they run. */
function feedMonitors(c: Client, argv: string[]): void {
  if (c.server.monitors.size !== 0) c.server.feedMonitors(c, argv);
}

function evalGeneric(c: Client, argv: string[], out: ReplySink, isSha: boolean, ro: boolean): void {
  feedMonitors(c, argv);
  if (c.flags.size !== 0 && c.flags.has(FLAG_LUA_DEBUG) && c.sock !== null) {
    if (!isSha) startDebugSession(Scripting.of(c.server), c, argv, ro);
    else if (argv[1].length !== 40) out.error(ERR.noScript);
    else out.error(ERR.scriptDebugEvalsha);
    return;
  }
  const numkeys = parseNumkeys(argv, ERR.notInteger);
  if (typeof numkeys === 'string') {
    out.error(numkeys);
    return;
  }
  const s = Scripting.of(c.server);
  let script: EvalScript | undefined;
  let sha: string;
  if (isSha) {
    // the script cache is looked up case-insensitively
    script = s.scriptBySha(argv[1]);
    if (script === undefined) {
      out.error(ERR.noScript);
      return;
    }
    sha = script.sha;
  } else {
    const r = s.createEvalScript(argv[1]);
    if ('error' in r) {
      out.error(r.error);
      return;
    }
    sha = r.sha;
    script = s.scripts.get(sha)!;
  }
  const prep = s.prepare(script.flags, ro);
  if ('error' in prep) {
    out.error(prep.error);
    return;
  }
  s.runScript(c, s.evalEngine, script.ref, argv.slice(3, 3 + numkeys), argv.slice(3 + numkeys), out, {
    name: sha,
    isEval: true,
    readOnly: prep.readOnly,
    allowOom: prep.allowOom,
    argv,
  });
}

/**
 * evalGetCommandFlags / fcallGetCommandFlags: the gate flags of EVAL, EVALSHA, FCALL and
 * their _RO forms are what the script declares (its shebang, or the function's flags);
 * without declared flags, or for an unknown script, the command's own.
 */
export function scriptGateFlags(server: ServerState, cmd: Command, argv: string[]): number {
  const own = cmd.gateFlags;
  switch (cmd.name) {
    case 'eval':
    case 'eval_ro':
      return scriptFlagsToGate(own, Scripting.of(server).declaredEvalFlags(argv[1]));
    case 'evalsha':
    case 'evalsha_ro': {
      if (argv[1].length !== 40) return own;
      const script = Scripting.of(server).scriptBySha(argv[1]);
      return script === undefined ? own : scriptFlagsToGate(own, script.flags);
    }
    case 'fcall':
    case 'fcall_ro': {
      const fn = Scripting.of(server).peekFunctions()?.functions.get(argv[1].toLowerCase());
      return fn === undefined ? own : scriptFlagsToGate(own, fn.flags);
    }
    default:
      return own;
  }
}

const SCRIPT_HELP = [
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
];

const FUNCTION_HELP = [
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
];

export const commands: HandlerTable = {
  eval: (c, argv, out) => evalGeneric(c, argv, out, false, false),
  evalsha: (c, argv, out) => evalGeneric(c, argv, out, true, false),
  eval_ro: (c, argv, out) => evalGeneric(c, argv, out, false, true),
  evalsha_ro: (c, argv, out) => evalGeneric(c, argv, out, true, true),

  'script|help': (_c, _argv, out) => replyHelp(out, 'SCRIPT', SCRIPT_HELP),

  'script|load': (c, argv, out) => {
    const r = Scripting.of(c.server).createEvalScript(argv[2]);
    if ('error' in r) out.error(r.error);
    else out.bulk(r.sha);
  },

  'script|exists': (c, argv, out) => {
    const scripts = Scripting.of(c.server).scripts;
    out.array(argv.length - 2);
    for (let i = 2; i < argv.length; i++) out.integer(scripts.has(argv[i].toLowerCase()) ? 1 : 0);
  },

  'script|flush': (c, argv, out) => {
    if (argv.length > 3 || (argv.length === 3 && argv[2].toLowerCase() !== 'sync' && argv[2].toLowerCase() !== 'async')) {
      out.error(ERR.scriptFlushOnly);
      return;
    }
    Scripting.of(c.server).flushEvalScripts();
    out.simple('OK');
  },

  'script|kill': (c, _argv, out) => {
    const err = Scripting.of(c.server).kill(true);
    if (err === null) out.simple('OK');
    else out.error(err);
  },

  'script|debug': (c, argv, out) => {
    // replies not yet written (a pipeline, or the transaction SCRIPT DEBUG is part of)
    // would end up behind the debugger's output
    if (c.writer.hasPending) {
      out.error(ERR.scriptDebugPipeline);
      return;
    }
    const mode = argv[2].toLowerCase();
    if (mode === 'no') {
      c.flags.delete(FLAG_LUA_DEBUG);
      c.flags.delete(FLAG_LUA_DEBUG_SYNC);
    } else if (mode === 'yes') {
      // as Redis's ldbEnable: a SYNC chosen before stays in force
      c.flags.add(FLAG_LUA_DEBUG);
    } else if (mode === 'sync') {
      c.flags.add(FLAG_LUA_DEBUG);
      c.flags.add(FLAG_LUA_DEBUG_SYNC);
    } else {
      out.error(ERR.scriptDebugYes);
      return;
    }
    out.simple('OK');
  },

  fcall: (c, argv, out) => {
    feedMonitors(c, argv);
    Scripting.of(c.server).functions.fcall(c, argv, out, false);
  },
  fcall_ro: (c, argv, out) => {
    feedMonitors(c, argv);
    Scripting.of(c.server).functions.fcall(c, argv, out, true);
  },

  'function|help': (_c, _argv, out) => replyHelp(out, 'FUNCTION', FUNCTION_HELP),

  'function|load': (c, argv, out) => {
    if (Scripting.of(c.server).functions.load(argv, out)) c.server.dirty++;
  },

  'function|delete': (c, argv, out) => {
    if (Scripting.of(c.server).functions.delete(argv[2], out)) c.server.dirty++;
  },

  'function|flush': (c, argv, out) => {
    if (argv.length > 3) {
      out.error(ERR.subcommandOrArityFunction(cstr(argv[1])));
      return;
    }
    if (argv.length === 3 && argv[2].toLowerCase() !== 'sync' && argv[2].toLowerCase() !== 'async') {
      out.error(ERR.functionFlushOnly);
      return;
    }
    Scripting.of(c.server).functions.flush();
    c.server.dirty++;
    out.simple('OK');
  },

  'function|list': (c, argv, out) => Scripting.of(c.server).functions.list(argv, out),

  'function|stats': (c, _argv, out) => Scripting.of(c.server).functions.stats(out),

  'function|kill': (c, _argv, out) => {
    const err = Scripting.of(c.server).kill(false);
    if (err === null) out.simple('OK');
    else out.error(err);
  },

  'function|dump': (c, _argv, out) => {
    out.bulk(Scripting.of(c.server).functions.dump(c.server.config.get('rdbcompression') === 'yes'));
  },

  'function|restore': (c, argv, out) => {
    if (Scripting.of(c.server).functions.restore(argv, out)) c.server.dirty++;
  },
};
