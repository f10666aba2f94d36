import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Api } from './api';
import { ChatClient, WS_FAILURES_BEFORE_LONGPOLL } from './client';
import type { KeyValue } from './pending';
import type { Transport, TransportEvents } from './transport';
import type { ConversationSummary, Frame, Message } from './types';

const ME = { id: 1, username: 'me', displayName: 'Me' };
const PEER = { id: 2, username: 'peer', displayName: 'Peer' };

/** A fake server: answers frames from the client like Parley does, from an in-memory conversation. */
class FakeServer {
  messages: Message[] = [];
  readSeq = 0;
  syncCalls: (string | undefined)[] = [];
  sent: Frame[] = [];
  /** When false, sends are swallowed (no ack), as if the connection died mid-flight. */
  ackSends = true;
  summary(): ConversationSummary {
    const last = this.messages.length ? this.messages[this.messages.length - 1] : null;
    return { id: 10, kind: 'direct', peer: PEER, lastSeq: last?.seq ?? 0, readSeq: this.readSeq, unread: (last?.seq ?? 0) - this.readSeq, lastActivityAt: last?.sentAt ?? 0 };
  }
  append(senderId: number, text: string, clientMsgId: string | null = null): Message {
    const existing = clientMsgId ? this.messages.find(m => m.clientMsgId === clientMsgId && m.senderId === senderId) : undefined;
    if (existing) return existing;
    const seq = this.messages.length + 1;
    const m = { id: 100 + seq, conversationId: 10, seq, senderId, clientMsgId, text, sentAt: 1_000 + seq };
    this.messages.push(m);
    return m;
  }
  reply(f: Frame): Frame | null {
    this.sent.push(f);
    switch (f.type) {
      case 'sync':
        this.syncCalls.push(f.token as string | undefined);
        if (f.token === 'bad') return { type: 'error', id: f.id, code: 'invalid_field', message: 'bad token' };
        return { type: 'sync', id: f.id, token: `t${this.syncCalls.length}`, events: [], conversations: [this.summary()], hasMore: false, full: !f.token };
      case 'history': {
        const after = f.after as number | undefined;
        const limit = (f.limit as number) ?? 50;
        const rows = this.messages.filter(m => (after === undefined ? true : m.seq > after));
        const page = after === undefined ? rows.slice(-limit) : rows.slice(0, limit);
        return { type: 'history', id: f.id, conversationId: 10, messages: page, hasMore: after !== undefined && rows.length > limit, lastSeq: this.summary().lastSeq };
      }
      case 'send': {
        if (!this.ackSends) return null;
        const dup = this.messages.some(m => m.clientMsgId === f.clientMsgId);
        const m = this.append(ME.id, f.text as string, f.clientMsgId as string);
        return { type: 'ack', id: f.id, clientMsgId: f.clientMsgId, conversationId: 10, messageId: m.id, seq: m.seq, sentAt: m.sentAt, duplicate: dup };
      }
      case 'read': this.readSeq = f.seq as number; return { type: 'read', id: f.id, conversationId: 10, readSeq: this.readSeq, unread: 0 };
      case 'ping': return { type: 'pong', id: f.id };
      default: return null;
    }
  }
}

class FakeConn implements Transport {
  kind: 'websocket' | 'longpoll';
  closed = false;
  constructor(kind: 'websocket' | 'longpoll', readonly ev: TransportEvents, readonly server: FakeServer) { this.kind = kind; }
  send(f: Frame) {
    if (this.closed) return false;
    const r = this.server.reply(f);
    if (r) queueMicrotask(() => { if (!this.closed) this.ev.onFrame(r); });
    return true;
  }
  close() { this.closed = true; }
  open() { this.ev.onOpen(); this.ev.onFrame({ type: 'hello', userId: 1, sessionId: 1, serverTime: 0, heartbeatInterval: 25, idleTimeout: 75, maxFrameBytes: 65536 }); }
  drop(code = 1006, opened = true) { this.closed = true; this.ev.onClose(code, opened); }
  push(f: Frame) { this.ev.onFrame(f); }
}

class MemStorage implements KeyValue {
  data = new Map<string, string>();
  getItem(k: string) { return this.data.get(k) ?? null; }
  setItem(k: string, v: string) { this.data.set(k, v); }
  removeItem(k: string) { this.data.delete(k); }
}

function fakeApi(server: FakeServer): Api {
  const api = new Api('/api/v1', (async () => new Response('{}')) as typeof fetch);
  Object.defineProperty(api, 'stale', { get: () => false });
  api.conversations = async () => [{ conversation: server.summary(), lastMessage: server.messages[server.messages.length - 1] ?? null }];
  api.messages = async (_id, q) => {
    const r = server.reply({ type: 'history', after: q.after, limit: q.limit ?? 50 })!;
    if (q.before !== undefined) {
      const rows = server.messages.filter(m => m.seq < q.before!);
      const lim = q.limit ?? 50;
      return { conversationId: 10, messages: rows.slice(-lim), hasMore: rows.length > lim, lastSeq: server.summary().lastSeq };
    }
    return r as never;
  };
  return api;
}

function setup(storage = new MemStorage(), server = new FakeServer()) {
  const conns: FakeConn[] = [];
  const client = new ChatClient(fakeApi(server), ME, {
    storage, random: () => 0, location: { protocol: 'http:', host: 'x' },
    openTransport: (kind, ev) => { const c = new FakeConn(kind, ev, server); conns.push(c); return c; },
  });
  return { client, server, conns, storage };
}

const flush = async () => { for (let i = 0; i < 20; i++) await Promise.resolve(); await new Promise(r => setTimeout(r, 0)); };

describe('ChatClient', () => {
  beforeEach(() => { vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval'] }); });
  afterEach(() => { vi.useRealTimers(); });

  async function settle() { for (let i = 0; i < 5; i++) { await vi.advanceTimersByTimeAsync(1); } }

  it('after a reconnect shows exactly the missed messages, once each', async () => {
    const { client, server, conns } = setup();
    server.append(2, 'one'); server.append(2, 'two');
    client.start(); await settle();
    conns[0].open(); await settle();
    await client.loadLatest(10); await settle();
    expect(client.log(10).messages.map(m => m.text)).toEqual(['one', 'two']);

    conns[0].drop();
    expect(client.status).toBe('offline');
    server.append(2, 'three'); server.append(2, 'four'); server.append(2, 'five');
    await vi.advanceTimersByTimeAsync(1000);
    expect(conns).toHaveLength(2);
    conns[1].open(); await settle();
    // A live push of a message already pulled by the sync is ignored.
    conns[1].push({ type: 'message', ...server.messages[4] });
    await settle();
    expect(client.log(10).messages.map(m => m.text)).toEqual(['one', 'two', 'three', 'four', 'five']);
    expect(server.syncCalls).toEqual([undefined, 't1']);
    client.stop();
  });

  it('pulls the gap when a live message skips ahead', async () => {
    const { client, server, conns } = setup();
    server.append(2, 'a');
    client.start(); await settle(); conns[0].open(); await settle();
    await client.loadLatest(10);
    server.append(2, 'b'); server.append(2, 'c');
    conns[0].push({ type: 'message', ...server.messages[2] });
    await settle();
    expect(client.log(10).messages.map(m => m.seq)).toEqual([1, 2, 3]);
    client.stop();
  });

  it('falls back to sync without a token when the token is rejected', async () => {
    const { client, server, conns } = setup();
    client.syncToken = 'bad';
    client.start(); await settle(); conns[0].open(); await settle();
    expect(server.syncCalls).toEqual(['bad', undefined]);
    expect(client.syncToken).toBe('t2');
    client.stop();
  });

  it('retries an unacknowledged send with the same clientMsgId after reconnect and reload, without duplicates', async () => {
    const storage = new MemStorage();
    const first = setup(storage);
    const { client, server, conns } = first;
    client.start(); await settle(); conns[0].open(); await settle();
    server.ackSends = false;
    const p = client.send(PEER.id, 'hello');
    expect(client.pendingFor(PEER.id).map(x => x.text)).toEqual(['hello']);
    await settle();
    client.stop();

    // "Reload": a new client on the same storage and server.
    server.ackSends = true;
    const second = setup(storage, server);
    expect(second.client.pendingFor(PEER.id).map(x => x.clientMsgId)).toEqual([p.clientMsgId]);
    second.client.start(); await settle(); second.conns[0].open(); await settle();
    const sends = server.sent.filter(f => f.type === 'send');
    expect(sends.map(f => f.clientMsgId)).toEqual([p.clientMsgId, p.clientMsgId]);
    expect(server.messages.filter(m => m.text === 'hello')).toHaveLength(1);
    expect(second.client.pendingFor(PEER.id)).toEqual([]);
    expect(storage.data.size).toBe(0);
    second.client.stop();
  });

  it('marks a send failed on a permanent error and retries on request', async () => {
    const { client, server, conns } = setup();
    client.start(); await settle(); conns[0].open(); await settle();
    const orig = server.reply.bind(server);
    let reject = true;
    server.reply = (f: Frame) => (f.type === 'send' && reject ? { type: 'error', id: f.id, code: 'not_friends', message: 'no' } : orig(f));
    const p = client.send(PEER.id, 'hi');
    await settle();
    expect(client.pending.get(p.clientMsgId)?.status).toBe('failed');
    reject = false;
    client.retry(p.clientMsgId);
    await settle();
    expect(client.pending.get(p.clientMsgId)).toBeUndefined();
    client.stop();
  });

  it('waits as long as a rate_limited refusal says before sending again', async () => {
    const { client, server, conns } = setup();
    client.start(); await settle(); conns[0].open(); await settle();
    const orig = server.reply.bind(server);
    let refusals = 1;
    server.reply = (f: Frame) => (f.type === 'send' && refusals-- > 0
      ? { type: 'error', id: f.id, code: 'rate_limited', message: 'slow down', retryAfter: 5 } : orig(f));
    const p = client.send(PEER.id, 'hi');
    await settle();
    expect(client.pending.get(p.clientMsgId)?.status).toBe('pending');
    await vi.advanceTimersByTimeAsync(4000);
    expect(server.messages).toHaveLength(0); // a fixed 1 s retry would have sent it by now
    await vi.advanceTimersByTimeAsync(1100); await settle();
    expect(server.messages.map(m => m.text)).toEqual(['hi']);
    expect(client.pending.get(p.clientMsgId)).toBeUndefined();
    client.stop();
  });

  it('switches to long-poll after WebSocket attempts that never open', async () => {
    const { client, conns } = setup();
    client.start(); await settle();
    for (let i = 0; i < WS_FAILURES_BEFORE_LONGPOLL; i++) {
      expect(conns[i].kind).toBe('websocket');
      conns[i].drop(1006, false);
      await vi.advanceTimersByTimeAsync(5_000);
    }
    expect(conns[WS_FAILURES_BEFORE_LONGPOLL].kind).toBe('longpoll');
    conns[WS_FAILURES_BEFORE_LONGPOLL].open(); await settle();
    expect(client.status).toBe('online');
    expect(client.transportKind).toBe('longpoll');
    client.stop();
  });

  it('goes back to the WebSocket when long-poll cannot connect either (server down, not a blocked WebSocket)', async () => {
    const { client, conns } = setup();
    client.start(); await settle();
    for (let i = 0; i < WS_FAILURES_BEFORE_LONGPOLL; i++) {
      conns[i].drop(1006, false);
      await vi.advanceTimersByTimeAsync(5_000);
    }
    expect(conns[conns.length - 1].kind).toBe('longpoll');
    conns[conns.length - 1].drop(1006, false);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(conns[conns.length - 1].kind).toBe('websocket');
    conns[conns.length - 1].open(); await settle();
    expect(client.transportKind).toBe('websocket');
    expect(client.status).toBe('online');
    client.stop();
  });

  it('counts connections that open but never say hello as failures', async () => {
    const { client, conns } = setup();
    client.start(); await settle();
    for (let i = 0; i < WS_FAILURES_BEFORE_LONGPOLL; i++) {
      conns[i].ev.onOpen();
      if (i === 0) { await vi.advanceTimersByTimeAsync(15_001); } else { conns[i].drop(1006, true); }
      await vi.advanceTimersByTimeAsync(5_000);
    }
    expect(conns.map(c => c.kind)).toEqual(['websocket', 'websocket', 'websocket', 'longpoll']);
    client.stop();
  });

  it('stays on the WebSocket while it works, and backs off between attempts', async () => {
    const { client, conns } = setup();
    client.start(); await settle();
    conns[0].open(); await settle();
    for (let i = 0; i < 5; i++) {
      conns[conns.length - 1].drop(1006, true);
      await vi.advanceTimersByTimeAsync(200);
      const before = conns.length;
      await vi.advanceTimersByTimeAsync(5_000);
      expect(conns.length).toBe(before + 1);
      conns[conns.length - 1].open(); await settle();
    }
    expect(conns.every(c => c.kind === 'websocket')).toBe(true);
    client.stop();
  });

  it('logs out when the session is revoked (4403)', async () => {
    const { client, conns } = setup();
    const revoked = vi.fn();
    client.onRevoked = revoked;
    client.start(); await settle(); conns[0].open(); await settle();
    conns[0].drop(4403);
    expect(revoked).toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(conns).toHaveLength(1);
  });
});

void flush;
