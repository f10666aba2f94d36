import { useEffect, useState } from 'react';
import { useI18n } from '../../i18n';
import type { Api } from '../../protocol/api';
import type { Friend } from '../../protocol/types';
import { Avatar, displayName } from '../common';

/** Checkboxes over the user's friends (minus some), filtered by name. */
export function FriendPicker({ api, exclude, selected, onChange }: {
  api: Api; exclude?: Set<number>; selected: Set<number>; onChange: (s: Set<number>) => void;
}) {
  const { t } = useI18n();
  const [friends, setFriends] = useState<Friend[] | null>(null);
  const [filter, setFilter] = useState('');
  useEffect(() => { api.friends().then(setFriends, () => setFriends([])); }, [api]);
  const q = filter.trim().toLowerCase();
  const list = (friends ?? []).filter(f => !exclude?.has(f.user.id))
    .filter(f => !q || displayName(f.user).toLowerCase().includes(q) || f.user.username.includes(q));
  if (friends && friends.length === 0) return <p className="muted">{t('group.noFriends')}</p>;
  return (
    <div className="friend-picker">
      <input type="search" value={filter} onChange={e => setFilter(e.target.value)} placeholder={t('group.filterFriends')} aria-label={t('group.filterFriends')} />
      <ul className="people pick-list" aria-label={t('group.pickFriends')}>
        {list.map(f => (
          <li key={f.user.id} className="person" data-username={f.user.username}>
            <label className="pick">
              <input type="checkbox" checked={selected.has(f.user.id)} onChange={e => {
                const next = new Set(selected);
                if (e.target.checked) next.add(f.user.id); else next.delete(f.user.id);
                onChange(next);
              }} />
              <Avatar user={f.user} size={32} />
              <span className="person-name"><strong>{displayName(f.user)}</strong><span className="muted small">@{f.user.username}</span></span>
            </label>
          </li>
        ))}
      </ul>
      <p className="muted small">{t('group.selected', { n: selected.size })}</p>
    </div>
  );
}
