import type { KeyboardEvent, MouseEvent } from 'react';

/**
 * A voice message's 64 amplitudes as bars; bars left of `progress` (0..1) are drawn as played. With `onSeek` it
 * is a slider: click or arrow keys move the playback position.
 */
export function Waveform({ values, progress = 0, onSeek, label, valueText }: {
  values: readonly number[]; progress?: number; onSeek?: (fraction: number) => void; label?: string; valueText?: string;
}) {
  const bars = values.length ? values : new Array(64).fill(0);
  const played = Math.round(Math.max(0, Math.min(1, progress)) * bars.length);
  const click = (e: MouseEvent<HTMLDivElement>) => {
    if (!onSeek) return;
    const r = e.currentTarget.getBoundingClientRect();
    if (r.width > 0) onSeek(Math.max(0, Math.min(1, (e.clientX - r.left) / r.width)));
  };
  const key = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!onSeek) return;
    const step = e.key === 'ArrowRight' || e.key === 'ArrowUp' ? 0.05 : e.key === 'ArrowLeft' || e.key === 'ArrowDown' ? -0.05 : 0;
    if (step) { e.preventDefault(); onSeek(Math.max(0, Math.min(1, progress + step))); }
  };
  return (
    <div className="waveform" onClick={click} onKeyDown={key}
      {...(onSeek ? { role: 'slider', tabIndex: 0, 'aria-label': label, 'aria-valuemin': 0, 'aria-valuemax': 100,
        'aria-valuenow': Math.round(progress * 100), 'aria-valuetext': valueText } : { 'aria-hidden': true })}>
      {bars.map((v, i) => (
        <span key={i} className={i < played ? 'bar played' : 'bar'} style={{ height: `${Math.max(12, (v / 255) * 100)}%` }} />
      ))}
    </div>
  );
}
