/**
 * The process's real timers and clocks, taken when this module loads.
 *
 * Test suites fake timers and Date all the time (vitest, Jest modern and legacy, sinon,
 * node:test mock.timers). A server running inside such a process must not notice: its
 * replies are flushed through setImmediate, its blocking timeouts and cron are timers,
 * and TTLs read the wall clock. Every file under src/ takes these from here instead of the
 * globals (test/util/clock-capture.test.ts checks that), so faking the globals later
 * changes nothing inside the server; a server's own clock moves only through its `time`
 * API (src/util/server-clock.ts).
 *
 * Timers come from node:timers, which Jest never fakes even when it fakes the globals
 * before any module loads. performance comes from node:perf_hooks: fakers replace the
 * global `performance` object, not that one.
 */
import timers from 'node:timers';
import timersPromises from 'node:timers/promises';
import { performance as perf } from 'node:perf_hooks';

export const setTimeout = timers.setTimeout;
export const clearTimeout = timers.clearTimeout;
export const setInterval = timers.setInterval;
export const clearInterval = timers.clearInterval;
export const setImmediate = timers.setImmediate;
export const clearImmediate = timers.clearImmediate;
/** node:timers/promises setTimeout: resolves after `ms` (node:test's mock timers fake it too). */
export const sleep = timersPromises.setTimeout;
/** node:timers/promises setImmediate: resolves on the next turn of the event loop. */
export const turn = timersPromises.setImmediate;

/** performance.now(): a monotonic clock in ms, for durations. */
export const perfNow: () => number = perf.now.bind(perf);
/** performance.timeOrigin (the getter allocates on every read). */
export const timeOrigin = perf.timeOrigin;

const isNative = (f: unknown): boolean =>
  typeof f === 'function' && Function.prototype.toString.call(f).includes('[native code]');

/**
 * Date.now(): the wall clock in ms. When Date was already faked before this module loaded
 * (a fake is never native code), the monotonic clock anchored at the process's time origin
 * stands in for it.
 */
export const dateNow: () => number = isNative(Date.now) ? Date.now : () => timeOrigin + perfNow();

