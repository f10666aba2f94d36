import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { Api } from '../../protocol/api';
import { ChatClient } from '../../protocol/client';
import { groupsApi } from '../../protocol/groupsApi';
import type { Message } from '../../protocol/types';
import { I18nContext, translator, type Lang } from '../../i18n';
import { systemText } from '../chat/systemText';
import { BanList } from './BanList';
import { InviteLinks, MAX_INVITE_USES, inviteLimits } from './InviteLinks';
import { MemberList } from './MemberList';

afterEach(() => { cleanup(); vi.restoreAllMocks(); });

const ME = { id: 1, username: 'me', displayName: 'Me' };
const ALICE = { id: 2, username: 'alice', displayName: 'Alice' };
const BOB = { id: 3, username: 'bob', displayName: 'Bob' };

function withLang(lang: Lang, node: ReactNode) {
  return <I18nContext.Provider value={{ lang, t: translator(lang) }}>{node}</I18nContext.Provider>;
}

type Call = { method: string; path: string; body?: unknown };

/** An Api over a fake server that records every call and answers from `answer` (404 when it has nothing). */
function recordingApi(answer: (c: Call) => unknown) {
  const calls: Call[] = [];
  const fake = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    const call = { method: init?.method ?? 'GET', path: url.pathname.replace('/api/v1', '') + url.search,
      body: init?.body ? JSON.parse(String(init.body)) : undefined };
    calls.push(call);
    const out = answer(call);
    if (out === undefined) return new Response(null, { status: 204 });
    return new Response(JSON.stringify(out), { status: 200, headers: { 'Content-Type': 'application/json' } });
  }) as typeof fetch;
  return { api: new Api('/api/v1', fake), calls };
}

function groupClient(api: Api, role: 'owner' | 'admin' | 'member') {
  const c = new ChatClient(api, ME, { storage: null, openTransport: () => ({ kind: 'websocket', send: () => false, close() {} }) });
  c.conversations.set(50, {
    summary: { id: 50, kind: 'group', group: { id: 50, name: 'Trip', ownerId: 2, memberCount: 3, allMuted: false, role, createdAt: 0 },
      lastSeq: 1, readSeq: 1, unread: 0, lastActivityAt: 1 },
    lastMessage: null,
  });
  (c as unknown as { members: Map<number, unknown> }).members.set(50, {
    list: [ME, ALICE, BOB].map(u => ({ user: u, role: u.id === 1 ? role : 'member', joinedAt: 0 })), loading: null,
  });
  c.loadPresence = async () => {};
  return c;
}

describe('invite link limits', () => {
  it('sends only the limits chosen; an empty or non-positive use count is no limit', () => {
    expect(inviteLimits(0, '')).toEqual({});
    expect(inviteLimits(24, '5')).toEqual({ expiresInHours: 24, maxUses: 5 });
    expect(inviteLimits(0, '0')).toEqual({});
    expect(inviteLimits(1, 'abc')).toEqual({ expiresInHours: 1 });
    expect(inviteLimits(0, String(MAX_INVITE_USES + 5))).toEqual({ maxUses: MAX_INVITE_USES });
  });

  it('creates a link with an expiry and a use count and shows what is left of each link', async () => {
    const links = [
      { code: 'limited', groupId: 50, createdBy: 1, createdAt: 1, expiresAt: Date.now() + 3_600_000, maxUses: 5, uses: 3, remainingUses: 2 },
      { code: 'open', groupId: 50, createdBy: 1, createdAt: 1, uses: 7 },
    ];
    const { api, calls } = recordingApi(c => (c.method === 'GET' ? links : { ...links[0], code: 'new' }));
    render(withLang('en', <InviteLinks client={groupClient(api, 'admin')} groupId={50} />));
    await waitFor(() => expect(document.querySelectorAll('.invite')).toHaveLength(2));
    expect(document.querySelector('.invite[data-code="limited"] .invite-limits')!.textContent).toContain('2 of 5 uses left');
    expect(document.querySelector('.invite[data-code="limited"] .invite-limits')!.textContent).toContain('expires');
    expect(document.querySelector('.invite[data-code="open"] .invite-limits')!.textContent).toBe('never expires · used 7 times, no limit');

    fireEvent.change(screen.getByLabelText('Link expires'), { target: { value: '24' } });
    fireEvent.change(screen.getByLabelText('Uses (empty: no limit)'), { target: { value: '3' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create link' }));
    await waitFor(() => expect(calls.some(c => c.method === 'POST')).toBe(true));
    expect(calls.find(c => c.method === 'POST')).toEqual({ method: 'POST', path: '/groups/50/invites', body: { expiresInHours: 24, maxUses: 3 } });
  });

  it('a link without limits is created with an empty body, in Chinese too', async () => {
    const { api, calls } = recordingApi(c => (c.method === 'GET' ? [] : { code: 'x', groupId: 50, createdBy: 1, createdAt: 1, uses: 0 }));
    render(withLang('zh-CN', <InviteLinks client={groupClient(api, 'owner')} groupId={50} />));
    expect(screen.getByLabelText('链接有效期')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '生成链接' }));
    await waitFor(() => expect(calls.some(c => c.method === 'POST')).toBe(true));
    expect(calls.find(c => c.method === 'POST')!.body).toEqual({});
  });
});

describe('bans', () => {
  it('an admin bans from the member menu, next to remove', async () => {
    const { api, calls } = recordingApi(c => (c.method === 'PUT' ? { user: BOB, bannedBy: 1, bannedAt: 1 } : { id: 50 }));
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    const act = vi.fn(async (fn: () => Promise<unknown>) => { await fn(); });
    render(withLang('en', <MemberList client={groupClient(api, 'admin')} conversationId={50} act={act} />));
    fireEvent.click(screen.getByRole('button', { name: 'Actions for Bob' }));
    const items = within(screen.getByRole('menu')).getAllByRole('menuitem').map(i => i.textContent);
    expect(items).toEqual(expect.arrayContaining(['Remove from group', 'Ban from group']));
    expect(items.indexOf('Ban from group')).toBe(items.indexOf('Remove from group') + 1);
    fireEvent.click(screen.getByRole('menuitem', { name: 'Ban from group' }));
    await waitFor(() => expect(calls).toContainEqual({ method: 'PUT', path: '/groups/50/bans/3', body: undefined }));
    expect(window.confirm).toHaveBeenCalledWith(expect.stringContaining('Ban Bob?'));
  });

  it('a plain member has no ban action', () => {
    const { api } = recordingApi(() => ({}));
    render(withLang('en', <MemberList client={groupClient(api, 'member')} conversationId={50} act={async () => {}} />));
    expect(screen.queryByRole('button', { name: 'Actions for Bob' })).toBeNull();
  });

  it('lists the bans and lifts one', async () => {
    let bans = [{ user: BOB, bannedBy: 1, bannedAt: Date.now() }, { user: ALICE, bannedBy: 1, bannedAt: Date.now() }];
    const { api, calls } = recordingApi(c => {
      if (c.method === 'DELETE') { bans = bans.filter(b => !c.path.endsWith(`/${b.user.id}`)); return undefined; }
      return { bans };
    });
    render(withLang('en', <BanList client={groupClient(api, 'owner')} groupId={50} />));
    await waitFor(() => expect(document.querySelectorAll('.ban')).toHaveLength(2));
    fireEvent.click(screen.getByRole('button', { name: 'Lift the ban on Bob' }));
    await waitFor(() => expect(document.querySelectorAll('.ban')).toHaveLength(1));
    expect(calls).toContainEqual({ method: 'DELETE', path: '/groups/50/bans/3', body: undefined });
    expect(document.querySelector('.ban')!.getAttribute('data-username')).toBe('alice');
  });

  it('shows when nobody is banned', async () => {
    const { api } = recordingApi(() => ({ bans: [] }));
    render(withLang('en', <BanList client={groupClient(api, 'owner')} groupId={50} />));
    expect(await screen.findByText('Nobody is banned.')).toBeTruthy();
  });

  it('the api calls of bans use the documented paths', async () => {
    const { api, calls } = recordingApi(() => ({ bans: [] }));
    await groupsApi.bans(api, 7, 12);
    expect(calls[0]).toEqual({ method: 'GET', path: '/groups/7/bans?limit=1000&after=12', body: undefined });
  });

  it('a ban reads as a ban in the timeline', () => {
    const t = translator('en');
    const e: Message = { id: 1, conversationId: 50, seq: 4, senderId: 2, kind: 'system', sentAt: 0,
      system: { event: 'member_removed', userId: 3, banned: true } };
    const nameOf = (id: number) => [ME, ALICE, BOB].find(u => u.id === id)!.displayName;
    expect(systemText(e, 1, nameOf, t, 'en')).toBe('Alice banned Bob');
    expect(systemText({ ...e, system: { event: 'member_removed', userId: 3 } }, 1, nameOf, t, 'en')).toBe('Alice removed Bob');
    expect(systemText(e, 1, nameOf, translator('zh-CN'), 'zh-CN')).toBe('Alice禁止Bob入群');
  });
});
