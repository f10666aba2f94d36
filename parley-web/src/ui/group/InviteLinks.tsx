import { useCallback, useEffect, useState } from 'react';
import { errorText, useI18n } from '../../i18n';
import type { ChatClient } from '../../protocol/client';
import { groupsApi } from '../../protocol/groupsApi';
import type { InviteView } from '../../protocol/types';
import { shortTime } from '../common';

/** The address an invite code opens: this page with #/invite/<code>. */
export function inviteUrl(code: string, loc: { origin: string; pathname: string } = location): string {
  return `${loc.origin}${loc.pathname}#/invite/${encodeURIComponent(code)}`;
}

/** Invite links of a group (admins): create, copy, revoke. */
export function InviteLinks({ client, groupId }: { client: ChatClient; groupId: number }) {
  const { t, lang } = useI18n();
  const [invites, setInvites] = useState<InviteView[] | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const load = useCallback(() => { groupsApi.invites(client.api, groupId).then(setInvites, e => setErr(errorText(t, e))); }, [client, groupId, t]);
  useEffect(load, [load]);

  async function run(fn: () => Promise<unknown>) {
    setErr(null);
    try { await fn(); load(); } catch (e) { setErr(errorText(t, e)); }
  }

  async function copy(code: string) {
    const url = inviteUrl(code);
    try { await navigator.clipboard.writeText(url); } catch { /* no clipboard permission: the link is shown to copy by hand */ }
    setCopied(code);
    setTimeout(() => setCopied(c => (c === code ? null : c)), 2000);
  }

  return (
    <section className="info-section" aria-labelledby="invites-h">
      <h4 id="invites-h" className="row-between">
        <span>{t('info.invites')}</span>
        <button type="button" className="link" onClick={() => run(() => groupsApi.createInvite(client.api, groupId))}>{t('info.createInvite')}</button>
      </h4>
      {err && <p className="form-error" role="alert">{err}</p>}
      {invites && invites.length === 0 && <p className="muted small">{t('info.noInvites')}</p>}
      <ul className="invites" aria-label={t('info.invites')}>
        {(invites ?? []).map(i => (
          <li key={i.code} className="invite" data-code={i.code}>
            <input readOnly value={inviteUrl(i.code)} aria-label={t('info.inviteLink')} onFocus={e => e.target.select()} className="invite-url" />
            <span className="row">
              <button type="button" onClick={() => copy(i.code)}>{copied === i.code ? t('info.copied') : t('info.copy')}</button>
              <button type="button" className="danger" onClick={() => run(() => groupsApi.revokeInvite(client.api, groupId, i.code))}>{t('info.revoke')}</button>
            </span>
            {i.expiresAt && <span className="muted small">{t('info.expires', { time: shortTime(i.expiresAt, lang) })}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
