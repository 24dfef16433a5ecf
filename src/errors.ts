/**
 * Redis error replies, word for word from redis-server 7.0.15.
 * Handlers throw `ReplyError`; dispatch turns it into an error reply.
 */
import { ReplyError } from './util/reply-error.ts';

export { ReplyError };

export const ERR = {
  syntax: 'ERR syntax error',
  aofRewriteInProgress: 'ERR Background append only file rewriting already in progress',
  aofLoadFailed: 'ERR Error loading the append only file (see the server log)',
  aofRewriteFailed: "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.",
  wrongType: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  notInteger: 'ERR value is not an integer or out of range',
  outOfRangeDatabase: 'ERR Out of range database',
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
  loading: 'LOADING Redis is loading the dataset in memory',
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
  // commands/acl.ts
  subcommandOrArity: (a0: string | number | bigint, a1: string | number | bigint) => `ERR unknown subcommand or wrong number of arguments for '${a0}'. Try ${a1} HELP.`,
  usernamesCantContain: "ERR Usernames can't contain spaces or null characters",
  unmatchedParenthesisAcl: (a: string | number | bigint) => `ERR Unmatched parenthesis in acl selector starting at '${a}'.`,
  errorAclSetuser: (a0: string | number | bigint, a1: string | number | bigint) => `ERR Error in ACL SETUSER modifier '${a0}': ${a1}`,
  defaultUserCannot: "ERR The 'default' user cannot be removed",
  sortByDenied: 'ERR BY option of SORT denied due to insufficient ACL permissions.',
  sortGetDenied: 'ERR GET option of SORT denied due to insufficient ACL permissions.',
  protectedModeDenied:
    "DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.",
  aclSaveFailed: 'ERR There was an error trying to save the ACLs. Please check the server logs for more information',
  redisInstanceNot: 'ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.',
  unknownCategory: (a: string | number | bigint) => `ERR Unknown category '${a}'`,
  aclGenpassArgument: 'ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096',
  userNotFound: (a: string | number | bigint) => `ERR User '${a}' not found`,
  commandNotFound: (a: string | number | bigint) => `ERR Command '${a}' not found`,

  // commands/admin.ts
  noShutdownProgress: 'ERR No shutdown in progress.',
  timeoutNotInteger: 'ERR timeout is not an integer or out of range',
  monitorDenyBlocking: "ERR MONITOR isn't allowed for DENY BLOCKING client",

  // commands/args.ts
  outRangePositive: (a: string | number | bigint) => `ERR ${a} is out of range, must be positive`,
  countGreaterThan: 'ERR count should be greater than 0',

  // commands/bitmaps.ts
  bitArgument: 'ERR The bit argument must be 1 or 0.',
  bitopNotCalled: 'ERR BITOP NOT must be called with a single source key.',
  invalidBitfieldType: 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.',
  invalidOverflowType: 'ERR Invalid OVERFLOW type specified',
  bitfieldRoOnly: 'ERR BITFIELD_RO only supports the GET subcommand',

  // commands/blocking.ts
  clientUnblockReason: 'ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR',

  // commands/client.ts
  unknownClientType: (a: string | number | bigint) => `ERR Unknown client type '${a}'`,
  invalidClientId: 'ERR Invalid client ID',
  clientIdGreater: 'ERR client-id should be greater than 0',
  noSuchUser: (a: string | number | bigint) => `ERR No such user '${a}'`,
  noSuchClient: 'ERR No such client',
  clientPauseMode: 'ERR CLIENT PAUSE mode must be WRITE or ALL',
  subcommandOrArityClient: (a: string | number | bigint) => `ERR unknown subcommand or wrong number of arguments for '${a}'. Try CLIENT HELP.`,

  // commands/cluster.ts
  instanceClusterSupport: 'ERR This instance has cluster support disabled',
  whenUsingMigrate: 'ERR When using MIGRATE KEYS option, the key argument must be set to the empty string',
  ioerrErrorTimeoutWriting: 'IOERR error or timeout writing to target instance',
  ioerrErrorTimeoutReading: 'IOERR error or timeout reading to target instance',
  ioerrErrorTimeoutConnecting: 'IOERR error or timeout connecting to the client',
  targetInstanceReplied: (a: string | number | bigint) => `ERR Target instance replied with error: ${a}`,

  // commands/command.ts
  invalidCommandSpecified: 'ERR Invalid command specified',
  commandNoKey: 'ERR The command has no key arguments',
  invalidNumberArguments: 'ERR Invalid number of arguments specified for command',
  invalidArgumentsSpecified: 'ERR Invalid arguments specified for command',

  // commands/config.ts
  unknownOptionNumber: (a: string | number | bigint) => `ERR Unknown option or number of arguments for CONFIG SET - '${a}'`,
  configSetFailed: (a0: string | number | bigint, a1: string | number | bigint) => `ERR CONFIG SET failed (possibly related to argument '${a0}') - ${a1}`,
  serverRunningWithout: 'ERR The server is running without a config file',

  // commands/connection.ts
  authPasswordCalled: 'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
  protocolVersionNot: 'ERR Protocol version is not an integer or out of range',
  noprotoUnsupportedProtocolVersion: 'NOPROTO unsupported protocol version',
  syntaxErrorHello: (a: string | number | bigint) => `ERR Syntax error in HELLO option '${a}'`,
  clientNamesCannot: 'ERR Client names cannot contain spaces, newlines or special characters.',

  // commands/debug.ts
  valueOutRange: 'ERR value is out of range, must be positive',
  subcommandOrArityDebug: (a: string | number | bigint) => `ERR unknown subcommand or wrong number of arguments for '${a}'. Try DEBUG HELP.`,
  resp2NotSupported: 'ERR RESP2 is not supported by this command',
  wrongProtocolType: 'ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false',
  debugReloadOnly: 'ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.',
  argumentMemoryValue: 'ERR argument must be a memory value bigger than 1 and smaller than 4gb',
  debugNotSupported: (a: string | number | bigint) => `ERR DEBUG ${a} is not supported by redmoon`,

  // commands/geo.ts
  unsupportedUnitProvided: 'ERR unsupported unit provided. please use M, KM, FT, MI',
  needNumericRadius: 'ERR need numeric radius',
  radiusCannotNegative: 'ERR radius cannot be negative',
  couldNotDecode: 'ERR could not decode requested zset member',
  countMustBePositive: 'ERR COUNT must be > 0',
  needNumericWidth: 'ERR need numeric width',
  needNumericHeight: 'ERR need numeric height',
  heightWidthCannot: 'ERR height or width cannot be negative',
  notCompatibleWithdist: (a: string | number | bigint) => `ERR ${a} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`,
  exactlyOneFrommember: (a: string | number | bigint) => `ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${a}`,
  exactlyOneByradius: (a: string | number | bigint) => `ERR exactly one of BYRADIUS and BYBOX can be specified for ${a}`,
  anyArgumentRequires: 'ERR the ANY argument requires COUNT argument',

  // commands/hashes.ts
  hashValueNot: 'ERR hash value is not an integer',
  valueNanInfinity: 'ERR value is NaN or Infinity',
  hashValueNotFloat: 'ERR hash value is not a float',
  incrementWouldProduce: 'ERR increment would produce NaN or Infinity',
  valueOutRangeValue: 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
  valueIsOutOfRange: 'ERR value is out of range',

  // commands/hyperloglog.ts
  specifiedKeyDoes: 'ERR The specified key does not exist',
  hllEncodingNot: 'ERR HLL encoding is not sparse',
  unknownPfdebugSubcommand: (a: string | number | bigint) => `ERR Unknown PFDEBUG subcommand '${a}'`,

  // commands/introspection.ts
  countGreaterThanEqual: 'ERR count should be greater than or equal to -1',
  noSamplesAvailable: (a: string | number | bigint) => `ERR No samples available for event '${a}'`,

  // commands/keys.ts
  valueOutRangeValueBetween: 'ERR value is out of range, value must between -2147483648 and 2147483647',
  invalidFirstDb: 'ERR invalid first DB index',
  invalidSecondDb: 'ERR invalid second DB index',
  unsupportedOption: (a: string | number | bigint) => `ERR Unsupported option ${a}`,
  nxXxGt: 'ERR NX and XX, GT or LT options at the same time are not compatible',
  gtLtOptions: 'ERR GT and LT options at the same time are not compatible',
  lfuMaxmemoryPolicy: 'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  lfuMaxmemoryPolicyNot: 'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  invalidIdletimeValue: 'ERR Invalid IDLETIME value, must be >= 0',
  invalidFreqValue: 'ERR Invalid FREQ value, must be >= 0 and <= 255',
  busykeyTargetKeyName: 'BUSYKEY Target key name already exists.',
  invalidTtlValue: 'ERR Invalid TTL value, must be >= 0',
  dumpPayloadVersion: 'ERR DUMP payload version or checksum are wrong',
  badDataFormat: 'ERR Bad data format',

  // commands/lists.ts
  numkeysGreaterThan: 'ERR numkeys should be greater than 0',
  rankTZero: 'ERR RANK can\'t be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list',
  countCantNegative: "ERR COUNT can't be negative",
  maxlenCantNegative: "ERR MAXLEN can't be negative",

  // commands/module.ts
  errorLoadingExtension: 'ERR Error loading the extension. Please check the server logs.',
  errorUnloadingModule: 'ERR Error unloading module: no such module with that name',

  // commands/replication.ts
  invalidMasterPort: 'ERR Invalid master port',
  replicaofMasterNot: 'ERR REPLICAOF to a master is not supported: redmoon does not implement replication',
  noFailoverProgress: 'ERR No failover in progress.',
  failoverTimeoutGreater: 'ERR FAILOVER timeout must be greater than 0',
  failoverRequiresConnected: 'ERR FAILOVER requires connected replicas.',
  psyncFailoverCant: "ERR PSYNC FAILOVER can't be sent to a master.",
  syncPsyncNot: 'ERR SYNC and PSYNC are not supported: redmoon does not implement replication',
  replconfIpAddress: (a: string | number | bigint) => `ERR REPLCONF ip-address provided by replica instance is too long: ${a} bytes`,
  valueOutOfRangeZeroToOne: 'ERR value is out of range, value must between 0 and 1',
  unsupportedRdbFilter: (a: string | number | bigint) => `ERR Unsupported rdb-filter-only option: ${a}`,
  unrecognizedReplconfOption: (a: string | number | bigint) => `ERR Unrecognized REPLCONF option: ${a}`,

  // commands/scripting.ts
  numberKeysCant: "ERR Number of keys can't be greater than number of args",
  numberKeysCantNegative: "ERR Number of keys can't be negative",
  scriptFlushOnly: 'ERR SCRIPT FLUSH only support SYNC|ASYNC option',
  scriptDebugEvalsha: 'ERR Please use EVAL instead of EVALSHA for debugging',
  scriptDebugPipeline: 'ERR SCRIPT DEBUG must be called outside a pipeline',
  scriptDebugYes: 'ERR Use SCRIPT DEBUG YES/SYNC/NO',
  subcommandOrArityFunction: (a: string | number | bigint) => `ERR unknown subcommand or wrong number of arguments for '${a}'. Try FUNCTION HELP.`,
  functionFlushOnly: 'ERR FUNCTION FLUSH only supports SYNC|ASYNC option',

  // commands/sets.ts
  limitCantNegative: "ERR LIMIT can't be negative",

  // commands/sort.ts
  oneMoreScores: "ERR One or more scores can't be converted into double",

  // commands/streams.ts
  invalidStreamId: 'ERR Invalid stream ID specified as stream command argument',
  invalidStartId: 'ERR invalid start ID for the interval',
  invalidEndId: 'ERR invalid end ID for the interval',
  syntaxErrorMaxlen: 'ERR syntax error, MAXLEN and MINID options at the same time are not compatible',
  maxlenArgument: 'ERR The MAXLEN argument must be >= 0.',
  limitArgument: 'ERR The LIMIT argument must be >= 0.',
  syntaxErrorLimit: 'ERR syntax error, LIMIT cannot be used without specifying a trimming strategy',
  syntaxErrorXtrim: 'ERR syntax error, XTRIM must be called with a trimming strategy',
  syntaxErrorLimitCannot: 'ERR syntax error, LIMIT cannot be used without the special ~ option',
  idSpecifiedXadd: 'ERR The ID specified in XADD must be greater than 0-0',
  streamExhaustedLast: 'ERR The stream has exhausted the last possible ID, unable to add more items',
  elementsTooLarge: 'ERR Elements are too large to be stored',
  idSpecifiedXaddEqual: 'ERR The ID specified in XADD is equal or smaller than the target stream top item',
  entriesAddedPositive: 'ERR entries_added must be positive',
  idSpecifiedXsetid: 'ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id',
  idSpecifiedXsetidSmaller: 'ERR The ID specified in XSETID is smaller than the target stream top item',
  entriesAddedSpecified: 'ERR The entries_added specified in XSETID is smaller than the target stream length',
  commandNotAllowed: (a: string | number | bigint) => `ERR ${a} command is not allowed with BLOCK option from scripts`,
  unbalancedXreadList: "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.",
  groupOptionOnly: 'ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.',
  noackOptionOnly: 'ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.',
  missingGroupOption: 'ERR Missing GROUP option for XREADGROUP',
  nogroupNoSuchKey: (a0: string | number | bigint, a1: string | number | bigint) => `NOGROUP No such key '${a0}' or consumer group '${a1}' in XREADGROUP with GROUP option`,
  idMeaninglessContext: 'ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
  idSpecifiedOnly: 'ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.',
  nogroupConsumerGroupClient: 'NOGROUP the consumer group this client was blocked on no longer exists',
  valueEntriesreadPositive: 'ERR value for ENTRIESREAD must be positive or -1',
  xgroupSubcommandRequires: 'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
  nogroupNoSuchConsumer: (a0: string | number | bigint, a1: string | number | bigint) => `NOGROUP No such consumer group '${a0}' for key name '${a1}'`,
  busygroupConsumerGroupName: 'BUSYGROUP Consumer Group name already exists',
  nogroupNoSuchKeyConsumer: (a0: string | number | bigint, a1: string | number | bigint) => `NOGROUP No such key '${a0}' or consumer group '${a1}'`,
  invalidMinIdle: 'ERR Invalid min-idle-time argument for XCLAIM',
  invalidIdleOption: 'ERR Invalid IDLE option argument for XCLAIM',
  invalidTimeOption: 'ERR Invalid TIME option argument for XCLAIM',
  invalidRetrycountOption: 'ERR Invalid RETRYCOUNT option argument for XCLAIM',
  unrecognizedXclaimOption: (a: string | number | bigint) => `ERR Unrecognized XCLAIM option '${a}'`,
  invalidMinIdleTime: 'ERR Invalid min-idle-time argument for XAUTOCLAIM',
  insufficientMemoryFailed: 'ERR Insufficient memory, failed allocating transient memory, COUNT too high.',

  // commands/strings.ts
  offsetOutRange: 'ERR offset is out of range',
  decrementWouldOverflow: 'ERR decrement would overflow',
  specifiedKeysContain: 'ERR The specified keys must contain string values',
  ifWantBoth: 'ERR If you want both the length and indexes, please just use IDX.',
  stringTooLongLcs: 'ERR String too long for LCS',
  insufficientMemoryTransient: 'ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len',

  // commands/tracking.ts
  clientOnlyRedirect: 'ERR A client can only redirect to a single other client',
  clientIdWant: 'ERR The client ID you want redirect to does not exist',
  prefixOptionRequires: 'ERR PREFIX option requires BCAST mode to be enabled',
  cantSwitchBcast: "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
  optinOptoutNot: 'ERR OPTIN and OPTOUT are not compatible with BCAST',
  cantSpecifyBoth: "ERR You can't specify both OPTIN mode and OPTOUT mode",
  cantSwitchOptin: "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
  prefixOverlapsExisting: (a0: string | number | bigint, a1: string | number | bigint) => `ERR Prefix '${a0}' overlaps with an existing prefix '${a1}'. Prefixes for a single client must not overlap.`,
  prefixOverlapsAnother: (a0: string | number | bigint, a1: string | number | bigint) => `ERR Prefix '${a0}' overlaps with another provided prefix '${a1}'. Prefixes for a single client must not overlap.`,
  clientCachingCalled: 'ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled',
  clientCachingYes: 'ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.',
  clientCachingNo: 'ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.',

  // commands/transactions.ts
  multiCallsNot: 'ERR MULTI calls can not be nested',
  discardWithoutMulti: 'ERR DISCARD without MULTI',
  execWithoutMulti: 'ERR EXEC without MULTI',
  execabortTransactionDiscardedBecause: 'EXECABORT Transaction discarded because of previous errors.',
  watchInsideMulti: 'ERR WATCH inside MULTI is not allowed',

  // commands/zsets.ts
  resultingScoreNot: 'ERR resulting score is not a number (NaN)',
  minMaxNot: 'ERR min or max is not a float',
  minMaxNotValid: 'ERR min or max not valid string range item',
  xxNxOptions: 'ERR XX and NX options at the same time are not compatible',
  gtLtNx: 'ERR GT, LT, and/or NX options at the same time are not compatible',
  incrOptionSupports: 'ERR INCR option supports a single increment-element pair',
  syntaxErrorLimitOnly: 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
  syntaxErrorWithscores: 'ERR syntax error, WITHSCORES not supported in combination with BYLEX',
  leastInputKey: (a: string | number | bigint) => `ERR at least 1 input key is needed for '${a}' command`,
  weightValueNot: 'ERR weight value is not a float',

  // core/acl.ts
  userExecutingScript: "ERR The user executing the script can't run this command or subcommand",
  userExecutingScriptCant: "ERR The user executing the script can't access at least one of the keys mentioned in the command arguments",
  userExecutingScriptCantPublish: "ERR The user executing the script can't publish to the channel mentioned in the command",
  userExecutingScriptLacking: 'ERR The user executing the script is lacking the permissions for the command',
  nopermAclsRulesChanged: (a: string | number | bigint) => `NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: ${a}`,
  nopermUserNoPermissions: (a: string | number | bigint) => `NOPERM this user has no permissions to run the '${a}' command`,
  nopermUserNoPermissionsAccess: 'NOPERM this user has no permissions to access one of the keys used as arguments',
  nopermUserNoPermissionsAccessOne: 'NOPERM this user has no permissions to access one of the channels used as arguments',
  noPermission: 'ERR no permission',

  // core/blocking.ts
  unblockedClientUnblockedVia: 'UNBLOCKED client unblocked via CLIENT UNBLOCK',

  // core/dispatch.ts
  commandNotAllowedIf: (a0: string | number | bigint, a1: string | number | bigint) => `ERR ${a0} command not allowed. If the ${a1} option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`,
  commandNotAllowedInside: 'ERR Command not allowed inside a transaction',
  cantExecuteOnly: (a: string | number | bigint) => `ERR Can't execute '${a}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
  replicaCantInteract: "ERR Replica can't interact with the keyspace",
  execabortTransactionDiscardedBecause2: (a: string | number | bigint) => `EXECABORT Transaction discarded because of: ${a}`,
  internalError: (a: string | number | bigint) => `ERR internal error: ${a}`,

  // keyspace/geo.ts
  invalidLongitudeLatitude: "ERR invalid longitude,latitude pair",
  invalidLongitudeLatitudePair: (a0: string | number | bigint, a1: string | number | bigint) => `ERR invalid longitude,latitude pair ${a0},${a1}`,

  // keyspace/hll.ts
  wrongtypeKeyNotValid: 'WRONGTYPE Key is not a valid HyperLogLog string value.',
  invalidobjCorruptedHllObject: 'INVALIDOBJ Corrupted HLL object detected',

  // keyspace/scan.ts
  invalidCursor: 'ERR invalid cursor',

  // lua/bridge.ts
  reachedLuaStack: 'ERR reached lua stack limit',

  // lua/functions.ts
  functionNotFound: 'ERR Function not found',
  badNumberKeys: 'ERR Bad number of keys provided',
  unknownOptionGiven: (a: string | number | bigint) => `ERR Unknown option given: ${a}`,
  functionCodeMissing: 'ERR Function code is missing',
  libraryNotFound: 'ERR Library not found',
  libraryNameArgument: 'ERR library name argument was not given',
  unknownArgument: (a: string | number | bigint) => `ERR Unknown argument ${a}`,
  wrongRestorePolicy: 'ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.',

  // lua/ldb.ts (the debugger's errors, raised in the script: the reply adds ERR and where)
  ldbProtocol: 'protocol error',
  ldbMaxBuffer: 'max client buffer reached',
  ldbAborted: 'script aborted for user request',
  ldbTimeoutClosed: 'timeout during Lua debugging with client closing connection',
  ldbUnknownCommand: '<error> Unknown Redis Lua debugger command or wrong number of arguments.',

  // lua/scripting.ts
  busyFunction: 'BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.',
  errorCompilingScript: 'ERR Error compiling script (new function): ',
  notExecuteScript: 'ERR Can not execute a script with write flag using *_ro command.',
  notbusyNoScriptsExecution: 'NOTBUSY No scripts in execution right now.',
  unkillableSorryScriptAlready: 'UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.',
  unknownRedisCommand: 'ERR Unknown Redis command called from script',
  wrongNumberArgs: 'ERR Wrong number of args calling Redis command from script',
  redisCommandNot: 'ERR This Redis command is not allowed from script',

  // lua/vm.ts
  scriptKilledUser: 'ERR Script killed by user with SCRIPT KILL...',
  internalErrorRunning: 'ERR internal error running script: ',
  unknownError: 'ERR unknown error',

  // server.ts
  withText: (a: string | number | bigint) => `ERR ${a}`,
  // commands/config-rewrite.ts
  rewritingConfigFile: (a: string | number | bigint) => `ERR Rewriting config file: ${a}`,

  // commands/config.ts
  configSetFailedPossibly: (name: string, reason: string) => `ERR CONFIG SET failed (possibly related to argument '${name}') - ${reason}`,

  // commands/debug.ts
  valueStoredSpecified: 'ERR The value stored at the specified key is not represented using an hash table',
  configRewriteForce: (a: string | number | bigint) => `ERR CONFIG-REWRITE-FORCE-ALL failed: ${a}`,
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
