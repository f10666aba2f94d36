import { useEffect, useRef } from 'react';
import { createPortal } from 'react-dom';
import { useI18n } from '../i18n';
import { CloseIcon } from './icons';

/** Full-size image over the page: Esc, the close button or a click beside the image closes it. */
export function ImageViewer({ src, name, width, height, onClose }: {
  src: string; name: string; width?: number; height?: number; onClose: () => void;
}) {
  const { t } = useI18n();
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    close.current?.focus();
    const onKey = (e: globalThis.KeyboardEvent) => { if (e.key === 'Escape') { e.stopPropagation(); onClose(); } };
    document.addEventListener('keydown', onKey);
    return () => { document.removeEventListener('keydown', onKey); before?.focus?.(); };
  }, [onClose]);
  return createPortal(
    <div className="image-viewer" role="dialog" aria-modal="true" aria-label={t('media.viewer')} onClick={e => { if (e.target === e.currentTarget) onClose(); }}>
      <button ref={close} type="button" className="icon-button viewer-close" aria-label={t('media.close')} onClick={onClose}><CloseIcon /></button>
      <img src={src} alt={name} width={width} height={height} />
      <p className="viewer-caption">{name}</p>
    </div>,
    document.body,
  );
}
