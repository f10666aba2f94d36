import { useI18n } from '../i18n';
import { formatDuration, formatSize } from './format';
import { FileIcon } from './icons';
import type { UploadItem } from './UploadQueue';
import { Waveform } from './Waveform';

/** A picked file before the server has it: the local image or video, the recording's waveform, or a file card. */
export function LocalPreview({ item }: { item: UploadItem }) {
  const { lang } = useI18n();
  if (item.kind === 'image' && item.previewUrl) return <img className="local-image" src={item.previewUrl} alt={item.name} />;
  if (item.kind === 'video' && item.previewUrl) return <video className="local-video" src={item.previewUrl} muted preload="metadata" aria-label={item.name} />;
  if (item.kind === 'voice') {
    return (
      <div className="voice local">
        <Waveform values={item.waveform ?? []} />
        <span className="voice-time">{formatDuration(item.durationMs ?? 0)}</span>
      </div>
    );
  }
  return (
    <div className="file-card local">
      <span className="file-icon"><FileIcon /></span>
      <span className="file-info">
        <span className="file-name" title={item.name}>{item.name}</span>
        <span className="file-size">{formatSize(item.file.size, lang)}</span>
      </span>
    </div>
  );
}

export function percentOf(item: UploadItem): number {
  return item.file.size > 0 ? Math.floor((item.done / item.file.size) * 100) : item.state === 'done' ? 100 : 0;
}

/** A thin bar with the upload's progress, and its percentage for screen readers. */
export function UploadProgress({ item }: { item: UploadItem }) {
  const { t } = useI18n();
  const pct = percentOf(item);
  if (item.state === 'done') return null;
  return (
    <div className={`upload-progress ${item.state}`} role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}
      aria-label={item.state === 'failed' ? t('media.uploadFailed') : t('media.uploading', { percent: pct })}>
      <span style={{ width: `${pct}%` }} />
    </div>
  );
}
