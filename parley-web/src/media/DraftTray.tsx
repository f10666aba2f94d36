import { useSyncExternalStore } from 'react';
import { errorText, useI18n } from '../i18n';
import { CloseIcon } from './icons';
import { LocalPreview, UploadProgress } from './LocalPreview';
import type { ChatTarget, UploadQueue } from './UploadQueue';
import './media.css';

/** The attachments picked for the next message, above the composer: preview, upload progress, remove. */
export function DraftTray({ queue, to }: { queue: UploadQueue; to: ChatTarget }) {
  const { t } = useI18n();
  useSyncExternalStore(queue.subscribe, queue.getVersion);
  const drafts = queue.draftsFor(to);
  if (!drafts.length) return null;
  return (
    <ul className="draft-tray" aria-label={t('media.drafts')}>
      {drafts.map(d => (
        <li key={d.localId} className={`draft ${d.kind} ${d.state}`} data-state={d.state} title={d.name}>
          <LocalPreview item={d} />
          <UploadProgress item={d} />
          {d.state === 'failed' && <span className="draft-error" role="alert">{errorText(t, { code: d.error })}</span>}
          <button type="button" className="draft-remove" aria-label={t('media.remove', { name: d.name })}
            onClick={() => queue.removeDraft(to, d.localId)}><CloseIcon /></button>
        </li>
      ))}
    </ul>
  );
}
