import { Api } from './api';
import { backoffDelay } from './backoff';
import { MessageLog } from './store';
import { PendingQueue, newClientMsgId, type KeyValue, type PendingSend } from './pending';
import { openLongPoll, openWebSocket, wsUrl, type Transport, type TransportEvents } from './transport';
import {
  ApiError, type AccountEvent, type ConversationSummary, type Frame, type HistoryPage, type Hello, type Message,
  type SendAck, type SyncResult, type UserSummary,
} from './types';

export type ConnStatus = 'connecting' | 'online' | 'offline';

export interface ConversationState { summary: ConversationSummary; lastMessage: Message | null }

/** Errors after which retrying the same send cannot succeed: the user decides (retry or discard). */
const PERMANENT_SEND_ERRORS = new Set([
  'not_friends', 'text_too_long', 'empty_message', 'recipient_unavailable', 'forbidden', 'invalid_field',
  'user_not_found', 'conversation_not_found', 'frame_too_large',
]);

/** Failed WebSocket attempts in a row (never opened) before switching to long-poll. */
export const WS_FAILURES_BEFORE_LONGPOLL = 3;

export interface ClientOptions {
  storage?: KeyValue | null;
  location?: { protocol: string; host: string };
  openTransport?: (kind: 'websocket' | 'longpoll', ev: TransportEvents) => Transport;
  random?: () => number;
  requestTimeoutMs?: number;
}

interface Waiter { resolve(f: Frame): void; reject(e: unknown): void; timer: ReturnType<typeof setTimeout> }

/**
 * The chat state of one logged-in user and its one live connection. Keeps conversations, the messages it has
 * loaded (deduplicated by conversationId+seq) and the queue of unacknowledged sends; resyncs on every reconnect.
 * UI code reads the getters and subscribes for changes.
 */
export class ChatClient {
  readonly conversations = new Map<number, ConversationState>();
  private readonly logs = new Map<number, MessageLog>();
  readonly pending: PendingQueue;
  status: ConnStatus = 'connecting';
  transportKind: 'websocket' | 'longpoll' = 'websocket';
  /** Bumped on account events (friend requests etc.): contact screens reload. */
  contactsVersion = 0;
  version = 0;
  syncToken: string | null = null;
  /** A message from someone else arrived (for notifications). */
  onIncoming: (m: Message, c: ConversationState | undefined) => void = () => {};
  /** The device session was revoked: the app logs out. */
  onRevoked: () => void = () => {};

  private listeners = new Set<() => void>();
  private peers = new Map<number, UserSummary>();
  private transport: Transport | null = null;
  private gen = 0;
  private helloGen = -1;
  private authRetries = 0;
  private stopped = false;
  private attempt = 0;
  private wsFailures = 0;
  private useLongPoll = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private waiters = new Map<string, Waiter>();
  private nextId = 1;
  private pulling = new Map<number, Promise<void>>();
  private pullAgain = new Set<number>();
  private flushing = false;
  private flushAgain = false;
  private listTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly opts: Required<Omit<ClientOptions, 'storage'>> & { storage: KeyValue | null };

  constructor(readonly api: Api, readonly me: UserSummary, options: ClientOptions = {}) {
    this.opts = {
      storage: options.storage === undefined ? safeLocalStorage() : options.storage,
      location: options.location ?? globalThis.location,
      openTransport: options.openTransport ?? ((kind, ev) => kind === 'longpoll'
        ? openLongPoll(this.api, ev)
        : openWebSocket(wsUrl(this.opts.location, this.api.accessToken ?? ''), ev)),
      random: options.random ?? Math.random,
      requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
    };
    this.pending = new PendingQueue(this.opts.storage, `parley.pending.${me.id}`);
  }

  // ---- subscription -------------------------------------------------------------------------------------------

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => { this.listeners.delete(fn); };
  };

  getVersion = () => this.version;

  private emit(): void {
    this.version++;
    for (const l of [...this.listeners]) l();
  }

  // ---- connection ---------------------------------------------------------------------------------------------

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.gen++;
    this.transport?.close();
    this.transport = null;
    this.stopHeartbeat();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.listTimer) clearTimeout(this.listTimer);
    this.failWaiters('stopped');
  }

  /** Reconnect now (e.g. the browser says the network is back). */
  reconnectNow(): void {
    if (this.stopped || this.status === 'online' || this.transport) return;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const gen = ++this.gen;
    this.setStatus(this.status === 'online' ? 'offline' : this.status);
    try {
      if (this.api.stale) await this.api.refresh();
    } catch (e) {
      // Could not even refresh the access token: says nothing about WebSockets, so it does not count toward the fallback.
      if (gen === this.gen) this.handleClose(gen, e instanceof ApiError && e.status === 401 ? 4403 : 1006, false, false);
      return;
    }
    if (gen !== this.gen || this.stopped) return;
    const kind = this.useLongPoll ? 'longpoll' : 'websocket';
    this.transportKind = kind;
    this.transport = this.opts.openTransport(kind, {
      onOpen: () => {},
      onFrame: (f) => { if (gen === this.gen) this.handleFrame(f); },
      onClose: (code, opened) => this.handleClose(gen, code, opened),
    });
    // A connection that never says hello is as good as none.
    setTimeout(() => {
      if (gen === this.gen && this.helloGen !== gen) {
        this.transport?.close();
        this.handleClose(gen, 1006, true);
      }
    }, this.opts.requestTimeoutMs);
  }

  /**
   * opened: whether the transport opened. A connection counts as working only once hello arrived (a proxy may
   * accept the upgrade and then drop it), so the long-poll fallback counts attempts that never said hello.
   */
  private handleClose(gen: number, code: number, opened: boolean, countable = true): void {
    if (gen !== this.gen) return;
    const worked = opened && this.helloGen === gen;
    this.gen++;
    this.transport = null;
    this.stopHeartbeat();
    this.failWaiters('disconnected');
    if (this.stopped) return;
    this.setStatus('offline');
    if (code === 4403) { this.stopped = true; this.onRevoked(); return; }
    if (code === 4401) {
      // Token refused: refresh and reconnect at once, but only once in a row (then back off like any failure).
      if (this.authRetries++ === 0) {
        this.api.refresh().then(() => this.connect(), () => this.scheduleReconnect());
      } else {
        this.api.refresh().then(() => this.scheduleReconnect(), () => this.scheduleReconnect());
      }
      return;
    }
    // Only failures while the browser believes it is online say "WebSockets do not get through here".
    if (!worked && countable && globalThis.navigator?.onLine !== false) {
      if (this.transportKind === 'websocket') {
        this.wsFailures++;
        if (this.wsFailures >= WS_FAILURES_BEFORE_LONGPOLL) this.useLongPoll = true;
      } else {
        // Long-poll does not get through either: the server is down, not the WebSocket blocked. Try the WebSocket
        // again (another round of failures brings long-poll back), so a server restart does not pin us to long-poll.
        this.useLongPoll = false;
        this.wsFailures = 0;
      }
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const delay = backoffDelay(this.attempt++, 500, 30_000, this.opts.random);
    this.reconnectTimer = setTimeout(() => { this.reconnectTimer = null; this.connect(); }, delay);
  }

  private setStatus(s: ConnStatus): void {
    if (this.status !== s) { this.status = s; this.emit(); }
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private onHello(h: Hello): void {
    this.helloGen = this.gen;
    this.authRetries = 0;
    this.attempt = 0;
    if (this.transportKind === 'websocket') this.wsFailures = 0;
    this.setStatus('online');
    const gen = this.gen;
    if (this.transportKind === 'websocket') {
      const every = Math.max(5, h.heartbeatInterval || 25) * 1000;
      this.stopHeartbeat();
      this.heartbeat = setInterval(() => {
        this.request({ type: 'ping' }, Math.min(every, 20_000)).catch(() => {
          // No pong: the connection is dead even if the socket does not know yet.
          if (gen !== this.gen) return;
          this.transport?.close();
          this.handleClose(gen, 1006, true);
        });
      }, every);
    }
    this.resync(gen).catch(() => { /* a failed sync means a dropped connection; the reconnect syncs again */ });
  }

  // ---- requests -----------------------------------------------------------------------------------------------

  /** Sends a frame with an id and waits for the reply with that id (an error frame rejects with ApiError). */
  request<T = Frame>(frame: Frame, timeoutMs = this.opts.requestTimeoutMs): Promise<T> {
    const id = `c${this.nextId++}`;
    return new Promise<T>((resolve, reject) => {
      const t = this.transport;
      if (!t || this.status !== 'online') { reject(new ApiError(0, 'disconnected', 'Not connected')); return; }
      const timer = setTimeout(() => { this.waiters.delete(id); reject(new ApiError(0, 'timeout', 'No reply')); }, timeoutMs);
      this.waiters.set(id, { resolve: resolve as (f: Frame) => void, reject, timer });
      if (!t.send({ ...frame, id })) {
        clearTimeout(timer);
        this.waiters.delete(id);
        reject(new ApiError(0, 'disconnected', 'Not connected'));
      }
    });
  }

  private failWaiters(code: string): void {
    for (const w of this.waiters.values()) { clearTimeout(w.timer); w.reject(new ApiError(0, code, code)); }
    this.waiters.clear();
  }

  private handleFrame(f: Frame): void {
    // Replies echo our string id ("c1", ...); message pushes carry a numeric message id, never a waiter's.
    if (typeof f.id === 'string' && this.waiters.has(f.id)) {
      const w = this.waiters.get(f.id)!;
      this.waiters.delete(f.id);
      clearTimeout(w.timer);
      if (f.type === 'error') w.reject(new ApiError(0, String(f.code ?? 'error'), String(f.message ?? 'error')));
      else w.resolve(f);
      return;
    }
    switch (f.type) {
      case 'hello': this.onHello(f as unknown as Hello); break;
      case 'message': this.onMessage(f as unknown as Message); break;
      case 'read': this.onReadPush(f as unknown as { conversationId: number; readSeq: number; unread: number }); break;
      case 'event': this.onEvent(f as unknown as AccountEvent); break;
      default: break; // pong without a waiter, errors without an id
    }
  }

  // ---- sync ---------------------------------------------------------------------------------------------------

  /** On every (re)connect: sync token round(s), conversation list, then the missed messages of loaded chats. */
  private async resync(gen: number): Promise<void> {
    let token = this.syncToken;
    for (;;) {
      let res: SyncResult;
      try {
        res = await this.request<SyncResult>({ type: 'sync', ...(token ? { token } : {}) });
      } catch (e) {
        if (e instanceof ApiError && e.code === 'invalid_field' && token) { token = null; continue; }
        throw e;
      }
      if (gen !== this.gen) return;
      // Events (or a full sync, which replays none): contact screens reload friends, requests and blocks.
      if (res.events.length || res.full) this.contactsVersion++;
      for (const c of res.conversations) this.upsertSummary(c);
      token = res.token;
      if (!res.hasMore) break;
    }
    this.syncToken = token;
    this.emit();
    await this.refreshList();
    if (gen !== this.gen) return;
    await Promise.all([...this.logs.entries()]
      .filter(([id, log]) => log.loaded && (this.conversations.get(id)?.summary.lastSeq ?? 0) > log.maxSeq)
      .map(([id]) => this.pullAfter(id)));
    this.flushPending();
  }

  private upsertSummary(c: ConversationSummary): void {
    const cur = this.conversations.get(c.id);
    if (!cur) { this.conversations.set(c.id, { summary: c, lastMessage: null }); return; }
    const s = cur.summary;
    const lastSeq = Math.max(s.lastSeq, c.lastSeq);
    const readSeq = Math.max(s.readSeq, c.readSeq);
    cur.summary = { ...c, lastSeq, readSeq, unread: Math.max(0, lastSeq - readSeq), lastActivityAt: Math.max(s.lastActivityAt, c.lastActivityAt) };
  }

  /** Reloads the conversation list (previews and unread counts) over REST. */
  async refreshList(): Promise<void> {
    try {
      const list = await this.api.conversations();
      for (const e of list) {
        this.upsertSummary(e.conversation);
        const cur = this.conversations.get(e.conversation.id)!;
        if (e.lastMessage && (!cur.lastMessage || cur.lastMessage.seq < e.lastMessage.seq)) cur.lastMessage = e.lastMessage;
        for (const p of this.pending.all()) {
          if (p.peerId === e.conversation.peer.id && p.conversationId === undefined) this.pending.update(p.clientMsgId, { conversationId: e.conversation.id });
        }
      }
      this.emit();
    } catch { /* offline: the next resync retries */ }
  }

  private scheduleListRefresh(): void {
    if (this.listTimer) return;
    this.listTimer = setTimeout(() => { this.listTimer = null; this.refreshList(); }, 200);
  }

  /** Pulls every message after the newest one held, until the server has no more. One pull per chat at a time. */
  pullAfter(conversationId: number): Promise<void> {
    const running = this.pulling.get(conversationId);
    if (running) { this.pullAgain.add(conversationId); return running; }
    const p = (async () => {
      do {
        this.pullAgain.delete(conversationId);
        const log = this.log(conversationId);
        for (;;) {
          const page = await this.history({ conversationId, after: log.maxSeq, limit: 100 });
          this.addMessages(conversationId, page.messages);
          if (!page.hasMore) break;
        }
      } while (this.pullAgain.has(conversationId));
    })().finally(() => { this.pulling.delete(conversationId); this.emit(); });
    this.pulling.set(conversationId, p);
    return p;
  }

  private history(q: { conversationId: number; before?: number; after?: number; limit: number }): Promise<HistoryPage> {
    if (this.status === 'online') return this.request<HistoryPage>({ type: 'history', ...q });
    return this.api.messages(q.conversationId, { before: q.before, after: q.after, limit: q.limit });
  }

  private addMessages(conversationId: number, msgs: readonly Message[]): void {
    const log = this.log(conversationId);
    const added = log.add(msgs);
    const conv = this.conversations.get(conversationId);
    for (const m of added) {
      if (m.senderId === this.me.id && m.clientMsgId) this.pending.remove(m.clientMsgId);
      if (conv && (!conv.lastMessage || conv.lastMessage.seq < m.seq)) conv.lastMessage = m;
    }
    if (added.length) this.emit();
  }

  // ---- pushes -------------------------------------------------------------------------------------------------

  private onMessage(m: Message): void {
    const conv = this.conversations.get(m.conversationId);
    if (!conv) {
      // A conversation we do not know yet (someone wrote first): load the list, then tell the UI who it was.
      this.refreshList().then(() => {
        if (m.senderId !== this.me.id) this.onIncoming(m, this.conversations.get(m.conversationId));
      });
      return;
    }
    if (m.senderId !== this.me.id) this.onIncoming(m, conv);
    this.noteMessage(conv, m);
    const log = this.logs.get(m.conversationId);
    if (log?.loaded) {
      if (log.gapBefore(m.seq)) this.pullAfter(m.conversationId).catch(() => {});
      else this.addMessages(m.conversationId, [m]);
    }
    this.emit();
  }

  private noteMessage(conv: ConversationState, m: Message): void {
    const s = conv.summary;
    const lastSeq = Math.max(s.lastSeq, m.seq);
    const readSeq = m.senderId === this.me.id ? Math.max(s.readSeq, m.seq) : s.readSeq;
    conv.summary = { ...s, lastSeq, readSeq, unread: Math.max(0, lastSeq - readSeq), lastActivityAt: Math.max(s.lastActivityAt, m.sentAt) };
    if (!conv.lastMessage || conv.lastMessage.seq < m.seq) conv.lastMessage = m;
    if (m.senderId === this.me.id && m.clientMsgId) this.pending.remove(m.clientMsgId);
  }

  private onReadPush(r: { conversationId: number; readSeq: number; unread: number }): void {
    const conv = this.conversations.get(r.conversationId);
    if (!conv) return;
    const readSeq = Math.max(conv.summary.readSeq, r.readSeq);
    conv.summary = { ...conv.summary, readSeq, unread: Math.max(0, conv.summary.lastSeq - readSeq) };
    this.emit();
  }

  private onEvent(_e: AccountEvent): void {
    this.contactsVersion++;
    this.emit();
  }

  // ---- reading ------------------------------------------------------------------------------------------------

  log(conversationId: number): MessageLog {
    let l = this.logs.get(conversationId);
    if (!l) { l = new MessageLog(); this.logs.set(conversationId, l); }
    return l;
  }

  /** Loads the newest page of a chat the first time it is opened. */
  async loadLatest(conversationId: number): Promise<void> {
    const log = this.log(conversationId);
    if (log.loaded) return;
    const page = await this.api.messages(conversationId, { limit: 50 });
    log.loaded = true;
    log.hasOlder = page.hasMore;
    this.addMessages(conversationId, page.messages);
    this.emit();
    const last = this.conversations.get(conversationId)?.summary.lastSeq ?? page.lastSeq;
    if (Math.max(last, page.lastSeq) > log.maxSeq) await this.pullAfter(conversationId);
  }

  /** Loads the page before the oldest message held. Returns how many were added. */
  async loadOlder(conversationId: number): Promise<number> {
    const log = this.log(conversationId);
    if (!log.hasOlder || !log.messages.length) return 0;
    const page = await this.api.messages(conversationId, { before: log.minSeq, limit: 50 });
    log.hasOlder = page.hasMore;
    const before = log.messages.length;
    this.addMessages(conversationId, page.messages);
    this.emit();
    return log.messages.length - before;
  }

  /** Marks everything in a chat read, locally at once and on the server. */
  markRead(conversationId: number): void {
    const conv = this.conversations.get(conversationId);
    if (!conv || conv.summary.readSeq >= conv.summary.lastSeq) return;
    const seq = conv.summary.lastSeq;
    conv.summary = { ...conv.summary, readSeq: seq, unread: 0 };
    this.emit();
    const done = this.status === 'online'
      ? this.request({ type: 'read', conversationId, seq })
      : this.api.request('POST', `/conversations/${conversationId}/read`, { seq });
    done.catch(() => {});
  }

  sortedConversations(): ConversationState[] {
    return [...this.conversations.values()].sort((a, b) => b.summary.lastActivityAt - a.summary.lastActivityAt || b.summary.id - a.summary.id);
  }

  conversationWith(peerId: number): ConversationState | undefined {
    for (const c of this.conversations.values()) if (c.summary.peer.id === peerId) return c;
    return undefined;
  }

  unreadTotal(): number {
    let n = 0;
    for (const c of this.conversations.values()) n += c.summary.unread;
    return n;
  }

  pendingFor(peerId: number): PendingSend[] {
    return this.pending.all().filter(p => p.peerId === peerId).sort((a, b) => a.createdAt - b.createdAt);
  }

  // ---- sending ------------------------------------------------------------------------------------------------

  /** Profiles the UI knows (e.g. a friend opened from Contacts), to name a conversation a first send opens. */
  rememberPeer(u: UserSummary): void {
    this.peers.set(u.id, u);
  }

  /** Queues a message (shown at once as pending) and sends it when connected. */
  send(peerId: number, text: string): PendingSend {
    const conv = this.conversationWith(peerId);
    const p: PendingSend = {
      clientMsgId: newClientMsgId(), peerId, conversationId: conv?.summary.id, text, createdAt: Date.now(), status: 'pending',
    };
    this.pending.add(p);
    this.emit();
    this.flushPending();
    return p;
  }

  retry(clientMsgId: string): void {
    this.pending.update(clientMsgId, { status: 'pending', error: undefined });
    this.emit();
    this.flushPending();
  }

  discard(clientMsgId: string): void {
    this.pending.remove(clientMsgId);
    this.emit();
  }

  /** Sends queued messages one at a time, in order, with their original clientMsgId. */
  async flushPending(): Promise<void> {
    if (this.flushing) { this.flushAgain = true; return; }
    this.flushing = true;
    try {
      do {
        this.flushAgain = false;
        for (const p of this.pending.retryable()) {
          if (this.status !== 'online') return;
          if (!this.pending.get(p.clientMsgId)) continue;
          try {
            const ack = await this.request<SendAck>({ type: 'send', to: p.peerId, clientMsgId: p.clientMsgId, text: p.text });
            this.applyAck(p, ack);
          } catch (e) {
            const code = e instanceof ApiError ? e.code : 'error';
            if (PERMANENT_SEND_ERRORS.has(code)) {
              this.pending.update(p.clientMsgId, { status: 'failed', error: code });
              this.emit();
            } else if (code === 'rate_limited') {
              await sleep(1000);
              this.flushAgain = true;
              break;
            } else {
              if (code === 'timeout') setTimeout(() => this.flushPending(), 3000);
              return; // disconnected: the reconnect flushes again
            }
          }
        }
      } while (this.flushAgain);
    } finally {
      this.flushing = false;
    }
  }

  private applyAck(p: PendingSend, ack: SendAck): void {
    const m: Message = {
      id: ack.messageId, conversationId: ack.conversationId, seq: ack.seq, senderId: this.me.id,
      clientMsgId: p.clientMsgId, text: p.text, sentAt: ack.sentAt,
    };
    this.pending.remove(p.clientMsgId);
    let conv = this.conversations.get(ack.conversationId);
    const peer = this.peers.get(p.peerId);
    if (!conv && ack.seq === 1 && peer) {
      // This send opened the conversation: it holds exactly this message.
      conv = {
        summary: { id: ack.conversationId, kind: 'direct', peer, lastSeq: 0, readSeq: 0, unread: 0, lastActivityAt: ack.sentAt },
        lastMessage: null,
      };
      this.conversations.set(ack.conversationId, conv);
      const log = this.log(ack.conversationId);
      log.loaded = true;
      log.hasOlder = false;
    }
    if (!conv) {
      this.scheduleListRefresh();
    } else {
      this.noteMessage(conv, m);
      const log = this.logs.get(ack.conversationId);
      if (log?.loaded) {
        if (log.gapBefore(m.seq)) this.pullAfter(ack.conversationId).catch(() => {});
        else this.addMessages(ack.conversationId, [m]);
      }
    }
    this.emit();
  }
}

function sleep(ms: number): Promise<void> { return new Promise(r => setTimeout(r, ms)); }

function safeLocalStorage(): KeyValue | null {
  try { return globalThis.localStorage ?? null; } catch { return null; }
}
