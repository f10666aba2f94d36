import { useEffect, useState, useSyncExternalStore, type FormEvent } from 'react';
import { errorText, useI18n } from '../../i18n';
import type { ChatClient } from '../../protocol/client';
import { groupsApi } from '../../protocol/groupsApi';
import { Avatar, GroupAvatar, conversationTitle } from '../common';
import { BanList } from './BanList';
import { InviteLinks } from './InviteLinks';
import { MemberList } from './MemberList';

/**
 * The side panel of a conversation: for everyone pin, mute, archive and "delete for me"; for groups the name,
 * announcement, members with roles, invite links, bans, mute-all, and leaving or dissolving.
 */
export function GroupInfo({ client, conversationId, onClose, onLeft }: {
  client: ChatClient; conversationId: number; onClose: () => void; onLeft: () => void;
}) {
  const { t } = useI18n();
  useSyncExternalStore(client.subscribe, client.getVersion);
  const conv = client.conversations.get(conversationId);
  const [msg, setMsg] = useState<{ text: string; error?: boolean } | null>(null);
  const [editingName, setEditingName] = useState(false);
  const [name, setName] = useState('');
  const [editingAnn, setEditingAnn] = useState(false);
  const [ann, setAnn] = useState('');
  const s = conv?.summary;
  const group = s?.group;
  const admin = group?.role === 'owner' || group?.role === 'admin';
  const owner = group?.role === 'owner';
  const left = s?.left === true;

  useEffect(() => { if (group && !left) client.refreshGroup(conversationId).catch(() => {}); }, [client, conversationId]); // eslint-disable-line react-hooks/exhaustive-deps

  if (!s) return null;

  async function act(fn: () => Promise<unknown>, ok?: string) {
    setMsg(null);
    try {
      await fn();
      if (ok) setMsg({ text: ok });
      if (group && !client.conversations.get(conversationId)?.summary.left) {
        await Promise.all([client.refreshGroup(conversationId), client.loadMembers(conversationId, true)]).catch(() => {});
      }
    } catch (e) { setMsg({ text: errorText(t, e), error: true }); }
  }

  function saveName(e: FormEvent) {
    e.preventDefault();
    if (!group || !name.trim()) return;
    act(() => groupsApi.update(client.api, group.id, { name: name.trim() })).then(() => setEditingName(false));
  }
  function saveAnn(e: FormEvent) {
    e.preventDefault();
    if (!group) return;
    act(() => groupsApi.update(client.api, group.id, { announcement: ann.trim() })).then(() => setEditingAnn(false));
  }

  const toggle = (key: 'pinned' | 'muted' | 'archived', label: string) => (
    <label className="switch-row">
      <span>{label}</span>
      <input type="checkbox" role="switch" checked={s[key] === true}
        onChange={e => act(() => client.updateSettings(conversationId, { [key]: e.target.checked }))} />
    </label>
  );

  return (
    <aside className="side-panel info-panel" aria-label={group ? t('info.title') : t('info.titleDirect')}>
      <header className="pane-header">
        <h2>{group ? t('info.title') : t('info.titleDirect')}</h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label={t('common.close')}>×</button>
      </header>
      <div className="side-body">
        <div className="info-hero">
          {group ? <GroupAvatar id={group.id} name={group.name} size={64} /> : s.peer ? <Avatar user={s.peer} size={64} /> : null}
          {editingName ? (
            <form className="row" onSubmit={saveName}>
              <input value={name} onChange={e => setName(e.target.value)} maxLength={64} aria-label={t('group.name')} autoFocus />
              <button type="submit" className="primary">{t('settings.save')}</button>
            </form>
          ) : (
            <h3 className="info-name">{conversationTitle(s)}
              {admin && !left && <button type="button" className="link" onClick={() => { setName(group!.name); setEditingName(true); }}>{t('info.rename')}</button>}
            </h3>
          )}
          {group && <span className="muted small">{t('chat.members', { n: group.memberCount })}</span>}
        </div>
        {msg && <p className={msg.error ? 'form-error' : 'form-ok'} role={msg.error ? 'alert' : 'status'}>{msg.text}</p>}

        {group && (
          <section className="info-section" aria-labelledby="ann-h">
            <h4 id="ann-h">{t('info.announcement')}</h4>
            {editingAnn ? (
              <form onSubmit={saveAnn} className="stack">
                <textarea value={ann} onChange={e => setAnn(e.target.value)} rows={4} maxLength={2000} aria-label={t('info.announcement')} autoFocus />
                <span className="row">
                  <button type="submit" className="primary">{t('settings.save')}</button>
                  <button type="button" onClick={() => setEditingAnn(false)}>{t('compose.cancel')}</button>
                </span>
              </form>
            ) : (
              <>
                <p className={'announcement-full' + (group.announcement ? '' : ' muted')}>{group.announcement || t('info.noAnnouncement')}</p>
                {admin && !left && <button type="button" className="link" onClick={() => { setAnn(group.announcement ?? ''); setEditingAnn(true); }}>{t('info.editAnnouncement')}</button>}
              </>
            )}
          </section>
        )}

        <section className="info-section" aria-label={t('info.settings')}>
          {toggle('pinned', t('info.pin'))}
          {toggle('muted', t('info.mute'))}
          {toggle('archived', t('info.archive'))}
          {group && admin && !left && (
            <label className="switch-row">
              <span>{t('info.allMuted')}</span>
              <input type="checkbox" role="switch" checked={group.allMuted}
                onChange={e => act(() => groupsApi.update(client.api, group.id, { allMuted: e.target.checked }))} />
            </label>
          )}
          <button type="button" className="link danger-link" onClick={() => {
            if (confirm(t('info.confirmClear'))) act(() => client.clearHistory(conversationId), t('info.cleared'));
          }}>{t('info.clear')}</button>
        </section>

        {group && admin && !left && <InviteLinks client={client} groupId={group.id} />}
        {group && !left && <MemberList client={client} conversationId={conversationId} act={act} />}
        {group && admin && !left && <BanList client={client} groupId={group.id} version={group.memberCount} />}

        {group && !left && (
          <section className="info-section">
            {!owner && (
              <button type="button" className="danger wide" onClick={() => {
                if (confirm(t('info.confirmLeave'))) act(() => groupsApi.leave(client.api, group.id)).then(() => { client.pullAfter(conversationId).catch(() => {}); });
              }}>{t('info.leave')}</button>
            )}
            {owner && (
              <button type="button" className="danger wide" onClick={() => {
                if (confirm(t('info.confirmDissolve'))) act(() => groupsApi.dissolve(client.api, group.id)).then(() => { client.pullAfter(conversationId).catch(() => {}); onLeft(); });
              }}>{t('info.dissolve')}</button>
            )}
          </section>
        )}
      </div>
    </aside>
  );
}
