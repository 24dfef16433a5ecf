/**
 * The files of Redis's own suite that `npm test` runs in external mode against redmoon
 * (test/redis-suite/external.test.ts): only files that pass in full, within CI's time budget.
 */
export const CI_FILES: string[] = [];
