import { useEffect, useState } from 'react';
import { errorText, useI18n } from '../../i18n';
import type { ChatClient } from '../../protocol/client';
import type { Friend, Message } from '../../protocol/types';
import { Dialog } from '../Dialog';
import { Avatar, GroupAvatar, conversationTitle, displayName } from '../common';

/** Forward a message: pick a conversation; the server copies the content and marks it forwarded. */
export function ForwardDialog({ client, message, onClose, onDone }: {
  client: ChatClient; message: Message; onClose: () => void; onDone: (conversationId: number) => void; /* -1: a new direct chat */
}) {
  const { t } = useI18n();
  const [filter, setFilter] = useState('');
  const [err, setErr] = useState<string | null>(null);
  const [friends, setFriends] = useState<Friend[]>([]);
  useEffect(() => { client.api.friends().then(setFriends, () => {}); }, [client]);
  const q = filter.trim().toLowerCase();
  const list = client.sortedConversations().filter(c => !c.summary.left && (!q || conversationTitle(c.summary).toLowerCase().includes(q)));
  // Friends without a conversation yet: the forward opens one.
  const others = friends.filter(f => !client.conversationWith(f.user.id) && (!q || displayName(f.user).toLowerCase().includes(q)));
  return (
    <Dialog title={t('forward.title')} onClose={onClose}>
      <p className="forward-preview muted">{message.text ?? t('preview.attachment')}</p>
      <input type="search" value={filter} onChange={e => setFilter(e.target.value)} placeholder={t('chats.filter')} aria-label={t('chats.filter')} />
      {err && <p className="form-error" role="alert">{err}</p>}
      <ul className="people pick-list" aria-label={t('forward.title')}>
        {list.map(c => {
          const s = c.summary;
          const title = conversationTitle(s);
          return (
            <li key={s.id} className="person">
              {s.group ? <GroupAvatar id={s.group.id} name={s.group.name} size={36} /> : s.peer ? <Avatar user={s.peer} size={36} /> : null}
              <span className="person-name"><strong>{title}</strong></span>
              <button type="button" className="primary" aria-label={`${t('forward.send')} ${title}`} onClick={() => {
                try {
                  client.sendIn(s.id, message.text ?? '', { forwardOf: message });
                  onDone(s.id);
                } catch (e) { setErr(errorText(t, e)); }
              }}>{t('forward.send')}</button>
            </li>
          );
        })}
        {others.map(f => {
          const title = displayName(f.user);
          return (
            <li key={`u${f.user.id}`} className="person">
              <Avatar user={f.user} size={36} />
              <span className="person-name"><strong>{title}</strong></span>
              <button type="button" className="primary" aria-label={`${t('forward.send')} ${title}`} onClick={() => {
                client.rememberPeer(f.user);
                client.send(f.user.id, message.text ?? '', { forwardOf: message });
                onDone(-1);
              }}>{t('forward.send')}</button>
            </li>
          );
        })}
      </ul>
    </Dialog>
  );
}
