import { describe, expect, it } from 'vitest';
import { MessageLog } from './store';
import { backoffDelay } from './backoff';
import { PendingQueue, type KeyValue } from './pending';
import type { Message } from './types';

const msg = (seq: number, text = `m${seq}`): Message => ({ id: seq * 10, conversationId: 1, seq, senderId: 2, clientMsgId: `c${seq}`, text, sentAt: 1000 + seq });

describe('MessageLog', () => {
  it('keeps one copy per seq and sorts', () => {
    const log = new MessageLog();
    expect(log.add([msg(3), msg(1), msg(2)])).toHaveLength(3);
    expect(log.add([msg(2), msg(3), msg(4)]).map(m => m.seq)).toEqual([4]);
    expect(log.messages.map(m => m.seq)).toEqual([1, 2, 3, 4]);
    expect(log.minSeq).toBe(1);
    expect(log.maxSeq).toBe(4);
  });

  it('detects a gap only once loaded', () => {
    const log = new MessageLog();
    log.add([msg(1), msg(2)]);
    expect(log.gapBefore(5)).toBe(false);
    log.loaded = true;
    expect(log.gapBefore(3)).toBe(false);
    expect(log.gapBefore(5)).toBe(true);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, with jitter in the upper half', () => {
    expect(backoffDelay(0, 500, 30_000, () => 0)).toBe(250);
    expect(backoffDelay(0, 500, 30_000, () => 1)).toBe(500);
    expect(backoffDelay(3, 500, 30_000, () => 0.5)).toBe(3000);
    expect(backoffDelay(20, 500, 30_000, () => 1)).toBe(30_000);
    expect(backoffDelay(20, 500, 30_000, () => 0)).toBe(15_000);
  });

  it('spreads reconnects of many clients', () => {
    const seen = new Set(Array.from({ length: 50 }, () => backoffDelay(4)));
    expect(seen.size).toBeGreaterThan(10);
  });
});

class MemStorage implements KeyValue {
  data = new Map<string, string>();
  getItem(k: string) { return this.data.get(k) ?? null; }
  setItem(k: string, v: string) { this.data.set(k, v); }
  removeItem(k: string) { this.data.delete(k); }
}

describe('PendingQueue', () => {
  it('survives a reload through storage, keeps clientMsgId and order', () => {
    const s = new MemStorage();
    const q = new PendingQueue(s, 'k');
    q.add({ clientMsgId: 'b', peerId: 7, text: 'second', createdAt: 2, status: 'pending' });
    q.add({ clientMsgId: 'a', peerId: 7, text: 'first', createdAt: 1, status: 'pending' });
    q.add({ clientMsgId: 'x', peerId: 7, text: 'bad', createdAt: 3, status: 'failed', error: 'not_friends' });
    const reloaded = new PendingQueue(s, 'k');
    expect(reloaded.all()).toHaveLength(3);
    expect(reloaded.retryable().map(p => p.clientMsgId)).toEqual(['a', 'b']);
    expect(reloaded.remove('a')).toBe(true);
    expect(reloaded.remove('a')).toBe(false);
    expect(new PendingQueue(s, 'k').all().map(p => p.clientMsgId)).toEqual(['b', 'x']);
    reloaded.remove('b'); reloaded.remove('x');
    expect(s.data.has('k')).toBe(false);
  });

  it('ignores corrupt storage', () => {
    const s = new MemStorage();
    s.setItem('k', '{not json');
    expect(new PendingQueue(s, 'k').all()).toEqual([]);
  });
});
