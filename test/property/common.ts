import { test } from 'vitest';
import { describeDifferential } from '../support/differential.ts';
import { generate, runSequence, useResp3, TINY_ENCODINGS, type Op, type Rng } from './harness.ts';

export const KEYS = ['a', 'b', 'c', 'k\x00\xff'];
export const FIELDS = ['f', 'g', '1', '2', '-3', '', '\x00', '\xff\xfe', 'x'.repeat(20), '10', '12345678901'];
export const VALUES = ['v', '', '0', '1', '-1', '3.5', '10', '\x00\x01', 'y'.repeat(70), '9223372036854775807', 'abc'];

/**
 * One property suite: for each seed, `ops` operations from `gen` run under the default
 * encodings and again under tiny encoding limits (so conversions happen).
 */
export function propertySuite(name: string, seeds: number[], ops: number, gen: (r: Rng) => Op | Op[], config: Record<string, string> = {}): void {
  for (const [label, cfg] of [
    ['default encodings', config],
    ['tiny encodings', { ...TINY_ENCODINGS, ...config }],
    ['RESP3', config],
  ] as const) {
    describeDifferential(`${name} properties (${label})`, (d) => {
      // PROP_SEEDS=n adds n more seeds (for local bug hunting; CI runs the fixed ones).
      const extra = Number(process.env.PROP_SEEDS ?? 0);
      const base = Number(process.env.PROP_BASE ?? 1000);
      const all = [...seeds, ...Array.from({ length: extra }, (_, i) => base + seeds[0] * 1000 + i)];
      for (const seed of all) {
        test(`seed ${seed}`, async () => {
          if (label === 'RESP3') await useResp3(d());
          await runSequence(d(), `${name} (${label})`, seed, generate(seed, ops, gen));
        });
      }
    }, cfg);
  }
}
