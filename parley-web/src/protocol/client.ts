import { Api } from './api';
import { backoffDelay } from './backoff';
import { folder, mentionsMe, mergeSummary, unreadTotal, type ConversationState, type Folder } from './conversations';
import { applyChange, isChange, isMessage, isShown, replyRefOf } from './entries';
import { groupsApi } from './groupsApi';
import { MessageLog } from './store';
import { PendingQueue, newClientMsgId, type KeyValue, type PendingSend } from './pending';
import { Receipts } from './receipts';
import { openLongPoll, openWebSocket, wsUrl, type Transport, type TransportEvents } from './transport';
import { TypingTracker } from './typing';
import {
  ApiError, type AccountEvent, type ConversationSettings, type ConversationSummary, type Frame, type HistoryPage, type Hello,
  type MemberView, type Message, type PresenceView, type Readers, type SendAck, type SyncResult, type UserSummary,
} from './types';
import { UserDirectory } from './users';

export type ConnStatus = 'connecting' | 'online' | 'offline';
export type { ConversationState };

/** What a send carries besides its text (issue 5: replies, mentions, forwards). */
export interface SendExtras { replyTo?: Message; mentions?: number[]; mentionsAll?: boolean; forwardOf?: Message }

/** System events after which the user is no longer a member (the conversation freezes for them). */
const ENDS_MEMBERSHIP = new Set(['member_removed', 'member_left']);
/** System events that change the member list or roles (member lists held are reloaded). */
const MEMBER_EVENTS = new Set(['created', 'members_added', 'member_removed', 'member_left', 'member_joined', 'role_changed',
  'owner_transferred', 'member_muted', 'member_unmuted']);

/** Errors after which retrying the same send cannot succeed: the user decides (retry or discard). */
const PERMANENT_SEND_ERRORS = new Set([
  'not_friends', 'text_too_long', 'empty_message', 'recipient_unavailable', 'forbidden', 'invalid_field',
  'user_not_found', 'conversation_not_found', 'frame_too_large', 'not_member', 'member_muted', 'group_muted',
  'message_not_found', 'invalid_mention', 'message_recalled', 'group_not_found',
  'media_not_found', 'upload_incomplete',
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
  /** A message from someone else arrived in a conversation that is not muted (for notifications). */
  onIncoming: (m: Message, c: ConversationState | undefined) => void = () => {};
  /** Profiles seen so far, to name people by id. */
  readonly users: UserDirectory;
  readonly typing = new TypingTracker();
  readonly presence = new Map<number, PresenceView>();
  private readonly receipts = new Map<number, Receipts>();
  private readonly readCounts = new Map<number, number>();
  private readonly members = new Map<number, { list: MemberView[] | null; loading: Promise<void> | null }>();
  private readonly delivered = new Map<number, number>();
  private deliveredTimer: ReturnType<typeof setTimeout> | null = null;
  private typingTimer: ReturnType<typeof setTimeout> | null = null;
  private groupTimers = new Map<number, ReturnType<typeof setTimeout>>();
  private presenceState: 'online' | 'away' = 'online';
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
    this.users = new UserDirectory(id => this.api.user(id), () => this.emit());
    this.users.remember(me);
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
    if (this.deliveredTimer) clearTimeout(this.deliveredTimer);
    if (this.typingTimer) clearTimeout(this.typingTimer);
    for (const t of this.groupTimers.values()) clearTimeout(t);
    this.groupTimers.clear();
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
    if (this.presenceState !== 'online') this.request({ type: 'presence', state: this.presenceState }).catch(() => {});
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
      if (f.type === 'error') w.reject(new ApiError(0, String(f.code ?? 'error'), String(f.message ?? 'error'),
        typeof f.retryAfter === 'number' ? f.retryAfter : undefined));
      else w.resolve(f);
      return;
    }
    switch (f.type) {
      case 'hello': this.onHello(f as unknown as Hello); break;
      case 'message': this.onMessage(f as unknown as Message); break;
      case 'read': this.onReadPush(f as unknown as { conversationId: number; readSeq: number; unread: number }); break;
      case 'event': this.onEvent(f as unknown as AccountEvent); break;
      case 'receipt': this.onReceipt(f as unknown as { conversationId: number; userId: number; readSeq?: number; deliveredSeq?: number }); break;
      case 'typing': this.onTyping(f as unknown as { conversationId: number; userId: number }); break;
      case 'presence': this.onPresence(f as unknown as PresenceView); break;
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
    // What arrived while away has reached this device now.
    for (const c of this.conversations.values()) {
      if (!c.summary.left && c.summary.lastSeq > c.summary.readSeq) this.noteDelivered(c.summary.id, c.summary.lastSeq);
    }
    await Promise.all([...this.logs.entries()]
      .filter(([id, log]) => log.loaded && !log.hasNewer && (this.conversations.get(id)?.summary.lastSeq ?? 0) > log.maxSeq)
      .map(([id]) => this.pullAfter(id)));
    this.flushPending();
  }

  private upsertSummary(c: ConversationSummary): void {
    const cur = this.conversations.get(c.id);
    this.users.remember(c.peer);
    if (!cur) { this.conversations.set(c.id, { summary: c, lastMessage: null }); return; }
    cur.summary = mergeSummary(cur.summary, c);
    if (c.kind === 'direct' && c.peer) this.receiptsOf(c.id).note(c.peer.id, cur.summary.peerReadSeq, cur.summary.peerDeliveredSeq);
  }

  /** Reloads the conversation list (previews and unread counts) over REST. */
  async refreshList(): Promise<void> {
    try {
      const list = await this.api.conversations();
      for (const e of list) {
        this.upsertSummary(e.conversation);
        const cur = this.conversations.get(e.conversation.id)!;
        if (e.lastMessage) this.touchLastMessage(cur, e.lastMessage);
        const peer = e.conversation.kind === 'direct' ? e.conversation.peer : undefined;
        for (const p of this.pending.all()) {
          if (peer && p.peerId === peer.id && p.conversationId === undefined) this.pending.update(p.clientMsgId, { conversationId: e.conversation.id });
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
          this.addMessages(conversationId, page.messages, page.lastSeq);
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

  /** asOf: the seq up to which the entries' state is current (a page's lastSeq); 0 for pushes and acks. */
  private addMessages(conversationId: number, msgs: readonly Message[], asOf = 0): void {
    const log = this.log(conversationId);
    const before = log.messages;
    const added = log.add(msgs, asOf);
    const conv = this.conversations.get(conversationId);
    for (const m of msgs) {
      if (m.senderId === this.me.id && m.clientMsgId) this.pending.remove(m.clientMsgId);
      if (conv) this.touchLastMessage(conv, log.byMessageId(m.id) ?? m);
    }
    if (conv?.lastMessage) conv.lastMessage = log.byMessageId(conv.lastMessage.id) ?? conv.lastMessage;
    if (added.length || log.messages !== before) this.emit();
  }

  /** The list preview follows the newest shown entry and the changes to it. */
  private touchLastMessage(conv: ConversationState, e: Message): void {
    if (isShown(e)) {
      if (!conv.lastMessage || conv.lastMessage.seq <= e.seq) conv.lastMessage = e;
    } else if (conv.lastMessage && isChange(e) && e.targetId === conv.lastMessage.id) {
      conv.lastMessage = applyChange(conv.lastMessage, e);
    } else if (!conv.lastMessage) {
      conv.lastMessage = e;
    }
  }

  // ---- pushes -------------------------------------------------------------------------------------------------

  private onMessage(m: Message): void {
    const conv = this.conversations.get(m.conversationId);
    if (!conv) {
      // A conversation we do not know yet (someone wrote first, or we were added to a group): load the list, then
      // tell the UI who it was.
      this.refreshList().then(() => {
        const c = this.conversations.get(m.conversationId);
        if (m.senderId !== this.me.id && isMessage(m) && !c?.summary.muted) this.onIncoming(m, c);
      });
      return;
    }
    this.onEntry(conv, m);
    if (m.senderId !== this.me.id && isMessage(m) && !conv.summary.muted) this.onIncoming(m, conv);
    this.emit();
  }

  /** An entry that arrived live (a push, or the ack of one's own change): summary, log, side effects. */
  private onEntry(conv: ConversationState, m: Message): void {
    if (conv.summary.left && m.seq > conv.summary.lastSeq) return; // frozen: nothing after the end of a membership
    const fresh = m.seq > conv.summary.lastSeq;
    this.noteMessage(conv, m);
    if (m.senderId !== this.me.id) {
      if (this.typing.stop(m.conversationId, m.senderId)) this.emit();
      if (fresh) this.noteDelivered(m.conversationId, m.seq);
    }
    if (m.kind === 'system' && m.system) this.onSystem(conv, m);
    const log = this.logs.get(m.conversationId);
    if (log?.loaded && !log.hasNewer) {
      if (log.gapBefore(m.seq)) this.pullAfter(m.conversationId).catch(() => {});
      else this.addMessages(m.conversationId, [m]);
    }
  }

  private noteMessage(conv: ConversationState, m: Message): void {
    const s = conv.summary;
    const fresh = m.seq > s.lastSeq;
    const lastSeq = Math.max(s.lastSeq, m.seq);
    const mine = m.senderId === this.me.id;
    const readSeq = mine ? Math.max(s.readSeq, m.seq) : s.readSeq;
    // Only messages from others count as unread (protocol.md §13); system and change entries do not.
    const counts = fresh && !mine && isMessage(m) && m.seq > readSeq;
    const unread = readSeq >= lastSeq ? 0 : s.unread + (counts ? 1 : 0);
    const mentionCount = readSeq >= lastSeq ? undefined : (s.mentionCount ?? 0) + (counts && mentionsMe(m, this.me.id) ? 1 : 0) || undefined;
    conv.summary = { ...s, lastSeq, readSeq, unread, mentionCount, lastActivityAt: Math.max(s.lastActivityAt, m.sentAt) };
    this.touchLastMessage(conv, m);
    if (mine && m.clientMsgId) this.pending.remove(m.clientMsgId);
  }

  /** Group system entries: a membership that ended freezes the conversation; other changes reload the group. */
  private onSystem(conv: ConversationState, m: Message): void {
    const ev = m.system!;
    const me = this.me.id;
    if ((ENDS_MEMBERSHIP.has(ev.event) && ev.userId === me) || ev.event === 'dissolved') {
      conv.summary = { ...conv.summary, left: true };
      this.typing.stop(conv.summary.id, me);
      return;
    }
    if (ev.event === 'renamed' && ev.name && conv.summary.group) {
      conv.summary = { ...conv.summary, group: { ...conv.summary.group, name: ev.name } };
    }
    if (MEMBER_EVENTS.has(ev.event)) {
      // A member list someone looks at follows (it stays shown while it reloads).
      if (this.members.has(conv.summary.id)) this.loadMembers(conv.summary.id, true).catch(() => {});
    }
    this.scheduleGroupRefresh(conv.summary.id);
  }

  private scheduleGroupRefresh(conversationId: number): void {
    if (this.groupTimers.has(conversationId)) return;
    this.groupTimers.set(conversationId, setTimeout(() => {
      this.groupTimers.delete(conversationId);
      this.refreshGroup(conversationId).catch(() => {});
    }, 150));
  }

  /** Reloads a group's view (name, announcement, roles, mutes) into its summary. */
  async refreshGroup(conversationId: number): Promise<void> {
    const conv = this.conversations.get(conversationId);
    if (!conv?.summary.group || conv.summary.left) return;
    const g = await groupsApi.get(this.api, conv.summary.group.id);
    conv.summary = { ...conv.summary, group: g };
    this.emit();
  }

  private onReceipt(r: { conversationId: number; userId: number; readSeq?: number; deliveredSeq?: number }): void {
    const conv = this.conversations.get(r.conversationId);
    if (!conv || r.userId === this.me.id) return;
    const changed = this.receiptsOf(r.conversationId).note(r.userId, r.readSeq ?? 0, r.deliveredSeq ?? 0);
    if (conv.summary.kind === 'direct' && conv.summary.peer?.id === r.userId) {
      const s = conv.summary;
      conv.summary = {
        ...s,
        peerReadSeq: Math.max(s.peerReadSeq ?? 0, r.readSeq ?? 0),
        peerDeliveredSeq: Math.max(s.peerDeliveredSeq ?? 0, r.deliveredSeq ?? 0, r.readSeq ?? 0),
      };
    }
    if (changed || conv.summary.kind === 'direct') this.emit();
  }

  private onTyping(t: { conversationId: number; userId: number }): void {
    if (t.userId === this.me.id) return;
    this.typing.note(t.conversationId, t.userId, Date.now());
    this.emit();
    // Re-render once the indicator runs out.
    if (this.typingTimer) clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => { this.typingTimer = null; this.emit(); }, 6100);
  }

  private onPresence(p: PresenceView): void {
    this.presence.set(p.userId, p);
    this.emit();
  }

  private onReadPush(r: { conversationId: number; readSeq: number; unread: number }): void {
    const conv = this.conversations.get(r.conversationId);
    if (!conv) return;
    const s = conv.summary;
    const readSeq = Math.max(s.readSeq, r.readSeq);
    const all = readSeq >= s.lastSeq;
    conv.summary = { ...s, readSeq, unread: all ? 0 : r.readSeq >= s.readSeq ? r.unread : s.unread, mentionCount: all ? undefined : s.mentionCount };
    this.emit();
  }

  private onEvent(e: AccountEvent): void {
    if (e.kind === 'conversation_settings') this.applySettings(e.data as ConversationSettings);
    else this.contactsVersion++;
    this.emit();
  }

  /** Pinned, muted, archived, cleared: from this device's change or another device's (account event). */
  private applySettings(st: ConversationSettings): void {
    const conv = this.conversations.get(st.conversationId);
    if (!conv) { this.scheduleListRefresh(); return; }
    const cleared = st.clearedSeq ?? 0;
    conv.summary = {
      ...conv.summary, pinned: st.pinned || undefined, muted: st.muted || undefined, archived: st.archived || undefined,
      clearedSeq: cleared || undefined,
    };
    if (cleared > 0) {
      const log = this.logs.get(st.conversationId);
      log?.dropThrough(cleared);
      if (conv.lastMessage && conv.lastMessage.seq <= cleared) conv.lastMessage = null;
      if (conv.summary.readSeq < cleared) conv.summary = { ...conv.summary, unread: 0, mentionCount: undefined };
    }
  }

  // ---- receipts, delivery, typing, presence --------------------------------------------------------------------

  receiptsOf(conversationId: number): Receipts {
    let r = this.receipts.get(conversationId);
    if (!r) { r = new Receipts(); this.receipts.set(conversationId, r); }
    return r;
  }

  /** How many other members read one's message (what pushes and readers lists told this client). */
  readCount(m: Message): number {
    return Math.max(this.receiptsOf(m.conversationId).readCount(m.seq, m.senderId), this.readCounts.get(m.id) ?? 0);
  }

  /** Asks who read a message (groups); remembers the count and the readers' cursors. */
  async loadReaders(m: Message): Promise<Readers> {
    const r = await groupsApi.readers(this.api, m.conversationId, m.id);
    const rec = this.receiptsOf(m.conversationId);
    for (const u of r.readers ?? []) { this.users.remember(u); rec.note(u.id, m.seq); }
    this.readCounts.set(m.id, Math.max(this.readCounts.get(m.id) ?? 0, r.readCount ?? 0));
    this.emit();
    return r;
  }

  /** Tells the server (soon, batched) that entries up to seq reached this device. */
  noteDelivered(conversationId: number, seq: number): void {
    if (seq <= (this.delivered.get(conversationId) ?? 0)) return;
    this.delivered.set(conversationId, seq);
    if (this.deliveredTimer) return;
    this.deliveredTimer = setTimeout(() => {
      this.deliveredTimer = null;
      if (this.status !== 'online') return;
      for (const [conversationId, seq] of this.deliveredPending()) {
        this.request({ type: 'delivered', conversationId, seq }).catch(() => {});
      }
    }, 250);
  }

  private sentDelivered = new Map<number, number>();
  private *deliveredPending(): Generator<[number, number]> {
    for (const [c, s] of this.delivered) {
      if ((this.sentDelivered.get(c) ?? 0) >= s) continue;
      this.sentDelivered.set(c, s);
      yield [c, s];
    }
  }

  /** The user types in a conversation: tell the others, at most every 2 s. */
  notifyTyping(conversationId: number): void {
    const conv = this.conversations.get(conversationId);
    if (!conv || conv.summary.left || this.status !== 'online') return;
    if (!this.typing.shouldSend(conversationId, Date.now())) return;
    this.request({ type: 'typing', conversationId }).catch(() => {});
  }

  /** Who types in a conversation now (user ids). */
  typingIn(conversationId: number): number[] {
    return this.typing.who(conversationId, Date.now());
  }

  /** This tab is visible (online) or hidden (away). */
  setPresence(state: 'online' | 'away'): void {
    if (this.presenceState === state) return;
    this.presenceState = state;
    if (this.status === 'online') this.request({ type: 'presence', state }).catch(() => {});
  }

  /** Loads the presence of some users (friends; others read as offline). */
  async loadPresence(userIds: number[]): Promise<void> {
    const ids = [...new Set(userIds)].filter(id => id !== this.me.id);
    if (!ids.length) return;
    for (let i = 0; i < ids.length; i += 100) {
      const list = await groupsApi.presence(this.api, ids.slice(i, i + 100));
      for (const p of list) this.presence.set(p.userId, p);
    }
    this.emit();
  }

  // ---- groups and per-conversation settings ---------------------------------------------------------------------

  /** The members of a group as loaded so far (null until loaded); loads them on first use. */
  membersOf(conversationId: number): MemberView[] | null {
    const held = this.members.get(conversationId);
    if (!held) this.loadMembers(conversationId).catch(() => {});
    return held?.list ?? null;
  }

  /** Loads the whole member list (pages of 1000). */
  loadMembers(conversationId: number, force = false): Promise<void> {
    const conv = this.conversations.get(conversationId);
    const groupId = conv?.summary.group?.id;
    if (groupId === undefined) return Promise.resolve();
    let held = this.members.get(conversationId);
    if (!held) { held = { list: null, loading: null }; this.members.set(conversationId, held); }
    if (held.loading) return held.loading;
    if (held.list && !force) return Promise.resolve();
    const h = held;
    h.loading = (async () => {
      const all: MemberView[] = [];
      let after: string | number | undefined;
      for (;;) {
        const page = await groupsApi.members(this.api, groupId, after);
        all.push(...page.members);
        if (page.next === undefined || page.next === null || !page.members.length) break;
        after = page.next;
      }
      for (const m of all) this.users.remember(m.user);
      h.list = all;
      this.emit();
    })().finally(() => { h.loading = null; });
    return h.loading;
  }

  /** Pin, mute, archive: on the server, then here (other devices get the account event). */
  async updateSettings(conversationId: number, patch: { pinned?: boolean; muted?: boolean; archived?: boolean }): Promise<void> {
    const st = await groupsApi.settings(this.api, conversationId, patch);
    this.applySettings({ ...st, conversationId });
    this.emit();
  }

  /** "Delete for me": the history up to now is gone for this user. */
  async clearHistory(conversationId: number): Promise<void> {
    const st = await groupsApi.clear(this.api, conversationId);
    this.applySettings({ ...st, conversationId });
    this.emit();
  }

  /** After creating or joining a group: the conversation list knows it. */
  async openGroup(groupId: number): Promise<ConversationState | undefined> {
    let c = this.conversationOfGroup(groupId);
    if (!c) { await this.refreshList(); c = this.conversationOfGroup(groupId); }
    return c;
  }

  conversationOfGroup(groupId: number): ConversationState | undefined {
    for (const c of this.conversations.values()) if (c.summary.group?.id === groupId) return c;
    return undefined;
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
    this.addMessages(conversationId, page.messages, page.lastSeq);
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
    this.addMessages(conversationId, page.messages, page.lastSeq);
    this.emit();
    return log.messages.length - before;
  }

  /**
   * Makes sure the entry at seq is held (jump to a quoted message or a search hit). A page around it that meets
   * what is held joins it; one further back replaces it, and the log then loads newer pages on the way down.
   */
  async loadAround(conversationId: number, seq: number): Promise<void> {
    const log = this.log(conversationId);
    if (log.has(seq) && log.loaded) return;
    const page = await groupsApi.around(this.api, conversationId, seq);
    const max = page.messages.length ? page.messages[page.messages.length - 1].seq : seq;
    const before = page.hasMoreBefore ?? page.hasMore;
    if (log.loaded && !log.hasNewer && log.messages.length && max >= log.minSeq - 1) {
      this.addMessages(conversationId, page.messages, page.lastSeq);
      if (page.messages.length && page.messages[0].seq <= log.minSeq) log.hasOlder = before;
    } else {
      log.reset();
      log.loaded = true;
      log.hasOlder = before;
      log.hasNewer = page.hasMoreAfter ?? false;
      this.addMessages(conversationId, page.messages, page.lastSeq);
    }
    this.emit();
  }

  /** After a jump: the next page towards the present. Returns how many were added. */
  async loadNewer(conversationId: number): Promise<number> {
    const log = this.log(conversationId);
    if (!log.hasNewer) return 0;
    const page = await this.api.messages(conversationId, { after: log.maxSeq, limit: 50 });
    const before = log.messages.length;
    this.addMessages(conversationId, page.messages, page.lastSeq);
    log.hasNewer = page.hasMore;
    this.emit();
    return log.messages.length - before;
  }

  /** Back to the newest entries after a jump. */
  async backToLatest(conversationId: number): Promise<void> {
    const log = this.log(conversationId);
    if (!log.hasNewer) return;
    log.reset();
    await this.loadLatest(conversationId);
  }

  /** Marks everything in a chat read, locally at once and on the server. */
  markRead(conversationId: number): void {
    const conv = this.conversations.get(conversationId);
    if (!conv || conv.summary.readSeq >= conv.summary.lastSeq || conv.summary.left) return;
    const seq = conv.summary.lastSeq;
    conv.summary = { ...conv.summary, readSeq: seq, unread: 0, mentionCount: undefined };
    this.emit();
    const done = this.status === 'online'
      ? this.request({ type: 'read', conversationId, seq })
      : this.api.request('POST', `/conversations/${conversationId}/read`, { seq });
    done.catch(() => {});
  }

  /** The main folder (pinned first, then latest activity), without archived or cleared conversations. */
  sortedConversations(f: Folder = 'main'): ConversationState[] {
    return folder(this.conversations.values(), f);
  }

  /** The direct conversation with a user. */
  conversationWith(peerId: number): ConversationState | undefined {
    for (const c of this.conversations.values()) if (c.summary.kind !== 'group' && c.summary.peer?.id === peerId) return c;
    return undefined;
  }

  /** Unread messages over conversations that are not muted. */
  unreadTotal(): number {
    return unreadTotal(this.conversations.values());
  }

  pendingFor(peerId: number): PendingSend[] {
    return this.pending.all().filter(p => p.peerId === peerId).sort((a, b) => a.createdAt - b.createdAt);
  }

  /** The unacknowledged sends of a conversation (a direct one also by its peer, before it existed). */
  pendingIn(conversationId: number | undefined, peerId?: number): PendingSend[] {
    return this.pending.all()
      .filter(p => (conversationId !== undefined && p.conversationId === conversationId) || (peerId !== undefined && p.peerId === peerId))
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  // ---- sending ------------------------------------------------------------------------------------------------

  /** Profiles the UI knows (e.g. a friend opened from Contacts), to name a conversation a first send opens. */
  rememberPeer(u: UserSummary): void {
    this.peers.set(u.id, u);
    this.users.remember(u);
  }

  /** Queues a message to a user (their direct conversation; shown at once as pending) and sends it when connected. */
  send(peerId: number, text: string, extras: SendExtras = {}): PendingSend {
    const conv = this.conversationWith(peerId);
    return this.queue({ peerId, conversationId: conv?.summary.id }, text, extras);
  }

  /** Queues a message to a conversation (groups, and direct ones that exist). */
  sendIn(conversationId: number, text: string, extras: SendExtras = {}): PendingSend {
    const conv = this.conversations.get(conversationId);
    const peerId = conv?.summary.kind === 'direct' ? conv.summary.peer?.id : undefined;
    return this.queue({ peerId, conversationId }, text, extras);
  }

  private queue(to: { peerId?: number; conversationId?: number }, text: string, x: SendExtras): PendingSend {
    const p: PendingSend = {
      clientMsgId: newClientMsgId(), ...to, text, createdAt: Date.now(), status: 'pending',
      ...(x.replyTo ? { replyTo: x.replyTo.id, replyRef: replyRefOf(x.replyTo) } : {}),
      ...(x.mentions?.length ? { mentions: x.mentions } : {}),
      ...(x.mentionsAll ? { mentionsAll: true } : {}),
      ...(x.forwardOf ? { forwardOf: x.forwardOf.id } : {}),
    };
    if (to.conversationId !== undefined) this.typing.sent(to.conversationId);
    this.pending.add(p);
    this.emit();
    this.flushPending();
    return p;
  }

  /** Changes the text of one's own message. */
  async edit(m: Message, text: string): Promise<void> {
    await this.change({ type: 'edit', conversationId: m.conversationId, messageId: m.id, text }, m, { kind: 'edit', text });
  }

  /** Recalls a message (one's own within the recall window; any, for a group admin). */
  async recall(m: Message): Promise<void> {
    await this.change({ type: 'recall', conversationId: m.conversationId, messageId: m.id }, m, { kind: 'recall' });
  }

  /** Adds or takes back a reaction. */
  async react(m: Message, emoji: string, remove: boolean): Promise<void> {
    await this.change({ type: 'react', conversationId: m.conversationId, messageId: m.id, emoji, ...(remove ? { remove: true } : {}) },
      m, { kind: 'reaction', emoji, ...(remove ? { removed: true } : {}) });
  }

  /** Sends a change frame; an `ack` means an entry was stored: apply it here at once (the push skips this connection). */
  private async change(frame: Frame, target: Message, entry: Partial<Message>): Promise<void> {
    const reply = await this.request<Frame>(frame);
    if (reply.type !== 'ack') return;
    const a = reply as unknown as SendAck;
    const conv = this.conversations.get(target.conversationId);
    if (!conv) return;
    this.onEntry(conv, {
      id: a.messageId, conversationId: a.conversationId ?? target.conversationId, seq: a.seq, senderId: this.me.id, sentAt: a.sentAt,
      targetId: target.id, targetSeq: target.seq, ...entry,
    } as Message);
    this.emit();
  }

  /** Queues a send whose clientMsgId was chosen earlier (a media message, once its uploads are done). */
  sendPrepared(p: Omit<PendingSend, 'createdAt' | 'status'> & { createdAt?: number }): PendingSend {
    const held = this.pending.get(p.clientMsgId);
    if (held) return held;
    const conversationId = p.conversationId ?? (p.peerId !== undefined ? this.conversationWith(p.peerId)?.summary.id : undefined);
    const full: PendingSend = { ...p, conversationId, createdAt: p.createdAt ?? Date.now(), status: 'pending' };
    this.pending.add(full);
    this.emit();
    this.flushPending();
    return full;
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
            const ack = await this.request<SendAck>(sendFrame(p));
            this.applyAck(p, ack);
          } catch (e) {
            const code = e instanceof ApiError ? e.code : 'error';
            if (PERMANENT_SEND_ERRORS.has(code)) {
              this.pending.update(p.clientMsgId, { status: 'failed', error: code });
              this.emit();
            } else if (code === 'rate_limited') {
              // The server says how long its budget needs (protocol.md §10); 1 s when it does not.
              const retryAfter = e instanceof ApiError && e.retryAfter ? e.retryAfter : 1;
              await sleep(Math.min(retryAfter, 60) * 1000);
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
      clientMsgId: p.clientMsgId, text: p.text, sentAt: ack.sentAt, kind: 'text',
      ...(p.attachments?.length ? { kind: 'media', attachments: p.media, ...(p.text ? {} : { text: undefined }) } : {}),
      ...(p.replyRef ? { replyTo: p.replyRef } : {}),
      ...(p.mentions ? { mentions: p.mentions } : {}),
      ...(p.mentionsAll ? { mentionsAll: true } : {}),
      ...(p.forwardOf ? { forwarded: true } : {}),
    };
    this.pending.remove(p.clientMsgId);
    let conv = this.conversations.get(ack.conversationId);
    const peer = p.peerId !== undefined ? this.peers.get(p.peerId) : undefined;
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
      if (log?.loaded && !log.hasNewer) {
        if (log.gapBefore(m.seq)) this.pullAfter(ack.conversationId).catch(() => {});
        else this.addMessages(ack.conversationId, [m]);
      }
    }
    this.emit();
  }
}

/** The `send` frame of a queued message: to a user (direct) or into a conversation (groups). */
export function sendFrame(p: PendingSend): Frame {
  return {
    type: 'send',
    ...(p.peerId !== undefined ? { to: p.peerId } : { conversationId: p.conversationId }),
    clientMsgId: p.clientMsgId,
    // A forward copies the original's content on the server; the text held here is only for showing it meanwhile.
    // With attachments the text is an optional caption.
    ...(p.forwardOf !== undefined || (p.attachments?.length && !p.text.trim()) ? {} : { text: p.text }),
    ...(p.attachments?.length ? { attachments: p.attachments } : {}),
    ...(p.replyTo !== undefined ? { replyTo: p.replyTo } : {}),
    ...(p.mentions?.length ? { mentions: p.mentions } : {}),
    ...(p.mentionsAll ? { mentionsAll: true } : {}),
    ...(p.forwardOf !== undefined ? { forwardOf: p.forwardOf } : {}),
  };
}

function sleep(ms: number): Promise<void> { return new Promise(r => setTimeout(r, ms)); }

function safeLocalStorage(): KeyValue | null {
  try { return globalThis.localStorage ?? null; } catch { return null; }
}
