import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../../i18n';
import type { Message, Readers } from '../../protocol/types';
import { Avatar, displayName } from '../common';
import { useChat } from './ChatContext';

/** "Read by N" on one's own group message; clicking lists the readers. */
export function ReadCount({ m }: { m: Message }) {
  const { t } = useI18n();
  const { client, summary, error } = useChat();
  const [open, setOpen] = useState(false);
  const [readers, setReaders] = useState<Readers | null>(null);
  const wrap = useRef<HTMLSpanElement>(null);
  const n = client.readCount(m);
  const others = Math.max(0, (summary?.group?.memberCount ?? 1) - 1);

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => { if (!wrap.current?.contains(e.target as Node)) setOpen(false); };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);

  function toggle() {
    if (open) { setOpen(false); return; }
    setOpen(true);
    setReaders(null);
    client.loadReaders(m).then(setReaders, e => { setOpen(false); error(e); });
  }

  const label = n > 0 && n >= others ? t('msg.readByAll') : t('msg.readBy', { n });
  return (
    <span className="read-count-wrap" ref={wrap}>
      <button type="button" className="read-count" onClick={toggle} aria-expanded={open} data-count={n}>{label}</button>
      {open && (
        <div className="readers" role="dialog" aria-label={t('msg.readers')} onKeyDown={e => { if (e.key === 'Escape') setOpen(false); }}>
          <strong>{t('msg.readers')}</strong>
          {!readers ? <p className="muted small">{t('auth.loading')}</p>
            : readers.readers === undefined ? <p className="muted small">{t('msg.readOf', { n: readers.readCount, total: readers.memberCount })}</p>
            : readers.readers.length === 0 ? <p className="muted small">{t('msg.noReaders')}</p>
            : (
              <ul>
                {readers.readers.map(u => <li key={u.id}><Avatar user={u} size={22} /><span>{displayName(u)}</span></li>)}
              </ul>
            )}
        </div>
      )}
    </span>
  );
}
