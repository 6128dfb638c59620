/**
 * Expression measures from the 478 landmarks, since no blendshape model can be had offline: how open the
 * mouth is and how open each eye is, each in [0, 1]. Ratios of distances within the face, so they do not
 * depend on its size in the frame.
 */

// Mesh indices (MediaPipe's 468-point topology). "Image-left" is the unmirrored frame's left: the user's right.
const INNER_LIP_TOP = 13,
  INNER_LIP_BOTTOM = 14,
  MOUTH_LEFT = 78,
  MOUTH_RIGHT = 308;
/** Per eye: the two corners, then three upper/lower lid pairs. */
const EYES = {
  user_right: {
    corners: [33, 133],
    lids: [
      [160, 144],
      [159, 145],
      [158, 153],
    ],
  },
  user_left: {
    corners: [263, 362],
    lids: [
      [387, 373],
      [386, 374],
      [385, 380],
    ],
  },
} as const;

/** Where each measure reads 0 and 1, as a ratio of the opening to the width. */
export const EXPRESSION_RANGES = {
  /** Lips touching read 0; a gap of 0.6 mouth widths (a wide-open mouth) reads 1. */
  mouth: [0.05, 0.6],
  /** A shut eye's lid gap is under 0.08 eye widths; an eye open normally is about 0.25 and reads 1. */
  eye: [0.08, 0.25],
} as const;

const dist = (p: ArrayLike<number>, i: number, j: number) =>
  Math.hypot(p[3 * i]! - p[3 * j]!, p[3 * i + 1]! - p[3 * j + 1]!);
const unit = (x: number, [lo, hi]: readonly [number, number]) => Math.min(1, Math.max(0, (x - lo) / (hi - lo)));

export interface FaceExpression {
  /** 0 closed, 1 wide open. */
  mouthOpen: number;
  /** [user's left eye, user's right eye]: 0 shut, 1 open. */
  eyesOpen: [number, number];
}

export function measureExpression(landmarks: ArrayLike<number>): FaceExpression {
  const mouth =
    dist(landmarks, INNER_LIP_TOP, INNER_LIP_BOTTOM) / Math.max(1e-6, dist(landmarks, MOUTH_LEFT, MOUTH_RIGHT));
  const eye = (e: { corners: readonly [number, number]; lids: readonly (readonly [number, number])[] }) => {
    const gap = e.lids.reduce((s, [u, l]) => s + dist(landmarks, u, l), 0) / e.lids.length;
    return unit(gap / Math.max(1e-6, dist(landmarks, e.corners[0], e.corners[1])), EXPRESSION_RANGES.eye);
  };
  return { mouthOpen: unit(mouth, EXPRESSION_RANGES.mouth), eyesOpen: [eye(EYES.user_left), eye(EYES.user_right)] };
}
