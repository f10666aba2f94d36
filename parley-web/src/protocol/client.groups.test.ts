import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Api } from './api';
import { ChatClient, sendFrame } from './client';
import type { Transport, TransportEvents } from './transport';
import type { ConversationSummary, Frame, Message } from './types';

const ME = { id: 1, username: 'me', displayName: 'Me' };
const GROUP = { id: 50, name: 'Trip', ownerId: 2, memberCount: 3, allMuted: false, role: 'member' as const, createdAt: 0 };

/** A group conversation on a fake server that answers frames and records what the client sent. */
function setup(entries: Message[]) {
  const sent: Frame[] = [];
  let ev!: TransportEvents;
  const summary = (): ConversationSummary => ({
    id: 50, kind: 'group', group: GROUP, lastSeq: entries.length, readSeq: 0, unread: entries.filter(e => e.senderId !== 1 && e.kind === 'text').length, lastActivityAt: 1,
  });
  const page = (after: number | undefined, limit = 50) => {
    const rows = entries.filter(e => after === undefined || e.seq > after);
    const msgs = after === undefined ? rows.slice(-limit) : rows.slice(0, limit);
    return { conversationId: 50, messages: msgs, hasMore: false, lastSeq: entries.length };
  };
  const api = new Api('/api/v1', (async () => new Response('{}')) as typeof fetch);
  Object.defineProperty(api, 'stale', { get: () => false });
  api.conversations = async () => [{ conversation: summary(), lastMessage: entries[entries.length - 1] }];
  api.messages = async (_id, q) => page(q.after, q.limit) as never;
  api.user = async id => ({ id, username: `u${id}`, displayName: `User ${id}` });
  const conn: Transport = {
    kind: 'websocket',
    send(f) {
      sent.push(f);
      let r: Frame | null = null;
      if (f.type === 'sync') r = { type: 'sync', id: f.id, token: 't', events: [], conversations: [summary()], hasMore: false, full: true };
      else if (f.type === 'history') r = { type: 'history', id: f.id, ...page(f.after as number | undefined, f.limit as number) };
      else if (f.type === 'react') {
        const e: Message = { id: 900, conversationId: 50, seq: entries.length + 1, senderId: 1, kind: 'reaction', targetId: f.messageId as number, emoji: f.emoji as string, sentAt: 9 };
        entries.push(e);
        r = { type: 'ack', id: f.id, conversationId: 50, messageId: 900, seq: e.seq, sentAt: 9, duplicate: false };
      } else r = { type: 'ok', id: f.id };
      queueMicrotask(() => ev.onFrame(r!));
      return true;
    },
    close() {},
  };
  const client = new ChatClient(api, ME, { storage: null, random: () => 0, location: { protocol: 'http:', host: 'x' }, openTransport: (_k, e) => { ev = e; return conn; } });
  const push = (f: Frame) => ev.onFrame(f);
  const open = () => { ev.onOpen(); ev.onFrame({ type: 'hello', userId: 1, sessionId: 1, serverTime: 0, heartbeatInterval: 25, idleTimeout: 75, maxFrameBytes: 65536 }); };
  return { client, sent, push, open, entries };
}

const text = (seq: number, senderId: number, t: string, over: Partial<Message> = {}): Message =>
  ({ id: 100 + seq, conversationId: 50, seq, senderId, kind: 'text', text: t, sentAt: seq, ...over });

describe('ChatClient in a group', () => {
  beforeEach(() => { vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'Date'] }); });
  afterEach(() => { vi.useRealTimers(); });
  async function settle() { for (let i = 0; i < 8; i++) await vi.advanceTimersByTimeAsync(1); }

  it('applies pushed changes to held messages, counts only messages as unread, tracks mentions and reports delivery', async () => {
    const s = setup([{ id: 101, conversationId: 50, seq: 1, senderId: 2, kind: 'system', system: { event: 'created', name: 'Trip', userIds: [1, 3] }, sentAt: 1 },
      text(2, 2, 'hello')]);
    s.client.start(); await settle(); s.open(); await settle();
    await s.client.loadLatest(50); await settle();
    expect(s.client.log(50).messages.map(m => m.seq)).toEqual([1, 2]);
    s.push({ type: 'message', ...text(3, 3, 'hi @Me', { mentions: [1] }) });
    s.push({ type: 'message', id: 104, conversationId: 50, seq: 4, senderId: 2, kind: 'edit', targetId: 102, targetSeq: 2, text: 'hello all', sentAt: 4 });
    s.push({ type: 'message', id: 105, conversationId: 50, seq: 5, senderId: 3, kind: 'reaction', targetId: 102, targetSeq: 2, emoji: '👍', sentAt: 5 });
    await settle();
    const conv = s.client.conversations.get(50)!;
    expect(s.client.log(50).messages.map(m => m.seq)).toEqual([1, 2, 3]);
    expect(s.client.log(50).get(2)).toMatchObject({ text: 'hello all', editedAt: 4, reactions: [{ emoji: '👍', userIds: [3] }] });
    expect(conv.summary.lastSeq).toBe(5);
    expect(conv.summary.unread).toBe(2); // the two messages from before the push were counted by the server (1) plus seq 3
    expect(conv.summary.mentionCount).toBe(1);
    await vi.advanceTimersByTimeAsync(300);
    const delivered = s.sent.filter(f => f.type === 'delivered');
    expect(delivered.at(-1)).toMatchObject({ conversationId: 50, seq: 5 });
    s.client.markRead(50);
    expect(conv.summary.unread).toBe(0);
    expect(conv.summary.mentionCount).toBeUndefined();
  });

  it('sends typing at most every 2 s, shows others typing until they send', async () => {
    const s = setup([text(1, 2, 'a')]);
    s.client.start(); await settle(); s.open(); await settle();
    s.client.notifyTyping(50); s.client.notifyTyping(50);
    await vi.advanceTimersByTimeAsync(2100);
    s.client.notifyTyping(50);
    expect(s.sent.filter(f => f.type === 'typing')).toHaveLength(2);
    s.push({ type: 'typing', conversationId: 50, userId: 3 });
    expect(s.client.typingIn(50)).toEqual([3]);
    s.push({ type: 'message', ...text(2, 3, 'done') });
    expect(s.client.typingIn(50)).toEqual([]);
  });

  it('freezes the conversation when the user is removed: nothing later is taken', async () => {
    const s = setup([text(1, 2, 'a')]);
    s.client.start(); await settle(); s.open(); await settle();
    await s.client.loadLatest(50); await settle();
    s.push({ type: 'message', id: 102, conversationId: 50, seq: 2, senderId: 2, kind: 'system', system: { event: 'member_removed', userId: 1 }, sentAt: 2 });
    s.push({ type: 'message', ...text(3, 2, 'after') });
    await settle();
    expect(s.client.conversations.get(50)!.summary.left).toBe(true);
    expect(s.client.log(50).messages.map(m => m.seq)).toEqual([1, 2]);
  });

  it('group receipts: read counts from pushes and readers lists', async () => {
    const s = setup([text(1, 1, 'mine'), text(2, 1, 'mine too')]);
    s.client.start(); await settle(); s.open(); await settle();
    await s.client.loadLatest(50); await settle();
    const [m1, m2] = s.client.log(50).messages;
    s.push({ type: 'receipt', conversationId: 50, userId: 2, readSeq: 2, deliveredSeq: 2 });
    s.push({ type: 'receipt', conversationId: 50, userId: 3, readSeq: 1, deliveredSeq: 2 });
    expect(s.client.readCount(m1)).toBe(2);
    expect(s.client.readCount(m2)).toBe(1);
  });

  it('a reaction is applied on its ack; the send frame carries reply, mentions and forwards', async () => {
    const s = setup([text(1, 2, 'a')]);
    s.client.start(); await settle(); s.open(); await settle();
    await s.client.loadLatest(50); await settle();
    await s.client.react(s.client.log(50).get(1)!, '🎉', false);
    expect(s.client.log(50).get(1)!.reactions).toEqual([{ emoji: '🎉', userIds: [1] }]);
    expect(sendFrame({ clientMsgId: 'c', conversationId: 50, text: 'hi', createdAt: 0, status: 'pending', replyTo: 101, mentions: [2], mentionsAll: true }))
      .toEqual({ type: 'send', conversationId: 50, clientMsgId: 'c', text: 'hi', replyTo: 101, mentions: [2], mentionsAll: true });
    expect(sendFrame({ clientMsgId: 'd', peerId: 7, text: 'copied', createdAt: 0, status: 'pending', forwardOf: 101 }))
      .toEqual({ type: 'send', to: 7, clientMsgId: 'd', forwardOf: 101 });
  });
});
