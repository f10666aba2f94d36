import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { errorText, useI18n } from '../../i18n';
import type { ChatClient } from '../../protocol/client';
import { groupsApi } from '../../protocol/groupsApi';
import type { InviteView } from '../../protocol/types';
import { shortTime } from '../common';

/** The address an invite code opens: this page with #/invite/<code>. */
export function inviteUrl(code: string, loc: { origin: string; pathname: string } = location): string {
  return `${loc.origin}${loc.pathname}#/invite/${encodeURIComponent(code)}`;
}

/** Expiry choices for a new link, in hours (0: never). */
const EXPIRY_CHOICES = [
  { hours: 0, label: 'info.inviteNever' },
  { hours: 1, label: 'info.inviteHour' },
  { hours: 24, label: 'info.inviteDay' },
  { hours: 24 * 7, label: 'info.inviteWeek' },
  { hours: 24 * 30, label: 'info.inviteMonth' },
] as const;
/** The server's bound on a link's uses (protocol.md §12). */
export const MAX_INVITE_USES = 100_000;

/** The limits of a new link from the form's values: an empty or non-positive use count means no limit. */
export function inviteLimits(expiryHours: number, maxUses: string): { expiresInHours?: number; maxUses?: number } {
  const uses = Number.parseInt(maxUses, 10);
  return {
    ...(expiryHours > 0 ? { expiresInHours: expiryHours } : {}),
    ...(Number.isFinite(uses) && uses > 0 ? { maxUses: Math.min(uses, MAX_INVITE_USES) } : {}),
  };
}

/** Invite links of a group (admins): create with an expiry and a use limit, copy, revoke; each shows what is left of it. */
export function InviteLinks({ client, groupId }: { client: ChatClient; groupId: number }) {
  const { t, lang } = useI18n();
  const [invites, setInvites] = useState<InviteView[] | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const [expiry, setExpiry] = useState<number>(0);
  const [maxUses, setMaxUses] = useState('');
  const load = useCallback(() => { groupsApi.invites(client.api, groupId).then(setInvites, e => setErr(errorText(t, e))); }, [client, groupId, t]);
  useEffect(load, [load]);

  async function run(fn: () => Promise<unknown>) {
    setErr(null);
    try { await fn(); load(); } catch (e) { setErr(errorText(t, e)); }
  }

  function create(e: FormEvent) {
    e.preventDefault();
    run(() => groupsApi.createInvite(client.api, groupId, inviteLimits(expiry, maxUses))).then(() => setMaxUses(''));
  }

  async function copy(code: string) {
    const url = inviteUrl(code);
    try { await navigator.clipboard.writeText(url); } catch { /* no clipboard permission: the link is shown to copy by hand */ }
    setCopied(code);
    setTimeout(() => setCopied(c => (c === code ? null : c)), 2000);
  }

  return (
    <section className="info-section" aria-labelledby="invites-h">
      <h4 id="invites-h">{t('info.invites')}</h4>
      <form className="invite-form row" onSubmit={create}>
        <label className="small">{t('info.inviteExpiry')}
          <select value={expiry} onChange={e => setExpiry(Number(e.target.value))}>
            {EXPIRY_CHOICES.map(c => <option key={c.hours} value={c.hours}>{t(c.label)}</option>)}
          </select>
        </label>
        <label className="small">{t('info.inviteMaxUses')}
          <input type="number" min={1} max={MAX_INVITE_USES} step={1} inputMode="numeric" value={maxUses}
            onChange={e => setMaxUses(e.target.value)} className="invite-uses" />
        </label>
        <button type="submit" className="link">{t('info.createInvite')}</button>
      </form>
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
            <span className="muted small invite-limits">
              {i.expiresAt ? t('info.expires', { time: shortTime(i.expiresAt, lang) }) : t('info.neverExpires')}
              {' · '}
              {i.maxUses ? t('info.usesLeft', { n: i.remainingUses ?? Math.max(0, i.maxUses - i.uses), max: i.maxUses })
                : t('info.usesUnlimited', { n: i.uses ?? 0 })}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
