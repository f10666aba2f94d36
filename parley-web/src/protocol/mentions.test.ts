import { describe, expect, it } from 'vitest';
import { ALL_ID, collectMentions, filterMembers, insertMention, mentionQuery, splitMentions } from './mentions';

const M = [
  { id: 1, name: 'Me', username: 'me' },
  { id: 2, name: 'Alice Liddell', username: 'alice' },
  { id: 3, name: 'Bob', username: 'bob' },
  { id: 4, name: '王小明', username: 'wang' },
  { id: 5, name: 'Ann', username: 'ann' },
  { id: 6, name: 'Ann Lee', username: 'annlee' },
];

describe('mentionQuery', () => {
  it('opens after an @ at the start or after a space or CJK punctuation, not inside a word', () => {
    expect(mentionQuery('@al', 3)).toEqual({ start: 0, query: 'al' });
    expect(mentionQuery('hi @', 4)).toEqual({ start: 3, query: '' });
    expect(mentionQuery('你好，@王', 5)).toEqual({ start: 3, query: '王' });
    expect(mentionQuery('me@example.com', 14)).toBeNull();
    expect(mentionQuery('@bob hello', 10)).toBeNull();
    expect(mentionQuery('no mention', 5)).toBeNull();
    // Only up to the caret counts.
    expect(mentionQuery('@bob hello', 3)).toEqual({ start: 0, query: 'bo' });
  });
});

describe('filterMembers', () => {
  it('offers prefix matches first, then substring matches, never oneself, @all only when allowed', () => {
    expect(filterMembers(M, 'a', 1, null).map(m => m.id)).toEqual([2, 5, 6, 4]);
    expect(filterMembers(M, 'li', 1, null).map(m => m.id)).toEqual([2]);
    expect(filterMembers(M, 'lee', 1, null).map(m => m.id)).toEqual([6]);
    expect(filterMembers(M, '王', 1, null).map(m => m.id)).toEqual([4]);
    expect(filterMembers(M, '', 1, 'all').map(m => m.id)).toEqual([ALL_ID, 2, 3, 4, 5, 6]);
    expect(filterMembers(M, 'al', 1, 'all').map(m => m.id)).toEqual([ALL_ID, 2]);
    expect(filterMembers(M, '所', 1, '所有人').map(m => m.id)).toEqual([ALL_ID]);
    expect(filterMembers(M, '', 1, null, 2)).toHaveLength(2);
  });
});

describe('insertMention and collectMentions', () => {
  it('inserts the name and finds who a text mentions', () => {
    const r = insertMention('hey @al how', 4, 7, 'Alice Liddell');
    expect(r).toEqual({ text: 'hey @Alice Liddell  how', caret: 19 });
    expect(collectMentions(r.text, M, null)).toEqual({ mentions: [2], mentionsAll: false });
    expect(collectMentions('@Ann Lee and @Bob, @王小明 你好', M, null)).toEqual({ mentions: [3, 4, 6], mentionsAll: false });
    expect(collectMentions('@Annabel', M, null).mentions).toEqual([]);
    expect(collectMentions('@all please', M, ['all', '所有人'])).toEqual({ mentions: [], mentionsAll: true });
    expect(collectMentions('@所有人 注意', M, ['all', '所有人']).mentionsAll).toBe(true);
    expect(collectMentions('@all please', M, null).mentionsAll).toBe(false);
  });
});

describe('splitMentions', () => {
  it('marks the mentions of the given names, mine apart', () => {
    expect(splitMentions('hi @Bob and @Me!', [{ name: 'Bob', me: false }, { name: 'Me', me: true }])).toEqual([
      { kind: 'text', text: 'hi ' }, { kind: 'mention', text: '@Bob', me: false }, { kind: 'text', text: ' and ' },
      { kind: 'mention', text: '@Me', me: true }, { kind: 'text', text: '!' },
    ]);
    expect(splitMentions('mail me@Bob.com', [{ name: 'Bob', me: false }])).toEqual([{ kind: 'text', text: 'mail me@Bob.com' }]);
  });
});
