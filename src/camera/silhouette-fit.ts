/**
 * The generated face's silhouette fitted to the user's face oval, once per face (never per frame).
 *
 * The lens mesh's face oval is the user's jaw, chin and cheeks (its vertices follow those landmarks). The shared
 * texture coordinates (LensMesh.textureCoords) put the generated face's eyes and mouth on the user's, but the
 * generated head may be narrower or wider, and its chin higher or lower, than the user's: then the user's own jaw
 * shows below the drawn one, or the drawn one hangs past it. Here, along a ray from the oval's centre through each
 * oval vertex (in texture pixels), the generated face's alpha is walked outward to where it ends: that is where the
 * oval vertex should sample, so that the drawn outline lands on the user's oval. The texture coordinates are then
 * warped radially by that ratio, smoothly: unchanged around the eyes and mouth (they stay exactly on the user's),
 * the full ratio from the oval outward (the rings beyond it take the same ratio, so what lies past the drawn outline,
 * transparent or hair, stays past it).
 *
 * Only the jaw and cheeks (the oval below the eyes) are measured: above the eyes the silhouette is hair, not the
 * face, and the head takes the ratios of the oval's sides at the eyes (its width), interpolated over the top. A ray
 * along which the face runs out of the texture (a neck, hair to the edge) has no outline to fit: it takes its
 * neighbours' ratios.
 */

/** How far the ratio may go (beyond, it is a misreading); above FIT_INNER, so that the warp never folds. */
export const FIT_RANGE = [0.7, 1.4] as const;
/**
 * The warp ramps in from this share of the way out to the oval to the oval: the eyes' outer corners sit at 0.60 of
 * it on the canonical mesh, the mouth's corners at 0.49, so the eyes and mouth keep their exact fit.
 */
export const FIT_INNER = 0.62;
/** Alpha (0..1) above which a texel is the face. */
const INSIDE = 0.5;
/** Texels of transparency in a row that end the face along a ray (a gap between strands of hair is narrower). */
const GAP = 4;

export interface SilhouetteInput {
  /** Straight alpha, 0..1, size x size, row-major. */
  alpha: Float32Array;
  size: number;
  /** Read the alpha mirrored (u -> 1 - u), as the compositors sample it in a mirrored view. */
  mirror: boolean;
  /** Texture coordinates (u, v in 0..1) of the oval's vertices, in order around it. */
  oval: Float32Array;
  /** Per oval vertex: whether its ratio is measured (the jaw and cheeks), or taken from the measured ones. */
  measured: readonly boolean[];
  /** Texels beyond this distance from the texture's centre are the texture's own fade, not a drawn outline. */
  maxRadius: number;
}

/**
 * Per oval vertex, where the face's alpha ends along the ray from the oval's centre through it, as a share of the
 * vertex's distance (1: exactly at the vertex), clamped to FIT_RANGE; NaN where not measured or not found.
 */
export function silhouetteRatios(s: SilhouetteInput): Float32Array {
  const m = s.oval.length / 2,
    R = s.size;
  const [cx, cy] = centreOf(s.oval).map((c) => c * R) as [number, number];
  const at = (x: number, y: number): number => {
    // (x, y) in texture pixels (0..R): the texel under it, as the compositors sample u or 1 - u.
    const xi = Math.floor(s.mirror ? R - x : x),
      yi = Math.floor(y);
    if (xi < 0 || yi < 0 || xi >= R || yi >= R) return 0;
    return s.alpha[yi * R + xi]!;
  };
  const out = new Float32Array(m).fill(NaN);
  for (let k = 0; k < m; k++) {
    if (!s.measured[k]) continue;
    const dx = s.oval[2 * k]! * R - cx,
      dy = s.oval[2 * k + 1]! * R - cy;
    const len = Math.hypot(dx, dy);
    if (len < 1) continue;
    // One texel a step, from inside the face out to the largest ratio and a gap's width beyond.
    const steps = Math.ceil(len * FIT_RANGE[1]) + GAP;
    let first = Math.floor(len * FIT_INNER);
    if (at(cx + (dx * first) / len, cy + (dy * first) / len) < INSIDE) continue; // no face inside: nothing to fit
    let edge = -1,
      clear = 0;
    for (let t = first; t <= steps; t++) {
      const x = cx + (dx * t) / len,
        y = cy + (dy * t) / len;
      if (Math.hypot(x - R / 2, y - R / 2) > s.maxRadius) break; // the texture's fade: no outline here
      if (at(x, y) >= INSIDE) {
        clear = 0;
        first = t;
      } else if (++clear >= GAP) {
        edge = first + 0.5;
        break;
      }
    }
    if (edge > 0) out[k] = Math.min(FIT_RANGE[1], Math.max(FIT_RANGE[0], edge / len));
  }
  return out;
}

/**
 * The ratios completed around the oval: each unmeasured vertex takes the linear interpolation, by position
 * around the oval, of the nearest measured ones on either side; then a light smoothing (1 2 1) so that a stroke
 * or a strand does not kink the outline. All 1 where nothing was measured.
 */
export function completeRatios(ratios: Float32Array): Float32Array {
  const m = ratios.length;
  const known = [...ratios.keys()].filter((k) => !Number.isNaN(ratios[k]!));
  const full = new Float32Array(m).fill(1);
  if (known.length === 0) return full;
  for (let k = 0; k < m; k++) {
    if (!Number.isNaN(ratios[k]!)) {
      full[k] = ratios[k]!;
      continue;
    }
    // Nearest measured before and after k, going around.
    let a = k,
      da = 0,
      b = k,
      db = 0;
    do {
      a = (a - 1 + m) % m;
      da++;
    } while (Number.isNaN(ratios[a]!));
    do {
      b = (b + 1) % m;
      db++;
    } while (Number.isNaN(ratios[b]!));
    full[k] = (ratios[a]! * db + ratios[b]! * da) / (da + db);
  }
  const smooth = new Float32Array(m);
  for (let k = 0; k < m; k++) smooth[k] = (full[(k - 1 + m) % m]! + 2 * full[k]! + full[(k + 1) % m]!) / 4;
  return smooth;
}

/**
 * The texture coordinates `uv` (every vertex, u v each) warped radially about the oval's centre: a vertex in
 * direction theta, at a share rho of the oval's distance that way, goes to radialWarp(rho, ratio(theta)), with the
 * oval's distance and ratio interpolated between the oval's vertices by angle.
 */
export function warpTexCoords(uv: Float32Array, oval: Float32Array, ratios: Float32Array): Float32Array {
  const m = oval.length / 2;
  const [cx, cy] = centreOf(oval);
  // The oval's vertices by angle about its centre (it is star-shaped about it), with their distance and ratio.
  const around = Array.from({ length: m }, (_, k) => {
    const dx = oval[2 * k]! - cx,
      dy = oval[2 * k + 1]! - cy;
    return { angle: Math.atan2(dy, dx), dist: Math.hypot(dx, dy), ratio: ratios[k]! };
  }).sort((p, q) => p.angle - q.angle);
  const out = new Float32Array(uv.length);
  for (let v = 0; v < uv.length / 2; v++) {
    const dx = uv[2 * v]! - cx,
      dy = uv[2 * v + 1]! - cy;
    const r = Math.hypot(dx, dy);
    let f = 1;
    if (r > 1e-9) {
      const angle = Math.atan2(dy, dx);
      // The bracketing oval vertices (wrapping from the last angle round to the first).
      let j = around.findIndex((p) => p.angle > angle);
      if (j < 0) j = 0;
      const hi = around[j]!,
        lo = around[(j - 1 + m) % m]!;
      const span = (hi.angle - lo.angle + 2 * Math.PI) % (2 * Math.PI) || 2 * Math.PI;
      const w = ((angle - lo.angle + 2 * Math.PI) % (2 * Math.PI)) / span;
      const dist = lo.dist + (hi.dist - lo.dist) * w,
        ratio = lo.ratio + (hi.ratio - lo.ratio) * w;
      const rho = r / dist;
      f = radialWarp(rho, ratio) / rho;
    }
    out[2 * v] = cx + f * dx;
    out[2 * v + 1] = cy + f * dy;
  }
  return out;
}

function centreOf(oval: Float32Array): [number, number] {
  const m = oval.length / 2;
  let x = 0,
    y = 0;
  for (let k = 0; k < m; k++) {
    x += oval[2 * k]! / m;
    y += oval[2 * k + 1]! / m;
  }
  return [x, y];
}

/**
 * Where a point at a share `rho` of the way out to the oval goes, for the oval's `ratio`: unmoved up to FIT_INNER,
 * `ratio` x `rho` from the oval out, and between them a cubic (Hermite) that joins the two with their slopes,
 * each limited to three times the chord's slope so that it always grows (de Boor and Swartz's condition): no fold.
 */
export function radialWarp(rho: number, ratio: number): number {
  if (rho <= FIT_INNER) return rho;
  if (rho >= 1) return ratio * rho;
  const h = 1 - FIT_INNER,
    t = (rho - FIT_INNER) / h;
  const chord = (ratio - FIT_INNER) / h;
  const m0 = Math.min(1, 3 * chord),
    m1 = Math.min(ratio, 3 * chord);
  const t2 = t * t,
    t3 = t2 * t;
  return (
    (2 * t3 - 3 * t2 + 1) * FIT_INNER + (t3 - 2 * t2 + t) * h * m0 + (-2 * t3 + 3 * t2) * ratio + (t3 - t2) * h * m1
  );
}
