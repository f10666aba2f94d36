import type { T } from '../i18n';
import { formatDuration } from './format';
import type { MediaView } from './types';

const ICON: Record<string, string> = { image: '📷', voice: '🎤', video: '🎬', file: '📄' };

/** One line for a message in lists and notifications: its text, or what it carries ("📷 Photo", "🎤 Voice message 0:07"). */
export function messageSummary(m: { text?: string; attachments?: readonly (MediaView | string)[]; media?: readonly MediaView[] }, t: T): string {
  // A pending send holds media ids in attachments and the views in media.
  const list = m.media ?? (m.attachments ?? []).filter((a): a is MediaView => typeof a !== 'string');
  if (!list.length) return m.text ?? '';
  const a = list[0];
  const what = a.kind === 'image' ? t('media.photo')
    : a.kind === 'voice' ? `${t('media.voice')}${a.durationMs ? ' ' + formatDuration(a.durationMs) : ''}`
    : a.kind === 'video' ? t('media.video')
    : a.name;
  const more = list.length > 1 ? ` ×${list.length}` : '';
  return `${ICON[a.kind] ?? ICON.file} ${what}${more}${m.text ? ' ' + m.text : ''}`;
}
