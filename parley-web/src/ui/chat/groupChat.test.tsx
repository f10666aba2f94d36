import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { Api } from '../../protocol/api';
import { ChatClient } from '../../protocol/client';
import type { Message } from '../../protocol/types';
import { I18nContext, translator, type Lang } from '../../i18n';
import { ChatView } from '../ChatView';

afterEach(cleanup);

const ME = { id: 1, username: 'me', displayName: 'Me' };
const ALICE = { id: 2, username: 'alice', displayName: 'Alice' };
const BOB = { id: 3, username: 'bob', displayName: 'Bob' };

function withLang(lang: Lang, node: ReactNode) {
  return <I18nContext.Provider value={{ lang, t: translator(lang) }}>{node}</I18nContext.Provider>;
}

function groupClient(entries: Message[], role: 'owner' | 'admin' | 'member' = 'member') {
  const api = new Api('/api/v1', (async () => new Response('{}')) as typeof fetch);
  api.user = async id => [ME, ALICE, BOB].find(u => u.id === id)!;
  const c = new ChatClient(api, ME, { storage: null, openTransport: () => ({ kind: 'websocket', send: () => false, close() {} }) });
  c.conversations.set(50, {
    summary: { id: 50, kind: 'group', group: { id: 50, name: 'Trip', ownerId: 2, memberCount: 3, allMuted: false, role, createdAt: 0, announcement: 'Bring boots' },
      lastSeq: entries.length, readSeq: entries.length, unread: 0, lastActivityAt: 1 },
    lastMessage: null,
  });
  for (const u of [ME, ALICE, BOB]) c.users.remember(u);
  (c as unknown as { members: Map<number, unknown> }).members.set(50, {
    list: [ME, ALICE, BOB].map(u => ({ user: u, role: u.id === 2 ? 'owner' : 'member', joinedAt: 0 })), loading: null,
  });
  const log = c.log(50);
  log.loaded = true;
  log.hasOlder = false;
  log.add(entries, entries.length);
  c.loadLatest = async () => {};
  return c;
}

const now = Date.now();
const entries: Message[] = [
  { id: 101, conversationId: 50, seq: 1, senderId: 2, kind: 'system', system: { event: 'created', name: 'Trip', userIds: [1, 3] }, sentAt: now },
  { id: 102, conversationId: 50, seq: 2, senderId: 2, kind: 'text', text: 'Who brings the map?', sentAt: now, reactions: [{ emoji: '👍', userIds: [1, 3] }] },
  { id: 103, conversationId: 50, seq: 3, senderId: 3, kind: 'text', text: '@Me can you?', mentions: [1], sentAt: now,
    replyTo: { id: 102, seq: 2, senderId: 2, kind: 'text', text: 'Who brings the map?' } },
  { id: 104, conversationId: 50, seq: 4, senderId: 2, kind: 'text', recalled: true, recalledBy: 2, sentAt: now },
  { id: 105, conversationId: 50, seq: 5, senderId: 1, kind: 'text', text: 'Sure', editedAt: now, sentAt: now },
];

describe('group chat', () => {
  it('shows system entries, reply quotes, mention highlights, reactions, recalled placeholders and edited marks', () => {
    const c = groupClient(entries);
    render(withLang('en', <ChatView client={c} conversationId={50} onBack={() => {}} />));
    expect(screen.getByText('Alice created the group “Trip”')).toBeTruthy();
    expect(document.querySelector('.announcement')!.textContent).toContain('Bring boots');
    const reply = document.querySelector('.msg[data-seq="3"]')!;
    expect(reply.classList.contains('mentioned')).toBe(true);
    expect(reply.querySelector('.reply-quote')!.textContent).toContain('Who brings the map?');
    expect(reply.querySelector('.mention.me')!.textContent).toBe('@Me');
    const chip = document.querySelector('.msg[data-seq="2"] .reaction')!;
    expect(chip.textContent).toBe('👍2');
    expect(chip.getAttribute('title')).toBe('You and Bob reacted with 👍');
    expect(chip.getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByText('Alice recalled a message')).toBeTruthy();
    expect(document.querySelector('.msg[data-seq="5"] .edited')!.textContent).toBe('edited');
    expect(document.querySelector('.msg[data-seq="5"] .read-count')).not.toBeNull();
    expect(screen.getByText('3 members')).toBeTruthy();
  });

  it('offers members to mention after @ and sends their ids', () => {
    const c = groupClient(entries);
    render(withLang('en', <ChatView client={c} conversationId={50} onBack={() => {}} />));
    const box = screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;
    fireEvent.change(box, { target: { value: 'hey @bo', selectionStart: 7 } });
    const list = screen.getByRole('listbox', { name: 'Mention a member' });
    expect(within(list).getAllByRole('option').map(o => o.querySelector('.mention-name')!.textContent)).toEqual(['Bob']);
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(box.value).toBe('hey @Bob ');
    fireEvent.keyDown(box, { key: 'Enter' });
    const p = c.pendingIn(50);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ conversationId: 50, text: 'hey @Bob ', mentions: [3] });
    expect(p[0].mentionsAll).toBeUndefined();
  });

  it('a removed member sees why they cannot write, in Chinese', () => {
    const c = groupClient(entries);
    c.conversations.get(50)!.summary.left = true;
    render(withLang('zh-CN', <ChatView client={c} conversationId={50} onBack={() => {}} />));
    expect(screen.getByText('你已不是该群的成员。')).toBeTruthy();
    expect(screen.queryByRole('textbox', { name: '消息' })).toBeNull();
    expect(screen.getByText('Alice创建了群聊“Trip”')).toBeTruthy();
  });
});
