import { describe, expect, it, vi } from 'vitest';
import { Api } from '../protocol/api';
import { translator } from '../i18n';
import { FakeMediaServer } from './fakeMediaServer';
import { formatDuration, formatSize, kindOf } from './format';
import { messageSummary } from './preview';
import { MediaApi, fetchSendBytes } from './upload';
import { UploadQueue } from './UploadQueue';
import { MediaUrlCache } from './urls';
import { WAVEFORM_BUCKETS, bucketWaveform, mixDown } from './waveform';
import { noStore, type OutgoingStore, type SavedOutgoing } from './uploadStore';
import type { SignedUrls } from './types';

describe('bucketWaveform', () => {
  it('gives 64 RMS values scaled so the loudest is 255', () => {
    const n = 64 * 100;
    const s = new Float32Array(n);
    for (let i = 0; i < n; i++) s[i] = (Math.floor(i / 100) % 2 ? 0.5 : 0.25) * (i % 2 ? 1 : -1);
    const w = bucketWaveform(s);
    expect(w).toHaveLength(WAVEFORM_BUCKETS);
    expect(w[0]).toBe(128);
    expect(w[1]).toBe(255);
    expect(Math.max(...w)).toBe(255);
    expect(w.every(v => Number.isInteger(v) && v >= 0 && v <= 255)).toBe(true);
  });

  it('keeps silence at zero and handles recordings shorter than 64 samples', () => {
    expect(bucketWaveform(new Float32Array(1000))).toEqual(new Array(64).fill(0));
    const short = bucketWaveform(Float32Array.from([0.1, 0.2, 0.4]));
    expect(short).toHaveLength(64);
    expect(short.filter(v => v > 0)).toEqual([64, 128, 255]);
    expect(bucketWaveform(new Float32Array(0))).toEqual(new Array(64).fill(0));
  });

  it('mixes channels down to their mean', () => {
    expect([...mixDown([Float32Array.from([1, 0]), Float32Array.from([0, 1])])]).toEqual([0.5, 0.5]);
  });
});

describe('formatSize', () => {
  it('reads in English, Simplified and Traditional Chinese', () => {
    expect(formatSize(0, 'en')).toBe('0 B');
    expect(formatSize(999, 'en')).toBe('999 B');
    expect(formatSize(1536, 'en')).toBe('1.5 KB');
    expect(formatSize(20 * 1024 * 1024, 'en')).toBe('20 MB');
    expect(formatSize(1234 * 1024 * 1024, 'en')).toBe('1.2 GB');
    expect(formatSize(512, 'zh-CN')).toBe('512 字节');
    expect(formatSize(3.25 * 1024 * 1024, 'zh-CN')).toBe('3.3 MB');
    expect(formatSize(512, 'zh-TW')).toBe('512 位元組');
    expect(formatSize(150 * 1024, 'zh-TW')).toBe('150 KB');
    expect(formatSize(2000 * 1024 * 1024 * 1024, 'en')).toBe('2,000 GB');
  });

  it('durations as m:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(7_400)).toBe('0:07');
    expect(formatDuration(65_000)).toBe('1:05');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
    expect(formatDuration(Infinity)).toBe('0:00');
  });

  it('tells images and videos the browser shows from other files', () => {
    expect(kindOf({ type: 'image/png' })).toBe('image');
    expect(kindOf({ type: 'image/svg+xml' })).toBe('file');
    expect(kindOf({ type: 'video/webm' })).toBe('video');
    expect(kindOf({ type: 'application/pdf' })).toBe('file');
    expect(kindOf({ type: '' })).toBe('file');
  });
});

describe('MediaUrlCache', () => {
  it('asks once per id while fresh, shares concurrent asks, and asks again shortly before expiry', async () => {
    let now = 1_000_000;
    const asked: string[] = [];
    const cache = new MediaUrlCache(async id => {
      asked.push(id);
      return { url: `/c/${id}?n=${asked.length}`, expiresAt: now + 3_600_000 } satisfies SignedUrls;
    }, () => now);
    const [a, b] = await Promise.all([cache.get('x'), cache.get('x')]);
    expect(a).toBe(b);
    expect(asked).toEqual(['x']);
    now += 50 * 60_000;
    expect((await cache.get('x')).url).toBe('/c/x?n=1');
    expect(cache.peek('x')).toBeDefined();
    // Inside the last five minutes: not handed out any more.
    now += 6 * 60_000;
    expect(cache.peek('x')).toBeUndefined();
    expect((await cache.get('x')).url).toBe('/c/x?n=2');
    await cache.get('y');
    expect(asked).toEqual(['x', 'x', 'y']);
    cache.invalidate('y');
    await cache.get('y');
    expect(asked).toEqual(['x', 'x', 'y', 'y']);
  });

  it('keeps short-lived URLs for half their life and forgets failures', async () => {
    let now = 0;
    let fail = true;
    const cache = new MediaUrlCache(async () => {
      if (fail) throw new Error('offline');
      return { url: '/u', expiresAt: now + 60_000 };
    }, () => now);
    await expect(cache.get('a')).rejects.toThrow('offline');
    fail = false;
    await cache.get('a');
    now = 29_000;
    expect(cache.peek('a')).toBeDefined();
    now = 30_000;
    expect(cache.peek('a')).toBeUndefined();
  });
});

describe('messageSummary', () => {
  const t = translator('en');
  const view = (kind: 'image' | 'voice' | 'video' | 'file', extra = {}) => ({ id: 'm', kind, name: 'report.pdf', size: 1, contentType: 'x', ...extra });
  it('names what a media message carries', () => {
    expect(messageSummary({ text: 'hi' }, t)).toBe('hi');
    expect(messageSummary({ attachments: [view('image')] }, t)).toBe('📷 Photo');
    expect(messageSummary({ attachments: [view('image'), view('image')], text: 'look' }, t)).toBe('📷 Photo ×2 look');
    expect(messageSummary({ attachments: [view('voice', { durationMs: 7000 })] }, t)).toBe('🎤 Voice message 0:07');
    expect(messageSummary({ attachments: ['m1'], media: [view('file')] }, t)).toBe('📄 report.pdf');
    expect(messageSummary({ attachments: [view('video')] }, translator('zh-CN'))).toBe('🎬 视频');
  });
});

describe('UploadQueue', { timeout: 20_000 }, () => {
  const P7 = { peerId: 7 };
  class MemStore implements OutgoingStore {
    data = new Map<string, SavedOutgoing>();
    async load() { return [...this.data.values()]; }
    async save(o: SavedOutgoing) { this.data.set(o.clientMsgId, structuredClone({ ...o, items: o.items.map(i => ({ ...i, blob: null as unknown as Blob })) })); this.blobs.set(o.clientMsgId, o.items.map(i => i.blob)); return true; }
    async remove(id: string) { this.data.delete(id); }
    blobs = new Map<string, Blob[]>();
    restoreBlobs() { for (const [id, o] of this.data) o.items.forEach((i, n) => { i.blob = this.blobs.get(id)![n]; }); }
  }

  function setup(store: OutgoingStore = new MemStore(), server = new FakeMediaServer()) {
    const api = Object.assign(new Api('/api/v1', server.fetch), { token: 't', expiresAt: Date.now() + 3_600_000 });
    const sent: { clientMsgId: string; peerId?: number; conversationId?: number; text: string; attachments?: string[] }[] = [];
    const urls = { created: 0, revoked: 0, create: () => `blob:${++urls.created}`, revoke: () => { urls.revoked++; } };
    const q = new UploadQueue({ sendPrepared: p => { sent.push(p); return p as never; } },
      new MediaApi(api, fetchSendBytes(server.fetch)), { chunkSize: 64 * 1024, retryDelaysMs: [] }, urls, store);
    return { server, q, sent, urls };
  }
  const file = (name: string, type: string, n = 1000) => new File([new Uint8Array(n)], name, { type });
  /** Waits until the assertion holds (uploads run asynchronously; the machine may be slow). */
  const eventually = (f: () => void) => vi.waitFor(f, { timeout: 10_000, interval: 10 });

  it('uploads drafts at once and sends them with the caption under one clientMsgId when done', async () => {
    const { server, q, sent, urls } = setup();
    q.addFiles(P7, [file('a.png', 'image/png'), file('b.pdf', 'application/pdf')]);
    expect(q.draftsFor(P7).map(d => d.kind)).toEqual(['image', 'file']);
    expect(urls.created).toBe(1);
    const [o] = q.send(P7, 'two things');
    expect(q.draftsFor(P7)).toHaveLength(0);
    await eventually(() => expect(sent).toHaveLength(1));
    expect(sent).toEqual([expect.objectContaining({ clientMsgId: o.clientMsgId, peerId: 7, text: 'two things', attachments: ['m-up1', 'm-up2'] })]);
    expect(q.outgoingFor(P7)).toHaveLength(0);
    expect(urls.revoked).toBe(1);
    expect(server.uploads.size).toBe(2);
  });

  it('removing a draft cancels its upload on the server', async () => {
    const { server, q } = setup();
    server.onPatch = () => 'network';
    const [d] = q.addFiles(P7, [file('big.bin', 'application/octet-stream', 200_000)]);
    await eventually(() => expect(d.state).toBe('failed'));
    q.removeDraft(P7, d.localId);
    await eventually(() => expect(server.deleted).toEqual(['up1']));
    expect(q.draftsFor(P7)).toHaveLength(0);
  });

  it('a failed upload can be resumed from the server offset, then the message goes out', async () => {
    const { server, q, sent } = setup();
    let n = 0;
    server.onPatch = () => (++n === 2 ? 'network' : 'ok');
    q.addFiles(P7, [file('big.bin', 'application/octet-stream', 150_000)]);
    const [o] = q.send(P7, '');
    await eventually(() => expect(q.outgoingFor(P7)[0].items[0].state).toBe('failed'));
    expect(sent).toHaveLength(0);
    q.retryOutgoing(o.clientMsgId);
    await eventually(() => expect(sent).toHaveLength(1));
    expect(server.patchOffsets).toEqual([0, 65536, 65536, 131072]);
    expect(sent.map(s => s.clientMsgId)).toEqual([o.clientMsgId]);
  });

  it('sends more than ten attachments as several messages, the caption with the last', async () => {
    const { q, sent } = setup();
    q.addFiles(P7, Array.from({ length: 12 }, (_, i) => file(`f${i}.txt`, 'text/plain', 10)));
    q.send(P7, 'all of them');
    await eventually(() => expect(sent).toHaveLength(2));
    expect(sent.map(s => [s.attachments!.length, s.text])).toEqual([[10, ''], [2, 'all of them']]);
  });

  it('after a reload, resumes a message\'s uploads from the server offset and sends it with its clientMsgId', async () => {
    const store = new MemStore();
    const server = new FakeMediaServer();
    let failed = false;
    server.onPatch = offset => (offset === 65536 && !failed ? (failed = true, 'network') : 'ok');
    const first = setup(store, server);
    first.q.addFiles(P7, [file('big.bin', 'application/octet-stream', 150_000), file('small.txt', 'text/plain', 10)]);
    const [o] = first.q.send(P7, 'caption');
    await eventually(() => expect(first.q.outgoingFor(P7)[0].saved).toBe(true));
    await eventually(() => expect(store.data.get(o.clientMsgId)!.items.map(i => [i.uploadId, !!i.media])).toEqual([['up1', false], ['up2', true]]));
    await eventually(() => expect(first.q.outgoingFor(P7)[0].items[0].state).toBe('failed'));
    expect(first.sent).toHaveLength(0);
    expect(store.data.get(o.clientMsgId)!.items.map(i => [i.uploadId, !!i.media])).toEqual([['up1', false], ['up2', true]]);
    // The page reloads: a new queue over the same store.
    store.restoreBlobs();
    const second = setup(store, server);
    await second.q.restore();
    await eventually(() => expect(second.sent).toHaveLength(1));
    expect(server.log.filter(l => l.startsWith('PATCH /media/uploads/up1')).map(l => Number(l.split(' ')[2]))).toEqual([0, 65536, 65536, 131072]);
    expect(server.log.filter(l => l.startsWith('PATCH /media/uploads/up2'))).toHaveLength(1);
    expect(second.sent).toEqual([expect.objectContaining({ clientMsgId: o.clientMsgId, text: 'caption', attachments: ['m-up1', 'm-up2'] })]);
    expect(store.data.size).toBe(0);
    await second.q.restore();
    expect(second.sent).toHaveLength(1);
  });

  it('marks a message saved only once the store has it (a reload before that would lose it)', async () => {
    let finish!: (ok: boolean) => void;
    const slow: OutgoingStore = { load: async () => [], save: () => new Promise<boolean>(r => { finish = r; }), remove: async () => {} };
    const { server, q } = setup(slow);
    server.onPatch = () => 'network'; // stays outgoing
    q.addFiles(P7, [file('a.bin', 'application/octet-stream', 100_000)]);
    q.send(P7, 'x');
    await Promise.resolve();
    expect(q.outgoingFor(P7)[0].saved).toBeFalsy();
    const version = q.getVersion();
    finish(true);
    await eventually(() => expect(q.outgoingFor(P7)[0].saved).toBe(true));
    expect(q.getVersion()).toBeGreaterThan(version);
    // A store that refused it (or none at all) never says saved.
    const none = setup(noStore);
    none.server.onPatch = () => 'network';
    none.q.addFiles(P7, [file('b.bin', 'application/octet-stream', 100_000)]);
    none.q.send(P7, 'y');
    await eventually(() => expect(none.q.outgoingFor(P7)[0].items[0].state).toBe('failed'));
    expect(none.q.outgoingFor(P7)[0].saved).toBeFalsy();
  });

  it('keeps each chat\'s drafts apart and sends a group\'s to its conversation', async () => {
    const { q, sent } = setup();
    q.addFiles(P7, [file('a.txt', 'text/plain', 5)]);
    q.addFiles({ conversationId: 9 }, [file('b.txt', 'text/plain', 5)]);
    // A direct chat is the same chat before and after its conversation exists.
    expect(q.draftsFor({ peerId: 7, conversationId: 3 }).map(d => d.name)).toEqual(['a.txt']);
    expect(q.draftsFor({ conversationId: 9 }).map(d => d.name)).toEqual(['b.txt']);
    q.send({ conversationId: 9 }, 'to the group');
    await eventually(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toMatchObject({ conversationId: 9, text: 'to the group' });
    expect(sent[0].peerId).toBeUndefined();
    expect(q.draftsFor(P7)).toHaveLength(1);
  });

  it('voice recordings go out at once with their duration and waveform', async () => {
    const { server, q, sent } = setup();
    q.sendVoice(P7, new Blob([new Uint8Array(500)], { type: 'audio/webm' }), 3200, new Array(64).fill(9));
    await eventually(() => expect(sent).toHaveLength(1));
    expect(server.uploads.get('up1')!.body).toMatchObject({ kind: 'voice', contentType: 'audio/webm', durationMs: 3200 });
    expect(String(server.uploads.get('up1')!.body.name)).toMatch(/^voice-.*\.webm$/);
    expect(sent).toHaveLength(1);
  });
});
