import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, configure, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { Api } from '../protocol/api';
import { I18nContext, translator, type Lang } from '../i18n';
import { Composer } from '../ui/chat/Composer';
import { Attachments } from './AttachmentView';
import { DraftTray } from './DraftTray';
import { FakeMediaServer } from './fakeMediaServer';
import { MediaApi, fetchSendBytes } from './upload';
import { UploadQueue } from './UploadQueue';
import type { MediaView } from './types';

afterEach(cleanup);
// The machine is shared: give asynchronous renders time.
configure({ asyncUtilTimeout: 10_000 });

function withLang(lang: Lang, node: ReactNode) {
  return <I18nContext.Provider value={{ lang, t: translator(lang) }}>{node}</I18nContext.Provider>;
}

/** An Api whose GET /media/{id}/url answers signed paths, counting the asks. */
function urlApi() {
  const asked: string[] = [];
  const fetcher = (async (url: string) => {
    const m = String(url).match(/\/media\/([^/]+)\/url$/);
    if (!m) return new Response('{}', { status: 404 });
    asked.push(m[1]);
    return new Response(JSON.stringify({ url: `/api/v1/media/${m[1]}/content?sig=s`, thumbnailUrl: `/api/v1/media/${m[1]}/thumbnail/content?sig=s`, expiresAt: Date.now() + 3_600_000 }));
  }) as unknown as typeof fetch;
  return { api: Object.assign(new Api('/api/v1', fetcher), { token: 't', expiresAt: Date.now() + 3_600_000 }), asked };
}

const view = (id: string, kind: MediaView['kind'], extra: Partial<MediaView> = {}): MediaView =>
  ({ id, kind, name: `${id}.bin`, size: 1536, contentType: 'application/octet-stream', thumbnail: false, poster: false, ...extra });

describe('Attachments', { timeout: 20_000 }, () => {
  it('shows each kind with its signed URL: thumbnail, player, video, file card with a localized size', async () => {
    const { api, asked } = urlApi();
    render(withLang('zh-CN', <Attachments api={api} list={[
      view('img1', 'image', { thumbnail: true, width: 800, height: 600, name: 'cat.png' }),
      view('voc1', 'voice', { durationMs: 7000, waveform: new Array(64).fill(128) }),
      view('vid1', 'video', { width: 320, height: 240 }),
      view('doc1', 'file', { name: '报告.pdf', size: 3 * 1024 * 1024 }),
    ]} />));
    await waitFor(() => expect(document.querySelector('.media-image img')).not.toBeNull());
    expect(document.querySelector('.media-image img')!.getAttribute('src')).toBe('/api/v1/media/img1/thumbnail/content?sig=s');
    expect(screen.getByRole('button', { name: '查看 cat.png' })).toBeTruthy();
    await waitFor(() => expect(document.querySelector('.media-video video')).not.toBeNull());
    const video = document.querySelector('.media-video video')!;
    expect(video.getAttribute('preload')).toBe('metadata');
    expect(video.hasAttribute('controls')).toBe(true);
    expect(document.querySelector('.voice .voice-time')!.textContent).toBe('0:07');
    expect(document.querySelectorAll('.voice .waveform .bar')).toHaveLength(64);
    expect(screen.getByRole('button', { name: '播放' })).toBeTruthy();
    expect(document.querySelector('.file-card .file-size')!.textContent).toBe('3 MB');
    const link = await screen.findByRole('link', { name: '下载 报告.pdf' });
    expect(link.getAttribute('href')).toBe('/api/v1/media/doc1/content?sig=s');
    expect(link.getAttribute('download')).toBe('报告.pdf');
    expect(asked.sort()).toEqual(['doc1', 'img1', 'vid1', 'voc1']);
  });

  it('opens an image full size and closes the viewer with Escape', async () => {
    const { api } = urlApi();
    render(withLang('en', <Attachments api={api} list={[view('img2', 'image', { name: 'tree.jpg' })]} />));
    const open = await screen.findByRole('button', { name: 'Open tree.jpg' });
    await waitFor(() => expect((open as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(open);
    const dialog = screen.getByRole('dialog', { name: 'Image viewer' });
    expect(dialog.querySelector('img')!.getAttribute('src')).toBe('/api/v1/media/img2/content?sig=s');
    fireEvent.keyDown(document, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});

describe('composer with attachments', { timeout: 20_000 }, () => {
  it('the draft tray shows picked files with progress and removes them; Send works without text while drafts wait', async () => {
    const server = new FakeMediaServer();
    server.onPatch = () => 'network';
    const api = Object.assign(new Api('/api/v1', server.fetch), { token: 't', expiresAt: Date.now() + 3_600_000 });
    const q = new UploadQueue({ sendPrepared: p => p as never }, new MediaApi(api, fetchSendBytes(server.fetch)), { retryDelaysMs: [] },
      { create: () => 'blob:x', revoke: () => {} });
    const sent: string[] = [];
    const { rerender } = render(withLang('en', <>
      <DraftTray queue={q} to={{ peerId: 5 }} />
      <Composer hasDrafts={false} onFiles={f => q.addFiles({ peerId: 5 }, f)} onVoice={() => {}} onSend={t => sent.push(t)} />
    </>));
    expect(screen.queryByRole('list', { name: 'Attachments to send' })).toBeNull();
    fireEvent.change(screen.getByLabelText('Attach files', { selector: 'input' }), {
      target: { files: [new File(['%PDF-1.4'], 'notes.pdf', { type: 'application/pdf' })] },
    });
    const tray = screen.getByRole('list', { name: 'Attachments to send' });
    expect(tray.textContent).toContain('notes.pdf');
    expect(tray.textContent).toContain('8 B');
    await waitFor(() => expect(tray.querySelector('.draft')!.getAttribute('data-state')).toBe('failed'));
    expect(tray.textContent).toContain('Cannot reach the server.');
    rerender(withLang('en', <>
      <DraftTray queue={q} to={{ peerId: 5 }} />
      <Composer hasDrafts onFiles={f => q.addFiles({ peerId: 5 }, f)} onVoice={() => {}} onSend={t => sent.push(t)} />
    </>));
    const send = screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement;
    expect(send.disabled).toBe(false);
    fireEvent.click(send);
    expect(sent).toEqual(['']);
    fireEvent.click(screen.getByRole('button', { name: 'Remove notes.pdf' }));
    expect(screen.queryByRole('list', { name: 'Attachments to send' })).toBeNull();
    await waitFor(() => expect(server.deleted).toEqual(['up1']));
  });

  it('pasting a file attaches it instead of inserting text', () => {
    const got: File[][] = [];
    render(withLang('en', <Composer onFiles={f => got.push(f)} onSend={() => {}} />));
    const img = new File([new Uint8Array([137, 80, 78, 71])], 'clip.png', { type: 'image/png' });
    fireEvent.paste(screen.getByRole('textbox', { name: 'Message' }), { clipboardData: { files: [img], items: [] } });
    expect(got).toEqual([[img]]);
  });
});
