/**
 * Regenerates src/commands/config-schema.json: the type, flags, bounds and enum values of
 * every Redis 7.0.15 configuration parameter, read from the parameter table of Redis's
 * src/config.c (pass the path of a 7.0.15 checkout's config.c). CONFIG SET validates with it.
 * Run: npx tsx scripts/gen-config-schema.ts /path/to/redis-7.0.15/src/config.c
 */
import fs from 'node:fs';

const src = fs.readFileSync(process.argv[2], 'utf8');

const LIMITS: Record<string, string> = {
  INT_MAX: '2147483647',
  INT_MIN: '-2147483648',
  UINT_MAX: '4294967295',
  LONG_MAX: '9223372036854775807',
  LONG_MIN: '-9223372036854775808',
  LLONG_MAX: '9223372036854775807',
  LLONG_MIN: '-9223372036854775808',
  ULONG_MAX: '18446744073709551615',
  ULLONG_MAX: '18446744073709551615',
  SSIZE_MAX: '9223372036854775807',
  SIZE_MAX: '18446744073709551615',
};

function num(expr: string): string {
  const e = expr.trim();
  if (e in LIMITS) return LIMITS[e];
  if (/^0[0-7]+$/.test(e)) return String(parseInt(e, 8));
  // Simple arithmetic such as 1024*1024 or 100<<20.
  if (/^[-0-9*<() lL]+$/.test(e)) return String(BigInt(Function(`return (${e.replace(/[lL]/g, '')})`)() as number));
  throw new Error(`cannot evaluate '${e}'`);
}

/** Splits a C argument list at top-level commas. */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  let inStr = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (inStr) {
      cur += ch;
      if (ch === '\\') cur += s[++i];
      else if (ch === '"') inStr = false;
      continue;
    }
    if (ch === '"') inStr = true;
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

const enums: Record<string, string[]> = {};
for (const m of src.matchAll(/configEnum (\w+)\[\] = \{([\s\S]*?)\n\};/g)) {
  enums[m[1]] = [...m[2].matchAll(/\{"([^"]+)"/g)].map((x) => x[1]);
}

const tableStart = src.indexOf('standardConfig static_configs[] = {');
const tableEnd = src.indexOf('/* NULL Terminator', tableStart);
const table = src.slice(tableStart, tableEnd);

interface Param {
  type: string;
  alias?: string;
  flags: string[];
  min?: string;
  max?: string;
  units?: string[];
  values?: string[];
  emptyIsNull?: boolean;
}

const out: Record<string, Param> = {};
for (const m of table.matchAll(/create(\w+)Config\(([\s\S]*?)\),\s*(?:\/\*.*?\*\/|\/\/.*)?\s*\n/g)) {
  const kind = m[1];
  const a = splitArgs(m[2]);
  const name = JSON.parse(a[0]) as string;
  const alias = a[1] === 'NULL' ? undefined : (JSON.parse(a[1]) as string);
  const flags = a[2].split('|').map((f) => f.trim().replace(/_CONFIG$/, '').toLowerCase());
  const p: Param = { type: kind.toLowerCase(), flags };
  if (alias) p.alias = alias;
  if (kind === 'Bool' || kind === 'Special') {
    // nothing more
  } else if (kind === 'String' || kind === 'SDS') {
    p.emptyIsNull = a[3] === 'EMPTY_STRING_IS_NULL';
  } else if (kind === 'Enum') {
    p.values = enums[a[3]];
  } else {
    p.min = num(a[3]);
    p.max = num(a[4]);
    p.units = a[7].split('|').map((f) => f.trim().replace(/_CONFIG$/, '').toLowerCase());
  }
  out[name] = p;
}
fs.writeFileSync(new URL('../src/commands/config-schema.json', import.meta.url), JSON.stringify(out, null, 0) + '\n');
console.log(`${Object.keys(out).length} parameters`);
