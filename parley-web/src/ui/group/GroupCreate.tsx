import { useState, type FormEvent } from 'react';
import { errorText, useI18n } from '../../i18n';
import type { ChatClient } from '../../protocol/client';
import { groupsApi } from '../../protocol/groupsApi';
import { Dialog } from '../Dialog';
import { FriendPicker } from './FriendPicker';

/** A new group: a name and some friends; opens the group's conversation once created. */
export function GroupCreate({ client, onClose, onCreated }: { client: ChatClient; onClose: () => void; onCreated: (conversationId: number) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) return;
    setBusy(true);
    setErr(null);
    try {
      const g = await groupsApi.create(client.api, name.trim(), [...selected]);
      const c = await client.openGroup(g.id);
      onCreated(c?.summary.id ?? g.id);
    } catch (ex) {
      setErr(errorText(t, ex));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog title={t('group.create')} onClose={onClose}>
      <form onSubmit={submit} className="stack" aria-label={t('group.create')}>
        <label className="field"><span>{t('group.name')}</span>
          <input value={name} onChange={e => setName(e.target.value)} maxLength={64} required /></label>
        <FriendPicker api={client.api} selected={selected} onChange={setSelected} />
        {err && <p className="form-error" role="alert">{err}</p>}
        <button type="submit" className="primary" disabled={!name.trim() || busy}>{t('group.createButton')}</button>
      </form>
    </Dialog>
  );
}
