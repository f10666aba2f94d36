/** Wire types of media (protocol.md §15): uploads, media views, signed URLs. */
export type MediaKind = 'image' | 'voice' | 'video' | 'file';

/** A stored medium as the server describes it; also the attachment view of a `media` entry. */
export interface MediaView {
  id: string;
  kind: MediaKind;
  name: string;
  size: number;
  contentType: string;
  sha256?: string;
  width?: number;
  height?: number;
  durationMs?: number;
  /** 64 amplitudes 0..255 (voice). */
  waveform?: number[];
  thumbnail?: boolean;
  poster?: boolean;
}

/** The POST body that starts an upload. durationMs/waveform: client-side values for voice (the server prefers its own). */
export interface UploadRequest {
  kind: MediaKind;
  size: number;
  name: string;
  contentType?: string;
  durationMs?: number;
  waveform?: number[];
}

export interface UploadCreated { uploadId: string; offset: number; size: number; expiresAt?: number }
export interface UploadStatus { uploadId: string; offset: number; size?: number; media?: MediaView }
export interface PatchResult { uploadId: string; offset: number; media?: MediaView }

/** GET /media/{id}/url: signed paths usable without the bearer header, until expiresAt. */
export interface SignedUrls { url: string; thumbnailUrl?: string; posterUrl?: string; expiresAt: number }
