/**
 * The lens triangles that draw anything for one face. Much of the lens mesh (its outer rings, and the head
 * beyond a generated face's own outline) lies over transparent texels; drawn, those triangles cost a texture
 * read per pixel only to be discarded. Found once per face, feather, mirroring and mesh, never per frame.
 */
import { CLEAR, triangleCoverage } from './compositor-2d-math.js';

/**
 * How far past a triangle's texels its alpha is read (texels): the GPU's trilinear filter blends in texels that
 * far at mip level 2, where a 256 px face is drawn 64 px wide. Smaller faces may lose the faintest fringe.
 */
export const CULL_MARGIN = 4;

/**
 * The triangles of `indices` (three per triangle) whose pixels can show the face: some texel within CULL_MARGIN
 * has alpha, and some vertex has an edge weight above 0 (the shader scales by smoothstep(0, 1, weight)).
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
  let seen = alpha;
  if (mirror) {
    seen = new Float32Array(alpha.length);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) seen[y * size + x] = alpha[y * size + size - 1 - x]!;
  }
  const coverage = triangleCoverage(indices, texCoords, seen, size, CULL_MARGIN);
  const kept: number[] = [];
  for (let t = 0; t < coverage.length; t++) {
    const a = indices[3 * t]!,
      b = indices[3 * t + 1]!,
      c = indices[3 * t + 2]!;
    if (coverage[t] === CLEAR || Math.max(edgeWeight[a]!, edgeWeight[b]!, edgeWeight[c]!) <= 0) continue;
    kept.push(a, b, c);
  }
  return Uint16Array.from(kept);
}
