/**
 * Redis error replies, word for word from redis-server 7.0.15.
 * Handlers throw `ReplyError`; dispatch turns it into an error reply.
 */
export class ReplyError extends Error {
  /** `text` is the full reply text including its code, e.g. `ERR syntax error`. */
  constructor(readonly text: string) {
    super(text);
  }
}

export const ERR = {
  syntax: 'ERR syntax error',
  wrongType: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  notInteger: 'ERR value is not an integer or out of range',
  notFloat: 'ERR value is not a valid float',
  noSuchKey: 'ERR no such key',
  overflow: 'ERR increment or decrement would overflow',
  outOfRange: 'ERR index out of range',
  dbIndex: 'ERR DB index is out of range',
  invalidExpire: (cmd: string) => `ERR invalid expire time in '${cmd}' command`,
  wrongArgs: (cmd: string) => `ERR wrong number of arguments for '${cmd}' command`,
  noAuth: 'NOAUTH Authentication required.',
  wrongPass: 'WRONGPASS invalid username-password pair or user is disabled.',
  noScript: 'NOSCRIPT No matching script. Please use EVAL.',
  busy: 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
  sameObject: 'ERR source and destination objects are the same',
  bitOffset: 'ERR bit offset is not an integer or out of range',
  bitValue: 'ERR bit is not an integer or out of range',
  stringTooLong: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
  timeoutNegative: 'ERR timeout is negative',
  timeoutNotFloat: 'ERR timeout is not a float or out of range',
  bgsaveInProgress: 'ERR Background save already in progress',
  bgsaveOtherChild:
    "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
  shutdownFailed: 'ERR Errors trying to SHUTDOWN. Check logs.',
  bgsaveMisconf:
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.",
  reloadFailed: 'ERR Error trying to load the RDB dump, check server logs.',
  /** shared.err: a save that failed (the log says why) */
  bare: 'ERR',
  oom: "OOM command not allowed when used memory > 'maxmemory'.",
  noReplicas: 'NOREPLICAS Not enough good replicas to write.',
  streamKeyGone: 'UNBLOCKED the stream key no longer exists',
  /** (Redis 7.0.15's reply says "HELLO AUTH", without the <proto> its source shows) */
  helloNoAuth:
    'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
  scriptNoAllowOom: "OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'",
  readOnlyScript: 'ERR Write commands are not allowed from read-only scripts.',
} as const;

/** `ERR unknown command 'foo', with args beginning with: 'a' 'b' ` (trailing space as Redis). */
export function unknownCommand(argv: string[]): string {
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) {
    args += `'${clip(argv[i], 128 - args.length)}' `;
  }
  return `ERR unknown command '${clip(argv[0], 128)}', with args beginning with: ${args}`;
}

/** `ERR unknown subcommand 'x'. Try CLIENT HELP.` */
export function unknownSubcommand(container: string, sub: string): string {
  return `ERR unknown subcommand '${clip(sub, 128)}'. Try ${container.toUpperCase()} HELP.`;
}

function clip(s: string, n: number): string {
  // Redis prints at most n bytes (%.*s, so a NUL ends it) and replaces newlines so the
  // error stays one line.
  s = cstr(s);
  return (s.length > n ? s.slice(0, n) : s).replace(/[\r\n]/g, ' ');
}

/**
 * A byte string as an error message built with printf's %s shows it: up to the first NUL.
 * Use when quoting user data in error texts (`ERR Unsupported option ${cstr(arg)}`).
 */
export function cstr(s: string): string {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}

// Thrown to users of the embedding API too (RunningServer.call): named like ioredis's.
Object.defineProperty(ReplyError.prototype, 'name', { value: 'ReplyError', writable: true, configurable: true });
