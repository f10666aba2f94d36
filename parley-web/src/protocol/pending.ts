import type { MediaView } from '../media/types';
import type { ReplyRef } from './types';

/** Sends not yet acknowledged, kept in localStorage so they survive reloads and are retried with the same clientMsgId. */
export interface PendingSend {
  clientMsgId: string;
  /** The peer of a direct conversation (sent with `to`); absent for groups (sent with `conversationId`). */
  peerId?: number;
  conversationId?: number;
  text: string;
  /** Media ids of uploaded attachments (a media message; text is then the optional caption). */
  attachments?: string[];
  /** Their media views, to show the message before it is acknowledged. */
  media?: MediaView[];
  /** The quoted message (id) and its quote as shown until the ack. */
  replyTo?: number;
  replyRef?: ReplyRef;
  mentions?: number[];
  mentionsAll?: boolean;
  /** A forward of this message id (the server copies its content). */
  forwardOf?: number;
  createdAt: number;
  status: 'pending' | 'failed';
  error?: string;
}

export interface KeyValue { getItem(k: string): string | null; setItem(k: string, v: string): void; removeItem(k: string): void }

export class PendingQueue {
  private items: PendingSend[] = [];
  constructor(private readonly storage: KeyValue | null, private readonly key: string) {
    if (storage) {
      try {
        const raw = storage.getItem(key);
        const parsed = raw ? JSON.parse(raw) : [];
        if (Array.isArray(parsed)) this.items = parsed.filter(p => p && typeof p.clientMsgId === 'string' && typeof p.text === 'string');
      } catch { this.items = []; }
    }
  }

  all(): readonly PendingSend[] { return this.items; }

  add(p: PendingSend): void { this.items = [...this.items, p]; this.save(); }

  get(clientMsgId: string): PendingSend | undefined { return this.items.find(p => p.clientMsgId === clientMsgId); }

  update(clientMsgId: string, patch: Partial<PendingSend>): void {
    this.items = this.items.map(p => (p.clientMsgId === clientMsgId ? { ...p, ...patch } : p));
    this.save();
  }

  /** Removes a send once acknowledged (or once its message was seen from the server). Returns whether it was there. */
  remove(clientMsgId: string): boolean {
    const before = this.items.length;
    this.items = this.items.filter(p => p.clientMsgId !== clientMsgId);
    if (this.items.length !== before) { this.save(); return true; }
    return false;
  }

  /** Sends to retry automatically, oldest first. */
  retryable(): PendingSend[] { return this.items.filter(p => p.status === 'pending').sort((a, b) => a.createdAt - b.createdAt); }

  private save(): void {
    if (!this.storage) return;
    try {
      if (this.items.length) this.storage.setItem(this.key, JSON.stringify(this.items));
      else this.storage.removeItem(this.key);
    } catch { /* storage full or disabled: keep in memory */ }
  }
}

export function newClientMsgId(): string {
  const c = globalThis.crypto;
  if (c && 'randomUUID' in c) return c.randomUUID();
  return `m-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}
