import { useCallback, useEffect, useState } from 'react';
import { errorText, useI18n } from '../../i18n';
import type { ChatClient } from '../../protocol/client';
import { groupsApi } from '../../protocol/groupsApi';
import type { BanView } from '../../protocol/types';
import { displayName, shortTime } from '../common';

/**
 * The users banned from a group (admins), each with "lift". Lifting does not add them back: they may be added or
 * join by link again. `version` changes when the member list changed, so a ban made from it shows up here.
 */
export function BanList({ client, groupId, version }: { client: ChatClient; groupId: number; version?: unknown }) {
  const { t, lang } = useI18n();
  const [bans, setBans] = useState<BanView[] | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const load = useCallback(() => {
    groupsApi.bans(client.api, groupId).then(p => setBans(p.bans), e => setErr(errorText(t, e)));
  }, [client, groupId, t]);
  useEffect(load, [load, version]);

  async function lift(userId: number) {
    setErr(null);
    try { await groupsApi.liftBan(client.api, groupId, userId); load(); } catch (e) { setErr(errorText(t, e)); }
  }

  return (
    <section className="info-section" aria-labelledby="bans-h">
      <h4 id="bans-h">{t('info.bans')}</h4>
      {err && <p className="form-error" role="alert">{err}</p>}
      {bans && bans.length === 0 && <p className="muted small">{t('info.noBans')}</p>}
      <ul className="people bans" aria-label={t('info.bans')}>
        {(bans ?? []).map(b => (
          <li key={b.user.id} className="person ban" data-username={b.user.username}>
            <span className="person-name">
              <strong>{displayName(b.user)}</strong>
              <span className="muted small">@{b.user.username} · {t('info.bannedAt', { time: shortTime(b.bannedAt, lang) })}</span>
            </span>
            <button type="button" aria-label={t('info.liftBanFor', { name: displayName(b.user) })} onClick={() => lift(b.user.id)}>
              {t('info.liftBan')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
