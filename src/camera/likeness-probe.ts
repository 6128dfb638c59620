/**
 * Likeness in camera mode: which tracked faces to measure, when, and what each slot's face should wear. A face is
 * measured once, after it has been tracked with landmarks for STABLE_FRAMES frames, from one small crop of that
 * frame read back to the CPU (never per frame, and no image is kept). A new person on a slot is measured anew.
 */
import type { Box } from './face-finder.js';
import { measureLikeness, type Likeness } from './likeness.js';

/** Frames a face is tracked with landmarks before it is measured: the smoothing has settled by then. */
const STABLE_FRAMES = 8;
/** The crop read back for a measure has at most this many pixels across the face's width. */
const CROP_FACE_PX = 160;

export interface LikenessTrack {
  id: number;
  slot: number;
  box: Box;
  /** 478 x (x, y, z) in video pixels; none with box tracking (then nothing is measured). */
  landmarks?: Float32Array | null;
}

export class LikenessProbe {
  private readonly frames = new Map<number, number>();
  private readonly measured = new Map<number, Likeness>();
  /** The track on each slot in the last frame. */
  private readonly slotTrack = new Map<number, number>();
  private canvas: OffscreenCanvas | HTMLCanvasElement | null = null;

  /** Measures each track that has become stable; returns the measures made in this frame. */
  update(video: HTMLVideoElement, tracks: readonly LikenessTrack[]): (Likeness & { id: number; slot: number })[] {
    const live = new Set(tracks.map((t) => t.id));
    for (const id of [...this.frames.keys()]) if (!live.has(id)) this.frames.delete(id);
    for (const id of [...this.measured.keys()]) if (!live.has(id)) this.measured.delete(id);
    this.slotTrack.clear();
    const made: (Likeness & { id: number; slot: number })[] = [];
    for (const t of tracks) {
      this.slotTrack.set(t.slot, t.id);
      if (!t.landmarks || this.measured.has(t.id)) continue;
      const n = (this.frames.get(t.id) ?? 0) + 1;
      this.frames.set(t.id, n);
      if (n < STABLE_FRAMES) continue;
      try {
        const likeness = this.measure(video, t.box, t.landmarks);
        this.measured.set(t.id, likeness);
        made.push({ id: t.id, slot: t.slot, ...likeness });
      } catch {
        // A face at the frame's edge with no pixels to read: tried again on the next frame.
      }
    }
    return made;
  }

  /** The measured track now on `slot` and its likeness, if it has been measured. */
  forSlot(slot: number): { id: number; likeness: Likeness } | null {
    const id = this.slotTrack.get(slot);
    const likeness = id === undefined ? undefined : this.measured.get(id);
    return likeness && id !== undefined ? { id, likeness } : null;
  }

  clear(): void {
    this.frames.clear();
    this.measured.clear();
    this.slotTrack.clear();
  }

  /** One crop around the face and the band above it, scaled down, read once. */
  private measure(video: HTMLVideoElement, box: Box, landmarks: Float32Array): Likeness {
    const vw = video.videoWidth,
      vh = video.videoHeight;
    const sx = Math.max(0, Math.floor(box.x - 0.3 * box.width)),
      sy = Math.max(0, Math.floor(box.y - 0.6 * box.height));
    const ex = Math.min(vw, Math.ceil(box.x + 1.3 * box.width)),
      ey = Math.min(vh, Math.ceil(box.y + 1.2 * box.height));
    if (ex <= sx || ey <= sy) throw new Error('likeness: the face is outside the frame');
    const scale = Math.min(1, CROP_FACE_PX / Math.max(1, box.width));
    const w = Math.max(1, Math.round((ex - sx) * scale)),
      h = Math.max(1, Math.round((ey - sy) * scale));
    this.canvas ??=
      typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(w, h) : document.createElement('canvas');
    const c = this.canvas;
    [c.width, c.height] = [w, h];
    const ctx = c.getContext('2d', { willReadFrequently: true }) as
      CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
    if (!ctx) throw new Error('likeness: expected a 2D canvas, got none');
    ctx.drawImage(video, sx, sy, ex - sx, ey - sy, 0, 0, w, h);
    const img = ctx.getImageData(0, 0, w, h);
    const points = [];
    for (let i = 0; i + 2 < landmarks.length; i += 3)
      points.push({ x: (landmarks[i]! - sx) * scale, y: (landmarks[i + 1]! - sy) * scale });
    return measureLikeness(img, points);
  }
}
