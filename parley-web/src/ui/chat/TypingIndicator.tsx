import { useI18n } from '../../i18n';

/** "Bob is typing…" under the messages (names already resolved). */
export function TypingIndicator({ names }: { names: string[] }) {
  const { t } = useI18n();
  const text = names.length === 0 ? '' : names.length === 1 ? t('typing.one', { name: names[0] })
    : names.length === 2 ? t('typing.two', { a: names[0], b: names[1] }) : t('typing.many');
  return (
    <div className="typing" role="status" aria-live="polite">
      {text && <><span className="typing-dots" aria-hidden="true"><i /><i /><i /></span><span className="typing-text">{text}</span></>}
    </div>
  );
}
