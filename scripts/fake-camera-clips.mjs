// @ts-check
// The fake camera's clips as data and pure functions of the frame number, shared by the clip writer
// (scripts/fake-camera.mjs, Node) and the tests that read a clip's motion back (in the browser).

/**
 * @typedef {{ photo: string; x: number; y: number; width: number; height: number; slide: number; frames: number;
 *   out: number[]; roll?: number; code?: boolean; noise?: number }} Clip
 */

/**
 * Each clip: which photo, the window (in photo pixels) at the start, how far it slides (photo pixels, over
 * half the frames), and the output size. Optional: `roll`, the turn (degrees, clockwise on screen) that sweeps
 * from -roll to +roll over half the frames and back, slowing to a stop at each end as a head does (a turn that
 * reverses from one frame to the next is no motion a lens has to follow); `code`, the frame number drawn in the
 * top-left corner; `noise`, a camera sensor's grain: Gaussian noise of that standard deviation (8-bit luma
 * levels), new in every frame, so that landmarks on a still face move as they do on a real camera's.
 * Faces: sample3 has a face at (1070..1348, 235..513), centre about (1209, 374), with others at x < 845 and
 * x > 1500; sample1 has three faces across the photo, the right one laughing, mouth open, near (1560, 320).
 * `still-face` holds sample3's face still (jitter), `sliding-face` slides it with frame codes (lag), and
 * `group-small` shows all of sample6, a group whose faces are about 40 to 70 px wide in the 640 px frame.
 */
/** @type {Record<'one-face' | 'three-faces' | 'turning-face' | 'open-mouth' | 'still-face' | 'sliding-face' | 'group-small', Clip>} */
export const CLIPS = {
  'one-face': { photo: 'sample3.jpg', x: 880, y: 150, width: 560, height: 420, slide: 60, frames: 48, out: [640, 480] },
  'three-faces': {
    photo: 'sample1.jpg',
    x: 160,
    y: 0,
    width: 1600,
    height: 1200,
    slide: 120,
    frames: 48,
    out: [640, 480],
  },
  'turning-face': {
    photo: 'sample3.jpg',
    x: 929,
    y: 164,
    width: 560,
    height: 420,
    slide: 0,
    roll: 30,
    code: true,
    frames: 180,
    out: [640, 480],
  },
  'open-mouth': {
    photo: 'sample1.jpg',
    x: 1290,
    y: 110,
    width: 560,
    height: 420,
    slide: 30,
    code: true,
    frames: 48,
    out: [640, 480],
  },
  'still-face': {
    photo: 'sample3.jpg',
    x: 929,
    y: 164,
    width: 560,
    height: 420,
    slide: 0,
    code: true,
    noise: 3,
    frames: 48,
    out: [640, 480],
  },
  'sliding-face': {
    photo: 'sample3.jpg',
    x: 880,
    y: 150,
    width: 560,
    height: 420,
    slide: 60,
    code: true,
    noise: 3,
    frames: 48,
    out: [640, 480],
  },
  'group-small': {
    photo: 'sample6.jpg',
    x: 0,
    y: 48,
    width: 1920,
    height: 1440,
    slide: 0,
    frames: 24,
    out: [640, 480],
  },
};

/** The frame-number code: `bits` squares (white 1, black 0, least significant first) in a row. */
export const FRAME_CODE = { bits: 8, x: 6, y: 6, size: 14, step: 18 };

/**
 * Where the clip is in its ping-pong at frame `f`: 0 at the start, 1 halfway.
 * @param {Clip} clip
 * @param {number} f
 */
function phase(clip, f) {
  const half = clip.frames / 2;
  return f < half ? f / half : (clip.frames - f) / half;
}

/**
 * Where the window starts in frame `f`: it slides right for half the clip and back.
 * @param {Clip} clip
 * @param {number} f
 */
export function windowAt(clip, f) {
  return { x: clip.x + phase(clip, f) * clip.slide, y: clip.y, width: clip.width, height: clip.height };
}

/**
 * The clip's turn in frame `f`, degrees clockwise on screen.
 * @param {Clip} clip
 * @param {number} f
 */
export function rollAt(clip, f) {
  return clip.roll ? -clip.roll * Math.cos(Math.PI * phase(clip, f)) : 0;
}

/**
 * The frame number in an RGBA image of the unmirrored frame (width `w`), or null if no code is there.
 * @param {ArrayLike<number>} rgba
 * @param {number} w
 * @returns {number | null}
 */
export function readFrameCode(rgba, w) {
  let f = 0;
  for (let k = 0; k < FRAME_CODE.bits; k++) {
    const x = Math.round(FRAME_CODE.x + k * FRAME_CODE.step + FRAME_CODE.size / 2),
      y = Math.round(FRAME_CODE.y + FRAME_CODE.size / 2);
    const i = 4 * (y * w + x);
    const l = (rgba[i] + rgba[i + 1] + rgba[i + 2]) / 3;
    const chroma = Math.max(rgba[i], rgba[i + 1], rgba[i + 2]) - Math.min(rgba[i], rgba[i + 1], rgba[i + 2]);
    // Neither black nor white, or coloured (an overlay drawn over the corner): no code to read.
    if ((l > 80 && l < 176) || chroma > 40) return null;
    if (l >= 176) f |= 1 << k;
  }
  return f;
}
