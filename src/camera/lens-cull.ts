/**
 * The lens triangles that draw anything for one face. Much of the lens mesh (its outer rings, and the head
 * beyond a generated face's own outline) lies over transparent texels or outside the texture's inscribed disc,
 * where the shader discards; drawn, those triangles cost a texture read per pixel for nothing. Found once per
 * face, feather, mirroring and mesh, never per frame.
 */
import { ROUND_FADE } from './compositor-2d-math.js';

/**
 * How far around a triangle its alpha is read (texels): a bilinear tap of mip level L blends texels up to
 * 1.5 * 2^L - 0.5 away along each axis, 7.8 on the diagonal at level 2, where a 256 px face is drawn 64 px wide.
 * Faces drawn smaller may lose the faintest fringe.
 */
export const CULL_MARGIN = 8;

/** Alpha that rounds to 0 in 8 bits: nothing drawn (the shader discards below about 1/255). */
const CLEAR_ALPHA = 0.5 / 255;

/**
 * The triangles of `indices` (three per triangle) whose pixels can show the face: some texel within CULL_MARGIN
 * of the triangle, inside the texture's inscribed disc (the shader's round fade), has alpha, and some vertex has
 * an edge weight above 0 (the shader scales by smoothstep(0, 1, weight)).
 * `alpha`: the face's feathered alpha, size x size, unmirrored; `mirror`: the shader samples it at (1 - u, v).
 */
export function visibleTriangles(
  indices: Uint16Array,
  texCoords: Float32Array,
  edgeWeight: Float32Array,
  alpha: Float32Array,
  size: number,
  mirror: boolean,
): Uint16Array {
  // The alpha as the shader sees it at each texel (mirrored if asked), 0 beyond the disc grown by the margin.
  const seen = new Uint8Array(size * size);
  const half = size / 2,
    reach = (ROUND_FADE[1] * half + CULL_MARGIN) ** 2;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const a = alpha[y * size + (mirror ? size - 1 - x : x)]!;
      if (a >= CLEAR_ALPHA && (x + 0.5 - half) ** 2 + (y + 0.5 - half) ** 2 < reach) seen[y * size + x] = 1;
    }
  const kept: number[] = [];
  for (let t = 0; t < indices.length; t += 3) {
    const a = indices[t]!,
      b = indices[t + 1]!,
      c = indices[t + 2]!;
    if (Math.max(edgeWeight[a]!, edgeWeight[b]!, edgeWeight[c]!) <= 0) continue;
    const corners = [a, b, c].map((i) => [texCoords[2 * i]! * size, texCoords[2 * i + 1]! * size] as const);
    if (touches(seen, size, corners)) kept.push(a, b, c);
  }
  return Uint16Array.from(kept);
}

/**
 * Whether any marked texel's centre lies within CULL_MARGIN of the triangle (its edges pushed out by the margin,
 * which reaches a little further at the corners: never less than asked).
 */
function touches(seen: Uint8Array, size: number, p: readonly (readonly [number, number])[]): boolean {
  const [[ax, ay], [bx, by], [cx, cy]] = p as [[number, number], [number, number], [number, number]];
  const area = (bx - ax) * (cy - ay) - (cx - ax) * (by - ay);
  // A triangle with no area in the texture still samples it along a line: its box is tested.
  const s = Math.abs(area) < 1e-9 ? 0 : Math.sign(area);
  // Each edge as (nx, ny, d): the signed distance of (x, y) inside it is nx x + ny y + d.
  const edges = [
    [ax, ay, bx, by],
    [bx, by, cx, cy],
    [cx, cy, ax, ay],
  ].map(([x0, y0, x1, y1]) => {
    const len = Math.hypot(x1! - x0!, y1! - y0!) || 1;
    const nx = (-s * (y1! - y0!)) / len,
      ny = (s * (x1! - x0!)) / len;
    return [nx, ny, -(nx * x0! + ny * y0!) + CULL_MARGIN] as const;
  });
  const x0 = Math.max(0, Math.floor(Math.min(ax, bx, cx) - CULL_MARGIN)),
    x1 = Math.min(size - 1, Math.ceil(Math.max(ax, bx, cx) + CULL_MARGIN));
  const y0 = Math.max(0, Math.floor(Math.min(ay, by, cy) - CULL_MARGIN)),
    y1 = Math.min(size - 1, Math.ceil(Math.max(ay, by, cy) + CULL_MARGIN));
  for (let y = y0; y <= y1; y++) {
    const py = y + 0.5;
    for (let x = x0; x <= x1; x++) {
      if (!seen[y * size + x]) continue;
      const px = x + 0.5;
      if (s === 0 || edges.every(([nx, ny, d]) => nx * px + ny * py + d >= 0)) return true;
    }
  }
  return false;
}
