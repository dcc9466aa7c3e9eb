import { describe, expect, it } from 'vitest';
import { defaultPriorityWeights } from '../../resources/policies/priority.js';
import { PositionQueue } from './position-queue.js';
import { WeightedPicker } from './weighted-picker.js';

const always = () => true;

describe('WeightedPicker', () => {
  it('gives each waiting level exactly its weight share per cycle, spread out', () => {
    const w = [1, 1, 1, 1, 1, 1, 1, 1, 1, 3];
    const picker = new WeightedPicker(w);
    const waiting = (l: number) => l === 0 || l === 9;
    const picks = Array.from({ length: 40 }, () => picker.pick(waiting));
    expect(picks.filter((l) => l === 0).length).toBe(10);
    expect(picks.filter((l) => l === 9).length).toBe(30);
    for (let i = 0; i < 40; i += 4) expect(picks.slice(i, i + 4).filter((l) => l === 0).length).toBe(1);
  });

  it('default weights: the top level first, and level 0 still once per 513 picks', () => {
    const picker = new WeightedPicker(defaultPriorityWeights());
    const waiting = (l: number) => l === 0 || l === 9;
    const picks = Array.from({ length: 513 }, () => picker.pick(waiting));
    expect(picks[0]).toBe(9);
    expect(picks.filter((l) => l === 0).length).toBe(1);
  });

  it('a level that empties loses its credit, so a newly waiting higher level goes first', () => {
    const picker = new WeightedPicker(defaultPriorityWeights());
    for (let i = 0; i < 1000; i++) expect(picker.pick((l) => l === 0)).toBe(0);
    expect(picker.pick((l) => l === 0 || l === 1)).toBe(1);
    expect(picker.pick(() => false)).toBe(-1);
    expect(picker.pick(always)).toBe(9);
  });
});

describe('PositionQueue', () => {
  it('is a FIFO that grows, reuses its space, and trims up to a position', () => {
    const q = new PositionQueue(4);
    for (let i = 0; i < 100; i++) q.push({ ledgerId: 1 + Math.floor(i / 50), entryId: i % 50 });
    expect(q.size).toBe(100);
    expect(q.shift()).toEqual({ ledgerId: 1, entryId: 0 });
    q.dropUpTo({ ledgerId: 1, entryId: 48 });
    expect(q.shift()).toEqual({ ledgerId: 1, entryId: 49 });
    q.dropUpTo({ ledgerId: 2, entryId: 9 });
    expect(q.size).toBe(40);
    for (let i = 0; i < 30; i++) q.shift();
    const cap = q.bytes;
    for (let i = 0; i < 20; i++) q.push({ ledgerId: 3, entryId: i });
    expect(q.bytes).toBe(cap);
    const out = [];
    for (let p = q.shift(); p; p = q.shift()) out.push(p);
    expect(out.length).toBe(30);
    expect(out[0]).toEqual({ ledgerId: 2, entryId: 40 });
    expect(out[29]).toEqual({ ledgerId: 3, entryId: 19 });
    expect(q.size).toBe(0);
  });
});
