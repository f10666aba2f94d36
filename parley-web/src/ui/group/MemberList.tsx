import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../../i18n';
import type { ChatClient } from '../../protocol/client';
import { groupsApi } from '../../protocol/groupsApi';
import type { MemberView } from '../../protocol/types';
import { PresenceAvatar, displayName } from '../common';
import { AddMembers } from './AddMembers';

const ROLE_ORDER = { owner: 0, admin: 1, member: 2 } as const;

/** The members of a group with their roles, and what the caller may do to each (by their own role). */
export function MemberList({ client, conversationId, act }: {
  client: ChatClient; conversationId: number; act: (fn: () => Promise<unknown>, ok?: string) => Promise<void>;
}) {
  const { t, lang } = useI18n();
  const group = client.conversations.get(conversationId)?.summary.group;
  const members = client.membersOf(conversationId);
  const [adding, setAdding] = useState(false);
  const [menu, setMenu] = useState<number | null>(null);
  const me = client.me.id;
  const ids = members?.map(m => m.user.id).join(',') ?? '';
  useEffect(() => {
    if (members && members.length <= 500) client.loadPresence(members.map(m => m.user.id)).catch(() => {});
  }, [ids]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!group) return null;
  const myRole = group.role;
  const sorted = members ? [...members].sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || displayName(a.user).localeCompare(displayName(b.user), lang)) : null;
  const now = Date.now();

  function actions(m: MemberView): { label: string; run: () => void }[] {
    if (m.user.id === me) return [];
    const out: { label: string; run: () => void }[] = [];
    const name = displayName(m.user);
    const over = myRole === 'owner' || (myRole === 'admin' && m.role === 'member');
    if (myRole === 'owner') {
      out.push(m.role === 'admin'
        ? { label: t('info.makeMember'), run: () => act(() => groupsApi.setRole(client.api, group!.id, m.user.id, 'member')) }
        : { label: t('info.makeAdmin'), run: () => act(() => groupsApi.setRole(client.api, group!.id, m.user.id, 'admin')) });
    }
    if (over) {
      if (m.mutedUntil && m.mutedUntil > now) out.push({ label: t('info.unmute'), run: () => act(() => groupsApi.unmute(client.api, group!.id, m.user.id)) });
      else {
        out.push({ label: t('info.mute1h'), run: () => act(() => groupsApi.mute(client.api, group!.id, m.user.id, 60)) });
        out.push({ label: t('info.mute1d'), run: () => act(() => groupsApi.mute(client.api, group!.id, m.user.id, 1440)) });
      }
      out.push({ label: t('info.remove'), run: () => { if (confirm(t('info.confirmRemove', { name }))) act(() => groupsApi.removeMember(client.api, group!.id, m.user.id)); } });
      out.push({ label: t('info.ban'), run: () => { if (confirm(t('info.confirmBan', { name }))) act(() => groupsApi.ban(client.api, group!.id, m.user.id)); } });
    }
    if (myRole === 'owner') {
      out.push({ label: t('info.transfer'), run: () => { if (confirm(t('info.confirmTransfer', { name }))) act(() => groupsApi.transfer(client.api, group!.id, m.user.id)); } });
    }
    return out;
  }

  return (
    <section className="info-section" aria-labelledby="members-h">
      <h4 id="members-h" className="row-between">
        <span>{t('info.members')} · {group.memberCount}</span>
        {(myRole === 'owner' || myRole === 'admin') && <button type="button" className="link" onClick={() => setAdding(true)}>{t('info.addMembers')}</button>}
      </h4>
      {!sorted ? <p className="muted small">{t('auth.loading')}</p> : (
        <ul className="people members" aria-label={t('info.members')}>
          {sorted.map(m => {
            const acts = actions(m);
            const muted = m.mutedUntil !== undefined && m.mutedUntil > now;
            return (
              <li key={m.user.id} className="person member" data-username={m.user.username} data-role={m.role}>
                <PresenceAvatar user={m.user} size={34} state={client.presence.get(m.user.id)?.state} />
                <span className="person-name">
                  <strong>{displayName(m.user)}{m.user.id === me ? ` ${t('info.you')}` : ''}</strong>
                  <span className="muted small">@{m.user.username}{muted ? ` · ${t('info.mutedUntil', { time: new Date(m.mutedUntil!).toLocaleString(lang) })}` : ''}</span>
                </span>
                {m.role !== 'member' && <span className={`chip role-${m.role}`}>{t(`role.${m.role}`)}</span>}
                {acts.length > 0 && <MemberMenu label={t('info.memberActions', { name: displayName(m.user) })} open={menu === m.user.id}
                  onToggle={o => setMenu(o ? m.user.id : null)} actions={acts} />}
              </li>
            );
          })}
        </ul>
      )}
      {adding && <AddMembers client={client} groupId={group.id} existing={new Set(members?.map(m => m.user.id) ?? [])}
        onClose={() => setAdding(false)} onAdded={() => { setAdding(false); act(async () => {}); }} />}
    </section>
  );
}

function MemberMenu({ label, open, onToggle, actions }: {
  label: string; open: boolean; onToggle: (open: boolean) => void; actions: { label: string; run: () => void }[];
}) {
  const wrap = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => { if (!wrap.current?.contains(e.target as Node)) onToggle(false); };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open, onToggle]);
  return (
    <span className="menu-wrap" ref={wrap}>
      <button type="button" className="icon-button" aria-label={label} aria-haspopup="menu" aria-expanded={open} onClick={() => onToggle(!open)}>⋯</button>
      {open && (
        <ul className="menu" role="menu" aria-label={label} onKeyDown={e => { if (e.key === 'Escape') onToggle(false); }}>
          {actions.map((a, i) => (
            <li key={a.label} role="none">
              <button type="button" role="menuitem" autoFocus={i === 0} onClick={() => { onToggle(false); a.run(); }}>{a.label}</button>
            </li>
          ))}
        </ul>
      )}
    </span>
  );
}
