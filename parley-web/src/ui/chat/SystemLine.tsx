import { useI18n } from '../../i18n';
import type { Message } from '../../protocol/types';
import { useChat } from './ChatContext';
import { systemText } from './systemText';

/** A group system entry, inline in the timeline ("Alice added Bob"). */
export function SystemLine({ e }: { e: Message }) {
  const { t, lang } = useI18n();
  const { client } = useChat();
  return (
    <div className="sys-line" data-seq={e.seq} data-event={e.system?.event} id={`msg-${e.seq}`}>
      <span>{systemText(e, client.me.id, id => client.users.name(id), t, lang)}</span>
    </div>
  );
}
