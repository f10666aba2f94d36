import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n';
import { formatDuration } from './format';
import { MicIcon, StopSendIcon, TrashIcon } from './icons';
import { analyseAudio } from './waveform';

/** Recordings stop on their own after this long (a voice message, not a podcast). */
const MAX_MS = 10 * 60_000;

const MIME = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/mp4', 'audio/webm'];

type State = { kind: 'idle' } | { kind: 'starting' } | { kind: 'recording'; startedAt: number } | { kind: 'error'; message: string };

/**
 * The composer's microphone: records with MediaRecorder, shows a timer, and hands the recording over with its
 * duration and 64-bucket waveform (WebAudio) when stopped; cancel (or Esc) throws it away.
 */
export function VoiceRecorder({ onRecorded, disabled }: {
  onRecorded: (blob: Blob, durationMs: number | undefined, waveform: number[] | undefined) => void; disabled?: boolean;
}) {
  const { t } = useI18n();
  const [state, setState] = useState<State>({ kind: 'idle' });
  const [now, setNow] = useState(0);
  const rec = useRef<{ recorder: MediaRecorder; stream: MediaStream; chunks: Blob[]; keep: boolean; elapsed?: number } | null>(null);
  const done = useRef(onRecorded);
  done.current = onRecorded;

  useEffect(() => () => { const r = rec.current; if (r) { r.keep = false; if (r.recorder.state !== 'inactive') r.recorder.stop(); r.stream.getTracks().forEach(x => x.stop()); } }, []);

  useEffect(() => {
    if (state.kind !== 'recording') return;
    const tick = setInterval(() => {
      setNow(Date.now());
      if (Date.now() - state.startedAt >= MAX_MS) stop(true);
    }, 250);
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape') stop(false); };
    document.addEventListener('keydown', onKey);
    return () => { clearInterval(tick); document.removeEventListener('keydown', onKey); };
  }, [state]); // eslint-disable-line react-hooks/exhaustive-deps

  async function start() {
    if (typeof MediaRecorder === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
      setState({ kind: 'error', message: t('media.micUnsupported') });
      return;
    }
    setState({ kind: 'starting' });
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      setState({ kind: 'error', message: t('media.micDenied') });
      return;
    }
    const mimeType = MIME.find(m => MediaRecorder.isTypeSupported(m));
    const recorder = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
    const r = { recorder, stream, chunks: [] as Blob[], keep: false, elapsed: undefined as number | undefined };
    rec.current = r;
    recorder.ondataavailable = e => { if (e.data.size) r.chunks.push(e.data); };
    recorder.onstop = async () => {
      stream.getTracks().forEach(x => x.stop());
      if (rec.current === r) rec.current = null;
      if (!r.keep || !r.chunks.length) return;
      // The container type without codec parameters: what the upload declares.
      const blob = new Blob(r.chunks, { type: (recorder.mimeType || mimeType || 'audio/webm').split(';')[0] });
      const a = await analyseAudio(blob);
      done.current(blob, a.durationMs ?? r.elapsed, a.waveform);
    };
    recorder.start(250);
    const startedAt = Date.now();
    setNow(startedAt);
    setState({ kind: 'recording', startedAt });
  }

  function stop(keep: boolean) {
    const r = rec.current;
    if (!r) return;
    r.keep = keep;
    r.elapsed = state.kind === 'recording' ? Date.now() - state.startedAt : undefined;
    if (r.recorder.state !== 'inactive') r.recorder.stop();
    setState({ kind: 'idle' });
  }

  if (state.kind === 'recording') {
    const elapsed = formatDuration(now - state.startedAt);
    return (
      <div className="recorder" role="group" aria-label={t('media.record')}>
        <button type="button" className="icon-button" aria-label={t('media.cancelRecording')} onClick={() => stop(false)}><TrashIcon /></button>
        <span className="rec-dot" aria-hidden="true" />
        <span className="rec-time" role="timer" aria-live="off">{t('media.recording', { time: elapsed })}</span>
        <button type="button" className="primary send" aria-label={t('media.stopSend')} onClick={() => stop(true)} autoFocus><StopSendIcon /></button>
      </div>
    );
  }
  return (
    <>
      <button type="button" className="icon-button record" aria-label={t('media.record')} title={t('media.record')}
        onClick={start} disabled={disabled || state.kind === 'starting'}>
        <MicIcon />
      </button>
      {state.kind === 'error' && <span className="form-error small rec-error" role="alert">{state.message}</span>}
    </>
  );
}
