import { ApiError, type RegistrationMode, type RegistrationToken, type ConversationEntry, type Friend, type FriendRequest, type HistoryPage, type SessionView, type Tokens, type UserPage, type UserSummary } from './types';

type Fetch = typeof fetch;

/**
 * REST client for /api/v1 plus the access token (memory only). The refresh token lives in an HttpOnly cookie the
 * server sets at login (useCookie: true); refresh() trades it for a new access token. Refresh tokens are single-use,
 * so refreshes are serialized: one at a time per tab, and across tabs with a Web Lock when the browser has them.
 */
export class Api {
  private token: string | null = null;
  private expiresAt = 0;
  private refreshing: Promise<Tokens> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Called when the session is gone for good (refresh refused): the app logs out. */
  onSessionLost: () => void = () => {};
  onTokens: (t: Tokens) => void = () => {};

  constructor(private readonly base = '/api/v1', private readonly doFetch: Fetch = (...a) => fetch(...a)) {}

  get accessToken(): string | null { return this.token; }

  private setTokens(t: Tokens): Tokens {
    this.token = t.accessToken;
    this.expiresAt = Date.now() + t.expiresIn * 1000;
    if (this.timer) clearTimeout(this.timer);
    // Refresh a minute before expiry (or at 80% of short lifetimes).
    const lead = Math.min(60, t.expiresIn * 0.2);
    this.timer = setTimeout(() => { this.refresh().catch(() => {}); }, Math.max(5, t.expiresIn - lead) * 1000);
    this.onTokens(t);
    return t;
  }

  clear(): void {
    this.token = null;
    this.expiresAt = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  async request<T>(method: string, path: string, body?: unknown, auth = true, retried = false): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (auth && this.token) headers.Authorization = `Bearer ${this.token}`;
    const res = await this.doFetch(this.base + path, {
      method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 401 && auth && !retried) {
      const err = await readError(res);
      if (err.code === 'token_expired' || err.code === 'token_invalid' || err.code === 'unauthorized') {
        await this.refresh();
        return this.request<T>(method, path, body, auth, true);
      }
      throw err;
    }
    if (!res.ok) throw await readError(res);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Trades the refresh cookie for a new access token. Shared by concurrent callers. */
  refresh(): Promise<Tokens> {
    if (!this.refreshing) {
      const run = async () => {
        try {
          const t = await this.request<Tokens>('POST', '/auth/refresh', undefined, false);
          return this.setTokens(t);
        } catch (e) {
          if (e instanceof ApiError && e.status === 401) { this.clear(); this.onSessionLost(); }
          throw e;
        }
      };
      const locks = (globalThis.navigator as Navigator | undefined)?.locks;
      const p = locks ? locks.request('parley-refresh', run) : run();
      this.refreshing = p.finally(() => { this.refreshing = null; });
    }
    return this.refreshing;
  }

  /** Whether the access token is close to expiry (callers refresh first). */
  get stale(): boolean { return !this.token || Date.now() > this.expiresAt - 5000; }

  async login(username: string, password: string, deviceName: string): Promise<Tokens> {
    const t = await this.request<Tokens>('POST', '/auth/login', { username, password, deviceName, useCookie: true }, false);
    return this.setTokens(t);
  }

  /** {@code token}: a registration token, needed when the server is invite-only. */
  register(username: string, displayName: string, password: string, token?: string): Promise<UserSummary> {
    return this.request('POST', '/accounts', token ? { username, displayName, password, token } : { username, displayName, password }, false);
  }

  async registrationMode(): Promise<RegistrationMode> {
    const p = await this.request<{ mode: RegistrationMode }>('GET', '/registration', undefined, false);
    return p.mode;
  }

  registrationTokens(): Promise<RegistrationToken[]> { return this.request('GET', '/registration-tokens'); }
  createRegistrationToken(maxUses?: number): Promise<RegistrationToken> {
    return this.request('POST', '/registration-tokens', maxUses === undefined ? {} : { maxUses });
  }
  revokeRegistrationToken(token: string): Promise<void> { return this.request('DELETE', `/registration-tokens/${encodeURIComponent(token)}`); }

  async logout(): Promise<void> {
    try { await this.request('POST', '/auth/logout'); } finally { this.clear(); }
  }

  me(): Promise<UserSummary> { return this.request('GET', '/me'); }
  rename(displayName: string): Promise<UserSummary> { return this.request('PATCH', '/me', { displayName }); }
  changePassword(currentPassword: string, newPassword: string): Promise<void> { return this.request('POST', '/me/password', { currentPassword, newPassword }); }
  sessions(): Promise<SessionView[]> { return this.request('GET', '/me/sessions'); }
  revokeSession(id: number): Promise<void> { return this.request('DELETE', `/me/sessions/${id}`); }
  searchUsers(q: string, limit = 20): Promise<UserPage> { return this.request('GET', `/users?q=${encodeURIComponent(q)}&limit=${limit}`); }
  user(id: number): Promise<UserSummary> { return this.request('GET', `/users/${id}`); }
  sendFriendRequest(userId: number, note: string): Promise<FriendRequest> { return this.request('POST', '/friends/requests', { userId, note }); }
  friendRequests(direction: 'incoming' | 'outgoing'): Promise<FriendRequest[]> { return this.request('GET', `/friends/requests?direction=${direction}`); }
  answerRequest(id: number, action: 'accept' | 'decline' | 'cancel'): Promise<unknown> { return this.request('POST', `/friends/requests/${id}/${action}`); }
  friends(): Promise<Friend[]> { return this.request('GET', '/friends'); }
  removeFriend(userId: number): Promise<void> { return this.request('DELETE', `/friends/${userId}`); }
  blocks(): Promise<UserSummary[]> { return this.request('GET', '/blocks'); }
  block(userId: number): Promise<unknown> { return this.request('PUT', `/blocks/${userId}`); }
  unblock(userId: number): Promise<void> { return this.request('DELETE', `/blocks/${userId}`); }
  conversations(): Promise<ConversationEntry[]> { return this.request('GET', '/conversations'); }
  messages(id: number, q: { before?: number; after?: number; limit?: number }): Promise<HistoryPage> {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined) p.set(k, String(v));
    return this.request('GET', `/conversations/${id}/messages?${p}`);
  }
}

async function readError(res: Response): Promise<ApiError> {
  try {
    const b = await res.json();
    return new ApiError(res.status, String(b.code ?? 'http_' + res.status), String(b.message ?? res.statusText),
      typeof b.retryAfter === 'number' ? b.retryAfter : undefined);
  } catch {
    return new ApiError(res.status, 'http_' + res.status, res.statusText || 'Request failed');
  }
}
