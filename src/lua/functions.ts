/**
 * Redis 7.0 functions (functions.c + function_lua.c): libraries loaded with FUNCTION LOAD
 * into their own Lua state, FCALL / FCALL_RO, and the FUNCTION subcommands.
 *
 * Libraries keep insertion order (Redis lists them in its hash table's order, which
 * depends on a random seed, so no order is "the" order).
 */
import type { Client } from '../core/client.ts';
import type { ReplySink } from '../resp/sink.ts';
import { LuaEngine, FUNCTION_FLAGS, type RegisteredFunction } from './vm.ts';
import type { Scripting } from './scripting.ts';
import { BUSY_EVAL, parseNumkeys } from './scripting.ts';
import { splitArgs } from '../util/splitargs.ts';
import { dumpValue, crc64, lzfDecompress, RDB_VERSION, verifyPayload } from '../keyspace/rdb.ts';
import { globMatch } from '../util/glob.ts';
import { parseInt64 } from '../util/numbers.ts';
import { cstr, ERR } from '../errors.ts';
import { perfNow } from '../util/clock.ts';

const LOAD_TIMEOUT_MS = 500;
const RDB_OPCODE_FUNCTION_PRE_GA = 246;
const RDB_OPCODE_FUNCTION2 = 245;

export interface FunctionInfo {
  name: string;
  ref: number;
  description: string | null;
  flags: number;
  library: Library;
}

export interface Library {
  name: string;
  code: string;
  functions: FunctionInfo[];
}

/** Parsed "#!lua name=..." first line. */
interface LibMeta {
  engine: string;
  name: string;
  code: string;
}


/** functionExtractLibMetaData */
function extractLibMeta(payload: string): LibMeta | { error: string } {
  if (!payload.startsWith('#!')) return { error: 'Missing library metadata' };
  const nl = payload.indexOf('\n');
  if (nl < 0) return { error: 'Invalid library metadata' };
  const parts = splitArgs(cstr(payload.slice(0, nl)));
  if (!parts || parts.length === 0) return { error: 'Invalid library metadata' };
  const engine = parts[0].slice(2);
  let name: string | null = null;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i];
    if (part.slice(0, 5).toLowerCase() === 'name=') {
      if (name !== null) return { error: 'Invalid metadata value, name argument was given multiple times' };
      name = part.slice(5);
      continue;
    }
    return { error: `Invalid metadata value given: ${cstr(part)}` };
  }
  if (name === null) return { error: 'Library name was not given' };
  return { engine, name, code: payload.slice(nl) };
}

function validName(name: string): boolean {
  return /^[a-zA-Z0-9_]+$/.test(name);
}

export class Functions {
  private engineInst: LuaEngine | null = null;
  /** library name -> library */
  readonly libraries = new Map<string, Library>();
  /** lowercase function name -> function (FCALL looks names up case-insensitively) */
  readonly functions = new Map<string, FunctionInfo>();

  constructor(private readonly scripting: Scripting) {}

  get engine(): LuaEngine {
    if (!this.engineInst) this.engineInst = new LuaEngine({ mode: 'function', rand: this.scripting.rand, deprecatedApi: this.scripting.deprecatedApi, log: (level, msg) => this.scripting.log(level, msg) });
    return this.engineInst;
  }

  // -------------------------------------------------------------------------------------
  // libraries
  // -------------------------------------------------------------------------------------

  /**
   * functionsCreateWithLibraryCtx: compile a library into `target` (the live maps, or a
   * scratch set for RESTORE). Returns the library name or an error text (no ERR code).
   */
  createLibrary(code: string, replace: boolean, timeoutMs: number, target = this.libraries, targetFns = this.functions): { name: string } | { error: string } {
    const md = extractLibMeta(code);
    if ('error' in md) return md;
    if (!validName(md.name)) return { error: 'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long' };
    if (md.engine.toLowerCase() !== 'lua') return { error: `Engine '${md.engine}' not found` };
    const old = target.get(md.name);
    if (old && !replace) return { error: `Library '${md.name}' already exists` };
    if (old) this.unlink(old, target, targetFns);
    const r = this.engine.loadLibrary(md.code, timeoutMs);
    const relink = () => {
      if (old) this.link(old, target, targetFns);
    };
    if (!r.ok) {
      relink();
      return { error: r.error };
    }
    const lib: Library = { name: md.name, code, functions: [] };
    lib.functions = r.functions.map((f: RegisteredFunction) => ({ ...f, library: lib }));
    const fail = (error: string) => {
      for (const f of lib.functions) this.engine.release(f.ref);
      relink();
      return { error };
    };
    if (lib.functions.length === 0) return fail('No functions registered');
    for (const f of lib.functions) {
      if (targetFns.has(f.name.toLowerCase())) return fail(`Function ${f.name} already exists`);
    }
    this.link(lib, target, targetFns);
    if (old) for (const f of old.functions) this.engine.release(f.ref);
    return { name: md.name };
  }

  private link(lib: Library, target: Map<string, Library>, targetFns: Map<string, FunctionInfo>): void {
    target.set(lib.name, lib);
    for (const f of lib.functions) if (!targetFns.has(f.name.toLowerCase())) targetFns.set(f.name.toLowerCase(), f);
  }

  private unlink(lib: Library, target: Map<string, Library>, targetFns: Map<string, FunctionInfo>): void {
    for (const f of lib.functions) if (targetFns.get(f.name.toLowerCase()) === f) targetFns.delete(f.name.toLowerCase());
    target.delete(lib.name);
  }

  private releaseLibrary(lib: Library): void {
    for (const f of lib.functions) this.engine.release(f.ref);
  }

  flush(): void {
    for (const lib of this.libraries.values()) this.releaseLibrary(lib);
    this.libraries.clear();
    this.functions.clear();
  }

  // -------------------------------------------------------------------------------------
  // commands
  // -------------------------------------------------------------------------------------

  /** FCALL / FCALL_RO */
  fcall(c: Client, argv: string[], out: ReplySink, ro: boolean): void {
    const fn = this.functions.get(argv[1].toLowerCase());
    if (!fn) {
      out.error(ERR.functionNotFound);
      return;
    }
    const numkeys = parseNumkeys(argv, ERR.badNumberKeys);
    if (typeof numkeys === 'string') {
      out.error(numkeys);
      return;
    }
    const prep = this.scripting.prepare(fn.flags, ro);
    if ('error' in prep) {
      out.error(prep.error);
      return;
    }
    this.scripting.runScript(c, this.engine, fn.ref, argv.slice(3, 3 + numkeys), argv.slice(3 + numkeys), out, {
      name: fn.name,
      isEval: false,
      readOnly: prep.readOnly,
      allowOom: prep.allowOom,
      argv,
    });
  }

  /** FUNCTION LOAD [REPLACE] code */
  load(argv: string[], out: ReplySink): boolean {
    let replace = false;
    let pos = 2;
    while (pos < argv.length - 1) {
      const a = argv[pos++];
      if (a.toLowerCase() === 'replace') {
        replace = true;
        continue;
      }
      out.error(ERR.unknownOptionGiven(cstr(a)));
      return false;
    }
    if (pos >= argv.length) {
      out.error(ERR.functionCodeMissing);
      return false;
    }
    const r = this.createLibrary(argv[pos], replace, LOAD_TIMEOUT_MS);
    if ('error' in r) {
      out.error('ERR ' + r.error);
      return false;
    }
    out.bulk(r.name);
    return true;
  }

  /** FUNCTION DELETE name */
  delete(name: string, out: ReplySink): boolean {
    const lib = this.libraries.get(name);
    if (!lib) {
      out.error(ERR.libraryNotFound);
      return false;
    }
    this.unlink(lib, this.libraries, this.functions);
    this.releaseLibrary(lib);
    out.simple('OK');
    return true;
  }

  /** FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE] */
  list(argv: string[], out: ReplySink): void {
    let withCode = false;
    let pattern: string | null = null;
    for (let i = 2; i < argv.length; i++) {
      const a = argv[i];
      if (!withCode && a.toLowerCase() === 'withcode') {
        withCode = true;
        continue;
      }
      if (pattern === null && a.toLowerCase() === 'libraryname') {
        if (i >= argv.length - 1) {
          out.error(ERR.libraryNameArgument);
          return;
        }
        pattern = argv[++i];
        continue;
      }
      out.error(ERR.unknownArgument(cstr(a)));
      return;
    }
    const libs = [...this.libraries.values()].filter((l) => pattern === null || globMatch(pattern, l.name, true));
    out.array(libs.length);
    for (const lib of libs) {
      out.map(withCode ? 4 : 3);
      out.bulk('library_name');
      out.bulk(lib.name);
      out.bulk('engine');
      out.bulk('LUA');
      out.bulk('functions');
      out.array(lib.functions.length);
      for (const f of lib.functions) {
        out.map(3);
        out.bulk('name');
        out.bulk(f.name);
        out.bulk('description');
        if (f.description === null) out.null();
        else out.bulk(f.description);
        out.bulk('flags');
        const names = FUNCTION_FLAGS.filter(([, bit]) => f.flags & bit).map(([n]) => n);
        out.set(names.length);
        for (const n of names) out.simple(n);
      }
      if (withCode) {
        out.bulk('library_code');
        out.bulk(lib.code);
      }
    }
  }

  /** FUNCTION STATS */
  stats(out: ReplySink): void {
    const running = this.scripting.running;
    if (running && running.busy && running.info.isEval) {
      out.error(BUSY_EVAL);
      return;
    }
    out.map(2);
    out.bulk('running_script');
    if (!running || running.info.isEval) out.null();
    else {
      out.map(3);
      out.bulk('name');
      out.bulk(running.info.name);
      out.bulk('command');
      out.array(running.info.argv.length);
      for (const a of running.info.argv) out.bulk(a);
      out.bulk('duration_ms');
      out.integer(Math.floor(perfNow() - running.start));
    }
    out.bulk('engines');
    out.map(1);
    out.bulk('LUA');
    out.map(2);
    out.bulk('libraries_count');
    out.integer(this.libraries.size);
    out.bulk('functions_count');
    let n = 0;
    for (const lib of this.libraries.values()) n += lib.functions.length;
    out.integer(n);
  }

  /** FUNCTION DUMP: RDB_OPCODE_FUNCTION2 + code per library, RDB version, CRC64. */
  dump(compress: boolean): string {
    let p = '';
    for (const lib of this.libraries.values()) {
      p += String.fromCharCode(RDB_OPCODE_FUNCTION2);
      const enc = dumpValue(lib.code, compress);
      p += enc.slice(1, enc.length - 10);
    }
    p += String.fromCharCode(RDB_VERSION & 0xff, (RDB_VERSION >> 8) & 0xff);
    return p + crc64(p);
  }

  /** FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE] */
  restore(argv: string[], out: ReplySink): boolean {
    if (argv.length > 4) {
      out.error(ERR.subcommandOrArityFunction(cstr(argv[1])));
      return false;
    }
    let policy: 'append' | 'replace' | 'flush' = 'append';
    if (argv.length === 4) {
      const p = argv[3].toLowerCase();
      if (p === 'append' || p === 'replace' || p === 'flush') policy = p;
      else {
        out.error(ERR.wrongRestorePolicy);
        return false;
      }
    }
    const data = argv[2];
    if (!verifyPayload(data)) {
      out.error(ERR.dumpPayloadVersion);
      return false;
    }
    const libs = new Map<string, Library>();
    const fns = new Map<string, FunctionInfo>();
    const fail = (e: string) => {
      for (const lib of libs.values()) this.releaseLibrary(lib);
      out.error('ERR ' + e);
      return false;
    };
    let pos = 0;
    const end = data.length - 10;
    while (end - pos > 0) {
      const type = data.charCodeAt(pos++);
      if (type === RDB_OPCODE_FUNCTION_PRE_GA) return fail('Pre-GA function format not supported');
      if (type !== RDB_OPCODE_FUNCTION2) return fail('given type is not a function');
      const s = readRdbString(data, pos, end);
      if (s === null) return fail('failed loading the given functions payload');
      pos = s.next;
      const r = this.createLibrary(s.value, false, 0, libs, fns);
      if ('error' in r) return fail(r.error);
    }
    if (policy === 'flush') {
      this.flush();
      for (const lib of libs.values()) this.link(lib, this.libraries, this.functions);
    } else {
      // libraryJoin
      const replaced: Library[] = [];
      for (const lib of libs.values()) {
        const old = this.libraries.get(lib.name);
        if (old) {
          if (policy !== 'replace') {
            for (const o of replaced) this.link(o, this.libraries, this.functions);
            return fail(`Library ${lib.name} already exists`);
          }
          this.unlink(old, this.libraries, this.functions);
          replaced.push(old);
        }
      }
      for (const lib of libs.values()) {
        for (const f of lib.functions) {
          if (this.functions.has(f.name.toLowerCase())) {
            for (const o of replaced) this.link(o, this.libraries, this.functions);
            return fail(`Function ${f.name} already exists`);
          }
        }
      }
      for (const lib of libs.values()) this.link(lib, this.libraries, this.functions);
      for (const o of replaced) this.releaseLibrary(o);
    }
    out.simple('OK');
    return true;
  }
}

/** One RDB string (length or int encodings, LZF) at `pos`. */
function readRdbString(s: string, pos: number, end: number): { value: string; next: number } | null {
  const len = (): number | null => {
    if (pos >= end) return null;
    const b = s.charCodeAt(pos++);
    const t = b >> 6;
    if (t === 0) return b & 0x3f;
    if (t === 1) {
      if (pos >= end) return null;
      return ((b & 0x3f) << 8) | s.charCodeAt(pos++);
    }
    if (b === 0x80) {
      if (pos + 4 > end) return null;
      const v = ((s.charCodeAt(pos) << 24) >>> 0) + (s.charCodeAt(pos + 1) << 16) + (s.charCodeAt(pos + 2) << 8) + s.charCodeAt(pos + 3);
      pos += 4;
      return v;
    }
    if (b === 0x81) {
      if (pos + 8 > end) return null;
      let v = 0;
      for (let i = 0; i < 8; i++) v = v * 256 + s.charCodeAt(pos + i);
      pos += 8;
      return v;
    }
    return -(b & 0x3f) - 1;
  };
  const l = len();
  if (l === null) return null;
  if (l >= 0) {
    if (pos + l > end) return null;
    return { value: s.slice(pos, pos + l), next: pos + l };
  }
  const enc = -l - 1;
  if (enc === 0 || enc === 1 || enc === 2) {
    const n = 1 << enc;
    if (pos + n > end) return null;
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + s.charCodeAt(pos + i);
    if (v >= 2 ** (8 * n - 1)) v -= 2 ** (8 * n);
    return { value: String(v), next: pos + n };
  }
  if (enc === 3) {
    const clen = len();
    const ulen = len();
    if (clen === null || ulen === null || clen < 0 || ulen < 0 || pos + clen > end) return null;
    const v = lzfDecompress(s.slice(pos, pos + clen), ulen);
    if (v === null) return null;
    return { value: v, next: pos + clen };
  }
  return null;
}
