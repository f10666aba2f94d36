import { useRef, useState, type ClipboardEvent, type DragEvent } from 'react';
import { useI18n } from '../i18n';

const hasFiles = (e: DragEvent) => [...(e.dataTransfer?.types ?? [])].includes('Files');

/**
 * Drag and drop of files onto an element (the chat pane): spread `props` on it and render `overlay` inside it.
 * Enter/leave events fire for every child, so a counter tells when the drag really left.
 */
export function useFileDrop(onFiles: (files: File[]) => void) {
  const { t } = useI18n();
  const depth = useRef(0);
  const [over, setOver] = useState(false);
  const props = {
    onDragEnter: (e: DragEvent) => { if (!hasFiles(e)) return; e.preventDefault(); depth.current++; setOver(true); },
    onDragOver: (e: DragEvent) => { if (!hasFiles(e)) return; e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; },
    onDragLeave: (e: DragEvent) => { if (!hasFiles(e)) return; if (--depth.current <= 0) { depth.current = 0; setOver(false); } },
    onDrop: (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth.current = 0;
      setOver(false);
      const files = [...(e.dataTransfer.files ?? [])];
      if (files.length) onFiles(files);
    },
  };
  const overlay = over ? <div className="drop-overlay" aria-hidden="true"><span>{t('media.dropHere')}</span></div> : null;
  return { props, overlay };
}

/** Files pasted into the composer (a screenshot from the clipboard, files copied in a file manager). */
export function pastedFiles(e: ClipboardEvent): File[] {
  const dt = e.clipboardData;
  if (!dt) return [];
  const files = [...(dt.files ?? [])];
  if (files.length) return files;
  return [...(dt.items ?? [])].filter(i => i.kind === 'file').map(i => i.getAsFile()).filter((f): f is File => !!f);
}
