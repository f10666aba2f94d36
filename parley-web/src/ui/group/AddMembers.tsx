import { useState } from 'react';
import { errorText, useI18n } from '../../i18n';
import type { ChatClient } from '../../protocol/client';
import { groupsApi } from '../../protocol/groupsApi';
import { Dialog } from '../Dialog';
import { FriendPicker } from './FriendPicker';

/** Adds friends to a group (admins and owner). */
export function AddMembers({ client, groupId, existing, onClose, onAdded }: {
  client: ChatClient; groupId: number; existing: Set<number>; onClose: () => void; onAdded: () => void;
}) {
  const { t } = useI18n();
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Dialog title={t('info.addMembers')} onClose={onClose}>
      <FriendPicker api={client.api} exclude={existing} selected={selected} onChange={setSelected} />
      {err && <p className="form-error" role="alert">{err}</p>}
      <button type="button" className="primary" disabled={!selected.size || busy} onClick={async () => {
        setBusy(true);
        try { await groupsApi.addMembers(client.api, groupId, [...selected]); onAdded(); }
        catch (e) { setErr(errorText(t, e)); } finally { setBusy(false); }
      }}>{t('info.add')}</button>
    </Dialog>
  );
}
