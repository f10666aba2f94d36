import { useCallback, useEffect, useState } from 'react';
import type { Api } from '../protocol/api';
import { ApiError, type RegistrationToken } from '../protocol/types';
import { errorText, useI18n } from '../i18n';
import { shortTime } from './common';
import { inviteLink } from './AuthScreen';

/**
 * Registration tokens as invite links: create, copy, revoke. Shown only to users the server lets create them
 * (admins, or everybody when the server allows it); for anyone else the list answers 403 and the card stays away.
 */
export function InviteLinks({ api }: { api: Api }) {
  const { t, lang } = useI18n();
  const [tokens, setTokens] = useState<RegistrationToken[] | null>(null);
  const [msg, setMsg] = useState<{ text: string; error?: boolean } | null>(null);

  const load = useCallback(() => {
    api.registrationTokens().then(setTokens, e => {
      if (e instanceof ApiError && e.status === 403) setTokens(null);
      else setMsg({ text: errorText(t, e), error: true });
    });
  }, [api, t]);
  useEffect(load, [load]);

  if (tokens === null) return null;

  async function create() {
    try {
      const made = await api.createRegistrationToken();
      setTokens(list => [made, ...(list ?? [])]);
      setMsg(null);
    } catch (e) { setMsg({ text: errorText(t, e), error: true }); }
  }

  async function copy(token: string) {
    try {
      await navigator.clipboard.writeText(inviteLink(token));
      setMsg({ text: t('invites.copied') });
    } catch (e) { setMsg({ text: errorText(t, e), error: true }); }
  }

  async function revoke(token: string) {
    try {
      await api.revokeRegistrationToken(token);
      setTokens(list => (list ?? []).filter(x => x.token !== token));
    } catch (e) { setMsg({ text: errorText(t, e), error: true }); }
  }

  return (
    <div className="card" role="group" aria-labelledby="invites-h">
      <h3 id="invites-h" className="card-title">{t('invites.title')}</h3>
      <p className="muted small">{t('invites.intro')}</p>
      {tokens.length === 0 ? <p className="muted">{t('invites.none')}</p> : (
        <ul className="people" aria-label={t('invites.title')}>
          {tokens.map(x => (
            <li key={x.token} className="person">
              <span className="person-name">
                <code>{x.token}</code>
                <span className="muted small">
                  {x.maxUses != null ? t('invites.uses', { uses: String(x.uses), max: String(x.maxUses) }) : t('invites.usesUnlimited', { uses: String(x.uses) })}
                  {x.expiresAt != null && <> · {t('invites.expires', { time: shortTime(x.expiresAt, lang) })}</>}
                  {!x.usable && <> · {t('invites.usedUp')}</>}
                </span>
              </span>
              {x.usable && <button type="button" onClick={() => copy(x.token)} aria-label={`${t('invites.copy')}: ${x.token}`}>{t('invites.copy')}</button>}
              <button type="button" onClick={() => revoke(x.token)} aria-label={`${t('invites.revoke')}: ${x.token}`}>{t('invites.revoke')}</button>
            </li>
          ))}
        </ul>
      )}
      {msg && <p className={msg.error ? 'form-error' : 'form-ok'} role="status">{msg.text}</p>}
      <button type="button" className="primary" onClick={create}>{t('invites.create')}</button>
    </div>
  );
}
