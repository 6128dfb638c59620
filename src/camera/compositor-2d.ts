/**
 * The camera view drawn with a 2D canvas, where the view's canvas gets no WebGL2 context: slower than the WebGL2
 * compositor (compositor-webgl2.ts), but the same picture, bar the lighting. (MediaPipe's tasks need WebGL2 of their own,
 * on another canvas (vision-wasm.ts), even on the CPU delegate: where a browser has no WebGL2 at all, camera mode
 * still cannot track faces.)
 *
 * - The frame: one drawImage, mirrored by the canvas transform.
 * - A flat face: one drawImage through its similarity.
 * - A lens face: its mesh drawn triangle by triangle, each triangle filled with the texture as a pattern through
 *   the affine map from its texture triangle, farthest triangles first, so the near side of a turned head covers
 *   the far side as the WebGL2 compositor's depth test does. Each triangle is grown by under a pixel so that
 *   neighbours overlap and no anti-aliased seam lets the frame through; overlapping draws of a semi-transparent
 *   texture would add up along every edge, so the mesh is drawn twice from opaque textures, into two layers:
 *   `colour` (the face's colour times its alpha, over black) and `cover` (one minus its alpha, as grey; one
 *   black fill for each run of triangles that are opaque throughout). The frame under the face becomes
 *   frame x cover + colour: a `multiply` and a `lighter` draw, each at the face's opacity. Triangles whose
 *   texels are all transparent are skipped, as the WebGL2 compositor discards their pixels.
 * - What the WebGL2 compositor computes per pixel, the lens's edge weight (interpolated between
 *   vertices), the round fade inside the texture's edge and the mirrored sampling, a 2D canvas cannot: it is baked into
 *   the face's textures on the CPU (compositor-2d-math.ts), once per face and again only when the feather, the
 *   mirror or the lens geometry changes, never per frame.
 * - No lighting: `lighting` (the real face's shading on the lens) is ignored. It needs the frame's blurred
 *   luminance under every pixel of the face, which a 2D canvas could only get by reading the frame back to script
 *   each frame.
 */
import {
  sizeToFrame,
  type CompositeOptions,
  type FaceCompositor,
  type FaceDraw,
  type FaceFit,
  type LensGeometry,
  type MeshDraw,
} from './face-compositor.js';
import {
  INVERSE_STRIDE,
  alphaOf,
  bakeFaceTexture,
  bakeLensTextures,
  depthOrder,
  edgeWeightMask,
  expandTriangle,
  featherAlpha,
  featherWidth,
  triangleCoverage,
  CLEAR,
  SOLID,
  triangleInverses,
  triangleTransform,
} from './compositor-2d-math.js';

/**
 * Every canvas here is asked for memory-backed pixels (`willReadFrequently`, though nothing is read back): a lens
 * is a thousand small textured fills a frame, which a CPU rasteriser does cheaply over few pixels each, where a GPU
 * canvas pays a draw call for each (slower by far on a software GPU).
 */
const CPU: CanvasRenderingContext2DSettings = { willReadFrequently: true };

/** How far each lens triangle's edges are pushed out (px). */
const EXPAND_PX = 0.75;

/** The settings a texture was baked for. */
interface BakedFor {
  feather: number;
  mirror: boolean;
  /** The lens geometry's version (-1 for a flat face). */
  geometry: number;
}

/** A flat face's texture: a canvas holding the baked RGBA. */
interface Baked extends BakedFor {
  canvas: HTMLCanvasElement;
}

/**
 * A lens face's textures (see the header), as patterns for each layer, each triangle's triangleCoverage(), and
 * the triangles' texture inverses (the face's own, where it has its own texture coordinates).
 */
interface BakedLens extends BakedFor {
  colour: HTMLCanvasElement;
  cover: HTMLCanvasElement;
  colourPattern: CanvasPattern;
  coverPattern: CanvasPattern;
  coverage: Uint8Array;
  inverses: Float64Array;
}

interface Face2D {
  /** The premultiplied bytes as given, kept to bake again when a setting changes. */
  rgba: Uint8Array;
  size: number;
  /** Its own lens texture coordinates (its silhouette fitted to the oval), or null for the geometry's. */
  fit: FaceFit | null;
  /** featherAlpha() of the face's alpha at `feather`. */
  alpha: Float32Array | null;
  feather: number;
  flat: Baked | null;
  mesh: BakedLens | null;
}

interface Geometry2D {
  version: number;
  vertexCount: number;
  indices: Uint16Array;
  texCoords: Float32Array;
  edgeWeight: Float32Array;
  /** Per triangle, texture uv -> the triangle's own coordinates (triangleInverses()). */
  inverses: Float64Array;
  /** The edge weight over the texture, by texture size. */
  masks: Map<number, Float32Array>;
  /** Per frame, reused: triangle depth keys, the painter's order, the vertices in canvas pixels. */
  keys: Float32Array;
  order: Uint16Array;
  xy: Float32Array;
}

export class Compositor2D implements FaceCompositor {
  readonly kind = '2d';
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  /** Where a lens face is assembled (see the header) before it goes onto the frame. */
  private readonly colourLayer: Layer;
  private readonly coverLayer: Layer;
  private readonly faces = new Map<number, Face2D>();
  private geometry: Geometry2D | null = null;
  private geometryVersion = 0;
  /** Scratch for one triangle: its texture transform (as numbers, and as the patterns take it) and grown outline. */
  private readonly m = new Float64Array(6);
  private readonly pm: DOMMatrix2DInit = { a: 1, b: 0, c: 0, d: 1, e: 0, f: 0 };
  private readonly grown = new Float64Array(12);
  private readonly listeners = new AbortController();

  /** Throws if the canvas gives no 2D context (one already holding another kind of context). */
  constructor(canvas: HTMLCanvasElement) {
    this.canvas = canvas;
    const ctx = canvas.getContext('2d', { ...CPU, alpha: false });
    if (!ctx) throw new Error('camera compositing: expected a 2D canvas context, got none');
    this.ctx = ctx;
    this.colourLayer = layer();
    this.coverLayer = layer();
    // A canvas restored after its GPU context was lost comes back blank: the baked textures are made again.
    canvas.addEventListener('contextrestored', () => this.forgetBakes(), { signal: this.listeners.signal });
  }

  setLensGeometry(g: LensGeometry): void {
    if (g.texCoords.length !== 2 * g.vertexCount || g.edgeWeight.length !== g.vertexCount) {
      throw new Error(
        `compositor: expected ${g.vertexCount} vertices' texture coordinates and weights, got ${g.texCoords.length / 2} and ${g.edgeWeight.length}`,
      );
    }
    const triangles = g.indices.length / 3;
    this.geometry = {
      version: ++this.geometryVersion,
      vertexCount: g.vertexCount,
      indices: g.indices.slice(),
      texCoords: g.texCoords.slice(),
      edgeWeight: g.edgeWeight.slice(),
      inverses: triangleInverses(g.indices, g.texCoords),
      masks: new Map(),
      keys: new Float32Array(triangles),
      order: Uint16Array.from({ length: triangles }, (_, i) => i),
      xy: new Float32Array(2 * g.vertexCount),
    };
  }

  setFace(slot: number, rgba: Uint8Array, size: number, fit?: FaceFit): void {
    if (rgba.length !== size * size * 4)
      throw new Error(`compositor: expected ${size * size * 4} bytes for a ${size}px face, got ${rgba.length}`);
    if (fit && fit.texCoords.length !== fit.mirrored.length)
      throw new Error(`compositor: expected as many mirrored texture coordinates as plain ones`);
    this.dropFace(slot);
    this.faces.set(slot, {
      rgba: rgba.slice(),
      size,
      fit: fit ?? null,
      alpha: null,
      feather: NaN,
      flat: null,
      mesh: null,
    });
  }

  hasFace(slot: number): boolean {
    return this.faces.has(slot);
  }

  dropFace(slot: number): void {
    const f = this.faces.get(slot);
    if (!f) return;
    releaseBakes(f);
    this.faces.delete(slot);
  }

  dropFaces(): void {
    for (const slot of [...this.faces.keys()]) this.dropFace(slot);
  }

  /** The frame, flat faces by their similarity, then lens faces on their mesh; the canvas takes the frame's size. */
  draw(frame: HTMLVideoElement, faces: readonly FaceDraw[], meshes: readonly MeshDraw[], o: CompositeOptions): void {
    const size = sizeToFrame(this.canvas, frame);
    if (!size) return;
    const [vw, vh] = size;
    const ctx = this.ctx;
    ctx.globalCompositeOperation = 'source-over';
    ctx.globalAlpha = 1;
    if (o.mirror) ctx.setTransform(-1, 0, 0, 1, vw, 0);
    else ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(frame, 0, 0, vw, vh);
    if (o.opacity > 0) {
      ctx.globalAlpha = o.opacity;
      for (const f of faces) {
        const face = this.faces.get(f.slot);
        if (!face) continue;
        const tex = this.flatTexture(face, o);
        // Model pixels -> video pixels (x' = a x - b y + tx, y' = b x + a y + ty), then mirrored if asked.
        const { a, b, tx, ty } = f.transform;
        if (o.mirror) ctx.setTransform(-a, b, b, a, vw - tx, ty);
        else ctx.setTransform(a, b, -b, a, tx, ty);
        ctx.drawImage(tex, 0, 0);
      }
      for (const d of meshes) this.drawMesh(d, o, vw, vh);
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
  }

  private drawMesh(d: MeshDraw, o: CompositeOptions, vw: number, vh: number): void {
    const g = this.geometry;
    const face = this.faces.get(d.slot);
    if (!g || !face) return;
    const p = d.positions;
    if (p.length !== 3 * g.vertexCount)
      throw new Error(`compositor: expected ${g.vertexCount} mesh vertices, got ${p.length / 3}`);
    const tex = this.lensTextures(face, g, o);
    const xy = g.xy;
    let minX = Infinity,
      minY = Infinity,
      maxX = -Infinity,
      maxY = -Infinity;
    for (let v = 0; v < g.vertexCount; v++) {
      const x = o.mirror ? vw - p[3 * v]! : p[3 * v]!,
        y = p[3 * v + 1]!;
      xy[2 * v] = x;
      xy[2 * v + 1] = y;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    // The layers are touched only within the mesh's bounds (and the grown edges).
    const pad = EXPAND_PX + 2;
    const x0 = Math.max(0, Math.floor(minX - pad)),
      y0 = Math.max(0, Math.floor(minY - pad));
    const x1 = Math.min(vw, Math.ceil(maxX + pad)),
      y1 = Math.min(vh, Math.ceil(maxY + pad));
    if (x1 <= x0 || y1 <= y0) return;
    const colour = this.colourLayer,
      cover = this.coverLayer;
    clearLayer(colour, vw, vh, x0, y0, x1, y1);
    clearLayer(cover, vw, vh, x0, y0, x1, y1);
    depthOrder(p, g.indices, g.keys, g.order);
    const m = this.m,
      pm = this.pm,
      e = this.grown,
      ix = g.indices;
    // Consecutive solid triangles go into one path, filled black when a partial one comes (painter's order kept).
    let solidRun = false;
    for (let k = 0; k < g.order.length; k++) {
      const t = g.order[k]!;
      const kind = tex.coverage[t]!;
      if (kind === CLEAR) continue;
      const a = 2 * ix[3 * t]!,
        b = 2 * ix[3 * t + 1]!,
        c = 2 * ix[3 * t + 2]!;
      const ax = xy[a]!,
        ay = xy[a + 1]!,
        bx = xy[b]!,
        by = xy[b + 1]!,
        cx = xy[c]!,
        cy = xy[c + 1]!;
      if (
        Math.max(ax, bx, cx) < 0 ||
        Math.min(ax, bx, cx) > vw ||
        Math.max(ay, by, cy) < 0 ||
        Math.min(ay, by, cy) > vh
      )
        continue;
      if (!expandTriangle(ax, ay, bx, by, cx, cy, EXPAND_PX, e)) continue;
      if (!triangleTransform(tex.inverses, t * INVERSE_STRIDE, face.size, ax, ay, bx, by, cx, cy, m)) continue;
      pm.a = m[0]!;
      pm.b = m[1]!;
      pm.c = m[2]!;
      pm.d = m[3]!;
      pm.e = m[4]!;
      pm.f = m[5]!;
      // Set again after each transform: not every browser reads a pattern's transform at fill time.
      tex.colourPattern.setTransform(pm);
      colour.ctx.fillStyle = tex.colourPattern;
      colour.ctx.beginPath();
      polygon(colour.ctx, e, false);
      colour.ctx.fill();
      if (kind === SOLID) {
        if (!solidRun) cover.ctx.beginPath();
        solidRun = true;
        // One winding for all, so that the run's union fills where triangles overlap (nonzero rule).
        polygon(cover.ctx, e, (bx - ax) * (cy - ay) - (cx - ax) * (by - ay) < 0);
      } else {
        if (solidRun) fillSolid(cover.ctx);
        solidRun = false;
        tex.coverPattern.setTransform(pm);
        cover.ctx.fillStyle = tex.coverPattern;
        cover.ctx.beginPath();
        polygon(cover.ctx, e, false);
        cover.ctx.fill();
      }
    }
    if (solidRun) fillSolid(cover.ctx);
    // frame x cover + colour, each at the face's opacity: frame x (1 - opacity x alpha) + opacity x colour.
    const ctx = this.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalCompositeOperation = 'multiply';
    ctx.drawImage(cover.canvas, x0, y0, x1 - x0, y1 - y0, x0, y0, x1 - x0, y1 - y0);
    ctx.globalCompositeOperation = 'lighter';
    ctx.drawImage(colour.canvas, x0, y0, x1 - x0, y1 - y0, x0, y0, x1 - x0, y1 - y0);
    ctx.globalCompositeOperation = 'source-over';
  }

  /** The face's feathered alpha, made again only when the feather changed. */
  private featheredAlpha(face: Face2D, feather: number): Float32Array {
    if (!face.alpha || face.feather !== feather) {
      face.alpha = featherAlpha(alphaOf(face.rgba), face.size, featherWidth(feather, face.size));
      face.feather = feather;
    }
    return face.alpha;
  }

  private flatTexture(face: Face2D, o: CompositeOptions): HTMLCanvasElement {
    const b = face.flat;
    if (b && b.feather === o.feather && b.mirror === o.mirror) return b.canvas;
    const data = bakeFaceTexture(face.rgba, face.size, {
      alpha: this.featheredAlpha(face, o.feather),
      mirror: o.mirror,
    });
    face.flat = { canvas: putPixels(b?.canvas, data, face.size), feather: o.feather, mirror: o.mirror, geometry: -1 };
    return face.flat.canvas;
  }

  private lensTextures(face: Face2D, g: Geometry2D, o: CompositeOptions): BakedLens {
    const b = face.mesh;
    if (b && b.feather === o.feather && b.mirror === o.mirror && b.geometry === g.version) return b;
    // The face's own texture coordinates where it has them for this mesh (in the view's mirroring), else the mesh's.
    const own =
      face.fit && face.fit.texCoords.length === 2 * g.vertexCount
        ? o.mirror
          ? face.fit.mirrored
          : face.fit.texCoords
        : null;
    const texCoords = own ?? g.texCoords;
    let mask = own ? undefined : g.masks.get(face.size);
    if (!mask) {
      mask = edgeWeightMask(g.indices, texCoords, g.edgeWeight, face.size);
      if (!own) g.masks.set(face.size, mask);
    }
    const baked = bakeLensTextures(face.rgba, face.size, {
      alpha: this.featheredAlpha(face, o.feather),
      mirror: o.mirror,
      edgeWeight: mask,
    });
    const colour = putPixels(b?.colour, baked.colour, face.size),
      cover = putPixels(b?.cover, baked.cover, face.size);
    face.mesh = {
      colour,
      cover,
      colourPattern: pattern(this.colourLayer.ctx, colour),
      coverPattern: pattern(this.coverLayer.ctx, cover),
      // A grown triangle reaches under a pixel past its edge; the texture filter one texel more.
      coverage: triangleCoverage(g.indices, texCoords, baked.alpha, face.size, 3),
      inverses: own ? triangleInverses(g.indices, own) : g.inverses,
      feather: o.feather,
      mirror: o.mirror,
      geometry: g.version,
    };
    return face.mesh;
  }

  private forgetBakes(): void {
    for (const f of this.faces.values()) releaseBakes(f);
  }

  dispose(): void {
    this.listeners.abort();
    this.dropFaces();
    this.geometry = null;
    // Canvases hold their pixels until they are collected: a zero size frees them now.
    for (const l of [this.colourLayer, this.coverLayer]) l.canvas.width = l.canvas.height = 0;
    this.canvas.width = this.canvas.height = 0;
  }
}

interface Layer {
  canvas: HTMLCanvasElement;
  ctx: CanvasRenderingContext2D;
}

function layer(): Layer {
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', CPU);
  if (!ctx) throw new Error('camera compositing: expected a 2D canvas context for a lens layer, got none');
  return { canvas, ctx };
}

/** The layer at the frame's size, cleared within (x0, y0)..(x1, y1). */
function clearLayer(l: Layer, vw: number, vh: number, x0: number, y0: number, x1: number, y1: number): void {
  if (l.canvas.width !== vw || l.canvas.height !== vh) {
    l.canvas.width = vw;
    l.canvas.height = vh;
  }
  l.ctx.setTransform(1, 0, 0, 1, 0, 0);
  l.ctx.clearRect(x0, y0, x1 - x0, y1 - y0);
}

/** The grown triangle `e` (six corners) added to the context's path, its corners in reverse order if asked. */
function polygon(ctx: CanvasRenderingContext2D, e: Float64Array, reverse: boolean): void {
  if (reverse) {
    ctx.moveTo(e[10]!, e[11]!);
    for (let k = 8; k >= 0; k -= 2) ctx.lineTo(e[k]!, e[k + 1]!);
  } else {
    ctx.moveTo(e[0]!, e[1]!);
    for (let k = 2; k < 12; k += 2) ctx.lineTo(e[k]!, e[k + 1]!);
  }
  ctx.closePath();
}

/** Fills the path (a run of solid triangles) black: their cover. */
function fillSolid(ctx: CanvasRenderingContext2D): void {
  ctx.fillStyle = '#000';
  ctx.fill();
}

/** A texture as a fill (its transform set per triangle); transparent beyond its edges, as the GPU's discard. */
function pattern(ctx: CanvasRenderingContext2D, tex: HTMLCanvasElement): CanvasPattern {
  const p = ctx.createPattern(tex, 'no-repeat');
  if (!p) throw new Error('camera compositing: expected a pattern of the face texture, got none');
  return p;
}

/** RGBA into a canvas of `size` x `size` (the previous one reused when there is one). */
function putPixels(prev: HTMLCanvasElement | undefined, data: Uint8ClampedArray, size: number): HTMLCanvasElement {
  const canvas = prev ?? document.createElement('canvas');
  if (canvas.width !== size || canvas.height !== size) {
    canvas.width = size;
    canvas.height = size;
  }
  const ctx = canvas.getContext('2d', CPU);
  if (!ctx) throw new Error('camera compositing: expected a 2D canvas context for a face texture, got none');
  ctx.putImageData(new ImageData(data as Uint8ClampedArray<ArrayBuffer>, size, size), 0, 0);
  return canvas;
}

/** Frees a face's baked textures (a zero-size canvas holds no pixels). */
function releaseBakes(f: Face2D): void {
  for (const c of [f.flat?.canvas, f.mesh?.colour, f.mesh?.cover]) if (c) c.width = c.height = 0;
  f.flat = f.mesh = null;
}
