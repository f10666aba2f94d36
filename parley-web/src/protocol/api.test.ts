import { afterEach, describe, expect, it, vi } from 'vitest';
import { Api } from './api';

afterEach(() => { vi.useRealTimers(); });

const tokens = (n: number) => ({ accessToken: `a${n}`, expiresIn: 900, sessionId: 1, user: { id: 1, username: 'me', displayName: 'Me' } });
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('Api', () => {
  it('runs one refresh at a time (refresh tokens are single-use) and sends no body, so the cookie is used', async () => {
    const calls: RequestInit[] = [];
    let n = 0;
    const api = new Api('/api/v1', (async (_url: string, init: RequestInit) => {
      calls.push(init);
      await new Promise(r => setTimeout(r, 5));
      return json(200, tokens(++n));
    }) as unknown as typeof fetch);
    const [a, b, c] = await Promise.all([api.refresh(), api.refresh(), api.refresh()]);
    expect(calls).toHaveLength(1);
    expect(calls[0].body).toBeUndefined();
    expect(calls[0].credentials).toBe('same-origin');
    expect([a.accessToken, b.accessToken, c.accessToken]).toEqual(['a1', 'a1', 'a1']);
    expect(api.accessToken).toBe('a1');
  });

  it('refreshes and retries once when the access token expired', async () => {
    const seen: string[] = [];
    const api = new Api('/api/v1', (async (url: string, init: RequestInit) => {
      const auth = (init.headers as Record<string, string>).Authorization ?? '';
      seen.push(`${url} ${auth}`);
      if (url.endsWith('/auth/login')) return json(200, tokens(1));
      if (url.endsWith('/auth/refresh')) return json(200, tokens(2));
      if (auth === 'Bearer a1') return json(401, { code: 'token_expired', message: 'expired' });
      return json(200, { id: 1, username: 'me', displayName: 'Me' });
    }) as unknown as typeof fetch);
    await api.login('me', 'password1', 'test');
    const me = await api.me();
    expect(me.username).toBe('me');
    expect(seen).toEqual(['/api/v1/auth/login ', '/api/v1/me Bearer a1', '/api/v1/auth/refresh ', '/api/v1/me Bearer a2']);
  });

  it('reports a lost session when the refresh is refused', async () => {
    const api = new Api('/api/v1', (async () => json(401, { code: 'token_revoked', message: 'revoked' })) as unknown as typeof fetch);
    const lost = vi.fn();
    api.onSessionLost = lost;
    await expect(api.refresh()).rejects.toMatchObject({ code: 'token_revoked' });
    expect(lost).toHaveBeenCalledOnce();
    expect(api.accessToken).toBeNull();
  });

  it('refreshes ahead of expiry', async () => {
    vi.useFakeTimers();
    let n = 0;
    const api = new Api('/api/v1', (async () => json(200, { ...tokens(++n), expiresIn: 300 })) as unknown as typeof fetch);
    await api.refresh();
    expect(n).toBe(1);
    await vi.advanceTimersByTimeAsync(230_000);
    expect(n).toBe(1);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(n).toBe(2);
    expect(api.accessToken).toBe('a2');
    api.clear();
  });
});
