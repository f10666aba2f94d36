import { errorText, useI18n } from '../../i18n';
import type { PendingSend } from '../../protocol/pending';
import { directTick } from '../../protocol/receipts';
import type { Message, ReplyRef } from '../../protocol/types';
import { clockTime } from '../common';
import { useChat } from './ChatContext';
import { MessageActions } from './MessageActions';
import { MessageText } from './MessageText';
import { ReactionBar } from './ReactionBar';
import { ReadCount } from './ReadersPopover';
import { Attachments } from '../../media/AttachmentView';

/**
 * One message: sender (groups), forwarded mark, reply quote, text with mentions, edited mark, time, receipt,
 * reactions, and the actions on it. A recalled message shows as a placeholder line; a pending send as a bubble
 * with its status (and retry/discard when it failed).
 */
export function MessageBubble({ m, pending, first, senderName, flash }: {
  m?: Message; pending?: PendingSend; first: boolean; senderName?: string; flash?: boolean;
}) {
  const { t, lang } = useI18n();
  const { client, summary, isGroup } = useChat();
  const me = client.me.id;
  const mine = pending !== undefined || m?.senderId === me;
  if (m?.recalled) {
    const who = m.recalledBy ?? m.senderId;
    return (
      <div className="sys-line recalled" data-seq={m.seq} id={`msg-${m.seq}`}>
        <span>{who === me ? t('msg.recalledMe') : t('msg.recalled', { name: client.users.name(who) })}</span>
      </div>
    );
  }
  const text = m ? (m.text ?? '') : pending!.text;
  const replyTo = m ? m.replyTo : pending!.replyRef;
  const media = m ? m.attachments : pending!.media;
  const forwarded = m ? m.forwarded : pending!.forwardOf !== undefined;
  const mentionIds = m ? m.mentions : pending!.mentions;
  const mentionsAll = m ? m.mentionsAll : pending!.mentionsAll;
  const mentioned = !mine && m !== undefined && (mentionsAll === true || (mentionIds ?? []).includes(me));
  const mentionNames = [
    ...(mentionIds ?? []).map(id => ({ name: client.users.name(id), me: id === me })),
    ...(mentionsAll ? [{ name: t('mention.all'), me: true }, { name: 'all', me: true }] : []),
  ];
  const status = pending ? pending.status
    : mine && m && summary?.kind !== 'group' ? directTick(m.seq, summary?.peerReadSeq, summary?.peerDeliveredSeq) : mine ? 'sent' : undefined;
  const when = m ? m.sentAt : pending!.createdAt;
  const cls = ['msg', mine ? 'mine' : 'theirs', status ?? '', first ? 'first' : '', mentioned ? 'mentioned' : '', flash ? 'flash' : ''].filter(Boolean).join(' ');
  return (
    <div className={cls} data-status={status} data-seq={m?.seq} id={m ? `msg-${m.seq}` : undefined}>
      {senderName && first && !mine && <span className="msg-sender">{senderName}</span>}
      <div className="bubble-row">
        <div className="bubble">
          {forwarded && <span className="forwarded">↪ {t('msg.forwarded')}</span>}
          {replyTo && <ReplyQuote r={replyTo} />}
          {media && media.length > 0 && <Attachments api={client.api} list={media} />}
          {(text || !media?.length) && <p className="msg-text"><MessageText text={text} mentionNames={mentionNames} /></p>}
          <span className="msg-meta">
            {m?.editedAt && <span className="edited">{t('msg.edited')}</span>}
            <time>{clockTime(when, lang)}</time>
            {status === 'sent' && !isGroup && <span className="tick" aria-label={t('chat.sent')} title={t('chat.sent')}>✓</span>}
            {status === 'delivered' && <span className="tick delivered" aria-label={t('msg.delivered')} title={t('msg.delivered')}>✓✓</span>}
            {status === 'read' && <span className="tick read" aria-label={t('msg.read')} title={t('msg.read')}>✓✓</span>}
            {status === 'pending' && <span className="clock" aria-label={t('chat.pending')} title={t('chat.pending')}>◷</span>}
            {m && mine && isGroup && <ReadCount m={m} />}
          </span>
        </div>
        {m && <MessageActions m={m} mine={mine} />}
      </div>
      {m?.reactions && m.reactions.length > 0 && <ReactionBar m={m} />}
      {pending?.status === 'failed' && (
        <div className="failed-row" role="alert">
          <span>{t('chat.failed')}{pending.error ? ` · ${errorText(t, { code: pending.error })}` : ''}</span>
          <button type="button" className="link" onClick={() => client.retry(pending.clientMsgId)}>{t('chat.retry')}</button>
          <button type="button" className="link" onClick={() => client.discard(pending.clientMsgId)}>{t('chat.discard')}</button>
        </div>
      )}
    </div>
  );
}

/** The quoted message of a reply; clicking it jumps there. */
function ReplyQuote({ r }: { r: ReplyRef }) {
  const { t } = useI18n();
  const { client, jumpTo } = useChat();
  const name = r.senderId === client.me.id ? t('sys.you') : client.users.name(r.senderId);
  return (
    <button type="button" className="reply-quote" onClick={() => jumpTo(r.seq)} aria-label={t('msg.jumpToQuote', { name })}>
      <span className="quote-name">{name}</span>
      <span className="quote-text">{r.recalled ? t('msg.quoteRecalled') : (r.text ?? t('preview.attachment'))}</span>
    </button>
  );
}
