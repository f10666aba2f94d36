import { useEffect, useRef, useState } from 'react';
import type { Api } from '../protocol/api';
import { useI18n } from '../i18n';
import { formatDuration, formatSize } from './format';
import { DownloadIcon, FileIcon, PauseIcon, PlayIcon } from './icons';
import { ImageViewer } from './ImageViewer';
import { useMediaUrls } from './useMediaUrls';
import { Waveform } from './Waveform';
import type { MediaView } from './types';
import './media.css';

/** The attachments of a message, each shown by its kind. */
export function Attachments({ api, list }: { api: Api; list: readonly MediaView[] }) {
  if (!list.length) return null;
  return (
    <div className={`attachments count-${Math.min(list.length, 3)}`}>
      {list.map(m => <AttachmentView key={m.id} api={api} media={m} />)}
    </div>
  );
}

export function AttachmentView({ api, media }: { api: Api; media: MediaView }) {
  switch (media.kind) {
    case 'image': return <ImageAttachment api={api} media={media} />;
    case 'voice': return <VoiceAttachment api={api} media={media} />;
    case 'video': return <VideoAttachment api={api} media={media} />;
    default: return <FileAttachment api={api} media={media} />;
  }
}

/** Keeps a box the shape of the medium while it loads, so the chat does not jump. */
function aspect(m: MediaView): string | undefined {
  return m.width && m.height ? `${m.width} / ${m.height}` : undefined;
}

function Failed() {
  const { t } = useI18n();
  return <p className="media-failed" role="alert">{t('media.loadFailed')}</p>;
}

/** Retries an element's load once with fresh URLs (the signed ones may have expired), then gives up. */
function useReloadOnce(reload: () => void): [boolean, () => void] {
  const [tries, setTries] = useState(0);
  return [tries > 1, () => { setTries(n => n + 1); if (tries === 0) reload(); }];
}

function ImageAttachment({ api, media }: { api: Api; media: MediaView }) {
  const { t } = useI18n();
  const { urls, error, reload } = useMediaUrls(api, media.id);
  const [open, setOpen] = useState(false);
  const [failed, onError] = useReloadOnce(reload);
  if (error || failed) return <Failed />;
  const src = urls ? (media.thumbnail && urls.thumbnailUrl ? urls.thumbnailUrl : urls.url) : undefined;
  return (
    <>
      <button type="button" className="media-image" style={{ aspectRatio: aspect(media) }} data-media-id={media.id}
        aria-label={t('media.open', { name: media.name })} onClick={() => setOpen(true)} disabled={!urls}>
        {src && <img src={src} alt={media.name} onError={onError} />}
      </button>
      {open && urls && <ImageViewer src={urls.url} name={media.name} width={media.width} height={media.height} onClose={() => setOpen(false)} />}
    </>
  );
}

function VideoAttachment({ api, media }: { api: Api; media: MediaView }) {
  const { urls, error, reload } = useMediaUrls(api, media.id);
  const [failed, onError] = useReloadOnce(reload);
  if (error || failed) return <Failed />;
  return (
    <div className="media-video" style={{ aspectRatio: aspect(media) ?? '16 / 9' }} data-media-id={media.id}>
      {urls && (
        <video controls preload="metadata" src={urls.url} poster={media.poster ? urls.posterUrl : undefined}
          aria-label={media.name} onError={onError} />
      )}
    </div>
  );
}

function FileAttachment({ api, media }: { api: Api; media: MediaView }) {
  const { t, lang } = useI18n();
  const { urls } = useMediaUrls(api, media.id);
  return (
    <div className="file-card" data-media-id={media.id}>
      <span className="file-icon"><FileIcon /></span>
      <span className="file-info">
        <span className="file-name" title={media.name}>{media.name}</span>
        <span className="file-size">{formatSize(media.size, lang)}</span>
      </span>
      {urls
        ? <a className="icon-button file-download" href={urls.url} download={media.name} aria-label={t('media.download', { name: media.name })}><DownloadIcon /></a>
        : <span className="icon-button file-download" aria-hidden="true"><DownloadIcon /></span>}
    </div>
  );
}

function VoiceAttachment({ api, media }: { api: Api; media: MediaView }) {
  const { t } = useI18n();
  const { urls, error, reload } = useMediaUrls(api, media.id);
  const [failed, onError] = useReloadOnce(reload);
  const audio = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState(false);
  const [pos, setPos] = useState(0);
  const [dur, setDur] = useState((media.durationMs ?? 0) / 1000);

  useEffect(() => {
    const a = audio.current;
    if (!a) return;
    const known = () => Number.isFinite(a.duration) && a.duration > 0;
    const onMeta = () => {
      if (known()) { setDur(a.duration); return; }
      // Recordings from MediaRecorder carry no duration; seeking far past the end makes the browser find it.
      const fix = () => { a.removeEventListener('durationchange', fix); if (known()) setDur(a.duration); a.currentTime = 0; };
      a.addEventListener('durationchange', fix);
      a.currentTime = 1e7;
    };
    a.addEventListener('loadedmetadata', onMeta);
    return () => a.removeEventListener('loadedmetadata', onMeta);
  }, [urls?.url]);

  if (error || failed) return <Failed />;
  const toggle = () => {
    const a = audio.current;
    if (!a) return;
    if (a.paused) a.play().catch(() => setPlaying(false));
    else a.pause();
  };
  const seek = (f: number) => {
    const a = audio.current;
    if (!a || !(dur > 0)) return;
    a.currentTime = f * dur;
    setPos(a.currentTime);
  };
  const progress = dur > 0 ? Math.min(1, pos / dur) : 0;
  return (
    <div className={`voice${playing ? ' playing' : ''}`} data-media-id={media.id}>
      <button type="button" className="voice-play" aria-label={playing ? t('media.pause') : t('media.play')} onClick={toggle} disabled={!urls}>
        {playing ? <PauseIcon /> : <PlayIcon />}
      </button>
      <Waveform values={media.waveform ?? []} progress={progress} onSeek={seek} label={t('media.position')}
        valueText={`${formatDuration(pos * 1000)} / ${formatDuration(dur * 1000)}`} />
      <span className="voice-time">{formatDuration((playing || pos > 0 ? pos : dur) * 1000)}</span>
      {urls && (
        <audio ref={audio} src={urls.url} preload="metadata" onError={onError}
          onPlay={() => setPlaying(true)} onPause={() => setPlaying(false)}
          onEnded={() => { setPlaying(false); setPos(0); }}
          onTimeUpdate={e => { const c = e.currentTarget.currentTime; if (c <= dur || !(dur > 0)) setPos(c); }} />
      )}
    </div>
  );
}
