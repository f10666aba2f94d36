import { describe, expect, it } from 'vitest';
import { TYPING_SHOW_MS, TypingTracker } from './typing';

describe('TypingTracker', () => {
  it('sends at most every 2 s per conversation', () => {
    const t = new TypingTracker();
    expect(t.shouldSend(1, 0)).toBe(true);
    expect(t.shouldSend(1, 500)).toBe(false);
    expect(t.shouldSend(2, 500)).toBe(true);
    expect(t.shouldSend(1, 1999)).toBe(false);
    expect(t.shouldSend(1, 2000)).toBe(true);
    t.sent(1);
    expect(t.shouldSend(1, 2100)).toBe(true);
  });

  it('shows a typist until a while after their last push, or until they sent', () => {
    const t = new TypingTracker();
    t.note(1, 7, 0);
    t.note(1, 8, 1000);
    expect(t.who(1, 100)).toEqual([7, 8]);
    expect(t.who(1, TYPING_SHOW_MS + 1)).toEqual([8]);
    expect(t.stop(1, 8)).toBe(true);
    expect(t.who(1, TYPING_SHOW_MS + 1)).toEqual([]);
    expect(t.who(2, 0)).toEqual([]);
  });
});
