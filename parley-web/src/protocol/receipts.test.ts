import { describe, expect, it } from 'vitest';
import { Receipts, directTick } from './receipts';

describe('receipts', () => {
  it('direct ticks: sent, delivered, read', () => {
    expect(directTick(5, 3, 4)).toBe('sent');
    expect(directTick(5, 3, 5)).toBe('delivered');
    expect(directTick(5, 5, 0)).toBe('read');
    expect(directTick(5, 7, 9)).toBe('read');
  });

  it('cursors only move forward, read implies delivered, read counts leave out the sender', () => {
    const r = new Receipts();
    expect(r.note(2, 5, 6)).toBe(true);
    expect(r.note(2, 3, 4)).toBe(false);
    expect(r.readSeqOf(2)).toBe(5);
    expect(r.deliveredSeqOf(2)).toBe(6);
    r.note(3, 9);
    expect(r.deliveredSeqOf(3)).toBe(9);
    r.note(1, 10);
    expect(r.readCount(5, 1)).toBe(2);
    expect(r.readCount(6, 1)).toBe(1);
    expect(r.readCount(6, 3)).toBe(1);
    expect(r.readCount(11, 1)).toBe(0);
  });
});
