import { useRef } from 'react';
import { useI18n } from '../i18n';
import { PaperclipIcon } from './icons';

/** The composer's paperclip: opens the file picker (several files at once). */
export function AttachButton({ onFiles, disabled }: { onFiles: (files: File[]) => void; disabled?: boolean }) {
  const { t } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className="icon-button attach" aria-label={t('media.attach')} title={t('media.attach')}
        onClick={() => input.current?.click()} disabled={disabled}>
        <PaperclipIcon />
      </button>
      <input ref={input} type="file" multiple hidden aria-label={t('media.attach')} data-testid="attach-input"
        onChange={e => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          if (files.length) onFiles(files);
        }} />
    </>
  );
}
