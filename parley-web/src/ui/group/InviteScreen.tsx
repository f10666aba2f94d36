import { useEffect, useState } from 'react';
import { errorText, useI18n } from '../../i18n';
import type { ChatClient } from '../../protocol/client';
import { groupsApi } from '../../protocol/groupsApi';
import type { InvitePreview } from '../../protocol/types';
import { Dialog } from '../Dialog';
import { GroupAvatar } from '../common';

/** What an invite link (#/invite/<code>) opens: the group's name and size, and a Join button. */
export function InviteScreen({ client, code, onClose, onJoined }: {
  client: ChatClient; code: string; onClose: () => void; onJoined: (conversationId: number) => void;
}) {
  const { t } = useI18n();
  const [preview, setPreview] = useState<InvitePreview | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { groupsApi.invite(client.api, code).then(setPreview, e => setErr(errorText(t, e))); }, [client, code, t]);
  const member = preview ? client.conversationOfGroup(preview.group.id) : undefined;
  const isMember = member !== undefined && !member.summary.left;

  async function join() {
    setBusy(true);
    setErr(null);
    try {
      const g = await groupsApi.join(client.api, code);
      const c = await client.openGroup(g.id);
      onJoined(c?.summary.id ?? g.id);
    } catch (e) { setErr(errorText(t, e)); } finally { setBusy(false); }
  }

  return (
    <Dialog title={t('invite.title')} onClose={onClose} className="invite-dialog">
      {!preview && !err && <p className="muted">{t('auth.loading')}</p>}
      {preview && (
        <div className="info-hero">
          <GroupAvatar id={preview.group.id} name={preview.group.name} size={72} />
          <h3 className="info-name">{preview.group.name}</h3>
          <span className="muted">{t('chat.members', { n: preview.group.memberCount })}</span>
          {isMember
            ? <button type="button" className="primary" onClick={() => onJoined(member!.summary.id)}>{t('invite.open')}</button>
            : <button type="button" className="primary" disabled={busy} onClick={join}>{t('invite.join')}</button>}
        </div>
      )}
      {err && <p className="form-error" role="alert">{err}</p>}
    </Dialog>
  );
}
