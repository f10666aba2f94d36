import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { Api } from '../protocol/api';
import { I18nContext, translator, type Lang } from '../i18n';
import { AuthScreen, inviteLink, inviteTokenFromUrl } from './AuthScreen';
import { InviteLinks } from './InviteLinks';

afterEach(() => {
  cleanup();
  history.replaceState(null, '', '/');
});

function withLang(lang: Lang, node: ReactNode) {
  return <I18nContext.Provider value={{ lang, t: translator(lang) }}>{node}</I18nContext.Provider>;
}

type Call = { method: string; url: string; body: unknown };

/** A fake server: answers by "METHOD path", records every call. */
function fakeServer(routes: Record<string, (body: unknown) => Response>) {
  const calls: Call[] = [];
  const fetcher = (async (url: string, init: RequestInit) => {
    const method = init.method ?? 'GET';
    const body = init.body === undefined ? undefined : JSON.parse(String(init.body));
    calls.push({ method, url, body });
    const route = routes[`${method} ${url}`];
    if (!route) return new Response(JSON.stringify({ code: 'not_found', message: 'Not found.' }), { status: 404 });
    return route(body);
  }) as unknown as typeof fetch;
  return { calls, api: new Api('/api/v1', fetcher) };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });
const TOKENS = { accessToken: 'a', expiresIn: 900, sessionId: 1, user: { id: 1, username: 'alice', displayName: 'alice' } };

describe('invite links', () => {
  it('reads the token from ?token= or #token=', () => {
    expect(inviteTokenFromUrl({ search: '?token=abc_-1', hash: '' })).toBe('abc_-1');
    expect(inviteTokenFromUrl({ search: '', hash: '#token=xyz' })).toBe('xyz');
    expect(inviteTokenFromUrl({ search: '?x=1', hash: '#other=2' })).toBeNull();
    expect(inviteLink('t0k/en', 'https://chat.example', '/')).toBe('https://chat.example/#token=t0k%2Fen');
  });
});

describe('AuthScreen sign-up policies', () => {
  it('asks for an invite code on invite-only servers and sends it', async () => {
    const s = fakeServer({
      'GET /api/v1/registration': () => json(200, { mode: 'invite' }),
      'POST /api/v1/accounts': () => json(403, { code: 'registration_token_invalid', message: 'x' }),
    });
    render(withLang('en', <AuthScreen api={s.api} onLoggedIn={() => {}} />));
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    const code = await screen.findByLabelText('Invite code');
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'Alice' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'secret123' } });
    fireEvent.change(code, { target: { value: ' tok123 ' } });
    fireEvent.click(screen.getAllByRole('button', { name: 'Create account' })[0]);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('This invite is not valid: it is unknown, revoked, expired or used up.'));
    expect(s.calls.find(c => c.url === '/api/v1/accounts')!.body).toMatchObject({ username: 'alice', password: 'secret123', token: 'tok123' });
  });

  it('opens the sign-up form with the token of an invite link, and takes it out of the address bar', async () => {
    history.replaceState(null, '', '/#token=fromlink');
    const s = fakeServer({
      'GET /api/v1/registration': () => json(200, { mode: 'invite' }),
      'POST /api/v1/accounts': () => json(201, TOKENS.user),
      'POST /api/v1/auth/login': () => json(200, TOKENS),
    });
    const onLoggedIn = vi.fn();
    render(withLang('en', <AuthScreen api={s.api} onLoggedIn={onLoggedIn} />));
    expect((screen.getByLabelText('Invite code') as HTMLInputElement).value).toBe('fromlink');
    expect(location.hash).toBe('');
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'alice' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'secret123' } });
    fireEvent.submit(screen.getByRole('form', { name: 'Create account' }));
    await waitFor(() => expect(onLoggedIn).toHaveBeenCalled());
    expect(s.calls.find(c => c.url === '/api/v1/accounts')!.body).toMatchObject({ token: 'fromlink' });
  });

  it('sends no token and shows no invite field on open servers', async () => {
    const s = fakeServer({
      'GET /api/v1/registration': () => json(200, { mode: 'open' }),
      'POST /api/v1/accounts': () => json(201, TOKENS.user),
      'POST /api/v1/auth/login': () => json(200, TOKENS),
    });
    render(withLang('en', <AuthScreen api={s.api} onLoggedIn={() => {}} />));
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    await waitFor(() => expect(s.calls.some(c => c.url === '/api/v1/registration')).toBe(true));
    expect(screen.queryByLabelText('Invite code')).toBeNull();
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'alice' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'secret123' } });
    fireEvent.submit(screen.getByRole('form', { name: 'Create account' }));
    await waitFor(() => expect(s.calls.some(c => c.url === '/api/v1/auth/login')).toBe(true));
    expect(s.calls.find(c => c.url === '/api/v1/accounts')!.body).not.toHaveProperty('token');
  });

  it('says registration is closed instead of offering a sign-up form', async () => {
    const s = fakeServer({ 'GET /api/v1/registration': () => json(200, { mode: 'closed' }) });
    render(withLang('zh-CN', <AuthScreen api={s.api} onLoggedIn={() => {}} />));
    await waitFor(() => expect(screen.getByText('此服务器不接受新账号注册。')).toBeTruthy());
    expect(screen.queryByRole('button', { name: '创建账号' })).toBeNull();
    expect(screen.getByRole('form', { name: '登录' })).toBeTruthy();
  });
});

describe('InviteLinks', () => {
  it('is not shown to users who may not invite', async () => {
    const s = fakeServer({ 'GET /api/v1/registration-tokens': () => json(403, { code: 'forbidden', message: 'no' }) });
    const { container } = render(withLang('en', <InviteLinks api={s.api} />));
    await waitFor(() => expect(s.calls).toHaveLength(1));
    expect(container.textContent).toBe('');
  });

  it('creates, copies as a link and revokes tokens', async () => {
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const existing = { token: 'old1', createdBy: 1, createdAt: 1, expiresAt: null, maxUses: 2, uses: 2, usable: false };
    const s = fakeServer({
      'GET /api/v1/registration-tokens': () => json(200, [existing]),
      'POST /api/v1/registration-tokens': () => json(201, { token: 'new1', createdBy: 1, createdAt: 2, expiresAt: Date.now() + 86_400_000, maxUses: 1, uses: 0, usable: true }),
      'DELETE /api/v1/registration-tokens/old1': () => new Response(null, { status: 204 }),
    });
    render(withLang('en', <InviteLinks api={s.api} />));
    await screen.findByText('old1');
    expect(screen.getByText(/Used 2 of 2/).textContent).toContain('used up or expired');
    expect(screen.queryByRole('button', { name: 'Copy link: old1' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Create invite link' }));
    await screen.findByText('new1');
    fireEvent.click(screen.getByRole('button', { name: 'Copy link: new1' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(`${location.origin}${location.pathname}#token=new1`));
    expect(screen.getByRole('status').textContent).toBe('Link copied.');

    fireEvent.click(screen.getByRole('button', { name: 'Revoke: old1' }));
    await waitFor(() => expect(screen.queryByText('old1')).toBeNull());
    expect(s.calls.map(c => `${c.method} ${c.url}`)).toEqual([
      'GET /api/v1/registration-tokens', 'POST /api/v1/registration-tokens', 'DELETE /api/v1/registration-tokens/old1']);
  });
});
