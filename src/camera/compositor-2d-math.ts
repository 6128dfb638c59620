/**
 * The 2D-canvas compositor's pure parts (see compositor-2d.ts): the per-triangle affine maps that put a texture
 * triangle on a frame triangle, the seam-hiding growth of a triangle, the painter's order, and the bakes that fold
 * what the WebGL2 compositor computes per pixel (the feather, the lens's edge weight, the round fade, the
 * mirrored sampling) into textures, on the CPU, once per face and setting.
 */

/** Per triangle, 6 numbers: the affine map texture uv -> (s, t), the triangle's own coordinates. */
export const INVERSE_STRIDE = 6;

/**
 * For each triangle of `indices`, the inverse of its uv frame: (s, t) with uv = uv0 + s (uv1 - uv0) + t (uv2 - uv0),
 * as [i00, i01, i10, i11, ts, tt] for s = i00 u + i01 v + ts, t = i10 u + i11 v + tt. A triangle with no area in
 * uv has NaN there and is not drawn (it maps no texels).
 */
export function triangleInverses(indices: Uint16Array, texCoords: Float32Array): Float64Array {
  const n = indices.length / 3;
  const out = new Float64Array(n * INVERSE_STRIDE);
  for (let t = 0; t < n; t++) {
    const a = indices[3 * t]!,
      b = indices[3 * t + 1]!,
      c = indices[3 * t + 2]!;
    const u0 = texCoords[2 * a]!,
      v0 = texCoords[2 * a + 1]!;
    const x1 = texCoords[2 * b]! - u0,
      y1 = texCoords[2 * b + 1]! - v0;
    const x2 = texCoords[2 * c]! - u0,
      y2 = texCoords[2 * c + 1]! - v0;
    const det = x1 * y2 - x2 * y1;
    const o = t * INVERSE_STRIDE;
    if (Math.abs(det) < 1e-12) {
      out.fill(NaN, o, o + INVERSE_STRIDE);
      continue;
    }
    const i00 = y2 / det,
      i01 = -x2 / det,
      i10 = -y1 / det,
      i11 = x1 / det;
    out[o] = i00;
    out[o + 1] = i01;
    out[o + 2] = i10;
    out[o + 3] = i11;
    out[o + 4] = -(i00 * u0 + i01 * v0);
    out[o + 5] = -(i10 * u0 + i11 * v0);
  }
  return out;
}

/**
 * The canvas transform [a, b, c, d, e, f] (x' = a x + c y + e, y' = b x + d y + f) that maps texture pixels of a
 * `size`-pixel texture onto the frame triangle (x0, y0), (x1, y1), (x2, y2), given the triangle's inverse from
 * triangleInverses() at `o`. Written into `out`; false for a triangle not to draw.
 */
export function triangleTransform(
  inverses: Float64Array,
  o: number,
  size: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  out: Float64Array,
): boolean {
  const i00 = inverses[o]!;
  if (Number.isNaN(i00)) return false;
  const i01 = inverses[o + 1]!,
    i10 = inverses[o + 2]!,
    i11 = inverses[o + 3]!,
    ts = inverses[o + 4]!,
    tt = inverses[o + 5]!;
  const dx1 = x1 - x0,
    dy1 = y1 - y0,
    dx2 = x2 - x0,
    dy2 = y2 - y0;
  // (frame triangle from (s, t)) o (uv -> (s, t)) o (texture pixels -> uv, a scale by 1 / size)
  out[0] = (dx1 * i00 + dx2 * i10) / size;
  out[1] = (dy1 * i00 + dy2 * i10) / size;
  out[2] = (dx1 * i01 + dx2 * i11) / size;
  out[3] = (dy1 * i01 + dy2 * i11) / size;
  out[4] = dx1 * ts + dx2 * tt + x0;
  out[5] = dy1 * ts + dy2 * tt + y0;
  return true;
}

/**
 * The triangle with each edge pushed out by `px`, into `out` as six corners (x, y each): both ends of each edge,
 * moved out along its normal, so each corner is cut off flat rather than drawn out to a point (a sliver's sharp
 * corner would otherwise shoot far out). Neighbouring triangles then overlap by that much, so no anti-aliased
 * seam lets the frame show through between them. False for a triangle without area (nothing to draw).
 */
export function expandTriangle(
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  px: number,
  out: Float64Array,
): boolean {
  const area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
  if (Math.abs(area) < 1e-6) return false;
  // With y down, an edge (dx, dy) of a triangle of positive area has its outside on (dy, -dx).
  const s = area > 0 ? px : -px;
  edge(x0, y0, x1, y1, s, out, 0);
  edge(x1, y1, x2, y2, s, out, 4);
  edge(x2, y2, x0, y0, s, out, 8);
  return true;
}

function edge(ax: number, ay: number, bx: number, by: number, s: number, out: Float64Array, k: number): void {
  const dx = bx - ax,
    dy = by - ay;
  const l = Math.hypot(dx, dy);
  const nx = (s * dy) / l,
    ny = (-s * dx) / l;
  out[k] = ax + nx;
  out[k + 1] = ay + ny;
  out[k + 2] = bx + nx;
  out[k + 3] = by + ny;
}

/**
 * Painter's order: sorts `order` (triangle numbers) so the farthest triangle (largest summed z) comes first.
 * Insertion sort on last frame's order, which a moving face barely changes: close to linear, and in place.
 */
export function depthOrder(
  positions: Float32Array,
  indices: Uint16Array,
  keys: Float32Array,
  order: Uint16Array,
): void {
  const n = order.length;
  for (let t = 0; t < n; t++) {
    keys[t] =
      positions[3 * indices[3 * t]! + 2]! +
      positions[3 * indices[3 * t + 1]! + 2]! +
      positions[3 * indices[3 * t + 2]! + 2]!;
  }
  for (let i = 1; i < n; i++) {
    const t = order[i]!,
      k = keys[t]!;
    let j = i - 1;
    while (j >= 0 && keys[order[j]!]! < k) {
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = t;
  }
}

/**
 * The lens's edge weight over the texture: each triangle's vertex weights interpolated over the texels it covers
 * in uv (the most where triangles overlap), then spread two texels into uncovered ones, so that the filtered edge
 * of a triangle (an open mouth's lips, the outline) reads its own weight rather than none. Texels the mesh never
 * reaches are 0. `size` x `size`, row by row, texel centres at ((i + 0.5) / size).
 */
export function edgeWeightMask(
  indices: Uint16Array,
  texCoords: Float32Array,
  edgeWeight: Float32Array,
  size: number,
): Float32Array {
  const mask = new Float32Array(size * size);
  const covered = new Uint8Array(size * size);
  for (let t = 0; t < indices.length; t += 3) {
    const a = indices[t]!,
      b = indices[t + 1]!,
      c = indices[t + 2]!;
    const ax = texCoords[2 * a]! * size,
      ay = texCoords[2 * a + 1]! * size;
    const bx = texCoords[2 * b]! * size,
      by = texCoords[2 * b + 1]! * size;
    const cx = texCoords[2 * c]! * size,
      cy = texCoords[2 * c + 1]! * size;
    const area = (bx - ax) * (cy - ay) - (cx - ax) * (by - ay);
    if (Math.abs(area) < 1e-12) continue;
    const wa = edgeWeight[a]!,
      wb = edgeWeight[b]!,
      wc = edgeWeight[c]!;
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx, cx) - 0.5)),
      x1 = Math.min(size - 1, Math.ceil(Math.max(ax, bx, cx) - 0.5));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by, cy) - 0.5)),
      y1 = Math.min(size - 1, Math.ceil(Math.max(ay, by, cy) - 0.5));
    for (let y = y0; y <= y1; y++) {
      const py = y + 0.5;
      for (let x = x0; x <= x1; x++) {
        const px = x + 0.5;
        // Barycentric weights (signed areas over the whole, so either winding gives them >= 0 inside).
        const la = ((bx - px) * (cy - py) - (cx - px) * (by - py)) / area;
        const lb = ((cx - px) * (ay - py) - (ax - px) * (cy - py)) / area;
        const lc = 1 - la - lb;
        if (la < -1e-6 || lb < -1e-6 || lc < -1e-6) continue;
        const i = y * size + x;
        const w = la * wa + lb * wb + lc * wc;
        if (!covered[i] || w > mask[i]!) mask[i] = w;
        covered[i] = 1;
      }
    }
  }
  for (let pass = 0; pass < 2; pass++) {
    const next = covered.slice();
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const i = y * size + x;
        if (covered[i]) continue;
        let w = -1;
        if (x > 0 && covered[i - 1]) w = Math.max(w, mask[i - 1]!);
        if (x < size - 1 && covered[i + 1]) w = Math.max(w, mask[i + 1]!);
        if (y > 0 && covered[i - size]) w = Math.max(w, mask[i - size]!);
        if (y < size - 1 && covered[i + size]) w = Math.max(w, mask[i + size]!);
        if (w >= 0) {
          mask[i] = w;
          next[i] = 1;
        }
      }
    }
    covered.set(next);
  }
  return mask;
}

/**
 * The feathered alpha: the minimum of each texel's alpha and its local average over about `width` texels, so the
 * edge fades inward over that width and the inside stays sharp. Three box passes, clamped at the texture's edge.
 * Both compositors draw faces with it, made once per face and feather setting.
 */
export function featherAlpha(alpha: Float32Array, size: number, width: number): Float32Array {
  const k = Math.round(width);
  if (k <= 1) return alpha.slice();
  const blurred = alpha.slice();
  const line = new Float32Array(size);
  const box = (get: (j: number) => number, set: (j: number, v: number) => void) => {
    // Box of k taps centred on each texel (k even: one more on the far side), edge texels repeated.
    const lo = Math.floor((k - 1) / 2),
      hi = k - 1 - lo;
    const at = (j: number) => get(Math.min(size - 1, Math.max(0, j)));
    let sum = 0;
    for (let j = -lo; j <= hi; j++) sum += at(j);
    for (let j = 0; j < size; j++) {
      line[j] = sum / k;
      sum += at(j + hi + 1) - at(j - lo);
    }
    for (let j = 0; j < size; j++) set(j, line[j]!);
  };
  for (let pass = 0; pass < 3; pass++) {
    for (let y = 0; y < size; y++) {
      const row = y * size;
      box(
        (j) => blurred[row + j]!,
        (j, v) => (blurred[row + j] = v),
      );
    }
    for (let x = 0; x < size; x++) {
      box(
        (j) => blurred[j * size + x]!,
        (j, v) => (blurred[j * size + x] = v),
      );
    }
  }
  for (let i = 0; i < blurred.length; i++) blurred[i] = Math.min(alpha[i]!, blurred[i]!);
  return blurred;
}

/** The feather's width in texels for the `feather` setting (0..1) on a `size` px face: at 1, 0.16 of the face. */
export const featherWidth = (feather: number, size: number): number => 0.16 * feather * size;

/** A premultiplied face with its alpha replaced by `alpha` (0..1, no more than its own), colour scaled to match. */
export function withAlpha(premultiplied: Uint8Array, alpha: Float32Array): Uint8Array {
  const out = new Uint8Array(premultiplied.length);
  for (let i = 0; i < alpha.length; i++) {
    const a8 = premultiplied[4 * i + 3]!;
    if (a8 === 0) continue;
    const k = (alpha[i]! * 255) / a8;
    out[4 * i] = Math.round(premultiplied[4 * i]! * k);
    out[4 * i + 1] = Math.round(premultiplied[4 * i + 1]! * k);
    out[4 * i + 2] = Math.round(premultiplied[4 * i + 2]! * k);
    out[4 * i + 3] = Math.round(alpha[i]! * 255);
  }
  return out;
}

const smoothstep = (e0: number, e1: number, x: number) => {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};

/**
 * Where a face fades out before its texture's edge: from the first radius to the second, in units of the
 * texture's half-width from its centre (1: the disc inscribed in the texture). Beyond it nothing is drawn, so the
 * overlay never ends along the texture's rectangle. The WebGL2 compositor's shader uses the same numbers.
 */
export const ROUND_FADE = [0.8, 1] as const;

/** The round fade at texture coordinates (u, v) in [0, 1]: 1 inside, 0 beyond the inscribed disc. */
export function roundFade(u: number, v: number): number {
  const r = 2 * Math.hypot(u - 0.5, v - 0.5);
  return 1 - smoothstep(ROUND_FADE[0], ROUND_FADE[1], r);
}

export interface BakeOptions {
  /** The feathered alpha (featherAlpha() of the face's alpha), texel for texel of the unmirrored face. */
  alpha: Float32Array;
  /** Sample the face mirrored, so a mirrored view shows it unmirrored (the WebGL2 compositor's flipU). */
  mirror: boolean;
}

/**
 * A flat face's texture: straight-alpha RGBA (for ImageData) of a premultiplied `size` x `size` face, mirrored if
 * asked, with the feathered alpha times the round fade.
 */
export function bakeFaceTexture(premultiplied: Uint8Array, size: number, o: BakeOptions): Uint8ClampedArray {
  const out = new Uint8ClampedArray(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const s = y * size + (o.mirror ? size - 1 - x : x),
        i = y * size + x;
      const a8 = premultiplied[4 * s + 3]!;
      if (a8 > 0) {
        const k = 255 / a8;
        out[4 * i] = premultiplied[4 * s]! * k;
        out[4 * i + 1] = premultiplied[4 * s + 1]! * k;
        out[4 * i + 2] = premultiplied[4 * s + 2]! * k;
      }
      out[4 * i + 3] = Math.round(o.alpha[s]! * roundFade((x + 0.5) / size, (y + 0.5) / size) * 255);
    }
  }
  return out;
}

/**
 * A lens face's textures, both opaque (so that lens triangles drawn overlapping leave no seam, whatever the
 * face's alpha): `colour`, the face's colour times its alpha over black, and `cover`, one minus the alpha as grey.
 * The alpha is the feathered alpha (mirrored if asked) times smoothstep(edge weight) and the round fade, the
 * WebGL2 compositor's per-pixel alpha for the lens. The frame under the face is then
 * frame x cover + colour. Also that alpha, 0..1 (`alpha`), for triangleCoverage().
 */
export function bakeLensTextures(
  premultiplied: Uint8Array,
  size: number,
  o: BakeOptions & { edgeWeight: Float32Array },
): { colour: Uint8ClampedArray; cover: Uint8ClampedArray; alpha: Float32Array } {
  const colour = new Uint8ClampedArray(size * size * 4);
  const cover = new Uint8ClampedArray(size * size * 4);
  const alpha = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    const v = (y + 0.5) / size;
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5) / size;
      const s = y * size + (o.mirror ? size - 1 - x : x),
        i = y * size + x;
      const a = o.alpha[s]! * smoothstep(0, 1, o.edgeWeight[i]!) * roundFade(u, v);
      alpha[i] = a;
      const a8 = premultiplied[4 * s + 3]!;
      if (a8 > 0) {
        // Premultiplied colour over the face's own alpha, times the lens's alpha: straight colour x a.
        const k = (255 * a) / a8;
        colour[4 * i] = premultiplied[4 * s]! * k;
        colour[4 * i + 1] = premultiplied[4 * s + 1]! * k;
        colour[4 * i + 2] = premultiplied[4 * s + 2]! * k;
      }
      colour[4 * i + 3] = 255;
      cover[4 * i] = cover[4 * i + 1] = cover[4 * i + 2] = 255 * (1 - a);
      cover[4 * i + 3] = 255;
    }
  }
  return { colour, cover, alpha };
}

/** triangleCoverage(): the lens alpha over a triangle is 0 throughout, 1 throughout, or neither. */
export const CLEAR = 0;
export const SOLID = 1;
export const PARTIAL = 2;

/**
 * Per triangle, what the lens alpha is over all of its texels and `margin` texels around them (a grown triangle
 * and the texture filter reach that far), texels outside the texture being transparent: CLEAR where it rounds to
 * 0 throughout (nothing to draw: the WebGL2 compositor discards such pixels too), SOLID where it rounds to 1
 * throughout (its cover is plain black), else PARTIAL.
 */
export function triangleCoverage(
  indices: Uint16Array,
  texCoords: Float32Array,
  alpha: Float32Array,
  size: number,
  margin: number,
): Uint8Array {
  // Half a level of 255 from 0 or 1: the baked colour and cover round as if it were 0 or 1.
  const lo = 0.5 / 255 - 1e-6,
    hi = 1 - lo;
  const out = new Uint8Array(indices.length / 3);
  for (let t = 0; t < out.length; t++) {
    let u0 = Infinity,
      v0 = Infinity,
      u1 = -Infinity,
      v1 = -Infinity;
    for (let k = 0; k < 3; k++) {
      const i = indices[3 * t + k]!;
      const u = texCoords[2 * i]! * size,
        v = texCoords[2 * i + 1]! * size;
      u0 = Math.min(u0, u);
      u1 = Math.max(u1, u);
      v0 = Math.min(v0, v);
      v1 = Math.max(v1, v);
    }
    const x0 = Math.floor(u0 - margin),
      x1 = Math.ceil(u1 + margin),
      y0 = Math.floor(v0 - margin),
      y1 = Math.ceil(v1 + margin);
    let clear = true,
      solid = x0 >= 0 && y0 >= 0 && x1 < size && y1 < size;
    for (let y = Math.max(0, y0); y <= Math.min(size - 1, y1) && (clear || solid); y++) {
      for (let x = Math.max(0, x0); x <= Math.min(size - 1, x1); x++) {
        const a = alpha[y * size + x]!;
        if (a >= lo) clear = false;
        if (a < hi) solid = false;
        if (!clear && !solid) break;
      }
    }
    out[t] = clear ? CLEAR : solid ? SOLID : PARTIAL;
  }
  return out;
}

/** The alpha channel of premultiplied RGBA bytes, 0..1. */
export function alphaOf(rgba: Uint8Array): Float32Array {
  const out = new Float32Array(rgba.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = rgba[4 * i + 3]! / 255;
  return out;
}
