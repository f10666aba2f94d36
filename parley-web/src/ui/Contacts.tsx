import { useCallback, useEffect, useState, useSyncExternalStore, type FormEvent } from 'react';
import type { ChatClient } from '../protocol/client';
import type { Friend, FriendRequest, UserSummary } from '../protocol/types';
import { errorText, useI18n } from '../i18n';
import { Avatar, PresenceAvatar, displayName } from './common';
import { presenceText } from './chat/ChatHeader';

export function Contacts({ client, onMessage }: { client: ChatClient; onMessage: (u: UserSummary) => void }) {
  const { t, lang } = useI18n();
  const api = client.api;
  const [q, setQ] = useState('');
  const [results, setResults] = useState<UserSummary[] | null>(null);
  const [incoming, setIncoming] = useState<FriendRequest[]>([]);
  const [outgoing, setOutgoing] = useState<FriendRequest[]>([]);
  const [friends, setFriends] = useState<Friend[]>([]);
  const [blocked, setBlocked] = useState<UserSummary[]>([]);
  const [composeFor, setComposeFor] = useState<number | null>(null);
  const [note, setNote] = useState('');
  const [message, setMessage] = useState<{ text: string; error?: boolean } | null>(null);

  const reload = useCallback(async () => {
    try {
      const [i, o, f, b] = await Promise.all([api.friendRequests('incoming'), api.friendRequests('outgoing'), api.friends(), api.blocks()]);
      setIncoming(i.filter(r => r.status === 'pending'));
      setOutgoing(o.filter(r => r.status === 'pending'));
      setFriends(f);
      setBlocked(b);
    } catch { /* offline: keep what we have */ }
  }, [api]);

  useEffect(() => { reload(); }, [reload, client.contactsVersion]);
  const friendIdList = friends.map(f => f.user.id).join(',');
  useEffect(() => {
    if (friendIdList) client.loadPresence(friendIdList.split(',').map(Number)).catch(() => {});
  }, [client, friendIdList]);
  useSyncExternalStore(client.subscribe, client.getVersion);

  async function search(e: FormEvent) {
    e.preventDefault();
    if (!q.trim()) { setResults(null); return; }
    try {
      setResults((await api.searchUsers(q.trim())).items);
    } catch (err) {
      setMessage({ text: errorText(t, err), error: true });
    }
  }

  async function act(fn: () => Promise<unknown>, ok?: string) {
    setMessage(null);
    try {
      await fn();
      if (ok) setMessage({ text: ok });
      await reload();
    } catch (err) {
      setMessage({ text: errorText(t, err), error: true });
    }
  }

  const friendIds = new Set(friends.map(f => f.user.id));
  const outgoingIds = new Set(outgoing.map(r => r.to.id));

  return (
    <section className="page" aria-labelledby="contacts-heading">
      <header className="pane-header"><h2 id="contacts-heading">{t('contacts.title')}</h2></header>
      <div className="page-body">
        <form className="card search-form" role="search" onSubmit={search} aria-label={t('contacts.search')}>
          <label htmlFor="user-search" className="card-title">{t('contacts.search')}</label>
          <div className="row">
            <input id="user-search" type="search" value={q} onChange={e => setQ(e.target.value)} placeholder={t('contacts.searchPlaceholder')} />
            <button type="submit" className="primary">{t('contacts.go')}</button>
          </div>
          {message && <p className={message.error ? 'form-error' : 'form-ok'} role={message.error ? 'alert' : 'status'}>{message.text}</p>}
          {results && (
            <ul className="people" aria-label={t('contacts.results')}>
              {results.length === 0 && <li className="empty">{t('contacts.noResults')}</li>}
              {results.map(u => (
                <li key={u.id} className="person" data-username={u.username}>
                  <Avatar user={u} />
                  <span className="person-name"><strong>{displayName(u)}</strong><span className="muted small">@{u.username}</span></span>
                  {u.id === client.me.id ? <span className="muted small">{t('contacts.you')}</span>
                    : friendIds.has(u.id) ? <span className="chip">{t('contacts.isFriend')}</span>
                    : outgoingIds.has(u.id) ? <span className="chip">{t('contacts.requestSent')}</span>
                    : composeFor === u.id ? (
                      <span className="request-form">
                        <input aria-label={t('contacts.note')} placeholder={t('contacts.note')} value={note} maxLength={200}
                          onChange={e => setNote(e.target.value)} autoFocus />
                        <button type="button" className="primary" onClick={() => act(async () => {
                          await api.sendFriendRequest(u.id, note.trim());
                          setComposeFor(null); setNote('');
                        }, t('contacts.requestSent'))}>{t('contacts.sendRequest')}</button>
                      </span>
                    ) : <button type="button" onClick={() => { setComposeFor(u.id); setNote(''); }}>{t('contacts.add')}</button>}
                </li>
              ))}
            </ul>
          )}
        </form>

        <div className="card">
          <h3 className="card-title">{t('contacts.incoming')}</h3>
          <ul className="people" aria-label={t('contacts.incoming')}>
            {incoming.length === 0 && <li className="empty">{t('contacts.none')}</li>}
            {incoming.map(r => (
              <li key={r.id} className="person" data-username={r.from.username}>
                <Avatar user={r.from} />
                <span className="person-name"><strong>{displayName(r.from)}</strong>
                  {r.note ? <span className="note">“{r.note}”</span> : <span className="muted small">@{r.from.username}</span>}</span>
                <span className="actions">
                  <button type="button" className="primary" onClick={() => act(() => api.answerRequest(r.id, 'accept'))}
                    aria-label={`${t('contacts.accept')} ${displayName(r.from)}`}>{t('contacts.accept')}</button>
                  <button type="button" onClick={() => act(() => api.answerRequest(r.id, 'decline'))}
                    aria-label={`${t('contacts.decline')} ${displayName(r.from)}`}>{t('contacts.decline')}</button>
                </span>
              </li>
            ))}
          </ul>
        </div>

        {outgoing.length > 0 && (
          <div className="card">
            <h3 className="card-title">{t('contacts.outgoing')}</h3>
            <ul className="people" aria-label={t('contacts.outgoing')}>
              {outgoing.map(r => (
                <li key={r.id} className="person">
                  <Avatar user={r.to} />
                  <span className="person-name"><strong>{displayName(r.to)}</strong><span className="muted small">@{r.to.username}</span></span>
                  <button type="button" onClick={() => act(() => api.answerRequest(r.id, 'cancel'))}>{t('contacts.cancel')}</button>
                </li>
              ))}
            </ul>
          </div>
        )}

        <div className="card">
          <h3 className="card-title">{t('contacts.friends')}</h3>
          <ul className="people" aria-label={t('contacts.friends')}>
            {friends.length === 0 && <li className="empty">{t('contacts.noFriends')}</li>}
            {friends.map(f => (
              <li key={f.user.id} className="person" data-username={f.user.username} data-presence={client.presence.get(f.user.id)?.state ?? 'offline'}>
                <PresenceAvatar user={f.user} state={client.presence.get(f.user.id)?.state} />
                <span className="person-name"><strong>{displayName(f.user)}</strong>
                  <span className="muted small">@{f.user.username}{presenceText(client.presence.get(f.user.id), t, lang) ? ` · ${presenceText(client.presence.get(f.user.id), t, lang)}` : ''}</span></span>
                <span className="actions">
                  <button type="button" className="primary" onClick={() => onMessage(f.user)}
                    aria-label={`${t('contacts.message')} ${displayName(f.user)}`}>{t('contacts.message')}</button>
                  <button type="button" onClick={() => {
                    if (confirm(t('contacts.confirmRemove', { name: displayName(f.user) }))) act(() => api.removeFriend(f.user.id));
                  }}>{t('contacts.remove')}</button>
                  <button type="button" className="danger" onClick={() => {
                    if (confirm(t('contacts.confirmBlock', { name: displayName(f.user) }))) act(() => api.block(f.user.id));
                  }}>{t('contacts.block')}</button>
                </span>
              </li>
            ))}
          </ul>
        </div>

        {blocked.length > 0 && (
          <div className="card">
            <h3 className="card-title">{t('contacts.blocked')}</h3>
            <ul className="people" aria-label={t('contacts.blocked')}>
              {blocked.map(u => (
                <li key={u.id} className="person">
                  <Avatar user={u} />
                  <span className="person-name"><strong>{displayName(u)}</strong><span className="muted small">@{u.username}</span></span>
                  <button type="button" onClick={() => act(() => api.unblock(u.id))}>{t('contacts.unblock')}</button>
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </section>
  );
}
