import type { Lang } from '../i18n';
import type { MediaKind } from './types';

const UNITS: Record<Lang, readonly string[]> = {
  en: ['B', 'KB', 'MB', 'GB'],
  'zh-CN': ['字节', 'KB', 'MB', 'GB'],
  'zh-TW': ['位元組', 'KB', 'MB', 'GB'],
};

/** A byte count for people: binary steps (1 KB = 1024 B), one decimal below 10 units, the language's digits and unit names. */
export function formatSize(bytes: number, lang: Lang): string {
  const units = UNITS[lang] ?? UNITS.en;
  let v = Math.max(0, bytes);
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  const digits = u === 0 || v >= 10 ? 0 : 1;
  const num = new Intl.NumberFormat(lang, { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(v);
  return `${num} ${units[u]}`;
}

/** m:ss (or h:mm:ss) for a duration in milliseconds. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round((Number.isFinite(ms) ? ms : 0) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Which upload kind a picked file is: images and videos the browser can show; everything else a file. */
export function kindOf(file: { type: string }): MediaKind {
  const t = file.type.toLowerCase();
  if (/^image\/(png|jpeg|gif|webp|avif|bmp)$/.test(t)) return 'image';
  if (/^video\/(mp4|webm|ogg|quicktime)$/.test(t)) return 'video';
  return 'file';
}
