/** Voice waveforms: 64 amplitudes 0..255, the shape the server stores (protocol.md §15). */
export const WAVEFORM_BUCKETS = 64;

/**
 * RMS of each of `buckets` equal slices of the samples, scaled so the loudest slice is 255 (a silent recording
 * stays all zeros). Slices of a recording shorter than `buckets` samples may be empty: 0.
 */
export function bucketWaveform(samples: ArrayLike<number>, buckets = WAVEFORM_BUCKETS): number[] {
  const n = samples.length;
  const rms: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets);
    let sum = 0;
    for (let i = from; i < to; i++) sum += samples[i] * samples[i];
    rms.push(to > from ? Math.sqrt(sum / (to - from)) : 0);
  }
  const max = Math.max(0, ...rms);
  return rms.map(v => (max > 0 ? Math.round((v / max) * 255) : 0));
}

/** Down-mixes channels to one (the mean), as the waveform shows one line. */
export function mixDown(channels: readonly Float32Array[]): Float32Array {
  if (channels.length === 1) return channels[0];
  const n = Math.min(...channels.map(c => c.length));
  const out = new Float32Array(n);
  for (const c of channels) for (let i = 0; i < n; i++) out[i] += c[i] / channels.length;
  return out;
}

/** Duration and waveform of a recording, decoded with WebAudio. Resolves without them where decoding fails. */
export async function analyseAudio(blob: Blob): Promise<{ durationMs?: number; waveform?: number[] }> {
  const Ctx = globalThis.AudioContext ?? (globalThis as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctx) return {};
  const ctx = new Ctx();
  try {
    const audio = await ctx.decodeAudioData(await blob.arrayBuffer());
    const channels = Array.from({ length: audio.numberOfChannels }, (_, i) => audio.getChannelData(i));
    return { durationMs: Math.round(audio.duration * 1000), waveform: bucketWaveform(mixDown(channels)) };
  } catch {
    return {};
  } finally {
    ctx.close().catch(() => {});
  }
}
