/**
 * Keeps each face's identity from frame to frame (greedy IoU matching) and smooths its box and landmarks with
 * a One-Euro filter. Each track holds a slot (0, 1, ...): the slot picks the track's generated face, so a face
 * keeps its look while it moves, and a freed slot is reused by the next new face.
 */
import type { Box, FaceDetection } from './face-finder.js';
import { OneEuroFilter, type OneEuroParams } from './one-euro.js';
import type { Point } from './similarity.js';

export interface TrackedFace {
  id: number;
  slot: number;
  box: Box;
  score: number;
  leftEye: Point;
  rightEye: Point;
  mouth: Point;
  /** Mesh tracking: the smoothed 478 landmarks (see FaceDetection). */
  landmarks?: Float32Array;
  /** Frames since the detector last saw it (0 = seen in this frame). */
  missed: number;
}

export interface TrackerOptions {
  smoothing: OneEuroParams;
  /** Minimum box IoU for a detection to continue a track. */
  minIou: number;
  /** A track unseen for more frames than this ends. */
  maxMissed: number;
}

export function iou(a: Box, b: Box): number {
  const x0 = Math.max(a.x, b.x),
    y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width),
    y1 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

interface Track {
  face: TrackedFace;
  raw: Box;
  filter: OneEuroFilter;
}

const HEAD = 10; // box, eyes, mouth; then the landmarks, if any

function pack(d: FaceDetection): Float64Array {
  const v = new Float64Array(HEAD + (d.landmarks?.length ?? 0));
  v.set([d.box.x, d.box.y, d.box.width, d.box.height, ...d.leftEye, ...d.rightEye, ...d.mouth]);
  if (d.landmarks) v.set(d.landmarks, HEAD);
  return v;
}

/** The filtered vector (see pack) as a track's geometry. */
function unpack(
  v: Float64Array,
  withLandmarks: boolean,
): Pick<TrackedFace, 'box' | 'leftEye' | 'rightEye' | 'mouth' | 'landmarks'> {
  const g: Pick<TrackedFace, 'box' | 'leftEye' | 'rightEye' | 'mouth' | 'landmarks'> = {
    box: { x: v[0]!, y: v[1]!, width: v[2]!, height: v[3]! },
    leftEye: [v[4]!, v[5]!],
    rightEye: [v[6]!, v[7]!],
    mouth: [v[8]!, v[9]!],
  };
  if (withLandmarks) g.landmarks = Float32Array.from(v.subarray(HEAD));
  return g;
}

export class FaceTracker {
  private tracks: Track[] = [];
  private nextId = 1;

  constructor(private readonly o: TrackerOptions) {}

  /** Feeds one frame's detections (best first); returns the live tracks, by slot. */
  update(detections: readonly FaceDetection[], tMs: number, maxFaces: number): TrackedFace[] {
    const pairs: { t: number; d: number; iou: number }[] = [];
    this.tracks.forEach((tr, t) =>
      detections.forEach((det, d) => {
        const v = iou(tr.raw, det.box);
        if (v >= this.o.minIou) pairs.push({ t, d, iou: v });
      }),
    );
    pairs.sort((a, b) => b.iou - a.iou);
    const usedT = new Set<number>(),
      usedD = new Set<number>();
    for (const p of pairs) {
      if (usedT.has(p.t) || usedD.has(p.d)) continue;
      usedT.add(p.t);
      usedD.add(p.d);
      this.observe(this.tracks[p.t]!, detections[p.d]!, tMs);
    }
    this.tracks.forEach((tr, t) => {
      if (!usedT.has(t)) tr.face.missed++;
    });
    this.tracks = this.tracks.filter((tr) => tr.face.missed <= this.o.maxMissed);
    detections.forEach((det, d) => {
      if (usedD.has(d) || this.tracks.length >= maxFaces) return;
      const taken = new Set(this.tracks.map((tr) => tr.face.slot));
      let slot = 0;
      while (taken.has(slot)) slot++;
      const tr: Track = {
        face: {
          id: this.nextId++,
          slot,
          box: det.box,
          score: det.score,
          leftEye: det.leftEye,
          rightEye: det.rightEye,
          mouth: det.mouth,
          missed: 0,
        },
        raw: det.box,
        filter: new OneEuroFilter(this.o.smoothing),
      };
      this.observe(tr, det, tMs);
      this.tracks.push(tr);
    });
    // max-faces lowered: keep the best-slotted ones.
    this.tracks.sort((a, b) => a.face.slot - b.face.slot);
    this.tracks.length = Math.min(this.tracks.length, maxFaces);
    return this.tracks.map((tr) => ({ ...tr.face }));
  }

  /**
   * The live tracks as they are likely to be at `tMs`, in a frame that face tracking did not read: each moved on
   * at the speed its smoothed geometry moved between its last two observations (OneEuroFilter.predict; at most
   * `maxAheadMs` past the last), while one the last read missed stays put; the first `maxFaces` by slot. Nothing
   * is learnt: the next update() goes on from the last observation, and no track counts the frame as a miss.
   */
  predict(tMs: number, maxFaces: number, maxAheadMs: number): TrackedFace[] {
    return this.tracks.slice(0, maxFaces).map((tr) => {
      // A face the last read missed stays where it was last seen, as update() shows it.
      const v = tr.face.missed === 0 ? tr.filter.predict(tMs, maxAheadMs) : null;
      return v ? { ...tr.face, ...unpack(v, tr.face.landmarks !== undefined) } : { ...tr.face };
    });
  }

  reset(): void {
    this.tracks = [];
  }

  private observe(tr: Track, det: FaceDetection, tMs: number): void {
    const v = tr.filter.filter(pack(det), tMs);
    tr.raw = det.box;
    Object.assign(tr.face, unpack(v, det.landmarks !== undefined));
    if (!det.landmarks) delete tr.face.landmarks;
    tr.face.score = det.score;
    tr.face.missed = 0;
  }
}
