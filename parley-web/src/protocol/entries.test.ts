import { describe, expect, it } from 'vitest';
import { applyChange, clip, isShown, react } from './entries';
import { MessageLog } from './store';
import type { Message } from './types';

const msg = (seq: number, over: Partial<Message> = {}): Message =>
  ({ id: 100 + seq, conversationId: 1, seq, senderId: 2, kind: 'text', text: `m${seq}`, sentAt: 1000 + seq, ...over });
const edit = (seq: number, target: Message, text: string): Message =>
  ({ id: 100 + seq, conversationId: 1, seq, senderId: target.senderId, kind: 'edit', targetId: target.id, targetSeq: target.seq, text, sentAt: 5000 + seq });
const recall = (seq: number, target: Message, by = target.senderId): Message =>
  ({ id: 100 + seq, conversationId: 1, seq, senderId: by, kind: 'recall', targetId: target.id, targetSeq: target.seq, sentAt: 5000 + seq });
const reaction = (seq: number, target: Message, userId: number, emoji: string, removed = false): Message =>
  ({ id: 100 + seq, conversationId: 1, seq, senderId: userId, kind: 'reaction', targetId: target.id, targetSeq: target.seq, emoji, ...(removed ? { removed } : {}), sentAt: 5000 + seq });

describe('applyChange', () => {
  it('edits text and marks the time; recall erases content; edits of a recalled message do nothing', () => {
    const m = msg(1, { mentions: [3], replyTo: { id: 9, seq: 9, senderId: 3, kind: 'text', text: 'q' } });
    const e = applyChange(m, edit(2, m, 'fixed'));
    expect(e.text).toBe('fixed');
    expect(e.editedAt).toBe(5002);
    const r = applyChange(e, recall(3, m, 7));
    expect(r).toMatchObject({ id: m.id, seq: 1, recalled: true, recalledBy: 7 });
    expect(r.text).toBeUndefined();
    expect(r.mentions).toBeUndefined();
    expect(r.replyTo).toBeUndefined();
    expect(r.editedAt).toBeUndefined();
    expect(applyChange(r, edit(4, m, 'again'))).toBe(r);
  });

  it('ignores a change for another message', () => {
    const m = msg(1);
    expect(applyChange(m, edit(3, msg(2), 'x'))).toBe(m);
  });

  it('reactions keep the order of first use, are idempotent, and drop empty emoji', () => {
    let l = react([], '👍', 1, false);
    l = react(l, '❤️', 2, false);
    l = react(l, '👍', 2, false);
    l = react(l, '👍', 2, false);
    expect(l).toEqual([{ emoji: '👍', userIds: [1, 2] }, { emoji: '❤️', userIds: [2] }]);
    l = react(l, '❤️', 2, true);
    l = react(l, '❤️', 2, true);
    expect(l).toEqual([{ emoji: '👍', userIds: [1, 2] }]);
  });

  it('shows messages and system entries, not changes', () => {
    expect(['text', 'media', 'system', 'edit', 'recall', 'reaction'].map(k => isShown({ kind: k as Message['kind'] })))
      .toEqual([true, true, true, false, false, false]);
  });

  it('clips quotes by code points', () => {
    expect(clip('😀'.repeat(201))).toBe('😀'.repeat(200));
  });
});

describe('MessageLog with change entries', () => {
  it('applies edits, recalls and reactions it catches up on, never shows them as rows, and counts their seqs', () => {
    const log = new MessageLog();
    const a = msg(1), b = msg(2, { replyTo: { id: 101, seq: 1, senderId: 2, kind: 'text', text: 'm1' } });
    log.add([a, b], 2);
    log.add([edit(3, a, 'm1 edited'), reaction(4, b, 5, '🎉'), reaction(5, b, 6, '🎉')]);
    expect(log.messages.map(m => m.seq)).toEqual([1, 2]);
    expect(log.maxSeq).toBe(5);
    expect(log.get(1)!.text).toBe('m1 edited');
    expect(log.get(2)!.replyTo!.text).toBe('m1 edited');
    expect(log.get(2)!.reactions).toEqual([{ emoji: '🎉', userIds: [5, 6] }]);
    log.add([recall(6, a)]);
    expect(log.get(1)!.recalled).toBe(true);
    expect(log.get(2)!.replyTo).toMatchObject({ id: 101, recalled: true });
    expect(log.get(2)!.replyTo!.text).toBeUndefined();
    // The same entries again (a push seen after a pull) change nothing.
    log.add([reaction(5, b, 6, '🎉')]);
    expect(log.get(2)!.reactions).toEqual([{ emoji: '🎉', userIds: [5, 6] }]);
  });

  it('does not replay a change the page state already holds', () => {
    // History page 3..5 at lastSeq 7: message 3 shows its current state (the reaction added at 6 and removed at 7).
    const log = new MessageLog();
    const m3 = msg(3, { reactions: [] });
    log.add([m3, msg(4), msg(5)], 7);
    // Catching up then brings 6 (add) and 7 (remove): neither may change the current state.
    log.add([reaction(6, m3, 9, '👍'), reaction(7, m3, 9, '👍', true)]);
    expect(log.get(3)!.reactions).toEqual([]);
    // A later change does apply.
    log.add([reaction(8, m3, 9, '😂')]);
    expect(log.get(3)!.reactions).toEqual([{ emoji: '😂', userIds: [9] }]);
  });

  it('applies the changes of an older page only to messages held in an older state', () => {
    const log = new MessageLog();
    const m5 = msg(5);
    log.add([m5], 5); // live: state as of seq 5
    const m2 = msg(2, { text: 'current' });
    // An older page (seqs 1..4, read when lastSeq was 9) edits 2 (already in its state) and nothing else.
    log.add([msg(1), m2, edit(3, m2, 'older edit'), msg(4)], 9);
    expect(log.get(2)!.text).toBe('current');
    expect(log.messages.map(m => m.seq)).toEqual([1, 2, 4, 5]);
    expect(log.minSeq).toBe(1);
  });

  it('forgets on reset and drops through a seq', () => {
    const log = new MessageLog();
    log.add([msg(1), msg(2), msg(3)]);
    log.dropThrough(2);
    expect(log.messages.map(m => m.seq)).toEqual([3]);
    expect(log.hasOlder).toBe(false);
    log.reset();
    expect(log.messages).toEqual([]);
    expect(log.maxSeq).toBe(0);
    expect(log.has(3)).toBe(false);
  });
});
