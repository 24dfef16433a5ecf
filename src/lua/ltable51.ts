/**
 * Lua 5.1 tables for fengari.
 *
 * fengari stores a table as a JS Map in insertion order. Redis scripts observe Lua 5.1's
 * table layout: the order of pairs()/next() (and so of cjson.encode objects and of RESP3
 * maps), and the border returned by '#' on tables with holes. This module replaces
 * fengari's ltable exports with a re-implementation of Lua 5.1's ltable.c algorithm:
 * an array part plus a hash part of 2^k nodes with chained collisions, the same main
 * positions (5.1 string hash, number hash from the double's bits), the same free-slot
 * search, rehash sizing and re-insertion order. Keys are never collected (no GC), which is
 * what Lua 5.1 does between collections.
 *
 * It also carries Redis 7's readonly flag: writes to a readonly table raise
 * "Attempt to modify a readonly table".
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyMod = any;

const MAXBITS = 26;
const MAXASIZE = 1 << MAXBITS;

export function installTable51(exp: AnyMod, load: (f: string) => AnyMod): void {
  const lobject = load('lobject.js');
  const ldebug = load('ldebug.js');
  const defs = load('defs.js');
  const T = defs.constant_types;
  const TNIL = T.LUA_TNIL;
  const TNUMFLT = T.LUA_TNUMFLT;
  const TNUMINT = T.LUA_TNUMINT;
  const TSHRSTR = T.LUA_TSHRSTR;
  const TLNGSTR = T.LUA_TLNGSTR;
  const TBOOLEAN = T.LUA_TBOOLEAN;
  const TLIGHTUSERDATA = T.LUA_TLIGHTUSERDATA;
  const TLCF = T.LUA_TLCF;
  const to_luastring = defs.to_luastring;
  const MSG_RO = to_luastring('Attempt to modify a readonly table', true);
  const MSG_NILIDX = to_luastring('table index is nil', true);
  const MSG_NANIDX = to_luastring('table index is NaN', true);
  const MSG_NEXT = to_luastring("invalid key to 'next'", true);

  // scratch space to read a double's bits (holds no state between calls)
  const f64 = new Float64Array(1);
  const u32 = new Uint32Array(f64.buffer);

  const TValue = () => lobject.TValue;
  const nilobject = () => lobject.luaO_nilobject;

  // Lua's 'dummynode': the hash part of every table without one (never written to)
  let dummyKeys: any[] | null = null;
  let dummyVals: any[] | null = null;
  const DUMMY_NEXT: number[] = [-1];
  const dummy = () => {
    if (dummyVals === null) {
      const Tv = TValue();
      dummyKeys = Object.freeze([null]) as any[];
      dummyVals = Object.freeze([Object.freeze(new Tv(TNIL, null))]) as any[];
    }
  };

  class Table {
    id: number;
    metatable: any = null;
    flags = ~0;
    readonly = false;
    sizearray = 0;
    array: any[] = [];
    lsizenode = 0;
    dummy = true;
    nkey: any[]; // key TValue or null (free)
    nval: any[]; // value TValue
    nnext: number[];
    lastfree = 0;
    constructor(L: any) {
      this.id = L.l_G.id_counter++;
      dummy();
      this.nkey = dummyKeys!;
      this.nval = dummyVals!;
      this.nnext = DUMMY_NEXT;
    }
  }

  function strhash(ts: any): number {
    let h = ts.h51;
    if (h >= 0) return h;
    const s: Uint8Array = ts.realstring;
    const l = s.length;
    h = l >>> 0;
    const step = (l >> 5) + 1;
    for (let l1 = l; l1 >= step; l1 -= step) {
      h = (h ^ (((h << 5) >>> 0) + (h >>> 2) + s[l1 - 1])) >>> 0;
    }
    ts.h51 = h;
    return h;
  }

  function sizenode(t: Table): number {
    return 1 << t.lsizenode;
  }

  function hashmod(t: Table, n: number): number {
    return (n >>> 0) % (((sizenode(t) - 1) | 1) >>> 0);
  }

  function hashnum(t: Table, n: number): number {
    if (n === 0) return 0;
    f64[0] = n;
    return hashmod(t, (u32[0] + u32[1]) >>> 0);
  }

  function objid(L: any, v: any): number {
    if (v === null || v === undefined) return 0;
    const t = typeof v;
    if (t === 'number') return v >>> 0;
    if ((t === 'object' || t === 'function') && typeof v.id === 'number') return v.id;
    if (L && (t === 'object' || t === 'function')) {
      let id = L.l_G.ids.get(v);
      if (!id) {
        id = L.l_G.id_counter++;
        L.l_G.ids.set(v, id);
      }
      return id;
    }
    return 0;
  }

  function mainposition(L: any, t: Table, key: any): number {
    switch (key.type) {
      case TNUMFLT:
      case TNUMINT:
        return hashnum(t, key.value);
      case TSHRSTR:
      case TLNGSTR:
        return strhash(key.value) & (sizenode(t) - 1);
      case TBOOLEAN:
        return (key.value ? 1 : 0) & (sizenode(t) - 1);
      case TLIGHTUSERDATA:
        return hashmod(t, objid(L, key.value));
      case TLCF:
        return hashmod(t, objid(L, key.value));
      default:
        return hashmod(t, objid(L, key.value));
    }
  }

  function streq(a: any, b: any): boolean {
    if (a === b) return true;
    const x: Uint8Array = a.realstring;
    const y: Uint8Array = b.realstring;
    const n = x.length;
    if (n !== y.length) return false;
    for (let i = 0; i < n; i++) if (x[i] !== y[i]) return false;
    return true;
  }

  function isnum(ty: number): boolean {
    return ty === TNUMFLT || ty === TNUMINT;
  }
  function isstr(ty: number): boolean {
    return ty === TSHRSTR || ty === TLNGSTR;
  }

  function rawequalkey(k: any, key: any): boolean {
    const a = k.type;
    const b = key.type;
    if (isnum(a)) return isnum(b) && k.value === key.value;
    if (isstr(a)) return isstr(b) && (k.value === key.value || (strhash(k.value) === strhash(key.value) && streq(k.value, key.value)));
    return a === b && k.value === key.value;
  }

  /** index of an integer key in the array part, or -1 */
  function arrayindex(key: any): number {
    if (isnum(key.type)) {
      const n = key.value;
      if ((n | 0) === n) return n;
    }
    return -1;
  }

  function getnum(t: Table, key: number): any {
    if (key >= 1 && key <= t.sizearray) return t.array[key - 1];
    if (key === 0) {
      // hashnum(0) is node 0
    }
    let n = hashnum(t, key);
    const nkey = t.nkey;
    const nnext = t.nnext;
    do {
      const k = nkey[n];
      if (k !== null && isnum(k.type) && k.value === key) return t.nval[n];
      n = nnext[n];
    } while (n >= 0);
    return nilobject();
  }

  function getstr(t: Table, ts: any): any {
    const h = strhash(ts);
    let n = h & (sizenode(t) - 1);
    const nkey = t.nkey;
    const nnext = t.nnext;
    do {
      const k = nkey[n];
      if (k !== null && isstr(k.type)) {
        const kv = k.value;
        if (kv === ts || (kv.h51 === h && streq(kv, ts))) return t.nval[n];
      }
      n = nnext[n];
    } while (n >= 0);
    return nilobject();
  }

  function getgeneric(L: any, t: Table, key: any): any {
    let n = mainposition(L, t, key);
    do {
      const k = t.nkey[n];
      if (k !== null && rawequalkey(k, key)) return t.nval[n];
      n = t.nnext[n];
    } while (n >= 0);
    return nilobject();
  }

  function get(L: any, t: Table, key: any): any {
    switch (key.type) {
      case TNIL:
        return nilobject();
      case TSHRSTR:
      case TLNGSTR:
        return getstr(t, key.value);
      case TNUMFLT:
      case TNUMINT: {
        const n = key.value;
        if ((n | 0) === n) return getnum(t, n);
        return getgeneric(L, t, key);
      }
      default:
        return getgeneric(L, t, key);
    }
  }

  function setarrayvector(t: Table, size: number): void {
    const Tv = TValue();
    const arr = t.array;
    for (let i = t.sizearray; i < size; i++) arr.push(new Tv(TNIL, null));
    if (arr.length !== size) arr.length = size;
    t.sizearray = size;
  }

  function ceillog2(x: number): number {
    // ceil(log2(x)) for x >= 1
    let l = 0;
    x--;
    while (x > 0) {
      l++;
      x >>>= 1;
    }
    return l;
  }

  function setnodevector(t: Table, size: number): void {
    const Tv = TValue();
    if (size === 0) {
      dummy();
      t.dummy = true;
      t.lsizenode = 0;
      t.nkey = dummyKeys!;
      t.nval = dummyVals!;
      t.nnext = DUMMY_NEXT;
      t.lastfree = 0;
      return;
    }
    const lsize = ceillog2(size);
    if (lsize > MAXBITS) ldebug.luaG_runerror(null, to_luastring('table overflow', true));
    size = 1 << lsize;
    t.dummy = false;
    t.lsizenode = lsize;
    t.nkey = new Array(size).fill(null);
    const vals = new Array(size);
    for (let i = 0; i < size; i++) vals[i] = new Tv(TNIL, null);
    t.nval = vals;
    t.nnext = new Array(size).fill(-1);
    t.lastfree = size;
  }

  function resize(L: any, t: Table, nasize: number, nhsize: number): void {
    const oldasize = t.sizearray;
    const oldnkey = t.nkey;
    const oldnval = t.nval;
    const oldsize = t.dummy ? 0 : oldnkey.length;
    if (nasize > oldasize) setarrayvector(t, nasize);
    setnodevector(t, nhsize);
    if (nasize < oldasize) {
      t.sizearray = nasize;
      const old = t.array;
      t.array = old.slice(0, nasize);
      for (let i = nasize; i < oldasize; i++) {
        const v = old[i];
        if (v.type !== TNIL) setnum(L, t, i + 1).setfrom(v);
      }
    }
    for (let i = oldsize - 1; i >= 0; i--) {
      const v = oldnval[i];
      if (v.type !== TNIL) set(L, t, oldnkey[i]).setfrom(v);
    }
  }

  function numusearray(t: Table, nums: Int32Array): number {
    let ause = 0;
    let i = 1;
    for (let lg = 0, ttlg = 1; lg <= MAXBITS; lg++, ttlg *= 2) {
      let lc = 0;
      let lim = ttlg;
      if (lim > t.sizearray) {
        lim = t.sizearray;
        if (i > lim) break;
      }
      for (; i <= lim; i++) {
        if (t.array[i - 1].type !== TNIL) lc++;
      }
      nums[lg] += lc;
      ause += lc;
    }
    return ause;
  }

  function countint(key: any, nums: Int32Array): number {
    const k = arrayindex(key);
    if (k > 0 && k <= MAXASIZE) {
      nums[ceillog2(k)]++;
      return 1;
    }
    return 0;
  }

  function numusehash(t: Table, nums: Int32Array, pna: { n: number }): number {
    let totaluse = 0;
    let ause = 0;
    let i = t.dummy ? 0 : t.nkey.length;
    while (i--) {
      if (t.nval[i].type !== TNIL) {
        ause += countint(t.nkey[i], nums);
        totaluse++;
      }
    }
    pna.n += ause;
    return totaluse;
  }

  function computesizes(nums: Int32Array, pna: { n: number }): number {
    let a = 0;
    let na = 0;
    let n = 0;
    for (let i = 0, twotoi = 1; twotoi / 2 < pna.n; i++, twotoi *= 2) {
      if (nums[i] > 0) {
        a += nums[i];
        if (a > twotoi / 2) {
          n = twotoi;
          na = a;
        }
      }
      if (a === pna.n) break;
    }
    pna.n = n;
    return na;
  }

  const scratchNums = new Int32Array(MAXBITS + 1); // reset on every use
  function rehash(L: any, t: Table, ek: any): void {
    const nums = scratchNums;
    nums.fill(0);
    const pna = { n: numusearray(t, nums) };
    let totaluse = pna.n;
    totaluse += numusehash(t, nums, pna);
    pna.n += countint(ek, nums);
    totaluse++;
    const na = computesizes(nums, pna);
    resize(L, t, pna.n, totaluse - na);
  }

  function getfreepos(t: Table): number {
    while (t.lastfree-- > 0) {
      if (t.nkey[t.lastfree] === null) return t.lastfree;
    }
    t.lastfree = 0;
    return -1;
  }

  function copykey(key: any): any {
    const Tv = TValue();
    const ty = key.type === TNUMINT ? TNUMFLT : key.type;
    return new Tv(ty, key.value);
  }

  function newkey(L: any, t: Table, key: any): any {
    let mp = mainposition(L, t, key);
    if (t.nval[mp].type !== TNIL || t.dummy) {
      const n = getfreepos(t);
      if (n < 0) {
        rehash(L, t, key);
        return set(L, t, key);
      }
      const othern0 = mainposition(L, t, t.nkey[mp]);
      if (othern0 !== mp) {
        let othern = othern0;
        while (t.nnext[othern] !== mp) othern = t.nnext[othern];
        t.nnext[othern] = n;
        // copy colliding node into free position
        t.nkey[n] = t.nkey[mp];
        const tmp = t.nval[n];
        t.nval[n] = t.nval[mp];
        t.nval[mp] = tmp;
        tmp.type = TNIL;
        tmp.value = null;
        t.nnext[n] = t.nnext[mp];
        t.nnext[mp] = -1;
      } else {
        t.nnext[n] = t.nnext[mp];
        t.nnext[mp] = n;
        mp = n;
      }
    }
    t.nkey[mp] = copykey(key);
    return t.nval[mp];
  }

  function setnum(L: any, t: Table, key: number): any {
    const p = getnum(t, key);
    if (p !== nilobject()) return p;
    const Tv = TValue();
    return newkey(L, t, new Tv(TNUMFLT, key));
  }

  function set(L: any, t: Table, key: any): any {
    const p = get(L, t, key);
    if (p !== nilobject()) return p;
    if (key.type === TNIL) ldebug.luaG_runerror(L, MSG_NILIDX);
    if (isnum(key.type) && key.value !== key.value) ldebug.luaG_runerror(L, MSG_NANIDX);
    return newkey(L, t, key);
  }

  // ----- exported API (same names and shapes as fengari's ltable.js) -----

  const luaH_new = (L: any, narray = 0, nhash = 0): Table => {
    const t = new Table(L);
    if (narray > 0) setarrayvector(t, narray);
    if (nhash > 0) setnodevector(t, nhash);
    return t;
  };

  const luaH_get = (L: any, t: Table, key: any): any => get(L, t, key);
  const luaH_getint = (t: Table, key: number): any => getnum(t, key);
  const luaH_getstr = (t: Table, ts: any): any => getstr(t, ts);

  const luaH_setfrom = (L: any, t: Table, key: any, value: any): void => {
    if (t.readonly) ldebug.luaG_runerror(L, MSG_RO);
    const p = get(L, t, key);
    if (p !== nilobject()) {
      p.type = value.type;
      p.value = value.value;
      return;
    }
    if (key.type === TNIL) ldebug.luaG_runerror(L, MSG_NILIDX);
    if (isnum(key.type) && key.value !== key.value) ldebug.luaG_runerror(L, MSG_NANIDX);
    const slot = newkey(L, t, key);
    slot.type = value.type;
    slot.value = value.value;
  };

  const luaH_setint = (t: Table, key: number, value: any): void => {
    const p = setnum(null, t, key);
    p.type = value.type;
    p.value = value.value;
  };

  const luaH_next = (L: any, t: Table, keyI: number): boolean => {
    const key = L.stack[keyI];
    let i: number;
    if (key.type === TNIL) i = -1;
    else {
      const k = arrayindex(key);
      if (k > 0 && k <= t.sizearray) i = k - 1;
      else {
        let n = mainposition(L, t, key);
        for (;;) {
          const nk = t.nkey[n];
          if (nk !== null && rawequalkey(nk, key)) {
            i = n + t.sizearray;
            break;
          }
          n = t.nnext[n];
          if (n < 0) {
            ldebug.luaG_runerror(L, MSG_NEXT);
            return false;
          }
        }
      }
    }
    for (i++; i < t.sizearray; i++) {
      const v = t.array[i];
      if (v.type !== TNIL) {
        key.type = TNUMFLT;
        key.value = i + 1;
        L.stack[keyI + 1].setfrom(v);
        return true;
      }
    }
    const size = t.dummy ? 0 : t.nkey.length;
    for (i -= t.sizearray; i < size; i++) {
      const v = t.nval[i];
      if (v.type !== TNIL) {
        key.setfrom(t.nkey[i]);
        L.stack[keyI + 1].setfrom(v);
        return true;
      }
    }
    return false;
  };

  const unbound_search = (t: Table, j0: number): number => {
    let i = j0;
    let j = j0 + 1;
    while (getnum(t, j).type !== TNIL) {
      i = j;
      j *= 2;
      if (j > 2147483647) {
        i = 1;
        while (getnum(t, i).type !== TNIL) i++;
        return i - 1;
      }
    }
    while (j - i > 1) {
      const m = Math.floor((i + j) / 2);
      if (getnum(t, m).type === TNIL) j = m;
      else i = m;
    }
    return i;
  };

  const luaH_getn = (t: Table): number => {
    let j = t.sizearray;
    if (j > 0 && t.array[j - 1].type === TNIL) {
      let i = 0;
      while (j - i > 1) {
        const m = Math.floor((i + j) / 2);
        if (t.array[m - 1].type === TNIL) j = m;
        else i = m;
      }
      return i;
    }
    if (t.dummy) return j;
    return unbound_search(t, j);
  };

  const luaH_resize = (L: any, t: Table, nasize: number, nhsize: number): void => resize(L, t, nasize, nhsize);
  const luaH_resizearray = (L: any, t: Table, nasize: number): void => {
    const nsize = t.dummy ? 0 : t.nkey.length;
    resize(L, t, nasize, nsize);
  };

  /** the TString stored as a key equal to ts, or null (used by the lexer's string cache) */
  const luaH_getkeystr = (t: Table, ts: any): any => {
    const h = strhash(ts);
    let n = h & (sizenode(t) - 1);
    do {
      const k = t.nkey[n];
      if (k !== null && isstr(k.type) && (k.value === ts || (k.value.h51 === h && streq(k.value, ts)))) return k.value;
      n = t.nnext[n];
    } while (n >= 0);
    return null;
  };

  /** luaO_fb2int: "floating point byte" to integer (table constructor size hints) */
  const fb2int = (x: number): number => {
    const e = (x >>> 3) & 0x1f;
    if (e === 0) return x;
    return ((x & 7) + 8) * 2 ** (e - 1);
  };

  exp.Table = Table;
  exp.luaH_new = luaH_new;
  exp.luaH_get = luaH_get;
  exp.luaH_getint = luaH_getint;
  exp.luaH_getstr = luaH_getstr;
  exp.luaH_setfrom = luaH_setfrom;
  exp.luaH_setint = luaH_setint;
  exp.luaH_next = luaH_next;
  exp.luaH_getn = luaH_getn;
  exp.luaH_resize = luaH_resize;
  exp.luaH_resizearray = luaH_resizearray;
  exp.luaH_getkeystr = luaH_getkeystr;
  exp.invalidateTMcache = (t: Table) => {
    t.flags = 0;
  };
  exp.fb2int = fb2int;
  exp.strhash51 = strhash;
}
