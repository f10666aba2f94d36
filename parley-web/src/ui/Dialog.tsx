import { useEffect, useRef, type ReactNode } from 'react';
import { useI18n } from '../i18n';

/** A modal dialog: backdrop, Escape and the close button close it, focus moves into it and back. */
export function Dialog({ title, onClose, children, className = '' }: { title: string; onClose: () => void; children: ReactNode; className?: string }) {
  const { t } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const first = box.current?.querySelector<HTMLElement>('input, textarea, select, button:not(.dialog-close)');
    (first ?? box.current)?.focus();
    return () => { before?.focus?.(); };
  }, []);
  return (
    <div className="dialog-backdrop" onMouseDown={e => { if (e.target === e.currentTarget) onClose(); }}>
      <div className={`dialog ${className}`} role="dialog" aria-modal="true" aria-label={title} ref={box} tabIndex={-1}
        onKeyDown={e => { if (e.key === 'Escape') { e.stopPropagation(); onClose(); } }}>
        <header className="dialog-header">
          <h2>{title}</h2>
          <button type="button" className="icon-button dialog-close" onClick={onClose} aria-label={t('common.close')}>×</button>
        </header>
        <div className="dialog-body">{children}</div>
      </div>
    </div>
  );
}
