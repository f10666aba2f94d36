import type { ChatClient } from '../protocol/client';
import { newClientMsgId } from '../protocol/pending';
import { ApiError } from '../protocol/types';
import { kindOf } from './format';
import { MediaApi, isAbort, uploadResumable, type UploadOptions } from './upload';
import type { MediaKind, MediaView } from './types';
import { indexedDbStore, noStore, type OutgoingStore, type SavedOutgoing } from './uploadStore';

/** The most attachments one message carries (protocol.md §15); more are sent as several messages. */
export const MAX_ATTACHMENTS = 10;

export interface UploadItem {
  readonly localId: string;
  readonly file: Blob;
  readonly name: string;
  readonly kind: MediaKind;
  readonly contentType: string;
  /** Object URL of an image or video, for the preview before sending. */
  readonly previewUrl?: string;
  readonly durationMs?: number;
  readonly waveform?: number[];
  uploadId?: string;
  /** Bytes the server holds (or has in flight). */
  done: number;
  state: 'uploading' | 'done' | 'failed';
  error?: string;
  media?: MediaView;
}

/** Where a message goes: a user (their direct conversation, which may not exist yet) or a conversation (groups). */
export interface ChatTarget { peerId?: number; conversationId?: number }

/** One chat's drafts and messages: a direct chat by its peer (stable before and after its first message), a group by id. */
export function chatKey(t: ChatTarget): string {
  return t.peerId !== undefined ? `p${t.peerId}` : `c${t.conversationId}`;
}

/** A message waiting for its uploads; handed to the client's pending queue (same clientMsgId) once they are done. */
export interface OutgoingMedia {
  readonly clientMsgId: string;
  readonly to: ChatTarget;
  readonly text: string;
  readonly items: UploadItem[];
  readonly createdAt: number;
  /**
   * Whether its record (files included) is in the browser's store, so that it survives a reload. Until then, a
   * page closed the instant after Enter loses it: an IndexedDB write still running when the page goes is dropped.
   */
  saved?: boolean;
}

type Listener = () => void;

/**
 * Attachments of one logged-in user: drafts (picked, uploading at once, shown above the composer) per chat, and
 * messages whose uploads are still running. Uploads start as soon as a file is picked, so that by the time the
 * caption is written the bytes are usually there.
 */
export class UploadQueue {
  private drafts = new Map<string, UploadItem[]>();
  private outgoing: OutgoingMedia[] = [];
  private controllers = new Map<string, AbortController>();
  private listeners = new Set<Listener>();
  private seq = 0;
  version = 0;

  constructor(private readonly client: Pick<ChatClient, 'sendPrepared'>, readonly media: MediaApi,
              private readonly options: Pick<UploadOptions, 'chunkSize' | 'retryDelaysMs'> = {},
              private readonly objectUrls: { create(b: Blob): string; revoke(u: string): void } = browserObjectUrls,
              private readonly store: OutgoingStore = noStore) {}

  private restored = false;

  /**
   * Picks up the messages that were still uploading when the page went away: their uploads resume from the
   * server's offset (GET), and they are sent with the clientMsgId they had. Once per queue.
   */
  async restore(): Promise<void> {
    if (this.restored) return;
    this.restored = true;
    for (const s of await this.store.load()) {
      if (this.outgoing.some(o => o.clientMsgId === s.clientMsgId)) continue;
      const items: UploadItem[] = s.items.map(i => ({
        localId: `u${++this.seq}`, file: i.blob, name: i.name, kind: i.kind, contentType: i.contentType,
        durationMs: i.durationMs, waveform: i.waveform, uploadId: i.uploadId, media: i.media,
        previewUrl: i.kind === 'image' || i.kind === 'video' ? this.objectUrls.create(i.blob) : undefined,
        done: i.media ? i.blob.size : 0, state: i.media ? 'done' : 'uploading',
      }));
      const o: OutgoingMedia = { clientMsgId: s.clientMsgId, to: s.to, text: s.text, createdAt: s.createdAt, items, saved: true };
      this.outgoing.push(o);
      for (const i of items) if (i.state === 'uploading') this.start(i);
      this.handOver(o);
    }
    this.emit();
  }

  private persist(o: OutgoingMedia): void {
    if (!this.outgoing.includes(o)) return;
    const saved: SavedOutgoing = {
      clientMsgId: o.clientMsgId, to: o.to, text: o.text, createdAt: o.createdAt,
      items: o.items.map(i => ({
        localId: i.localId, name: i.name, kind: i.kind, contentType: i.contentType, blob: i.file,
        durationMs: i.durationMs, waveform: i.waveform, uploadId: i.uploadId, media: i.media,
      })),
    };
    this.store.save(saved).then(ok => {
      if (ok && !o.saved && this.outgoing.includes(o)) { o.saved = true; this.emit(); }
    });
  }

  private persistItem(item: UploadItem): void {
    for (const o of this.outgoing) if (o.items.includes(item)) this.persist(o);
  }

  subscribe = (fn: Listener): (() => void) => { this.listeners.add(fn); return () => { this.listeners.delete(fn); }; };
  getVersion = () => this.version;
  private emit(): void { this.version++; for (const l of [...this.listeners]) l(); }

  draftsFor(to: ChatTarget): readonly UploadItem[] { return this.drafts.get(chatKey(to)) ?? []; }
  outgoingFor(to: ChatTarget): readonly OutgoingMedia[] { return this.outgoing.filter(o => chatKey(o.to) === chatKey(to)); }

  /** Picked, dropped or pasted files: drafts of the chat, uploading from now on. */
  addFiles(to: ChatTarget, files: Iterable<File>): UploadItem[] {
    const added: UploadItem[] = [];
    for (const f of files) {
      const kind = kindOf(f);
      const item: UploadItem = {
        localId: `u${++this.seq}`, file: f, name: f.name || 'file', kind, contentType: f.type, done: 0, state: 'uploading',
        previewUrl: kind === 'image' || kind === 'video' ? this.objectUrls.create(f) : undefined,
      };
      added.push(item);
      this.start(item);
    }
    if (added.length) {
      this.drafts.set(chatKey(to), [...this.draftsFor(to), ...added]);
      this.emit();
    }
    return added;
  }

  /** Takes a draft back: stops its upload and deletes it on the server. */
  removeDraft(to: ChatTarget, localId: string): void {
    const list = this.draftsFor(to);
    const item = list.find(i => i.localId === localId);
    if (!item) return;
    this.drafts.set(chatKey(to), list.filter(i => i !== item));
    this.discard(item);
    this.emit();
  }

  /** Sends the chat's drafts with the caption (the caption goes with the last group of ten). */
  send(to: ChatTarget, caption: string): OutgoingMedia[] {
    const items = [...this.draftsFor(to)];
    if (!items.length) return [];
    this.drafts.delete(chatKey(to));
    const made: OutgoingMedia[] = [];
    for (let i = 0; i < items.length; i += MAX_ATTACHMENTS) {
      const last = i + MAX_ATTACHMENTS >= items.length;
      made.push({ clientMsgId: newClientMsgId(), to: { ...to }, text: last ? caption : '', items: items.slice(i, i + MAX_ATTACHMENTS), createdAt: Date.now() });
    }
    this.outgoing.push(...made);
    this.emit();
    for (const o of made) { this.persist(o); this.handOver(o); }
    return made;
  }

  /** A finished recording: sent as a message of its own at once. */
  sendVoice(to: ChatTarget, blob: Blob, durationMs?: number, waveform?: number[]): OutgoingMedia {
    const type = blob.type || 'audio/webm';
    const ext = type.includes('ogg') ? 'ogg' : type.includes('mp4') ? 'm4a' : 'webm';
    const item: UploadItem = {
      localId: `u${++this.seq}`, file: blob, name: `voice-${new Date().toISOString().replace(/[:.]/g, '-')}.${ext}`,
      kind: 'voice', contentType: type, durationMs, waveform, done: 0, state: 'uploading',
    };
    this.start(item);
    const o: OutgoingMedia = { clientMsgId: newClientMsgId(), to: { ...to }, text: '', items: [item], createdAt: Date.now() };
    this.outgoing.push(o);
    this.persist(o);
    this.emit();
    return o;
  }

  /** Stops a message's uploads and forgets it. */
  cancelOutgoing(clientMsgId: string): void {
    const o = this.outgoing.find(x => x.clientMsgId === clientMsgId);
    if (!o) return;
    this.outgoing = this.outgoing.filter(x => x !== o);
    this.store.remove(o.clientMsgId);
    for (const i of o.items) this.discard(i);
    this.emit();
  }

  /** Resumes the failed uploads of a message (from the server's offset). */
  retryOutgoing(clientMsgId: string): void {
    const o = this.outgoing.find(x => x.clientMsgId === clientMsgId);
    if (!o) return;
    for (const i of o.items) if (i.state === 'failed') { i.state = 'uploading'; i.error = undefined; this.start(i); }
    this.emit();
  }

  private start(item: UploadItem): void {
    const ctrl = new AbortController();
    this.controllers.set(item.localId, ctrl);
    const req = {
      kind: item.kind, size: item.file.size, name: item.name, ...(item.contentType ? { contentType: item.contentType } : {}),
      ...(item.durationMs !== undefined && item.durationMs >= 1 ? { durationMs: Math.round(item.durationMs) } : {}), ...(item.waveform ? { waveform: item.waveform } : {}),
    };
    uploadResumable(this.media, item.file, req, {
      ...this.options, signal: ctrl.signal, uploadId: item.uploadId,
      onCreated: id => {
        item.uploadId = id;
        this.persistItem(item);
        // Cancelled while the upload was being created: delete it now that it has an id.
        if (ctrl.signal.aborted) this.media.cancel(id).catch(() => {});
      },
      onProgress: done => { if (done !== item.done) { item.done = done; this.emit(); } },
    }).then(media => {
      if (ctrl.signal.aborted) return;
      item.media = media;
      item.state = 'done';
      item.done = item.file.size;
      this.persistItem(item);
      this.emit();
      for (const o of this.outgoing) if (o.items.includes(item)) this.handOver(o);
    }, e => {
      if (isAbort(e) || ctrl.signal.aborted) return;
      item.state = 'failed';
      item.error = e instanceof ApiError ? e.code : 'network';
      this.emit();
    }).finally(() => { if (this.controllers.get(item.localId) === ctrl) this.controllers.delete(item.localId); });
  }

  /** When every upload of a message is done, the message joins the client's pending sends (retried like text). */
  private handOver(o: OutgoingMedia): void {
    if (!this.outgoing.includes(o) || o.items.some(i => i.state !== 'done')) return;
    this.outgoing = this.outgoing.filter(x => x !== o);
    // From here the client's pending queue (localStorage) keeps the message until it is acknowledged.
    this.client.sendPrepared({
      clientMsgId: o.clientMsgId, ...o.to, text: o.text, createdAt: o.createdAt,
      attachments: o.items.map(i => i.media!.id), media: o.items.map(i => i.media!),
    });
    this.store.remove(o.clientMsgId);
    for (const i of o.items) if (i.previewUrl) this.objectUrls.revoke(i.previewUrl);
    this.emit();
  }

  private discard(item: UploadItem): void {
    this.controllers.get(item.localId)?.abort();
    this.controllers.delete(item.localId);
    if (item.previewUrl) this.objectUrls.revoke(item.previewUrl);
    // Completed uploads stay (the server forgets unsent media on its own); unfinished ones are deleted now.
    if (item.uploadId && item.state !== 'done') this.media.cancel(item.uploadId).catch(() => {});
  }
}

const browserObjectUrls = {
  create: (b: Blob) => (typeof URL.createObjectURL === 'function' ? URL.createObjectURL(b) : ''),
  revoke: (u: string) => { if (u && typeof URL.revokeObjectURL === 'function') URL.revokeObjectURL(u); },
};

const queues = new WeakMap<ChatClient, UploadQueue>();

/** The upload queue of a chat client (one per logged-in user). */
export function uploadsFor(client: ChatClient): UploadQueue {
  let q = queues.get(client);
  if (!q) {
    q = new UploadQueue(client, new MediaApi(client.api), {}, browserObjectUrls, indexedDbStore(client.me.id));
    queues.set(client, q);
  }
  return q;
}
