/** RDB file opcodes (rdb.h) and the version redmoon reports in its files. */
export const RDB_OP = {
  FUNCTION2: 245,
  FUNCTION_PRE_GA: 246,
  MODULE_AUX: 247,
  IDLE: 248,
  FREQ: 249,
  AUX: 250,
  RESIZEDB: 251,
  EXPIRETIME_MS: 252,
  EXPIRETIME: 253,
  SELECTDB: 254,
  EOF: 255,
} as const;

/** redis-ver written in the aux fields: the Redis version whose files ours are. */
export const REDIS_VERSION = '7.0.15';
