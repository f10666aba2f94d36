import { useSyncExternalStore } from 'react';
import { errorText, useI18n } from '../i18n';
import { Linkified } from '../linkify';
import { LocalPreview, UploadProgress, percentOf } from './LocalPreview';
import type { ChatTarget, UploadQueue } from './UploadQueue';
import './media.css';

/**
 * Media messages of a chat still uploading, at the end of the message list, as the sender's bubbles: local
 * previews with progress, cancel; a failed upload can be resumed or dropped.
 */
export function OutgoingMediaBubbles({ queue, to }: { queue: UploadQueue; to: ChatTarget }) {
  const { t } = useI18n();
  useSyncExternalStore(queue.subscribe, queue.getVersion);
  return (
    <>
      {queue.outgoingFor(to).map(o => {
        const failed = o.items.find(i => i.state === 'failed');
        const total = o.items.reduce((n, i) => n + i.file.size, 0);
        const done = o.items.reduce((n, i) => n + Math.min(i.done, i.file.size), 0);
        const pct = total ? Math.floor((done / total) * 100) : percentOf(o.items[0]);
        return (
          <div key={o.clientMsgId} className={`msg mine first uploading${failed ? ' failed' : ''}`} data-status={failed ? 'failed' : 'uploading'} data-saved={o.saved ? 'true' : undefined}>
            <div className="bubble">
              <div className={`attachments count-${Math.min(o.items.length, 3)}`}>
                {o.items.map(i => (
                  <div key={i.localId} className="local-attachment"><LocalPreview item={i} /><UploadProgress item={i} /></div>
                ))}
              </div>
              {o.text && <p className="msg-text"><Linkified text={o.text} /></p>}
              <span className="msg-meta">
                {!failed && <span className="upload-percent">{t('media.uploading', { percent: pct })}</span>}
                {!failed && <button type="button" className="link cancel-upload" onClick={() => queue.cancelOutgoing(o.clientMsgId)}>{t('media.cancelUpload')}</button>}
              </span>
            </div>
            {failed && (
              <div className="failed-row" role="alert">
                <span>{t('media.uploadFailed')} · {errorText(t, { code: failed.error })}</span>
                <button type="button" className="link" onClick={() => queue.retryOutgoing(o.clientMsgId)}>{t('media.resume')}</button>
                <button type="button" className="link" onClick={() => queue.cancelOutgoing(o.clientMsgId)}>{t('chat.discard')}</button>
              </div>
            )}
          </div>
        );
      })}
    </>
  );
}
