/**
 * A private, patched instance of fengari 0.1.5 that behaves like Redis's Lua 5.1.
 *
 * fengari is a Lua 5.3 port. We load our own copy of its CommonJS modules (so other
 * users of fengari in the process are unaffected), applying two kinds of patches:
 *
 *  - source patches, applied to a module's text before our own small CommonJS loader
 *    evaluates it (the lexer, the parser, error wording, bytecode loading...), each
 *    checked to apply exactly once;
 *  - export patches, applied right after a module has loaded and before the modules
 *    that destructure its exports load (number formatting, integer pushes, tables...).
 *
 * fengari loads on first use (loadFengari(), when a Lua engine is created), not at import:
 * a server that runs no script never pays for it, and the CLI starts sooner. The exports
 * below are fengari's own module objects, which exist from the start and are filled then.
 * That one load per process is the only state here. The patch set is tied to fengari@0.1.5 (pinned in package.json); if fengari changes,
 * the source patches fail loudly at load instead of silently misbehaving.
 */
import { createRequire } from 'node:module';
import vm from 'node:vm';
import fs from 'node:fs';
import path from 'node:path';
import { number2str, POSITIVE_NAN } from '../util/printf.ts';
import { installTable51 } from './ltable51.ts';
import { pow as libmPow, nanPick, flipSign } from './libm.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyMod = any;

type ModuleBody = (exports: AnyMod, require: (spec: string) => AnyMod, module: { exports: AnyMod }, filename: string, dirname: string) => void;
/** fengari's modules, patched at build time (scripts/build.mjs); absent when run from src/. */
declare const __REDMOON_FENGARI__: Record<string, ModuleBody> | undefined;
const MODULE_PARAMS = ['exports', 'require', 'module', '__filename', '__dirname'] as const;

/** fengari's installed main file (resolved when fengari loads, not at import). */
const fengariMain = (): string => createRequire(import.meta.url).resolve('fengari');

interface SourcePatch {
  /** exact text to find (must occur exactly once) */
  find: string;
  replace: string;
}

/** LUA_IDSIZE as compiled into Redis's Lua (observed: 80). */
const LUA_IDSIZE = 80;

// ---------------------------------------------------------------------------------------
// Lua 5.1 numerals: strtod (glibc, C locale) followed by luaO_str2d's rules.
// ---------------------------------------------------------------------------------------

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
function lowerAt(s: Uint8Array, i: number, end: number): number {
  if (i >= end) return -1;
  const c = s[i];
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** glibc strtod on s[i..end): returns [value, endIndex]; endIndex === i when nothing parsed. */
export function strtod(s: Uint8Array, start: number, end: number): [number, number] {
  let i = start;
  while (i < end && isSpace(s[i])) i++;
  let neg = false;
  if (i < end && (s[i] === 43 || s[i] === 45)) {
    neg = s[i] === 45;
    i++;
  }
  // inf / infinity / nan
  const c0 = lowerAt(s, i, end);
  if (c0 === 105 /* i */) {
    if (lowerAt(s, i + 1, end) === 110 && lowerAt(s, i + 2, end) === 102) {
      let j = i + 3;
      const rest = 'inity';
      let k = 0;
      while (k < 5 && lowerAt(s, j + k, end) === rest.charCodeAt(k)) k++;
      if (k === 5) j += 5;
      return [neg ? -Infinity : Infinity, j];
    }
    return [0, start];
  }
  if (c0 === 110 /* n */) {
    if (lowerAt(s, i + 1, end) === 97 && lowerAt(s, i + 2, end) === 110) {
      let j = i + 3;
      if (j < end && s[j] === 40 /* ( */) {
        let k = j + 1;
        while (k < end && (isDigit(s[k]) || lowerAt(s, k, end)! >= 97 && lowerAt(s, k, end)! <= 122 || s[k] === 95)) k++;
        if (k < end && s[k] === 41) j = k + 1;
      }
      return [neg ? -POSITIVE_NAN : POSITIVE_NAN, j];
    }
    return [0, start];
  }
  // hexadecimal
  if (i + 1 < end && s[i] === 48 && (s[i + 1] === 120 || s[i + 1] === 88)) {
    let j = i + 2;
    let mant = 0n;
    let digits = 0;
    let fracDigits = 0;
    let seenDot = false;
    for (; j < end; j++) {
      const c = s[j];
      if (c === 46 && !seenDot) {
        seenDot = true;
        continue;
      }
      const v = hexVal(c);
      if (v < 0) break;
      mant = (mant << 4n) | BigInt(v);
      digits++;
      if (seenDot) fracDigits++;
    }
    if (digits === 0) {
      // only "0" was a number; 'x' stops it
      return [neg ? -0 : 0, i + 1];
    }
    let exp = -4 * fracDigits;
    if (j < end && (s[j] === 112 || s[j] === 80)) {
      let k = j + 1;
      let eneg = false;
      if (k < end && (s[k] === 43 || s[k] === 45)) {
        eneg = s[k] === 45;
        k++;
      }
      if (k < end && isDigit(s[k])) {
        let e = 0;
        while (k < end && isDigit(s[k])) {
          if (e < 1e6) e = e * 10 + (s[k] - 48);
          k++;
        }
        exp += eneg ? -e : e;
        j = k;
      }
    }
    let v = hexToDouble(mant, exp);
    return [neg ? -v : v, j];
  }
  // decimal
  let j = i;
  let nd = 0;
  while (j < end && isDigit(s[j])) {
    j++;
    nd++;
  }
  if (j < end && s[j] === 46) {
    j++;
    while (j < end && isDigit(s[j])) {
      j++;
      nd++;
    }
  }
  if (nd === 0) return [0, start];
  if (j < end && (s[j] === 101 || s[j] === 69)) {
    let k = j + 1;
    if (k < end && (s[k] === 43 || s[k] === 45)) k++;
    if (k < end && isDigit(s[k])) {
      while (k < end && isDigit(s[k])) k++;
      j = k;
    }
  }
  let text = '';
  for (let k = i; k < j; k++) text += String.fromCharCode(s[k]);
  const v = Number(text.charCodeAt(0) === 46 ? '0' + text : text);
  return [neg ? -v : v, j];
}

function hexToDouble(mant: bigint, exp: number): number {
  if (mant === 0n) return 0;
  // normalise mantissa to at most 64 significant bits with a sticky bit for rounding
  let bits = mant.toString(2).length;
  if (bits > 64) {
    const drop = bits - 64;
    const sticky = (mant & ((1n << BigInt(drop)) - 1n)) !== 0n ? 1n : 0n;
    mant = (mant >> BigInt(drop)) | sticky;
    exp += drop;
    bits = 64;
  }
  // value = mant * 2^exp ; let Number() do correct rounding of the mantissa part when exact scaling
  const top = bits + exp; // binary exponent of the value's msb + 1
  if (top > 1025) return Infinity;
  if (top < -1074) return 0;
  // bring into a range where scaling by a power of two is exact
  let m = Number(mant); // correctly rounded to 53 bits (may lose sticky info for subnormals; acceptable)
  let e = exp;
  while (e > 0) {
    const step = Math.min(e, 1000);
    m *= 2 ** step;
    e -= step;
  }
  while (e < 0) {
    const step = Math.max(e, -1000);
    m *= 2 ** step;
    e -= step;
  }
  return m;
}

/** luaO_str2d of Lua 5.1 on a whole string (C string: stops at NUL). Returns null if invalid. */
export function str2number51(s: Uint8Array): number | null {
  let end = s.indexOf(0);
  if (end < 0) end = s.length;
  const [v, e] = strtod(s, 0, end);
  let p = e;
  if (p === 0) return null;
  let value = v;
  if (p < end && (s[p] === 120 || s[p] === 88)) {
    // strtoul(s, 16): only reached for "0x" without digits -> "0", then 'x' remains
    return null;
  }
  while (p < end && isSpace(s[p])) p++;
  if (p !== end) return null;
  return value;
}

// ---------------------------------------------------------------------------------------
// luaO_chunkid of Lua 5.1 with Redis's LUA_IDSIZE.
// ---------------------------------------------------------------------------------------

function cstr(s: Uint8Array): Uint8Array {
  const z = s.indexOf(0);
  return z < 0 ? s : s.subarray(0, z);
}

function latin1Bytes(str: string): Uint8Array {
  return Uint8Array.from(Buffer.from(str, 'latin1'));
}

export function chunkid51(source0: Uint8Array): Uint8Array {
  const source = cstr(source0);
  let bufflen = LUA_IDSIZE;
  if (source[0] === 61 /* = */) {
    return source.slice(1, Math.min(source.length, bufflen));
  }
  if (source[0] === 64 /* @ */) {
    const src = source.subarray(1);
    bufflen -= 8; // sizeof(" '...' ")
    if (src.length > bufflen) {
      const out = new Uint8Array(3 + bufflen);
      out.set([46, 46, 46]);
      out.set(src.subarray(src.length - bufflen), 3);
      return out;
    }
    return src.slice();
  }
  let len = 0;
  while (len < source.length && source[len] !== 10 && source[len] !== 13) len++;
  bufflen -= 17; // sizeof(" [string \"...\"] ")
  if (len > bufflen) len = bufflen;
  const pre = latin1Bytes('[string "');
  const parts: number[] = Array.from(pre);
  for (let i = 0; i < len; i++) parts.push(source[i]);
  if (len < source.length) parts.push(46, 46, 46);
  parts.push(34, 93);
  return Uint8Array.from(parts);
}

// ---------------------------------------------------------------------------------------
// Source patches
// ---------------------------------------------------------------------------------------

function between(src: string, startMarker: string, endMarker: string): string {
  const a = src.indexOf(startMarker);
  if (a < 0) throw new Error(`fengari patch: start marker not found: ${startMarker}`);
  const b = src.indexOf(endMarker, a + startMarker.length);
  if (b < 0) throw new Error(`fengari patch: end marker not found: ${endMarker}`);
  return src.slice(a, b);
}

const LEX_READ_NUMERAL_51 = `const read_numeral = function(ls, seminfo) {
    /* Lua 5.1: digits and dots, optional exponent sign, then any alnum/'_' */
    lua_assert(lisdigit(ls.current) || ls.current === 46);
    do {
        save_and_next(ls);
    } while (lisdigit(ls.current) || ls.current === 46);
    if (check_next2(ls, "Ee"))
        check_next2(ls, "-+");
    while (lislalnum(ls.current))
        save_and_next(ls);
    let obj = new lobject.TValue();
    if (lobject.luaO_str2num(luaZ_buffer(ls.buff), obj) === 0)  /* format error? */
        lexerror(ls, to_luastring("malformed number", true), TK_FLT);
    seminfo.r = obj.value;
    return TK_FLT;
};

`;

const LEX_READ_STRING_51 = `const read_string = function(ls, del, seminfo) {
    save_and_next(ls);  /* keep delimiter (for error messages) */
    while (ls.current !== del) {
        switch (ls.current) {
            case EOZ:
                lexerror(ls, to_luastring("unfinished string", true), TK_EOS);
                break;
            case 10:
            case 13:
                lexerror(ls, to_luastring("unfinished string", true), TK_STRING);
                break;
            case 92: {  /* escape sequences (Lua 5.1) */
                let c;
                next(ls);  /* do not save the '\\\\' */
                switch (ls.current) {
                    case 97: c = 7; break;
                    case 98: c = 8; break;
                    case 102: c = 12; break;
                    case 110: c = 10; break;
                    case 114: c = 13; break;
                    case 116: c = 9; break;
                    case 118: c = 11; break;
                    case 10:
                    case 13:
                        save(ls, 10);
                        inclinenumber(ls);
                        continue;
                    case EOZ:
                        continue;  /* will raise an error next loop */
                    default: {
                        if (!lisdigit(ls.current))
                            save_and_next(ls);  /* handles \\\\, \\", \\', \\? and any other char */
                        else {  /* \\xxx */
                            let i = 0;
                            c = 0;
                            do {
                                c = 10 * c + (ls.current - 48);
                                next(ls);
                            } while (++i < 3 && lisdigit(ls.current));
                            if (c > 255)
                                lexerror(ls, to_luastring("escape sequence too large", true), TK_STRING);
                            save(ls, c);
                        }
                        continue;
                    }
                }
                save(ls, c);
                next(ls);
                continue;
            }
            default:
                save_and_next(ls);
        }
    }
    save_and_next(ls);  /* skip delimiter */
    seminfo.ts = luaX_newstring(ls, ls.buff.buffer.subarray(1, ls.buff.n-1));
};

`;

const LEX_TOKEN2STR_51 = `const luaX_token2str = function(ls, token) {
    /* Lua 5.1 style: every token quoted; control characters as char(n) */
    if (token < FIRST_RESERVED) {
        if (token < 32 || token === 127)
            return lobject.luaO_pushfstring(ls.L, to_luastring("'char(%d)'", true), token);
        return lobject.luaO_pushfstring(ls.L, to_luastring("'%s'", true), Uint8Array.of(token));
    } else {
        let s = luaX_tokens[token - FIRST_RESERVED];
        return lobject.luaO_pushfstring(ls.L, to_luastring("'%s'", true), s);
    }
};

`;

function patchLlex(src: string): string {
  src = src.replace(between(src, 'const read_numeral = function', 'const txtToken'), LEX_READ_NUMERAL_51);
  src = src.replace(between(src, 'const read_string = function', 'const token_to_index'), LEX_READ_STRING_51);
  src = src.replace(between(src, 'const luaX_token2str = function', 'const currIsNewline'), LEX_TOKEN2STR_51);
  return src;
}

/** lobject's '%c' in pushfstring prints any byte; 5.1 prints raw bytes too. */
const SOURCE_PATCHES: Record<string, { whole?: (src: string) => string; patches: SourcePatch[] }> = {
  'luaconf.js': {
    patches: [
      {
        find: 'const LUA_COMPAT_FLOATSTRING = conf.LUA_COMPAT_FLOATSTRING || false;',
        replace: 'const LUA_COMPAT_FLOATSTRING = true;',
      },
    ],
  },
  'lstring.js': {
    patches: [{ find: 'this.hash = null;', replace: 'this.hash = null;\n        this.h51 = -1;' }],
  },
  // debug.debug's prompt (never reachable from Redis's sandbox) loads readline-sync, and
  // with it child_process, on first use instead of at the CLI's start (~4 ms).
  'ldblib.js': {
    patches: [
      {
        find: "const readlineSync = require('readline-sync');\n    readlineSync.setDefaultOptions({\n        prompt: 'lua_debug> '\n    });\n    getinput = function() {\n        return readlineSync.prompt();\n    };",
        replace:
          "let readlineSync = null;\n    getinput = function() {\n        if (readlineSync === null) {\n            readlineSync = require('readline-sync');\n            readlineSync.setDefaultOptions({ prompt: 'lua_debug> ' });\n        }\n        return readlineSync.prompt();\n    };",
      },
    ],
  },
  // os.tmpname and os.execute (never reachable from Redis's sandbox) load their modules on
  // first use: loading the tmp package alone cost the CLI's start ~5 ms.
  'loslib.js': {
    patches: [
      {
        find: "const tmp = require('tmp');\n    const child_process = require('child_process');",
        replace: "const tmp = { tmpNameSync: () => require('tmp').tmpNameSync() };\n    const child_process = { execSync: (...a) => require('child_process').execSync(...a) };",
      },
    ],
  },
  'lobject.js': {
    patches: [
      {
        find: '        case LUA_OPPOW:  return Math.pow(v1, v2);',
        replace: '        case LUA_OPPOW:  return numpow51(v1, v2);',
      },
      {
        find: 'const numarith = function',
        replace: 'const numpow51 = function(a, b) {\n    return module.exports.powC(a, b);\n};\nconst numarith = function',
      },
    ],
  },
  'lapi.js': {
    patches: [
      {
        // setoah: a pcall resumed after a yield restores allowhook from this bit when it
        // catches an error; fengari's version never set the bit, so the hooks (BUSY,
        // SCRIPT KILL, the debugger) went silent for the rest of the run
        find: 'ci.callstatus &= ~lstate.CIST_OAH | L.allowhook;',
        replace: 'ci.callstatus = (ci.callstatus & ~lstate.CIST_OAH) | L.allowhook;',
      },
    ],
  },
  'lstate.js': {
    patches: [
      {
        // Lua 5.1's LUAI_MAXCALLS: a CallInfo chain deeper than 20000 is a "stack overflow"
        find: 'const luaE_extendCI = function(L) {\n    let ci = new CallInfo();',
        replace:
          'const MSG_SO51 = Uint8Array.from([115,116,97,99,107,32,111,118,101,114,102,108,111,119]);\n' +
          'const luaE_extendCI = function(L) {\n    let depth = (L.ci.depth51 || 0) + 1;\n' +
          '    if (depth >= 20000 && !L.overflow51) { L.overflow51 = true; try { module.exports.runerror51(L, MSG_SO51); } finally { L.overflow51 = false; } }\n' +
          '    let ci = L.ci.next;\n    if (ci !== null) { ci.depth51 = depth; L.ci = ci; return ci; }\n' +
          '    ci = new CallInfo();\n    ci.depth51 = depth;',
      },
    ],
  },
  'llex.js': {
    whole: patchLlex,
    patches: [
      // globals live in an upvalue whose name no script can spell (Lua 5.1 has no _ENV)
      { find: 'const LUA_ENV = to_luastring("_ENV", true);', replace: 'const LUA_ENV = to_luastring("(ENV)", true);' },
      // no '<<', '>>', '//', '::' tokens
      {
        find: 'else if (check_next1(ls, 60 /* (\'<\').charCodeAt(0) */)) return TK_SHL;\n',
        replace: '\n',
      },
      {
        find: 'else if (check_next1(ls, 62 /* (\'>\').charCodeAt(0) */)) return TK_SHR;\n',
        replace: '\n',
      },
      {
        find: 'if (check_next1(ls, 47 /* (\'/\').charCodeAt(0) */)) return TK_IDIV;\n                else ',
        replace: '',
      },
      {
        find: 'if (check_next1(ls, 58 /* (\':\').charCodeAt(0) */)) return TK_DBCOLON;\n                else ',
        replace: '',
      },
      // 'goto' is not a reserved word in 5.1
      {
        find: 'if (kidx !== void 0 && kidx <= 22)  /* reserved word? */',
        replace: 'if (kidx !== void 0 && kidx <= 22 && kidx !== 9)  /* reserved word? */',
      },
      {
        find: 'return kidx !== void 0 && kidx <= 22;',
        replace: 'return kidx !== void 0 && kidx <= 22 && kidx !== 9;',
      },
      // scanner table: our tables have no Map; ask the table for the stored key
      {
        find: 'let tpair = ls.h.strong.get(luaS_hashlongstr(ts));\n    if (!tpair) { /* not in use yet? */',
        replace: 'let tpair = ltable.luaH_getkeystr(ls.h, ts);\n    if (!tpair) { /* not in use yet? */',
      },
      {
        find: 'ts = tpair.key.tsvalue(); /* re-use value previously stored */',
        replace: 'ts = tpair; /* re-use value previously stored */',
      },
      // 5.1: "unfinished long string" without the starting line
      {
        find: '                let msg = `unfinished long ${what} (starting at line ${line})`;',
        replace: '                let msg = `unfinished long ${what}`;',
      },
      // the parser's 5.1 limit errors need lexerror without a 'near' part
      {
        find: 'module.exports.luaX_syntaxerror = luaX_syntaxerror;',
        replace: 'module.exports.luaX_syntaxerror = luaX_syntaxerror;\nmodule.exports.luaX_lexerror51 = lexerror;',
      },
    ],
  },
  'lparser.js': {
    patches: [
      // 5.1 line info: operators get the line of the last token of their operands, calls
      // the line of their '(' (5.3 uses the operator's / the expression's first line)
      {
        find: '        subexpr(ls, v, UNARY_PRIORITY);\n        luaK_prefix(ls.fs, uop, v, line);',
        replace: '        subexpr(ls, v, UNARY_PRIORITY);\n        luaK_prefix(ls.fs, uop, v, ls.lastline);',
      },
      {
        find: '        luaK_posfix(ls.fs, op, v, v2, line);',
        replace: '        luaK_posfix(ls.fs, op, v, v2, ls.lastline);',
      },
      {
        find: 'const funcargs = function(ls, f, line) {\n',
        replace: 'const funcargs = function(ls, f, line) {\n    line = ls.linenumber;\n',
      },
      // Lua 5.1's limit errors: "main function has more than 200 local variables", no 'near'
      {
        find: '    let where = (line === 0)\n        ? to_luastring("main function", true)\n        : lobject.luaO_pushfstring(L, to_luastring("function at line %d", true), line);\n    let msg = lobject.luaO_pushfstring(L, to_luastring("too many %s (limit is %d) in %s", true),\n        what, limit, where);\n    llex.luaX_syntaxerror(fs.ls, msg);',
        replace: '    let msg = (line === 0)\n        ? lobject.luaO_pushfstring(L, to_luastring("main function has more than %d %s", true), limit, what)\n        : lobject.luaO_pushfstring(L, to_luastring("function at line %d has more than %d %s", true), line, limit, what);\n    llex.luaX_lexerror51(fs.ls, msg, 0);',
      },
      {
        find: '    ++L.nCcalls;\n    checklimit(ls.fs, L.nCcalls, LUAI_MAXCCALLS, to_luastring("JS levels", true));',
        replace: '    if (++L.nCcalls > LUAI_MAXCCALLS)\n        llex.luaX_lexerror51(ls, to_luastring("chunk has too many syntax levels", true), 0);',
      },
      {
        find: '        checklimit(ls.fs, nvars + ls.L.nCcalls, LUAI_MAXCCALLS, to_luastring("JS levels", true));',
        replace: '        checklimit(ls.fs, nvars, LUAI_MAXCCALLS - ls.L.nCcalls, to_luastring("variables in assignment", true));',
      },
      // LUAI_MAXUPVALUES is 60 in 5.1
      {
        find: '    checklimit(fs, fs.nups + 1, lfunc.MAXUPVAL, to_luastring("upvalues", true));',
        replace: '    checklimit(fs, fs.nups + 1, 60, to_luastring("upvalues", true));',
      },
      // LUA_COMPAT_VARARG: '...' in a parameter list also declares the local 'arg'
      {
        find: '                case R.TK_DOTS: {  /* param -> \'...\' */\n                    llex.luaX_next(ls);\n                    f.is_vararg = true;  /* declared vararg */',
        replace: '                case R.TK_DOTS: {  /* param -> \'...\' */\n                    llex.luaX_next(ls);\n                    new_localvarliteral(ls, "arg");\n                    nparams++;\n                    f.hasarg51 = true;\n                    f.needsarg51 = true;\n                    f.is_vararg = true;  /* declared vararg */',
      },
      {
        find: '    adjustlocalvars(ls, nparams);\n    f.numparams = fs.nactvar;\n',
        replace: '    adjustlocalvars(ls, nparams);\n    f.numparams = fs.nactvar - (f.hasarg51 ? 1 : 0);\n',
      },
      {
        find: '            check_condition(ls, fs.f.is_vararg, to_luastring("cannot use \'...\' outside a vararg function", true));\n',
        replace: '            check_condition(ls, fs.f.is_vararg, to_luastring("cannot use \'...\' outside a vararg function", true));\n            fs.f.needsarg51 = false;  /* \'arg\' not needed */\n',
      },
      // no bitwise / integer-division operators
      { find: "case 126 /* ('~').charCodeAt(0) */: return OPR_BNOT;\n", replace: '' },
      { find: 'case R.TK_IDIV:   return OPR_IDIV;\n', replace: '' },
      { find: "case 38 /* ('&').charCodeAt(0) */: return OPR_BAND;\n", replace: '' },
      { find: "case 124 /* ('|').charCodeAt(0) */: return OPR_BOR;\n", replace: '' },
      { find: "case 126 /* ('~').charCodeAt(0) */: return OPR_BXOR;\n", replace: '' },
      { find: 'case R.TK_SHL:    return OPR_SHL;\n', replace: '' },
      { find: 'case R.TK_SHR:    return OPR_SHR;\n', replace: '' },
      // no empty statement ';' (5.1 only allows one optional ';' after a statement)
      {
        find:
          "case 59 /* (';').charCodeAt(0) */: {  /* stat -> ';' (empty statement) */\n            llex.luaX_next(ls);  /* skip ';' */\n            break;\n        }\n",
        replace: '',
      },
      // 'break' outside a loop is reported at once, as 5.1 does
      {
        find: 'case R.TK_BREAK:   /* stat -> breakstat */\n        case R.TK_GOTO: {  /* stat -> \'goto\' NAME */',
        replace:
          'case R.TK_BREAK:   /* stat -> breakstat */\n            check_break51(ls);\n        case R.TK_GOTO: {  /* stat -> \'goto\' NAME */',
      },
      {
        find: 'const statlist = function(ls) {\n    /* statlist -> { stat [\';\'] } */\n    while (!block_follow(ls, 1)) {\n        if (ls.t.token === R.TK_RETURN) {\n            statement(ls);\n            return;  /* \'return\' must be last statement */\n        }\n        statement(ls);\n    }\n};',
        replace:
          'const check_break51 = function(ls) {\n    let bl = ls.fs.bl;\n    while (bl && !bl.isloop) bl = bl.previous;\n    if (!bl) {\n        llex.luaX_next(ls);\n        llex.luaX_syntaxerror(ls, to_luastring("no loop to break", true));\n    }\n};\n\n' +
          // 5.1 counts syntax levels per chunk (block), not per statement
          'const statlist = function(ls) {\n    enterlevel(ls);\n    statlist51(ls);\n    leavelevel(ls);\n};\n\n' +
          'const statlist51 = function(ls) {\n    /* chunk -> { stat [\';\'] } ; return and break must be last (Lua 5.1) */\n    while (!block_follow(ls, 1)) {\n        if (ls.t.token === R.TK_RETURN) {\n            statement(ls);\n            return;\n        }\n        if (ls.t.token === R.TK_BREAK) {\n            statement(ls);\n            testnext(ls, 59);\n            return;\n        }\n        statement(ls);\n        testnext(ls, 59);\n    }\n};',
      },
      {
        find: '    let line = ls.linenumber;  /* may be needed for error messages */\n    enterlevel(ls);\n    switch(ls.t.token) {',
        replace: '    let line = ls.linenumber;  /* may be needed for error messages */\n    switch(ls.t.token) {',
      },
      {
        find: '    ls.fs.freereg = ls.fs.nactvar;  /* free registers */\n    leavelevel(ls);\n};',
        replace: '    ls.fs.freereg = ls.fs.nactvar;  /* free registers */\n};',
      },
      {
        find: "        gotostat(ls, v.t);   /* handle goto/break */\n        while (testnext(ls, 59 /* (';').charCodeAt(0) */));  /* skip colons */\n        if (block_follow(ls, 0)) {  /* 'goto' is the entire block? */\n            leaveblock(fs);\n            return escapelist;  /* and that is it */\n        } else  /* must skip over 'then' part if condition is false */\n            jf = luaK_jump(fs);\n",
        replace: '        check_break51(ls);\n        gotostat(ls, v.t);  /* 5.1: break must be the last statement of the block */\n        testnext(ls, 59);\n        leaveblock(fs);\n        return escapelist;\n',
      },
      // 5.1 exprstat: anything that is not a call is an assignment ("'=' expected")
      {
        find: "    if (ls.t.token === 61 /* ('=').charCodeAt(0) */ || ls.t.token === 44 /* (',').charCodeAt(0) */) { /* stat . assignment ? */\n        v.prev = null;\n        assignment(ls, v, 1);\n    }\n    else {  /* stat -> func */\n        check_condition(ls, v.v.k === expkind.VCALL, to_luastring(\"syntax error\", true));\n        SETARG_C(getinstruction(fs, v.v), 1);  /* call statement uses no results */\n    }",
        replace: "    if (v.v.k === expkind.VCALL) {  /* stat -> func */\n        SETARG_C(getinstruction(fs, v.v), 1);  /* call statement uses no results */\n    }\n    else {  /* stat -> assignment */\n        v.prev = null;\n        assignment(ls, v, 1);\n    }",
      },
      // ambiguous syntax (function call x new statement)
      {
        find: "        case 40 /* ('(').charCodeAt(0) */: {  /* funcargs -> '(' [ explist ] ')' */\n            llex.luaX_next(ls);",
        replace:
          "        case 40 /* ('(').charCodeAt(0) */: {  /* funcargs -> '(' [ explist ] ')' */\n            if (ls.linenumber !== ls.lastline)\n                llex.luaX_syntaxerror(ls, to_luastring(\"ambiguous syntax (function call x new statement)\", true));\n            llex.luaX_next(ls);",
      },
    ],
  },
  'lcode.js': {
    patches: [
      // 5.1 has no GETTABUP/SETTABUP: indexing an upvalue first copies it to a register
      // (which counts against the register limit, as in "function or expression too complex")
      {
        find: 'const luaK_exp2anyregup = function(fs, e) {\n    if (e.k !== lparser.expkind.VUPVAL || hasjumps(e))\n        luaK_exp2anyreg(fs, e);\n};',
        replace: 'const luaK_exp2anyregup = function(fs, e) {\n    luaK_exp2anyreg(fs, e);\n};',
      },
      // 5.1: MAXSTACK is 250 registers, and the message is "function or expression too complex"
      {
        find: '        if (newstack >= MAXREGS)\n            llex.luaX_syntaxerror(fs.ls, to_luastring("function or expression needs too many registers", true));',
        replace: '        if (newstack >= 250)\n            llex.luaX_syntaxerror(fs.ls, to_luastring("function or expression too complex", true));',
      },
      // 5.1 folds constants that come out as 0 too (so '-0' becomes a constant, and shares
      // its slot with an earlier 0 in the constant table, as Lua 5.1 does)
      {
        find: '        if (isNaN(n) || n === 0)\n            return false;',
        replace: '        if (isNaN(n))\n            return false;',
      },
    ],
  },
  'ldebug.js': {
    patches: [
      {
        find: 'const luaG_typeerror = function(L, o, op) {\n    let t = ltm.luaT_objtypename(L, o);\n    luaG_runerror(L, to_luastring("attempt to %s a %s value%s", true), op, t, varinfo(L, o));\n};',
        replace:
          'const luaG_typeerror = function(L, o, op) {\n    let t = ltm.luaT_objtypename(L, o);\n    let ci = L.ci;\n    let kind = null;\n    if (ci.callstatus & lstate.CIST_LUA) {\n        kind = getupvalname(L, ci, o);\n        let stkid = isinstack(L, ci, o);\n        if (!kind && stkid)\n            kind = getobjname(ci.func.value.p, currentpc(ci), stkid - ci.l_base);\n    }\n' +
          '    if (kind)\n        luaG_runerror(L, to_luastring("attempt to %s %s \'%s\' (a %s value)", true), op, kind.funcname, kind.name, t);\n    else\n        luaG_runerror(L, to_luastring("attempt to %s a %s value", true), op, t);\n};',
      },
      {
        find: '                if (p.k[b].ttisstring()) {\n                    r.name = p.k[b].svalue();\n                    r.funcname = to_luastring("constant", true);\n                    return r;\n                }',
        replace: '',
      },
    ],
  },
  'lauxlib.js': {
    patches: [
      // 5.1's luaL_typerror: plain type names (no __name, no "light userdata")
      {
        find: '    let typearg;\n    if (luaL_getmetafield(L, arg, __name) === LUA_TSTRING)\n        typearg = lua_tostring(L, -1);\n    else if (lua_type(L, arg) === LUA_TLIGHTUSERDATA)\n        typearg = to_luastring("light userdata", true);\n    else\n        typearg = luaL_typename(L, arg);\n',
        replace: '    let typearg = luaL_typename(L, arg);\n',
      },
    ],
  },
  'ldo.js': {
    patches: [
      // as C Lua: a returning call leaves its CallInfo linked, for the next call to reuse
      // (luaE_extendCI in lstate.js); fengari allocated a new one for every call
      {
        find: '    let res = ci.funcOff;\n    L.ci = ci.previous;\n    L.ci.next = null;\n',
        replace: '    let res = ci.funcOff;\n    L.ci = ci.previous;\n',
      },
      // always parse as text: binary chunks are rejected by the lexer, as in Redis
      {
        find: '    if (c === LUA_SIGNATURE[0]) {\n        checkmode(L, p.mode, to_luastring("binary", true));\n        cl = lundump.luaU_undump(L, p.z, p.name);\n    } else {',
        replace: '    {',
      },
      {
        find: 'ldebug.luaG_runerror(L, to_luastring("attempt to yield across a JS-call boundary", true));',
        replace: 'ldebug.luaG_runerror(L, to_luastring("attempt to yield across metamethod/C-call boundary", true));',
      },
      {
        find: 'ldebug.luaG_runerror(L, to_luastring("JS stack overflow", true));',
        replace: 'ldebug.luaG_runerror(L, to_luastring("C stack overflow", true));',
      },
      {
        find: 'return resume_error(L, "JS stack overflow", nargs);',
        replace: 'return resume_error(L, "C stack overflow", nargs);',
      },
      // LUA_COMPAT_VARARG: a vararg function that never says '...' gets its extra
      // arguments in a local table 'arg' (with field n), after the fixed parameters
      {
        find: 'const adjust_varargs = function(L, p, actual) {\n    let nfixargs = p.numparams;\n',
        replace:
          'const adjust_varargs = function(L, p, actual) {\n    let nfixargs = p.numparams;\n    const htab51 = p.needsarg51 ? module.exports.makeArg51(L, L.top - actual + nfixargs, actual - nfixargs) : null;\n',
      },
      {
        find: '    for (; i < nfixargs; i++)\n        L.stack[L.top++] = new lobject.TValue(LUA_TNIL, null);\n\n    return base;',
        replace: '    for (; i < nfixargs; i++)\n        L.stack[L.top++] = new lobject.TValue(LUA_TNIL, null);\n    if (htab51 !== null) L.stack[L.top++] = htab51;\n\n    return base;',
      },
    ],
  },
  'lvm.js': {
    patches: [
      {
        find: '            case OP_NEWTABLE: {\n                L.stack[ra].sethvalue(ltable.luaH_new(L));',
        replace: '            case OP_NEWTABLE: {\n                L.stack[ra].sethvalue(ltable.luaH_new(L, ltable.fb2int(i.B), ltable.fb2int(i.C)));',
      },
      // 5.1: '#' on a table is always the primitive length (__len only for userdata)
      {
        find: '            tm = ltm.fasttm(L, h.metatable, ltm.TMS.TM_LEN);\n            if (tm !== null) break; /* metamethod? break switch to call it */\n            ra.setivalue(ltable.luaH_getn(h)); /* else primitive len */',
        replace: '            ra.setivalue(ltable.luaH_getn(h)); /* primitive len */',
      },
      // C's pow() (glibc: pow(1, nan) == 1, pow(-1, inf) == 1, domain errors give -nan; see libm.ts)
      {
        find: '                    L.stack[ra].setfltvalue(Math.pow(numberop1, numberop2));',
        replace: '                    L.stack[ra].setfltvalue(numpow51(numberop1, numberop2));',
      },
      {
        find: 'const luaV_equalobj = function',
        replace: 'const numpow51 = function(a, b) {\n    return module.exports.powC(a, b);\n};\nconst luaV_equalobj = function',
      },
      // string order is byte order (strcoll in the C locale); fengari compared its hex map
      // keys, which are not zero-padded ('5.' sorted below '\n')
      {
        find: 'const l_strcmp = function(ls, rs) {\n    let l = luaS_hashlongstr(ls);\n    let r = luaS_hashlongstr(rs);\n',
        replace: 'const l_strcmp = function(ls, rs) {\n    const a51 = ls.getstr(), b51 = rs.getstr();\n    const n51 = a51.length < b51.length ? a51.length : b51.length;\n    for (let i = 0; i < n51; i++) {\n        const d = a51[i] - b51[i];\n        if (d !== 0) return d < 0 ? -1 : 1;\n    }\n    let l = a51.length;\n    let r = b51.length;\n',
      },
      // a tail call keeps the callee's 'arg' table (LUA_COMPAT_VARARG) too
      {
        find: '                    let lim = nci.l_base + nfunc.value.p.numparams;',
        replace: '                    let lim = nci.l_base + nfunc.value.p.numparams + (nfunc.value.p.hasarg51 ? 1 : 0);',
      },
      // NaNs as x86 SSE makes them: a NaN operand comes back (the first one if both are),
      // and a NaN made from numbers is the default NaN (sign bit set); unary minus flips the sign
      {
        find: '                    L.stack[ra].setfltvalue(numberop1 + numberop2);',
        replace: '                    { const r51 = numberop1 + numberop2; L.stack[ra].setfltvalue(r51 === r51 ? r51 : module.exports.nanpick51(numberop1, numberop2)); }',
      },
      {
        find: '                    L.stack[ra].setfltvalue(numberop1 - numberop2);',
        replace: '                    { const r51 = numberop1 - numberop2; L.stack[ra].setfltvalue(r51 === r51 ? r51 : module.exports.nanpick51(numberop1, numberop2)); }',
      },
      {
        find: '                    L.stack[ra].setfltvalue(numberop1 * numberop2);',
        replace: '                    { const r51 = numberop1 * numberop2; L.stack[ra].setfltvalue(r51 === r51 ? r51 : module.exports.nanpick51(numberop1, numberop2)); }',
      },
      {
        find: '                    L.stack[ra].setfltvalue(numberop1 / numberop2);',
        replace: '                    { const r51 = numberop1 / numberop2; L.stack[ra].setfltvalue(r51 === r51 ? r51 : module.exports.nanpick51(numberop1, numberop2)); }',
      },
      {
        find: '                    L.stack[ra].setfltvalue(-numberop);',
        replace: '                    L.stack[ra].setfltvalue(numberop === numberop ? -numberop : module.exports.negnan51(numberop));',
      },
      {
        find: '                let last = ((c - 1) * LFIELDS_PER_FLUSH) + n;\n',
        replace: '                let last = ((c - 1) * LFIELDS_PER_FLUSH) + n;\n                if (last > h.sizearray) ltable.luaH_resizearray(L, h, last);\n',
      },
    ],
  },
  'lstrlib.js': {
    patches: [
      // fengari bug: a match ending at position 0 is a match (0 is falsy in JS)
      {
        find: '        let res = match(ms, s + i, ep + 1);\n        if (res) return res;',
        replace: '        let res = match(ms, s + i, ep + 1);\n        if (res !== null) return res;',
      },
      // 5.1 has no match depth limit (C recursion only); keep one far out of reach of
      // ordinary patterns, below what the JS stack allows
      {
        find: 'const MAXCCALLS      = 200;',
        replace: 'const MAXCCALLS      = 1000000000;',
      },
      // a back reference to a position capture never matches (its length is CAP_POSITION,
      // which C compares as a huge size_t)
      {
        find: '    let len = ms.capture[l].len;\n    if ((ms.src_end-s) >= len && array_cmp(',
        replace: '    let len = ms.capture[l].len;\n    if (len >= 0 && (ms.src_end-s) >= len && array_cmp(',
      },
      // 5.1 has no %g class: '%g' and '%G' match the letters themselves
      {
        find: "        case 103 /* 'g'.charCodeAt(0) */: return  isgraph(c);\n        case 71  /* 'G'.charCodeAt(0) */: return !isgraph(c);\n",
        replace: '',
      },
      // 5.1 gmatch/gsub: after an empty match step one character on; an empty match right
      // after a non-empty one counts (5.3's 'lastmatch' rule does not exist)
      {
        find: '        if ((e = match(gm.ms, src, gm.p)) !== null && e !== gm.lastmatch) {\n            gm.src = gm.lastmatch = e;\n',
        replace: '        if ((e = match(gm.ms, src, gm.p)) !== null) {\n            gm.src = e === src ? e + 1 : e;\n',
      },
      {
        find: '        if ((e = match(ms, src, p)) !== null && e !== lastmatch) {  /* match? */\n            n++;\n            add_value(ms, b, src, e, tr);  /* add replacement to buffer */\n            src = lastmatch = e;\n        } else if (src < ms.src_end)  /* otherwise, skip one character */',
        replace: '        if ((e = match(ms, src, p)) !== null) {  /* match? */\n            n++;\n            add_value(ms, b, src, e, tr);  /* add replacement to buffer */\n        }\n        if (e !== null && e > src)  /* non empty match? skip it */\n            src = e;\n        else if (src < ms.src_end)  /* otherwise, skip one character */',
      },
      // string.dump: call the result 5.1 bytecode ("\x1bLuaQ"), which it cannot load back anyway
      {
        find: '    if (lua_dump(L, writer, b, strip) !== 0)',
        replace: '    let off51 = 0;\n    if (lua_dump(L, (LL, data, size, ud) => { if (off51 <= 4 && off51 + size > 4) { data = Uint8Array.from(data); data[4 - off51] = 0x51; } off51 += size; return writer(LL, data, size, ud); }, b, strip) !== 0)',
      },
      // 5.1: '%' followed by a non-digit in a gsub replacement just copies the char
      {
        find: "                if (news[i] !== L_ESC)\n                    luaL_error(L, to_luastring(\"invalid use of '%c' in replacement string\"), L_ESC);\n",
        replace: '',
      },
      {
        find: '            luaL_error(ms.L, to_luastring("invalid capture index %%%d"), i + 1);',
        replace: '            luaL_error(ms.L, to_luastring("invalid capture index"));',
      },
      {
        find: '        return luaL_error(ms.L, to_luastring("invalid capture index %%%d"), l + 1);',
        replace: '        return luaL_error(ms.L, to_luastring("invalid capture index"));',
      },
      // gsub with a replacement function calls it with lua_callk: a script looping inside
      // the callback can then still give way at the hook (BUSY, SCRIPT KILL), and the loop
      // resumes where the callback returned (the loop state lives in one object)
      {
        find: '    lua_call,\n    lua_createtable,',
        replace: '    lua_call,\n    lua_callk,\n    lua_createtable,',
      },
      {
        // taken while our private copy loads: a require at run time would load a fresh,
        // unpatched fengari
        find: "} = require('./lauxlib.js');\n",
        replace: "} = require('./lauxlib.js');\nconst api51 = require('./lua.js');\nconst auxl51 = require('./lauxlib.js');\n",
      },
      {
        find:
          '    prepstate(ms, L, src, srcl, p, lp);\n    src = 0; p = 0;\n    while (n < max_s) {\n        let e;\n        reprepstate(ms);\n        if ((e = match(ms, src, p)) !== null) {  /* match? */\n            n++;\n            add_value(ms, b, src, e, tr);  /* add replacement to buffer */\n        }\n        if (e !== null && e > src)  /* non empty match? skip it */\n            src = e;\n        else if (src < ms.src_end)  /* otherwise, skip one character */\n            luaL_addchar(b, ms.src[src++]);\n        else break;  /* end of subject */\n        if (anchor) break;\n    }\n    luaL_addlstring(b, ms.src.subarray(src, ms.src_end), ms.src_end - src);\n    luaL_pushresult(b);\n    lua_pushinteger(L, n);  /* number of substitutions */\n    return 2;\n};\n',
        replace:
          '    prepstate(ms, L, src, srcl, p, lp);\n    return gsub_run(L, { ms: ms, b: b, src: 0, p: 0, n: 0, max_s: max_s, tr: tr, anchor: anchor, s: 0, e: 0 }, false);\n};\n\n' +
          'const gsub_run = function(L, st, resumed) {\n    let ms = st.ms, b = st.b;\n    if (resumed) {\n        gsub_addresult(ms, b, st.s, st.e);\n        if (gsub_step(st, st.e)) return gsub_end(L, st);\n    }\n    while (st.n < st.max_s) {\n        reprepstate(ms);\n        let e = match(ms, st.src, st.p);\n        if (e !== null) {\n            st.n++;\n            if (st.tr === LUA_TFUNCTION) {\n                lua_pushvalue(L, 3);\n                let nc = push_captures(ms, st.src, e);\n                st.s = st.src; st.e = e;\n                lua_callk(L, nc, 1, st, gsub_k);\n                gsub_addresult(ms, b, st.s, e);\n            } else if (st.tr === LUA_TTABLE) {\n                /* a function __index is called with lua_callk as well */\n                push_onecapture(ms, 0, st.src, e);\n                api51.lua_pushvalue(L, -1);\n                api51.lua_rawget(L, 3);\n                let mt = api51.lua_isnil(L, -1) ? auxl51.luaL_getmetafield(L, 3, to_luastring("__index")) : LUA_TNIL;\n                if (mt === LUA_TFUNCTION) {  /* key nil f -> f t key */\n                    api51.lua_remove(L, -2);\n                    api51.lua_insert(L, -2);\n                    api51.lua_pushvalue(L, 3);\n                    api51.lua_insert(L, -2);\n                    st.s = st.src; st.e = e;\n                    lua_callk(L, 2, 1, st, gsub_k);\n                } else if (mt !== LUA_TNIL) {  /* key nil index: a chain, looked up as usual */\n                    lua_pop(L, 2);\n                    lua_gettable(L, 3);\n                } else\n                    lua_remove(L, -2);  /* key value -> value */\n                gsub_addresult(ms, b, st.src, e);\n            } else\n                add_value(ms, b, st.src, e, st.tr);\n        }\n        if (gsub_step(st, e)) break;\n    }\n    return gsub_end(L, st);\n};\n\n' +
          'const gsub_k = function(L, status, st) {\n    return gsub_run(L, st, true);\n};\n\n' +
          '/* past a match (or one character on); true when the loop is over */\nconst gsub_step = function(st, e) {\n    let ms = st.ms;\n    if (e !== null && e > st.src)\n        st.src = e;\n    else if (st.src < ms.src_end)\n        luaL_addchar(st.b, ms.src[st.src++]);\n    else\n        return true;\n    return st.anchor;\n};\n\n' +
          'const gsub_addresult = function(ms, b, s, e) {\n    let L = ms.L;\n    if (!lua_toboolean(L, -1)) {\n        lua_pop(L, 1);\n        lua_pushlstring(L, ms.src.subarray(s, e), e - s);\n    } else if (!lua_isstring(L, -1))\n        luaL_error(L, to_luastring("invalid replacement value (a %s)"), luaL_typename(L, -1));\n    luaL_addvalue(b);\n};\n\n' +
          'const gsub_end = function(L, st) {\n    let ms = st.ms, b = st.b;\n    luaL_addlstring(b, ms.src.subarray(st.src, ms.src_end), ms.src_end - st.src);\n    luaL_pushresult(b);\n    lua_pushinteger(L, st.n);\n    return 2;\n};\n',
      },
      // 5.1: a start position past the end is clamped, not an immediate failure
      {
        find: '    else if (init > ls + 1) {  /* start after string\'s end? */\n        lua_pushnil(L);  /* cannot find anything */\n        return 1;\n    }',
        replace: '    else if (init > ls + 1) init = ls + 1;',
      },
    ],
  },
};

/**
 * fengari pops stack slots with `delete L.stack[i]`. V8 runs every such delete in its
 * runtime (and may turn the stack array into a dictionary), which made pops one of the
 * larger costs of a short script. Storing undefined reads back the same, so every module
 * gets the store instead.
 */
const STACK_DELETE = /delete (\w+\.stack\[[^\[\];]+\]);/g;

function patchedSource(file: string, srcDir: string): string {
  return applySourcePatches(file, fs.readFileSync(path.join(srcDir, file), 'utf8'));
}

function applySourcePatches(file: string, src: string): string {
  src = src.replace(STACK_DELETE, '$1 = undefined;');
  const spec = SOURCE_PATCHES[file];
  if (!spec) return src;
  if (spec.whole) src = spec.whole(src);
  for (const p of spec.patches) {
    const first = src.indexOf(p.find);
    if (first < 0) throw new Error(`fengari patch for ${file} does not apply: ${p.find.slice(0, 80)}`);
    if (src.indexOf(p.find, first + 1) >= 0)
      throw new Error(`fengari patch for ${file} is ambiguous: ${p.find.slice(0, 80)}`);
    src = src.slice(0, first) + p.replace + src.slice(first + p.find.length);
  }
  return src;
}

// ---------------------------------------------------------------------------------------
// Export patches, run right after the named module finished loading.
// ---------------------------------------------------------------------------------------

const NUMBER_EPS_INT64 = 9223372036854775808;

/** C's (long long) cast on x86-64: out of range and NaN give INT64_MIN. */
export function toInt64(n: number): number {
  if (n !== n || n >= NUMBER_EPS_INT64 || n < -NUMBER_EPS_INT64) return -NUMBER_EPS_INT64;
  const t = Math.trunc(n);
  return t === 0 ? 0 : t;
}

function postLoad(file: string, exp: AnyMod, load: (f: string) => AnyMod): void {
  switch (file) {
    case 'luaconf.js':
      exp.lua_number2str = number2str;
      exp.lua_integer2str = number2str;
      break;
    case 'llimits.js':
      // Lua 5.1: a % b == a - floor(a/b)*b
      exp.luai_nummod = (_L: unknown, a: number, b: number) => {
        const r = a - Math.floor(a / b) * b;
        return r === r ? r : nanPick(a, b);
      };
      break;
    case 'ltable.js':
      installTable51(exp, load);
      break;
    case 'lobject.js': {
      exp.powC = libmPow;
      exp.luaO_str2num = (s: Uint8Array, o: AnyMod) => {
        const v = str2number51(s);
        if (v === null) return 0;
        o.setfltvalue(v);
        return s.length + 1;
      };
      exp.luaO_chunkid = (source: Uint8Array) => chunkid51(source);
      // every integer the VM produces is a Lua 5.1 number (double)
      const FLT = load('defs.js').constant_types.LUA_TNUMFLT;
      exp.TValue.prototype.setivalue = function (this: AnyMod, x: number) {
        this.type = FLT;
        this.value = x;
      };
      break;
    }
    case 'ldo.js': {
      const ltable = load('ltable.js');
      const lobject = load('lobject.js');
      const lstring = load('lstring.js');
      const defs = load('defs.js');
      const TTABLE = defs.constant_types.LUA_TTABLE;
      const TNUMFLT = defs.constant_types.LUA_TNUMFLT;
      exp.makeArg51 = (L: AnyMod, first: number, nvar: number) => {
        if (nvar < 0) nvar = 0;
        const t = ltable.luaH_new(L, nvar, 1);
        for (let i = 0; i < nvar; i++) ltable.luaH_setint(t, i + 1, L.stack[first + i]);
        const key = new lobject.TValue(0, null);
        key.setsvalue(lstring.luaS_newliteral(L, 'n'));
        ltable.luaH_setfrom(L, t, key, new lobject.TValue(TNUMFLT, nvar));
        return new lobject.TValue(TTABLE, t);
      };
      break;
    }
    case 'lvm.js':
      exp.powC = libmPow;
      exp.nanpick51 = nanPick;
      exp.negnan51 = flipSign;
      break;
    case 'ldebug.js':
      load('lstate.js').runerror51 = exp.luaG_runerror;
      break;
    case 'ltm.js': {
      // 5.1 never uses __name in type names
      const ttypename = exp.ttypename;
      exp.luaT_objtypename = (_L: unknown, o: AnyMod) => ttypename(o.ttnov());
      break;
    }
    case 'lapi.js': {
      const ldebug = load('ldebug.js');
      const ltable = load('ltable.js');
      const lobject = load('lobject.js');
      const defs = load('defs.js');
      const TTABLE = defs.constant_types.LUA_TTABLE;
      exp.lua_pushinteger = exp.lua_pushnumber;
      const origSetmt = exp.lua_setmetatable;
      const index2addr = (L: AnyMod, idx: number) => {
        // copy of lapi's index2addr for the cases we need (absolute / relative stack indices)
        const ci = L.ci;
        if (idx > 0) return L.stack[ci.funcOff + idx];
        return L.stack[L.top + idx];
      };
      const roMsg = defs.to_luastring('Attempt to modify a readonly table', true);
      exp.lua_setmetatable = (L: AnyMod, objindex: number) => {
        const o = objindex > -1000000 ? index2addr(L, objindex) : null;
        if (o && o.type === TTABLE && o.value.readonly) ldebug.luaG_runerror(L, roMsg);
        return origSetmt(L, objindex);
      };
      const origRawseti = exp.lua_rawseti;
      exp.lua_rawseti = (L: AnyMod, idx: number, n: number) => {
        const o = idx > -1000000 ? index2addr(L, idx) : null;
        if (o && o.type === TTABLE && o.value.readonly) ldebug.luaG_runerror(L, roMsg);
        return origRawseti(L, idx, n);
      };
      exp.lua_createtable = (L: AnyMod, narray: number, nrec: number) => {
        L.stack[L.top] = new lobject.TValue(TTABLE, ltable.luaH_new(L, narray | 0, nrec | 0));
        L.top++;
      };
      break;
    }
    case 'lauxlib.js': {
      const checknumber = exp.luaL_checknumber;
      const lapi = load('lapi.js');
      exp.luaL_checkinteger = (L: AnyMod, arg: number) => toInt64(checknumber(L, arg));
      exp.luaL_optinteger = (L: AnyMod, arg: number, def: number) =>
        lapi.lua_type(L, arg) <= 0 ? def : toInt64(checknumber(L, arg));
      break;
    }
    default:
      break;
  }
}

// ---------------------------------------------------------------------------------------
// Loading our private instance
// ---------------------------------------------------------------------------------------

/**
 * Evaluates fengari's own CommonJS files (read from the installed package) with a loader
 * of our own: each relative require resolves inside fengari's src/ to our patched copy,
 * anything else goes to Node's require. Nothing in Node's module system is hooked, so
 * this works the same under every test runner (Jest's module registry included), in a
 * bundle and in plain Node; other users of fengari in the process get the unpatched one.
 */
/** The module files loaded, in order: fengaricore first (defs), then luaconf, as fengari.js itself does. */
const LOAD_ORDER = [
  ['fengaricore.js', 'luaconf.js', 'llimits.js', 'lstring.js', 'lua.js', 'lauxlib.js', 'lualib.js'],
  ['lobject.js', 'ltable.js', 'ldo.js', 'lstate.js', 'ldebug.js', 'lvm.js', 'lapi.js', 'ltm.js', 'defs.js', 'lfunc.js', 'lstrlib.js', 'lbaselib.js'],
].flat();

/** Each module's exports object, created before the module runs (filled when it does). */
const EXPORTS: Record<string, AnyMod> = Object.fromEntries(LOAD_ORDER.map((f) => [f, {}]));

/** The modules loaded so far, by file name (empty until loadFengari()). */
const LOADED: Record<string, { exports: AnyMod }> = {};

function loadPatchedFengari(): void {
  const modules = LOADED;
  const main = fengariMain();
  const srcDir = path.dirname(main);
  const outside = createRequire(main);
  const prebuilt = typeof __REDMOON_FENGARI__ === 'object' ? __REDMOON_FENGARI__ : {};
  const load = (f: string): AnyMod => {
    const done = modules[f];
    if (done) return done.exports;
    const filename = path.join(srcDir, f);
    // every fengari module adds to `module.exports` (none replaces it): ours are those objects
    const module = { exports: (EXPORTS[f] ?? {}) as AnyMod };
    modules[f] = module;
    const body = prebuilt[f] ?? vm.compileFunction(patchedSource(f, srcDir), [...MODULE_PARAMS], { filename });
    body.call(module.exports, module.exports, requireInside, module, filename, srcDir);
    postLoad(f, module.exports, load);
    return module.exports;
  };
  const requireInside = (spec: string): AnyMod => {
    if (!spec.startsWith('./')) return outside(spec);
    return load(spec.endsWith('.js') ? spec.slice(2) : spec.slice(2) + '.js');
  };
  for (const f of LOAD_ORDER) load(f);
  for (const f of Object.keys(SOURCE_PATCHES)) {
    if (!modules[f]) throw new Error(`fengari patch: module ${f} was not loaded`);
  }
  for (const f of LOAD_ORDER) {
    if (modules[f]!.exports !== EXPORTS[f]) throw new Error(`fengari: module ${f} replaced its exports`);
  }
  checkConstants();
}

/** Loads fengari (once per process): before any use of the exports below. */
export function loadFengari(): void {
  if (LOADED['lua.js'] === undefined) loadPatchedFengari();
}

/**
 * The patched source of every fengari module loaded, by file name: scripts/build.mjs puts
 * them in the bundles as functions (__REDMOON_FENGARI__), compiled with the rest of the
 * bundle (and kept in the CLI's compile cache) instead of read, patched and compiled here.
 */
export function patchedFengariSources(): Record<string, string> {
  loadFengari();
  const srcDir = path.dirname(fengariMain());
  const out: Record<string, string> = {};
  for (const f of Object.keys(LOADED)) out[f] = patchedSource(f, srcDir);
  return out;
}

export const lua: AnyMod = EXPORTS['lua.js'];
export const lauxlib: AnyMod = EXPORTS['lauxlib.js'];
export const lualib: AnyMod = EXPORTS['lualib.js'];
export const defs: AnyMod = EXPORTS['defs.js'];
export const lobject: AnyMod = EXPORTS['lobject.js'];
export const ldo: AnyMod = EXPORTS['ldo.js'];
export const lstate: AnyMod = EXPORTS['lstate.js'];
export const ldebug: AnyMod = EXPORTS['ldebug.js'];
export const lvm: AnyMod = EXPORTS['lvm.js'];
export const lapi: AnyMod = EXPORTS['lapi.js'];
export const ltable: AnyMod = EXPORTS['ltable.js'];
export const ltm: AnyMod = EXPORTS['ltm.js'];
export const lstrlib: AnyMod = EXPORTS['lstrlib.js'];
export const lbaselib: AnyMod = EXPORTS['lbaselib.js'];
export const lfunc: AnyMod = EXPORTS['lfunc.js'];
export const fengaricore: AnyMod = EXPORTS['fengaricore.js'];
export const lstring: AnyMod = EXPORTS['lstring.js'];

// lua.h's constants (and two of fengari's), which code outside functions reads before
// fengari loads; checkConstants() holds them to fengari's values when it does.
export const LUA_OK = 0;
export const LUA_YIELD = 1;
export const LUA_TNIL = 0;
export const LUA_TBOOLEAN = 1;
export const LUA_TLIGHTUSERDATA = 2;
export const LUA_TNUMBER = 3;
export const LUA_TSTRING = 4;
export const LUA_TTABLE = 5;
export const LUA_TFUNCTION = 6;
export const LUA_TUSERDATA = 7;
export const LUA_TTHREAD = 8;
/** a long string's type tag (fengari keeps every string long) */
export const LUA_TLNGSTR = LUA_TSTRING | (1 << 4);
export const LUA_MULTRET = -1;
/** -LUAI_MAXSTACK - 1000, with fengari's LUAI_MAXSTACK of 1,000,000 */
export const LUA_REGISTRYINDEX = -1001000;
export const LUA_HOOKCOUNT = 3;
export const LUA_MASKLINE = 1 << 2;
export const LUA_MASKCOUNT = 1 << 3;
/** lstate's CallInfo flags */
export const CIST_LUA = 1 << 1;
export const CIST_HOOKYIELD = 1 << 6;

export function lua_upvalueindex(i: number): number {
  return LUA_REGISTRYINDEX - i;
}

function checkConstants(): void {
  const mine: Record<string, number> = {
    LUA_OK, LUA_YIELD, LUA_TNIL, LUA_TBOOLEAN, LUA_TLIGHTUSERDATA, LUA_TNUMBER, LUA_TSTRING, LUA_TTABLE, LUA_TFUNCTION,
    LUA_TUSERDATA, LUA_TTHREAD, LUA_MULTRET, LUA_REGISTRYINDEX, LUA_HOOKCOUNT, LUA_MASKLINE, LUA_MASKCOUNT,
  };
  const theirs = EXPORTS['lua.js'] as Record<string, unknown>;
  for (const [name, value] of Object.entries(mine)) {
    if (theirs[name] !== value) throw new Error(`fengari: ${name} is ${String(theirs[name])}, not ${value}`);
  }
  const others: [string, unknown, number][] = [
    ['LUA_TLNGSTR', EXPORTS['defs.js'].constant_types.LUA_TLNGSTR, LUA_TLNGSTR],
    ['CIST_LUA', EXPORTS['lstate.js'].CIST_LUA, CIST_LUA],
    ['CIST_HOOKYIELD', EXPORTS['lstate.js'].CIST_HOOKYIELD, CIST_HOOKYIELD],
    ['lua_upvalueindex(1)', theirs['lua_upvalueindex'] instanceof Function ? (theirs['lua_upvalueindex'] as (i: number) => number)(1) : undefined, lua_upvalueindex(1)],
  ];
  for (const [name, value, want] of others) {
    if (value !== want) throw new Error(`fengari: ${name} is ${String(value)}, not ${want}`);
  }
}
