import { describe, expect, it } from 'vitest';
import { folder, mentionsMe, mergeSummary, unreadTotal, type ConversationState } from './conversations';
import type { ConversationSummary } from './types';

const sum = (id: number, over: Partial<ConversationSummary> = {}): ConversationSummary =>
  ({ id, kind: 'direct', lastSeq: 5, readSeq: 5, unread: 0, lastActivityAt: id * 10, ...over });
const st = (s: ConversationSummary): ConversationState => ({ summary: s, lastMessage: null });

describe('conversation list rules', () => {
  it('pinned first, archived in their own folder, cleared ones hidden until something new arrives', () => {
    const list = [st(sum(1)), st(sum(2, { pinned: true })), st(sum(3)), st(sum(4, { archived: true })),
      st(sum(5, { clearedSeq: 5 })), st(sum(6, { clearedSeq: 4 }))];
    expect(folder(list, 'main').map(c => c.summary.id)).toEqual([2, 6, 3, 1]);
    expect(folder(list, 'archived').map(c => c.summary.id)).toEqual([4]);
  });

  it('muted conversations do not count towards the unread total', () => {
    expect(unreadTotal([st(sum(1, { unread: 3 })), st(sum(2, { unread: 4, muted: true })), st(sum(3, { unread: 1 }))])).toBe(4);
  });

  it('merging never moves cursors back, and keeps a membership that ended', () => {
    const held = sum(1, { lastSeq: 9, readSeq: 4, unread: 3, mentionCount: 1, left: true, peerReadSeq: 7 });
    const stale = sum(1, { lastSeq: 8, readSeq: 4, unread: 2, pinned: true, peerReadSeq: 6 });
    const m = mergeSummary(held, stale);
    expect(m).toMatchObject({ lastSeq: 9, readSeq: 4, unread: 3, mentionCount: 1, pinned: true, left: true, peerReadSeq: 7 });
    const fresh = mergeSummary(held, sum(1, { lastSeq: 12, readSeq: 12, unread: 0 }));
    expect(fresh).toMatchObject({ lastSeq: 12, readSeq: 12, unread: 0 });
    expect(fresh.left).toBeUndefined();
    expect(fresh.mentionCount).toBeUndefined();
  });

  it('knows a mention of me', () => {
    const m = { id: 1, conversationId: 1, seq: 1, senderId: 2, sentAt: 0 };
    expect(mentionsMe({ ...m, mentions: [1, 3] }, 1)).toBe(true);
    expect(mentionsMe({ ...m, mentionsAll: true }, 1)).toBe(true);
    expect(mentionsMe({ ...m, mentions: [3] }, 1)).toBe(false);
    expect(mentionsMe({ ...m, senderId: 1, mentionsAll: true }, 1)).toBe(false);
  });
});
