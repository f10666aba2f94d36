import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../../i18n';
import type { Message } from '../../protocol/types';
import { EMOJIS } from '../common';
import { useChat } from './ChatContext';

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏', '🎉', '🔥'];
/** The server's default recall window (parley.limits.recall-window); past it only admins see "Recall". */
export const RECALL_WINDOW_MS = 2 * 60_000;

/** The actions on a message, shown on hover or focus: reply, react, forward, and edit/recall where allowed. */
export function MessageActions({ m, mine }: { m: Message; mine: boolean }) {
  const { t } = useI18n();
  const { client, readOnly, canModerate, reply, edit, forward, error } = useChat();
  const [picker, setPicker] = useState<'closed' | 'quick' | 'all'>('closed');
  const wrap = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (picker === 'closed') return;
    const close = (e: MouseEvent) => { if (!wrap.current?.contains(e.target as Node)) setPicker('closed'); };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [picker]);

  if (m.kind === 'system' || m.recalled) return null;
  const canEdit = mine && !readOnly && (m.kind ?? 'text') === 'text';
  const canRecall = !readOnly && ((mine && Date.now() - m.sentAt < RECALL_WINDOW_MS) || canModerate);

  function pick(emoji: string) {
    setPicker('closed');
    const has = (m.reactions ?? []).some(r => r.emoji === emoji && r.userIds.includes(client.me.id));
    client.react(m, emoji, has).catch(error);
  }

  return (
    <div className={'msg-actions' + (picker !== 'closed' ? ' open' : '')} ref={wrap}>
      {!readOnly && <button type="button" className="act" onClick={() => reply(m)} aria-label={t('msg.reply')} title={t('msg.reply')}>↩</button>}
      {!readOnly && (
        <button type="button" className="act" onClick={() => setPicker(p => (p === 'closed' ? 'quick' : 'closed'))}
          aria-label={t('msg.react')} title={t('msg.react')} aria-expanded={picker !== 'closed'}>☺</button>
      )}
      <button type="button" className="act" onClick={() => forward(m)} aria-label={t('msg.forward')} title={t('msg.forward')}>↪</button>
      {canEdit && <button type="button" className="act" onClick={() => edit(m)} aria-label={t('msg.edit')} title={t('msg.edit')}>✎</button>}
      {canRecall && (
        <button type="button" className="act" aria-label={t('msg.recall')} title={t('msg.recall')}
          onClick={() => { if (confirm(t('msg.confirmRecall'))) client.recall(m).catch(error); }}>⟲</button>
      )}
      {picker !== 'closed' && (
        <div className={'reaction-picker ' + picker} role="dialog" aria-label={t('msg.react')}
          onKeyDown={e => { if (e.key === 'Escape') setPicker('closed'); }}>
          {(picker === 'quick' ? QUICK_REACTIONS : EMOJIS).map((em, i) => (
            <button type="button" key={em} className="emoji" onClick={() => pick(em)} aria-label={em} autoFocus={i === 0}>{em}</button>
          ))}
          {picker === 'quick' && <button type="button" className="emoji more" onClick={() => setPicker('all')} aria-label={t('msg.moreEmoji')}>＋</button>}
        </div>
      )}
    </div>
  );
}
