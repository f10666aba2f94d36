import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { Api } from '../protocol/api';
import { ChatClient } from '../protocol/client';
import { I18nContext, translator, type Lang } from '../i18n';
import { AuthScreen } from './AuthScreen';
import { ConversationList } from './ConversationList';
import { ChatView } from './ChatView';
import { avatarHue, initials } from './common';
import type { ReactNode } from 'react';

afterEach(cleanup);

function withLang(lang: Lang, node: ReactNode) {
  return <I18nContext.Provider value={{ lang, t: translator(lang) }}>{node}</I18nContext.Provider>;
}

const ME = { id: 1, username: 'me', displayName: 'Me' };
const ALICE = { id: 2, username: 'alice', displayName: 'Alice Smith' };
const BOB = { id: 3, username: 'bob', displayName: '王小明' };

function clientWithConversations() {
  const api = new Api('/api/v1', (async () => new Response('[]')) as typeof fetch);
  const c = new ChatClient(api, ME, { storage: null, openTransport: () => ({ kind: 'websocket', send: () => false, close() {} }) });
  c.conversations.set(10, {
    summary: { id: 10, kind: 'direct', peer: ALICE, lastSeq: 5, readSeq: 2, unread: 3, lastActivityAt: 2000 },
    lastMessage: { id: 1, conversationId: 10, seq: 5, senderId: 2, text: 'See you <b>tomorrow</b>', sentAt: 2000 },
  });
  c.conversations.set(11, {
    summary: { id: 11, kind: 'direct', peer: BOB, lastSeq: 1, readSeq: 1, unread: 0, lastActivityAt: 3000 },
    lastMessage: { id: 2, conversationId: 11, seq: 1, senderId: 1, text: 'hi', sentAt: 3000 },
  });
  return c;
}

describe('ConversationList', () => {
  it('sorts by activity, shows previews as text, unread badges and filters by name', () => {
    const onOpen = vi.fn();
    render(withLang('en', <ConversationList client={clientWithConversations()} selectedId={null} onOpen={onOpen} />));
    const items = screen.getAllByRole('button').filter(b => b.classList.contains('conv-item'));
    expect(items.map(i => i.querySelector('.conv-name')!.textContent)).toEqual(['王小明', 'Alice Smith']);
    expect(items[1].getAttribute('aria-label')).toBe('Alice Smith, 3 unread');
    expect(items[1].querySelector('.conv-preview')!.textContent).toBe('See you <b>tomorrow</b>');
    expect(items[0].querySelector('.conv-preview')!.textContent).toBe('You: hi');
    fireEvent.change(screen.getByLabelText('Filter conversations'), { target: { value: 'ali' } });
    expect(screen.getAllByRole('button').filter(b => b.classList.contains('conv-item'))).toHaveLength(1);
    fireEvent.click(screen.getByRole('button', { name: /Alice Smith/ }));
    expect(onOpen).toHaveBeenCalledWith(10);
  });

  it('speaks Chinese', () => {
    render(withLang('zh-CN', <ConversationList client={clientWithConversations()} selectedId={null} onOpen={() => {}} />));
    expect(screen.getByRole('heading', { name: '聊天' })).toBeTruthy();
    expect(screen.getByLabelText('筛选会话')).toBeTruthy();
  });
});

describe('ChatView composer', () => {
  it('Enter sends, Shift+Enter does not, message shows at once as pending', async () => {
    const c = clientWithConversations();
    c.log(10).loaded = true;
    c.loadLatest = async () => {};
    render(withLang('en', <ChatView client={c} peer={ALICE} onBack={() => {}} />));
    const box = screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;
    fireEvent.change(box, { target: { value: 'line one' } });
    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true });
    expect(c.pendingFor(ALICE.id)).toHaveLength(0);
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(c.pendingFor(ALICE.id).map(p => p.text)).toEqual(['line one']);
    await waitFor(() => expect(screen.getByText('line one')).toBeTruthy());
    expect(document.querySelector('.msg.mine[data-status="pending"]')).not.toBeNull();
    expect(box.value).toBe('');
  });

  it('inserts emoji from the built-in picker', () => {
    const c = clientWithConversations();
    c.loadLatest = async () => {};
    render(withLang('en', <ChatView client={c} peer={ALICE} onBack={() => {}} />));
    fireEvent.click(screen.getByRole('button', { name: 'Emoji' }));
    expect(screen.getByRole('dialog', { name: 'Choose an emoji' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '🎉' }));
    expect((screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement).value).toBe('🎉');
  });
});

describe('AuthScreen', () => {
  it('logs in with useCookie and shows server errors translated', async () => {
    const calls: { url: string; body: unknown }[] = [];
    const fetcher = (async (url: string, init: RequestInit) => {
      calls.push({ url, body: JSON.parse(String(init.body)) });
      return new Response(JSON.stringify({ code: 'bad_credentials', message: 'Wrong username or password.' }), { status: 401 });
    }) as unknown as typeof fetch;
    render(withLang('zh-TW', <AuthScreen api={new Api('/api/v1', fetcher)} onLoggedIn={() => {}} />));
    fireEvent.change(screen.getByLabelText('使用者名稱'), { target: { value: 'Alice' } });
    fireEvent.change(screen.getByLabelText('密碼'), { target: { value: 'secret123' } });
    fireEvent.click(screen.getByRole('button', { name: '登入' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('使用者名稱或密碼錯誤。'));
    expect(calls[0].url).toBe('/api/v1/auth/login');
    expect(calls[0].body).toMatchObject({ username: 'alice', password: 'secret123', useCookie: true });
  });
});

describe('avatar', () => {
  it('derives stable initials and colour', () => {
    expect(initials('Alice Smith')).toBe('AS');
    expect(initials('王小明')).toBe('王');
    expect(initials('bob')).toBe('BO');
    expect(avatarHue(7)).toBe(avatarHue(7));
    expect(avatarHue(7)).not.toBe(avatarHue(8));
  });
});
