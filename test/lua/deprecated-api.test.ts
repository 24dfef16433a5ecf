import { test } from 'vitest';
import { describeDifferential } from '../support/differential.ts';

// lua-enable-deprecated-api (Debian's 7.0.15): Lua 5.1's setfenv, getfenv and newproxy.
describeDifferential(
  'lua-enable-deprecated-api yes',
  (d) => {
    test('setfenv / getfenv on functions with and without globals', async () => {
      await d().seq([
        ['EVAL', 'local f = function() return 1 end setfenv(f, {}) return 0', '0'],
        ['EVAL', 'local f = function() return 1 end return type(getfenv(f))', '0'],
        ['EVAL', 'return getfenv(0) == getfenv(1)', '0'],
        ['EVAL', "local f = function() return x end local t = {x = 'mine'} setfenv(f, t) return {f(), getfenv(f) == t and 1 or 0}", '0'],
        ['EVAL', "local f = function() return y end local g = function() return y end setfenv(f, {y = 'f'}) return {f(), tostring(g())}", '0'],
        ['EVAL', 'return setfenv(print, {})', '0'],
        ['EVAL', 'return setfenv(1)', '0'],
        ['EVAL', 'return getfenv(-1)', '0'],
        ['EVAL', 'return getfenv(50)', '0'],
      ]);
    });

    test('newproxy', async () => {
      await d().seq([
        ['EVAL', 'getmetatable(newproxy(true)).__gc = function() return 1 end return 0', '0'],
        ['EVAL', 'return {type(newproxy()), tostring(getmetatable(newproxy(false)))}', '0'],
        ['EVAL', 'local p = newproxy(true) local q = newproxy(p) return getmetatable(p) == getmetatable(q) and 1 or 0', '0'],
        ['EVAL', 'return newproxy({})', '0'],
      ]);
    });

    test('also inside functions', async () => {
      await d().seq([
        ['FUNCTION', 'LOAD', 'REPLACE', "#!lua name=dep\nredis.register_function('dep', function() local f = function() return 1 end setfenv(f, {}) getfenv(f) getmetatable(newproxy(true)).__gc = function() end return 0 end)"],
        ['FCALL', 'dep', '0'],
        ['FUNCTION', 'FLUSH'],
      ]);
    });
  },
  { 'lua-enable-deprecated-api': 'yes' },
);
