import { describe, expect, it } from 'vitest';
import { highlight, toRows } from './searchApi';
import type { Message, SearchResult } from './types';

const m = (conversationId: number, seq: number, text: string, kind: Message['kind'] = 'text'): Message =>
  ({ id: conversationId * 100 + seq, conversationId, seq, senderId: 2, kind, text, sentAt: seq });
const conv = (id: number) => ({ id, kind: 'group', lastSeq: 9, readSeq: 9, unread: 0, lastActivityAt: 0 });

describe('search results', () => {
  it('highlights English case-insensitively and Chinese by substring', () => {
    expect(highlight('Meet at the Café tomorrow', 'café')).toEqual([
      { text: 'Meet at the ', hit: false }, { text: 'Café', hit: true }, { text: ' tomorrow', hit: false }]);
    expect(highlight('我们明天开会讨论预算', '开会')).toEqual([
      { text: '我们明天', hit: false }, { text: '开会', hit: true }, { text: '讨论预算', hit: false }]);
    expect(highlight('plan the plan', 'plan')).toEqual([
      { text: 'plan', hit: true }, { text: ' the ', hit: false }, { text: 'plan', hit: true }]);
    expect(highlight('abc', '  ')).toEqual([{ text: 'abc', hit: false }]);
  });

  it('maps results to rows with their context in order, once per hit, without change entries', () => {
    const r: SearchResult = {
      message: m(1, 5, 'budget'), conversation: conv(1),
      before: [m(1, 3, 'a'), m(1, 4, 'x', 'reaction')], after: [m(1, 6, 'b')],
    };
    const rows = toRows([r, r, { message: m(2, 1, 'budget 2'), conversation: conv(2), before: [], after: [] }]);
    expect(rows.map(x => x.key)).toEqual(['1:5', '2:1']);
    expect(rows[0].context.map(x => x.seq)).toEqual([3, 5, 6]);
    expect(rows[0].hit.text).toBe('budget');
  });
});
