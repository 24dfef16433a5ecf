import { describe, expect, it } from 'vitest';
import { List } from '../../src/keyspace/list.ts';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('List', () => {
  it('push/pop at both ends', () => {
    const l = new List();
    expect(l.pushBack('b')).toBe(1);
    expect(l.pushFront('a')).toBe(2);
    expect(l.pushBack('c')).toBe(3);
    expect(l.toArray()).toEqual(['a', 'b', 'c']);
    expect(l.popFront()).toBe('a');
    expect(l.popBack()).toBe('c');
    expect(l.popBack()).toBe('b');
    expect(l.popBack()).toBeUndefined();
    expect(l.popFront()).toBeUndefined();
    expect(l.length).toBe(0);
  });

  it('normIndex follows Redis negative indexes', () => {
    const l = new List(['a', 'b', 'c']);
    expect(l.normIndex(0)).toBe(0);
    expect(l.normIndex(-1)).toBe(2);
    expect(l.normIndex(-3)).toBe(0);
    expect(l.normIndex(-4)).toBe(-1);
    expect(l.normIndex(3)).toBe(-1);
  });

  it('range, trim, forEach', () => {
    const l = new List(['0', '1', '2', '3', '4', '5']);
    expect(l.range(1, 3)).toEqual(['1', '2', '3']);
    expect(l.range(-5, 100)).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(l.range(4, 2)).toEqual([]);
    const seen: string[] = [];
    l.forEach((v) => {
      seen.push(v);
      return v !== '3';
    }, 1, 5);
    expect(seen).toEqual(['1', '2', '3']);
    const back: number[] = [];
    l.forEach((_, i) => void back.push(i), 0, 5, true);
    expect(back).toEqual([5, 4, 3, 2, 1, 0]);
    l.trim(2, 3);
    expect(l.toArray()).toEqual(['2', '3']);
    l.trim(1, 0);
    expect(l.length).toBe(0);
  });

  it('removeValue (LREM) from head, tail and all', () => {
    const mk = () => new List(['a', 'x', 'b', 'x', 'c', 'x']);
    let l = mk();
    expect(l.removeValue('x', 2)).toBe(2);
    expect(l.toArray()).toEqual(['a', 'b', 'c', 'x']);
    l = mk();
    expect(l.removeValue('x', -2)).toBe(2);
    expect(l.toArray()).toEqual(['a', 'x', 'b', 'c']);
    l = mk();
    expect(l.removeValue('x', 0)).toBe(3);
    expect(l.toArray()).toEqual(['a', 'b', 'c']);
    expect(l.removeValue('zz', 0)).toBe(0);
  });

  it('matches an array model under random operations (wrap-around, growth, shrink)', () => {
    const r = rng(1);
    const l = new List();
    const m: string[] = [];
    for (let step = 0; step < 60000; step++) {
      const op = Math.floor(r() * 12);
      const v = String(Math.floor(r() * 20));
      switch (op) {
        case 0:
        case 1:
          expect(l.pushBack(v)).toBe(m.push(v));
          break;
        case 2:
        case 3:
          m.unshift(v);
          expect(l.pushFront(v)).toBe(m.length);
          break;
        case 4:
          expect(l.popFront()).toBe(m.shift());
          break;
        case 5:
          expect(l.popBack()).toBe(m.pop());
          break;
        case 6: {
          const i = Math.floor(r() * (m.length + 1));
          m.splice(i, 0, v);
          expect(l.insert(i, v)).toBe(m.length);
          break;
        }
        case 7:
          if (m.length) {
            const i = Math.floor(r() * m.length);
            expect(l.removeAt(i)).toBe(m.splice(i, 1)[0]);
          }
          break;
        case 8:
          if (m.length) {
            const i = Math.floor(r() * m.length);
            l.set(i, v);
            m[i] = v;
          }
          break;
        case 9: {
          const c = Math.floor(r() * 5) - 2;
          let removed = 0;
          if (c >= 0) {
            const lim = c === 0 ? Infinity : c;
            for (let i = 0; i < m.length && removed < lim; ) {
              if (m[i] === v) {
                m.splice(i, 1);
                removed++;
              } else i++;
            }
          } else {
            for (let i = m.length - 1; i >= 0 && removed < -c; i--) {
              if (m[i] === v) {
                m.splice(i, 1);
                removed++;
              }
            }
          }
          expect(l.removeValue(v, c)).toBe(removed);
          break;
        }
        case 10:
          if (r() < 0.05) {
            const a = Math.floor(r() * (m.length + 2)) - 1;
            const b = Math.floor(r() * (m.length + 2)) - 1;
            l.trim(a, b);
            const s = Math.max(0, a);
            const e = Math.min(m.length - 1, b);
            m.splice(0, m.length, ...(s > e ? [] : m.slice(s, e + 1)));
          }
          break;
        default:
          expect(l.indexOf(v)).toBe(m.indexOf(v));
      }
      expect(l.length).toBe(m.length);
      if (step % 97 === 0) expect(l.toArray()).toEqual(m);
      if (m.length && step % 13 === 0) {
        const i = Math.floor(r() * m.length);
        expect(l.get(i)).toBe(m[i]);
      }
    }
  });
});
