// Helpers for the lens tests: the camera pipeline wearing a marker face whose eyes can be found in pixels,
// and what each processed frame showed.
import {
  CameraPipeline,
  type CameraTrackDetail,
  type CameraPipelineOptions,
  type CameraSettings,
} from '../src/camera/camera-pipeline.js';
import { assets } from '../src/core/assets.js';
import { DEFAULTS } from '../src/core/defaults.js';
import { readFrameCode } from '../scripts/fake-camera-clips.mjs';

export interface Rgba {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/**
 * A generated-face stand-in, premultiplied RGBA bytes: green where the head is, the model's canonical
 * image-left eye a red disc, the image-right eye a blue one, transparent outside the head.
 */
export function markerFace(
  R: number,
  canonical: { leftEye: readonly number[]; rightEye: readonly number[]; mouth: readonly number[] },
): Uint8Array {
  const out = new Uint8Array(R * R * 4);
  const eyeR = 0.035 * R;
  for (let y = 0; y < R; y++) {
    for (let x = 0; x < R; x++) {
      const i = 4 * (y * R + x);
      if (Math.hypot(x - R / 2, (y - R / 2) / 1.15) > 0.4 * R) continue;
      let c = [0, 200, 0];
      if (Math.hypot(x - canonical.leftEye[0]!, y - canonical.leftEye[1]!) < eyeR) c = [255, 0, 0];
      if (Math.hypot(x - canonical.rightEye[0]!, y - canonical.rightEye[1]!) < eyeR) c = [0, 0, 255];
      out.set([c[0]!, c[1]!, c[2]!, 255], i);
    }
  }
  return out;
}

/** The canvas's pixels now (a WebGL canvas: call it in the same task as the draw). */
export function snapshot(canvas: HTMLCanvasElement): Rgba {
  const c = document.createElement('canvas');
  c.width = canvas.width;
  c.height = canvas.height;
  const ctx = c.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(canvas, 0, 0);
  return ctx.getImageData(0, 0, c.width, c.height);
}

const MARKERS = {
  red: (r: number, g: number, b: number) => r > 170 && g < 70 && b < 70,
  blue: (r: number, g: number, b: number) => b > 170 && r < 70 && g < 90,
  green: (r: number, g: number, b: number) => g > 140 && r < 60 && b < 60,
};

/** The centre of the pixels of a marker colour, or null if there are fewer than 6. */
export function blobCentre(img: Rgba, colour: keyof typeof MARKERS): [number, number] | null {
  const is = MARKERS[colour];
  let sx = 0,
    sy = 0,
    n = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const i = 4 * (y * img.width + x);
      if (is(img.data[i]!, img.data[i + 1]!, img.data[i + 2]!)) {
        sx += x;
        sy += y;
        n++;
      }
    }
  }
  return n >= 6 ? [sx / n, sy / n] : null;
}

/** The share of pixels inside a polygon (frame pixels) that are of a marker colour. */
export function shareInPolygon(
  img: Rgba,
  polygon: readonly (readonly [number, number])[],
  colour: keyof typeof MARKERS,
): { share: number; pixels: number } {
  const is = MARKERS[colour];
  const xs = polygon.map((p) => p[0]),
    ys = polygon.map((p) => p[1]);
  let hit = 0,
    n = 0;
  for (
    let y = Math.max(0, Math.floor(Math.min(...ys)));
    y <= Math.min(img.height - 1, Math.ceil(Math.max(...ys)));
    y++
  ) {
    for (
      let x = Math.max(0, Math.floor(Math.min(...xs)));
      x <= Math.min(img.width - 1, Math.ceil(Math.max(...xs)));
      x++
    ) {
      let inside = false;
      for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
        const [xi, yi] = polygon[i]!,
          [xj, yj] = polygon[j]!;
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
      if (!inside) continue;
      n++;
      const k = 4 * (y * img.width + x);
      if (is(img.data[k]!, img.data[k + 1]!, img.data[k + 2]!)) hit++;
    }
  }
  return { share: n ? hit / n : 0, pixels: n };
}

export interface Sample {
  frame: number;
  detail: CameraTrackDetail;
  shot: Rgba;
}

/**
 * The pipeline on the fake camera, mesh tracking, unmirrored, unlit and unfeathered, wearing the marker face
 * placed by the toon model's canonical points. Each processed frame is kept with a snapshot of what it drew.
 */
export async function startLensPipeline(
  o: Partial<CameraPipelineOptions> = {},
  settings: Partial<CameraSettings> = {},
) {
  const model = await (await fetch(new URL('../models/toon/model.json', import.meta.url))).json();
  const canvas = document.createElement('canvas');
  document.body.append(canvas);
  const samples: Sample[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  let onSample: ((s: Sample) => void) | null = null;
  const pipeline = new CameraPipeline(
    {
      canvas,
      tracking: 'mesh',
      faceModelUrl: assets.faceDetector(),
      landmarkModelUrl: assets.faceLandmarker(),
      wasmBase: assets.mediapipeWasm(),
      delegate: 'CPU',
      minScore: 0.5,
      capture: { width: 640, height: 480 },
      tracker: {
        smoothing: DEFAULTS.camera.smoothing,
        minIou: DEFAULTS.camera.minIou,
        maxMissed: DEFAULTS.camera.maxMissed,
      },
      faceResolution: model.resolution,
      canonical: model.canonical,
      faceFor: async () => markerFace(model.resolution, model.canonical),
      // The composited frame is still in the drawing buffer while the report is made: read it now.
      onTrack: (detail) => {
        const shot = snapshot(canvas);
        const s = { frame: readFrameCode(shot.data, shot.width) ?? -1, detail, shot };
        samples.push(s);
        onSample?.(s);
      },
      onError: (type, message) => errors.push(`${type}: ${message}`),
      onWarning: (type, message) => warnings.push(`${type}: ${message}`),
      onLikeness: () => {},
      ...o,
    },
    { maxFaces: 1, mirror: false, opacity: 1, feather: 0, lighting: 0, likeness: false, ...settings },
  );
  await pipeline.start();
  const until = (ok: (s: Sample) => boolean, ms = 120000) =>
    new Promise<Sample>((resolve, reject) => {
      const t = setTimeout(
        () =>
          reject(
            new Error(
              `no frame with ${ok} in ${ms} ms (${samples.length} frames; errors ${errors.join('; ') || 'none'})`,
            ),
          ),
        ms,
      );
      onSample = (s) => {
        if (!ok(s)) return;
        clearTimeout(t);
        onSample = null;
        resolve(s);
      };
    });
  return { pipeline, canvas, samples, warnings, errors, until };
}

/** A frame with one face, overlaid, whose clip frame number could be read. */
export const overlaid = (s: Sample) => s.detail.faces.length === 1 && s.detail.faces[0]!.overlaid && s.frame >= 0;
