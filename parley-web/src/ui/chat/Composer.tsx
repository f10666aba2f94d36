import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useI18n } from '../../i18n';
import { collectMentions, filterMembers, insertMention, mentionQuery, type MentionCandidate } from '../../protocol/mentions';
import type { Message } from '../../protocol/types';
import { SendIcon, SmileIcon } from '../icons';
import { EMOJIS } from '../common';
import { MentionPicker } from './MentionPicker';
import { AttachButton } from '../../media/AttachButton';
import { pastedFiles } from '../../media/DropZone';
import { VoiceRecorder } from '../../media/VoiceRecorder';

const MAX_CHARS = 8000;

export interface ComposerProps {
  onSend: (text: string, extras: { mentions: number[]; mentionsAll: boolean }) => void;
  /** Called on input (the parent tells the others, throttled). */
  onTyping?: () => void;
  /** A reply being written: the bar above the box. */
  replyTo?: { m: Message; name: string } | null;
  /** A message being edited: its text fills the box. */
  editing?: Message | null;
  onCancel?: () => void;
  /** Members that can be mentioned (groups); null: no mentions. */
  members?: MentionCandidate[] | null;
  meId?: number;
  /** May mention @all (admins and owner). */
  canMentionAll?: boolean;
  /** Why nothing can be sent (left the group, muted); the box is replaced by this note. */
  disabledReason?: string | null;
  /** Attachments are waiting (media): Send works without text, which is then the caption. */
  hasDrafts?: boolean;
  /** Files picked with the attach button or pasted. */
  onFiles?: (files: File[]) => void;
  /** A finished voice recording. */
  onVoice?: (blob: Blob, durationMs: number | undefined, waveform: number[] | undefined) => void;
}

/** The message box: text area (Enter sends, Shift+Enter breaks the line), emoji picker, @mentions, reply and edit bars. */
export function Composer({ onSend, onTyping, replyTo, editing, onCancel, members, meId = 0, canMentionAll, disabledReason, hasDrafts = false, onFiles, onVoice }: ComposerProps) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [emojiOpen, setEmojiOpen] = useState(false);
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<number | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  // The limit counts code points, as the server does.
  const tooLong = text.length > MAX_CHARS && [...text].length > MAX_CHARS;
  const wrap = useRef<HTMLDivElement>(null);
  const allLabel = canMentionAll ? t('mention.all') : null;

  const q = members ? mentionQuery(text, caret) : null;
  const options = q && members && q.start !== dismissed ? filterMembers(members, q.query, meId, allLabel) : [];

  useEffect(() => {
    if (editing) { setText(editing.text ?? ''); requestAnimationFrame(() => area.current?.focus()); }
  }, [editing]);
  useEffect(() => { if (replyTo) area.current?.focus(); }, [replyTo]);
  useEffect(() => { setActive(0); }, [q?.start, q?.query]);

  useEffect(() => {
    if (!emojiOpen) return;
    const close = (e: MouseEvent) => { if (!wrap.current?.contains(e.target as Node)) setEmojiOpen(false); };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [emojiOpen]);

  useLayoutEffect(() => {
    const el = area.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = Math.min(el.scrollHeight, 160) + 'px';
  }, [text]);

  if (disabledReason) return <div className="composer disabled" role="status">{disabledReason}</div>;

  const withDrafts = hasDrafts && !editing;
  function send() {
    if ((!text.trim() && !withDrafts) || tooLong) return;
    const labels = canMentionAll ? ['all', t('mention.all')] : null;
    const found = members ? collectMentions(text, members, labels) : { mentions: [], mentionsAll: false };
    onSend(text, found);
    setText('');
    setDismissed(null);
    area.current?.focus();
  }

  function pick(m: MentionCandidate) {
    if (!q) return;
    const r = insertMention(text, q.start, caret, m.name);
    setText(r.text);
    setCaret(r.caret);
    requestAnimationFrame(() => { area.current?.focus(); area.current?.setSelectionRange(r.caret, r.caret); });
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (options.length) {
      if (e.key === 'ArrowDown') { e.preventDefault(); setActive(a => (a + 1) % options.length); return; }
      if (e.key === 'ArrowUp') { e.preventDefault(); setActive(a => (a - 1 + options.length) % options.length); return; }
      if ((e.key === 'Enter' || e.key === 'Tab') && !e.nativeEvent.isComposing) { e.preventDefault(); pick(options[Math.min(active, options.length - 1)]); return; }
      if (e.key === 'Escape') { e.preventDefault(); setDismissed(q!.start); return; }
    }
    if (e.key === 'Escape' && (replyTo || editing)) { e.preventDefault(); if (editing) setText(''); onCancel?.(); return; }
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    }
  }

  function insert(emoji: string) {
    const el = area.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    const next = text.slice(0, start) + emoji + text.slice(end);
    setText(next);
    setEmojiOpen(false);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + emoji.length, start + emoji.length);
    });
  }

  return (
    <form className="composer-wrap" onSubmit={e => { e.preventDefault(); send(); }} aria-label={t('chat.composer')}>
      {(replyTo || editing) && (
        <div className="compose-bar">
          <span className="compose-bar-text">
            <strong>{editing ? t('compose.editing') : t('compose.replyingTo', { name: replyTo!.name })}</strong>
            <span className="muted">{(editing ?? replyTo!.m).text ?? ''}</span>
          </span>
          <button type="button" className="icon-button" onClick={() => { if (editing) setText(''); onCancel?.(); }} aria-label={t('compose.cancel')}>×</button>
        </div>
      )}
      <MentionPicker items={options} active={active} onPick={pick} />
      <div className="composer">
        <div className="emoji-wrap" ref={wrap}>
          <button type="button" className="icon-button" aria-label={t('chat.emoji')} aria-expanded={emojiOpen} aria-haspopup="true"
            onClick={() => setEmojiOpen(o => !o)}>
            <SmileIcon />
          </button>
          {emojiOpen && (
            <div className="emoji-picker" role="dialog" aria-label={t('chat.emojiPicker')}
              onKeyDown={e => { if (e.key === 'Escape') { setEmojiOpen(false); area.current?.focus(); } }}>
              {EMOJIS.map((em, i) => (
                <button type="button" key={em} className="emoji" onClick={() => insert(em)} aria-label={em} autoFocus={i === 0}>{em}</button>
              ))}
            </div>
          )}
        </div>
        {onFiles && !editing && <AttachButton onFiles={onFiles} />}
        <textarea ref={area} rows={1} autoFocus={typeof matchMedia === 'function' && matchMedia('(pointer: fine)').matches} value={text}
          onChange={e => { setText(e.target.value); setCaret(e.target.selectionStart ?? e.target.value.length); if (e.target.value) onTyping?.(); }}
          onSelect={e => setCaret((e.target as HTMLTextAreaElement).selectionStart ?? 0)}
          onKeyDown={onKeyDown}
          onPaste={e => { const files = onFiles && !editing ? pastedFiles(e) : []; if (files.length) { e.preventDefault(); onFiles!(files); } }}
          placeholder={t('chat.placeholder')} aria-label={t('chat.composer')} aria-describedby="composer-hint"
          aria-invalid={tooLong || undefined} aria-autocomplete={members ? 'list' : undefined}
          aria-controls={options.length ? 'mention-picker' : undefined}
          aria-activedescendant={options.length ? `mention-opt-${options[Math.min(active, options.length - 1)].id}` : undefined} />
        <span id="composer-hint" className="sr-only">{t('chat.hint')}</span>
        {tooLong && <span className="form-error small" role="alert">{t('chat.tooLong')}</span>}
        {onVoice && !editing && <VoiceRecorder onRecorded={onVoice} />}
        <button type="submit" className="primary send" disabled={(!text.trim() && !withDrafts) || tooLong} aria-label={editing ? t('compose.save') : t('chat.send')}>
          <SendIcon />
        </button>
      </div>
    </form>
  );
}
