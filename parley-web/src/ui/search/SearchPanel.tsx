import { useEffect, useRef, useState } from 'react';
import { errorText, useI18n } from '../../i18n';
import type { ChatClient } from '../../protocol/client';
import { highlight, searchMessages, toRows, type SearchRow } from '../../protocol/searchApi';
import type { Message } from '../../protocol/types';
import { conversationTitle, shortTime } from '../common';

/**
 * Message search, over all conversations (from the list) or within one (from a chat). Results come newest first,
 * each with a little context; choosing one opens its conversation at that message.
 */
export function SearchPanel({ client, conversationId, scopeName, onClose, onPick }: {
  client: ChatClient; conversationId?: number; scopeName?: string; onClose: () => void; onPick: (conversationId: number, seq: number) => void;
}) {
  const { t, lang } = useI18n();
  const [q, setQ] = useState('');
  const [rows, setRows] = useState<SearchRow[] | null>(null);
  const [next, setNext] = useState<string | undefined>();
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const seq = useRef(0);
  const query = q.trim();

  useEffect(() => {
    if (!query) { setRows(null); setNext(undefined); return; }
    const mine = ++seq.current;
    const timer = setTimeout(() => {
      setBusy(true);
      searchMessages(client.api, query, { conversationId }).then(page => {
        if (mine !== seq.current) return;
        for (const r of page.results) client.users.remember(r.conversation.peer);
        setRows(toRows(page.results));
        setNext(page.next);
        setErr(null);
      }, e => { if (mine === seq.current) setErr(errorText(t, e)); }).finally(() => { if (mine === seq.current) setBusy(false); });
    }, 250);
    return () => clearTimeout(timer);
  }, [query, conversationId, client, t]);

  async function more() {
    if (!next) return;
    const mine = seq.current;
    try {
      const page = await searchMessages(client.api, query, { conversationId, cursor: next });
      if (mine !== seq.current) return;
      setRows(r => toRows([...(r ?? []).map(x => x.result), ...page.results]));
      setNext(page.next);
    } catch (e) { setErr(errorText(t, e)); }
  }

  const label = conversationId !== undefined ? t('search.inConversation', { name: scopeName ?? '' }) : t('search.title');
  const line = (m: Message, hit: boolean) => {
    const who = m.senderId === client.me.id ? t('sys.you') : client.users.name(m.senderId);
    return (
      <span key={m.seq} className={'search-line' + (hit ? ' hit' : '')}>
        <span className="search-who">{who}: </span>
        {hit ? highlight(m.text ?? '', query).map((p, i) => p.hit ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>)
          : <span>{m.kind === 'system' ? '…' : (m.text ?? '')}</span>}
      </span>
    );
  };

  return (
    <aside className={'side-panel search-panel' + (conversationId === undefined ? ' global' : '')} aria-label={label}>
      <header className="pane-header">
        <h2>{label}</h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label={t('search.close')}>×</button>
      </header>
      <div className="search-box">
        <input type="search" value={q} onChange={e => setQ(e.target.value)} placeholder={t('search.placeholder')} aria-label={t('search.placeholder')}
          autoFocus onKeyDown={e => { if (e.key === 'Escape') onClose(); }} />
      </div>
      <div className="side-body search-results" role="region" aria-label={t('search.results')} aria-busy={busy}>
        {err && <p className="form-error" role="alert">{err}</p>}
        {rows && rows.length === 0 && !busy && <p className="empty">{t('search.noResults')}</p>}
        {rows && rows.length > 0 && (
          <ul className="results">
            {rows.map(r => (
              <li key={r.key}>
                <button type="button" className="result" data-seq={r.seq} data-conversation={r.conversationId} onClick={() => onPick(r.conversationId, r.seq)}>
                  <span className="result-top">
                    <strong>{conversationTitle(client.conversations.get(r.conversationId)?.summary ?? r.result.conversation)}</strong>
                    <time className="muted small">{shortTime(r.hit.sentAt, lang)}</time>
                  </span>
                  <span className="result-context">{r.context.map(m => line(m, m.seq === r.seq))}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        {next && <button type="button" className="wide" onClick={more}>{t('search.more')}</button>}
      </div>
    </aside>
  );
}
