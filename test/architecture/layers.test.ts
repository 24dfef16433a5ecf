/**
 * The layers of docs/internals.md, checked on the source: every relative import points to
 * the same layer or one below, so no import circle can span two folders.
 */
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(__dirname, '../../src');

/** Top to bottom; a file may import its own layer or any layer after it. */
const LAYERS: string[][] = [
  ['index.ts', 'cli.ts'],
  ['cli'],
  // The embedding API's test controls (call, snapshots), built on what lies below.
  ['api'],
  ['server.ts'],
  ['commands'],
  ['persistence'],
  ['lua'],
  ['core'],
  ['keyspace', 'resp'],
  ['util', 'errors.ts'],
];

function layerOf(rel: string): number {
  const top = rel.split(path.sep)[0];
  const i = LAYERS.findIndex((names) => names.includes(top));
  // Other files at src/ root are the entry points' own helpers (the CLI's launcher...).
  if (i < 0 && top === rel && top.endsWith('.ts')) return 0;
  return i;
}

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

describe('layers', () => {
  const files = sources(SRC);

  it('every source file belongs to a layer', () => {
    const orphans = files.map((f) => path.relative(SRC, f)).filter((rel) => layerOf(rel) < 0);
    expect(orphans).toEqual([]);
  });

  it('imports point down (or stay in their layer)', () => {
    const upward: string[] = [];
    for (const f of files) {
      const rel = path.relative(SRC, f);
      const text = fs.readFileSync(f, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
        const target = path.relative(SRC, path.resolve(path.dirname(f), m[1]));
        if (target.startsWith('..')) continue; // package.json and the like
        if (layerOf(target) < layerOf(rel)) upward.push(`${rel} -> ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('layers sharing a rank do not import each other', () => {
    const across: string[] = [];
    for (const f of files) {
      const rel = path.relative(SRC, f);
      const top = rel.split(path.sep)[0];
      const text = fs.readFileSync(f, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
        const target = path.relative(SRC, path.resolve(path.dirname(f), m[1]));
        const ttop = target.split(path.sep)[0];
        if (ttop === target || top === rel) continue; // files at src/ root (entry points and helpers)
        if (ttop !== top && layerOf(target) === layerOf(rel)) across.push(`${rel} -> ${target}`);
      }
    }
    expect(across).toEqual([]);
  });
});
