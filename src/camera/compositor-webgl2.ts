/**
 * Draws the camera frame and the generated faces into a canvas with WebGL2, entirely on the GPU: the frame is
 * uploaded as a texture each frame, each generated face once per latent, each lens mesh's vertex positions each
 * frame, and nothing is read back.
 *
 * WebGL2 rather than the tfjs WebGPU device: a WebGL2 canvas works on every browser that runs camera mode
 * (WebGPU canvases do not yet, and in headless Chromium 156 a WebGPU canvas breaks later buffer maps on the
 * same device; see README), and the compositing is a few textured quads and meshes, which any GPU API does equally
 * fast.
 */
import { linkProgram } from '../core/webgl-program.js';
import { FACE_FRAG, MESH_FRAG, MESH_VERT, VERT, VIDEO_FRAG } from './compositor-glsl.js';
import { alphaOf, featherAlpha, featherWidth, withAlpha } from './compositor-2d-math.js';
import { visibleTriangles } from './lens-cull.js';
import {
  sizeToFrame,
  type CompositeOptions,
  type CompositorKind,
  type FaceCompositor,
  type FaceDraw,
  type FaceFit,
  type LensGeometry,
  type MeshDraw,
} from './face-compositor.js';

/** The browser gives the canvas no WebGL2 context: the one failure that the 2D compositor stands in for. */
export class WebGL2Unavailable extends Error {
  override name = 'WebGL2Unavailable';
}

/** The lighting's copy of the frame: a quarter of 640 x 480, enough for shading at an eighth of a face. */
const LIGHT_SIZE = [160, 120] as const;

/** Column-major 3x3 affine: (u, v) -> (m0 u + m3 v + m6, m1 u + m4 v + m7). */
type Mat3 = Float32Array;

type MeshUniform =
  'frameSize' | 'mirror' | 'depth' | 'tex' | 'frame' | 'opacity' | 'flipU' | 'lighting' | 'lod' | 'faceCentre';

/**
 * GL objects of the lens mesh: a VAO over per-frame positions, the model's texture coordinates and fixed parts.
 * Its triangles are each face's own (GlFace.visible).
 */
interface MeshBuffers {
  vao: WebGLVertexArrayObject;
  positions: WebGLBuffer;
  texCoords: WebGLBuffer;
  edge: WebGLBuffer;
  vertexCount: number;
}

type FlatUniform = 'videoToClip' | 'videoTex' | 'faceToClip' | 'faceTex' | 'opacity' | 'flipU';

/**
 * Everything the compositor holds in one WebGL context: built when the compositor is made and again when a lost
 * context is restored (a restored context has none of the old objects).
 */
interface GlState {
  videoProg: WebGLProgram;
  faceProg: WebGLProgram;
  meshProg: WebGLProgram;
  quad: WebGLBuffer;
  vao: WebGLVertexArrayObject;
  videoTex: WebGLTexture;
  /** The frame at LIGHT_SIZE with mip levels, for the lens's lighting, and the framebuffer that draws it. */
  lightTex: WebGLTexture;
  lightFbo: WebGLFramebuffer;
  /** Uniform locations, looked up once rather than every frame. */
  u: Record<FlatUniform, WebGLUniformLocation | null>;
  um: Record<MeshUniform, WebGLUniformLocation | null>;
  faces: Map<number, GlFace>;
  mesh: MeshBuffers | null;
}

/**
 * A face's texture (premultiplied by its alpha feathered at the compositor's feather), and its own texture
 * coordinates on the lens (plain, mirrored) where it has them.
 */
interface GlFace {
  tex: WebGLTexture;
  size: number;
  /** The alpha the texture is premultiplied by (feathered), for finding the triangles that draw anything. */
  alpha: Float32Array;
  /** The face's own texture coordinates on the lens, on the CPU and on the GPU. */
  fit: { own: FaceFit; texCoords: WebGLBuffer; mirrored: WebGLBuffer; vertexCount: number } | null;
  /** The lens triangles that draw anything (lens-cull.ts), for the mesh and mirroring they were found for. */
  visible: { mesh: MeshBuffers; mirror: boolean; indices: WebGLBuffer; count: number } | null;
}

const MESH_UNIFORMS: readonly MeshUniform[] = [
  'frameSize',
  'mirror',
  'depth',
  'tex',
  'frame',
  'opacity',
  'flipU',
  'lighting',
  'lod',
  'faceCentre',
];

/** A new ARRAY_BUFFER holding `data`, left bound. */
function arrayBuffer(gl: WebGL2RenderingContext, data: Float32Array, usage: number): WebGLBuffer {
  const b = gl.createBuffer()!;
  gl.bindBuffer(gl.ARRAY_BUFFER, b);
  gl.bufferData(gl.ARRAY_BUFFER, data, usage);
  return b;
}

function texture(gl: WebGL2RenderingContext, minFilter: number): WebGLTexture {
  const t = gl.createTexture()!;
  gl.bindTexture(gl.TEXTURE_2D, t);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, minFilter);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  return t;
}

/**
 * Fills the bound texture (and its mip levels) with a premultiplied face whose alpha is feathered for `feather`:
 * the feather is baked here once, so that drawing a face takes one texture tap a pixel.
 */
function fillFaceTexture(gl: WebGL2RenderingContext, rgba: Uint8Array, size: number, feather: number): Float32Array {
  const width = featherWidth(feather, size);
  const alpha = alphaOf(rgba);
  const feathered = Math.round(width) > 1 ? featherAlpha(alpha, size, width) : alpha;
  const pixels = feathered === alpha ? rgba : withAlpha(rgba, feathered);
  gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, size, size, 0, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
  gl.generateMipmap(gl.TEXTURE_2D);
  return feathered;
}

/** The programs, the quad and the frame's textures, in a fresh (or freshly restored) context. */
function buildState(gl: WebGL2RenderingContext): GlState {
  const videoProg = linkProgram(gl, VERT, VIDEO_FRAG, 'compositor', ['corner']);
  const faceProg = linkProgram(gl, VERT, FACE_FRAG, 'compositor', ['corner']);
  const meshProg = linkProgram(gl, MESH_VERT, MESH_FRAG, 'compositor', ['position', 'texCoord', 'edge']);
  const v = (name: string) => gl.getUniformLocation(videoProg, name);
  const f = (name: string) => gl.getUniformLocation(faceProg, name);
  const u = {
    videoToClip: v('toClip'),
    videoTex: v('tex'),
    faceToClip: f('toClip'),
    faceTex: f('tex'),
    opacity: f('opacity'),
    flipU: f('flipU'),
  };
  const um = Object.fromEntries(MESH_UNIFORMS.map((n) => [n, gl.getUniformLocation(meshProg, n)])) as Record<
    MeshUniform,
    WebGLUniformLocation | null
  >;
  const vao = gl.createVertexArray()!;
  gl.bindVertexArray(vao);
  const quad = arrayBuffer(gl, new Float32Array([0, 0, 1, 0, 0, 1, 1, 1]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  gl.bindVertexArray(null);
  const videoTex = texture(gl, gl.LINEAR);
  const lightTex = texture(gl, gl.LINEAR_MIPMAP_LINEAR);
  gl.texStorage2D(gl.TEXTURE_2D, Math.floor(Math.log2(LIGHT_SIZE[0])) + 1, gl.RGBA8, LIGHT_SIZE[0], LIGHT_SIZE[1]);
  const lightFbo = gl.createFramebuffer()!;
  gl.bindFramebuffer(gl.FRAMEBUFFER, lightFbo);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, lightTex, 0);
  gl.bindFramebuffer(gl.FRAMEBUFFER, null);
  return {
    videoProg,
    faceProg,
    meshProg,
    quad,
    vao,
    videoTex,
    lightTex,
    lightFbo,
    u,
    um,
    faces: new Map(),
    mesh: null,
  };
}

/** Events of the view's WebGL context, for the camera pipeline. */
export interface ContextEvents {
  /** The context was lost: nothing is drawn until it is restored. */
  lost(): void;
  /** The context was restored and everything the compositor held is rebuilt: drawing goes on. */
  restored(): void;
  /** Rebuilding after a restore failed: the view stays blank. */
  failed(message: string): void;
}

export class CompositorWebGL2 implements FaceCompositor {
  readonly kind: CompositorKind = 'webgl2';
  readonly canvas: HTMLCanvasElement;
  private readonly gl: WebGL2RenderingContext;
  /** The GL objects; null while the context is lost. */
  private state: GlState | null;
  /**
   * What the GL objects are made from, kept on the CPU so that a restored context gets them back without asking
   * the generator again: each slot's face bytes, and the lens geometry.
   */
  private readonly faceBytes = new Map<number, { rgba: Uint8Array; size: number; fit?: FaceFit }>();
  private geometry: LensGeometry | null = null;
  private readonly listeners = new AbortController();
  /** The feather the faces' textures are made for: the last draw's. */
  private feather = 0;

  /** Throws WebGL2Unavailable if the canvas gets no WebGL2 context. */
  constructor(canvas: HTMLCanvasElement, events: ContextEvents) {
    this.canvas = canvas;
    const gl = canvas.getContext('webgl2', {
      premultipliedAlpha: true,
      alpha: false,
      antialias: false,
      depth: true,
      preserveDrawingBuffer: false,
    });
    if (!gl) throw new WebGL2Unavailable('camera compositing needs WebGL2, which this browser does not provide');
    this.gl = gl;
    const signal = this.listeners.signal;
    canvas.addEventListener(
      'webglcontextlost',
      (e) => {
        e.preventDefault(); // asks the browser to restore the context
        this.state = null; // its objects are gone with it
        events.lost();
      },
      { signal },
    );
    canvas.addEventListener(
      'webglcontextrestored',
      () => {
        try {
          this.rebuild();
        } catch (e) {
          this.state = null;
          events.failed((e as Error).message);
          return;
        }
        events.restored();
      },
      { signal },
    );
    this.state = buildState(gl);
  }

  /** Whether the context is usable (false between a loss and its restore). */
  get ready(): boolean {
    return this.state !== null;
  }

  /** A restored context: the programs and buffers again, then the lens geometry and every face. */
  private rebuild(): void {
    this.state = buildState(this.gl);
    if (this.geometry) this.uploadGeometry(this.state, this.geometry);
    for (const [slot, f] of this.faceBytes) this.uploadFace(this.state, slot, f.rgba, f.size, f.fit);
  }

  /**
   * The lens mesh for the current model (its texture coordinates depend on the model's canonical points);
   * replaces the previous one. Until it is set, mesh draws are skipped.
   */
  setLensGeometry(g: LensGeometry): void {
    if (g.texCoords.length !== 2 * g.vertexCount || g.edgeWeight.length !== g.vertexCount) {
      throw new Error(
        `compositor: expected ${g.vertexCount} vertices' texture coordinates and weights, got ${g.texCoords.length / 2} and ${g.edgeWeight.length}`,
      );
    }
    this.geometry = g;
    if (this.state) this.uploadGeometry(this.state, g);
  }

  private uploadGeometry(st: GlState, g: LensGeometry): void {
    const gl = this.gl;
    this.dropLensGeometry(st);
    const vao = gl.createVertexArray()!;
    gl.bindVertexArray(vao);
    const buffer = (data: Float32Array, usage: number, attribute: number, size: number) => {
      const b = arrayBuffer(gl, data, usage);
      gl.enableVertexAttribArray(attribute);
      gl.vertexAttribPointer(attribute, size, gl.FLOAT, false, 0, 0);
      return b;
    };
    const positions = buffer(new Float32Array(3 * g.vertexCount), gl.DYNAMIC_DRAW, 0, 3);
    const texCoords = buffer(g.texCoords, gl.STATIC_DRAW, 1, 2);
    const edge = buffer(g.edgeWeight, gl.STATIC_DRAW, 2, 1);
    gl.bindVertexArray(null);
    st.mesh = { vao, positions, texCoords, edge, vertexCount: g.vertexCount };
  }

  private dropLensGeometry(st: GlState): void {
    const m = st.mesh;
    st.mesh = null;
    if (!m) return;
    const gl = this.gl;
    for (const b of [m.positions, m.texCoords, m.edge]) gl.deleteBuffer(b);
    gl.deleteVertexArray(m.vao);
  }

  /**
   * Takes in a generated face: premultiplied RGBA bytes, size x size, and its own lens texture coordinates if
   * given (all kept, for a restored context).
   */
  setFace(slot: number, rgba: Uint8Array, size: number, fit?: FaceFit): void {
    if (rgba.length !== size * size * 4)
      throw new Error(`compositor: expected ${size * size * 4} bytes for a ${size}px face, got ${rgba.length}`);
    if (fit && fit.texCoords.length !== fit.mirrored.length)
      throw new Error(`compositor: expected as many mirrored texture coordinates as plain ones`);
    this.faceBytes.set(slot, { rgba, size, fit });
    if (this.state) this.uploadFace(this.state, slot, rgba, size, fit);
  }

  private uploadFace(st: GlState, slot: number, rgba: Uint8Array, size: number, fit: FaceFit | undefined): void {
    const gl = this.gl;
    const old = st.faces.get(slot);
    if (old) this.deleteFace(old);
    const tex = texture(gl, gl.LINEAR_MIPMAP_LINEAR);
    const alpha = fillFaceTexture(gl, rgba, size, this.feather);
    const buffer = (data: Float32Array) => arrayBuffer(gl, data, gl.STATIC_DRAW);
    st.faces.set(slot, {
      tex,
      size,
      alpha,
      fit: fit
        ? {
            own: fit,
            texCoords: buffer(fit.texCoords),
            mirrored: buffer(fit.mirrored),
            vertexCount: fit.texCoords.length / 2,
          }
        : null,
      visible: null,
    });
  }

  private deleteFace(f: GlFace): void {
    this.gl.deleteTexture(f.tex);
    if (f.fit) for (const b of [f.fit.texCoords, f.fit.mirrored]) this.gl.deleteBuffer(b);
    this.dropVisible(f);
  }

  private dropVisible(f: GlFace): void {
    if (f.visible) this.gl.deleteBuffer(f.visible.indices);
    f.visible = null;
  }

  /**
   * The face's triangles that draw anything on mesh `m` in this mirroring, bound as the element buffer of `m`'s
   * vertex array (bound by the caller); found again only when the mesh, mirroring or feather changed.
   */
  private bindVisible(face: GlFace, m: MeshBuffers, texCoords: Float32Array, mirror: boolean): number {
    const gl = this.gl;
    const v = face.visible;
    if (v && v.mesh === m && v.mirror === mirror) {
      gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, v.indices);
      return v.count;
    }
    this.dropVisible(face);
    const g = this.geometry!;
    const kept = visibleTriangles(g.indices, texCoords, g.edgeWeight, face.alpha, face.size, mirror);
    const indices = gl.createBuffer()!;
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, indices);
    gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, kept, gl.STATIC_DRAW);
    face.visible = { mesh: m, mirror, indices, count: kept.length };
    return kept.length;
  }

  /** The slot's face is drawn when asked: it has arrived, and the context is not lost. */
  hasFace(slot: number): boolean {
    return this.state !== null && this.faceBytes.has(slot);
  }

  dropFace(slot: number): void {
    this.faceBytes.delete(slot);
    const f = this.state?.faces.get(slot);
    if (f) this.deleteFace(f);
    this.state?.faces.delete(slot);
  }

  dropFaces(): void {
    for (const slot of [...this.faceBytes.keys()]) this.dropFace(slot);
  }

  /**
   * Draws the frame and the faces whose textures are ready: flat faces by their similarity, lens faces on
   * their mesh. The canvas takes the frame's size.
   */
  draw(frame: HTMLVideoElement, faces: readonly FaceDraw[], meshes: readonly MeshDraw[], o: CompositeOptions): void {
    const st = this.state;
    if (!st || this.gl.isContextLost()) return;
    const gl = this.gl;
    const size = sizeToFrame(this.canvas, frame);
    if (!size) return;
    const [vw, vh] = size;
    if (o.feather !== this.feather) this.refeather(st, o.feather);
    gl.viewport(0, 0, vw, vh);
    gl.bindVertexArray(st.vao);

    // Video pixels -> clip space (y down -> up), mirrored when asked.
    const sx = (o.mirror ? -2 : 2) / vw,
      ox = o.mirror ? 1 : -1;
    const toClip = (m: number[]): Mat3 => {
      // m: unit square -> video pixels, as [a, b, c, d, e, f] for (a u + c v + e, b u + d v + f)
      const [a, b, c, d, e, f] = m as [number, number, number, number, number, number];
      return new Float32Array([sx * a, (-2 / vh) * b, 0, sx * c, (-2 / vh) * d, 0, sx * e + ox, (-2 / vh) * f + 1, 1]);
    };

    gl.disable(gl.BLEND);
    gl.disable(gl.DEPTH_TEST);
    gl.useProgram(st.videoProg);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, st.videoTex);
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, frame);
    // The lighting reads the frame blurred: drawn small, then its mip levels, all on the GPU, only when a lit
    // face needs them. Mip levels of the whole frame cost more than the lens itself on a software GPU.
    const lit = o.lighting > 0 && meshes.length > 0 && st.mesh !== null;
    if (lit) {
      gl.bindFramebuffer(gl.FRAMEBUFFER, st.lightFbo);
      gl.viewport(0, 0, LIGHT_SIZE[0], LIGHT_SIZE[1]);
      // Unit square -> clip with the frame's top row at the texture's first row, so frame uv samples it as is.
      gl.uniformMatrix3fv(st.u.videoToClip, false, new Float32Array([2, 0, 0, 0, 2, 0, -1, -1, 1]));
      gl.uniform1i(st.u.videoTex, 0);
      gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
      gl.bindFramebuffer(gl.FRAMEBUFFER, null);
      gl.viewport(0, 0, vw, vh);
      gl.bindTexture(gl.TEXTURE_2D, st.lightTex);
      gl.generateMipmap(gl.TEXTURE_2D);
      gl.bindTexture(gl.TEXTURE_2D, st.videoTex);
    }
    gl.uniformMatrix3fv(st.u.videoToClip, false, toClip([vw, 0, 0, vh, 0, 0]));
    gl.uniform1i(st.u.videoTex, 0);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);

    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    gl.useProgram(st.faceProg);
    gl.uniform1i(st.u.faceTex, 0);
    gl.uniform1f(st.u.opacity, o.opacity);
    gl.uniform1f(st.u.flipU, o.mirror ? 1 : 0);
    for (const f of faces) {
      const face = st.faces.get(f.slot);
      if (!face) continue;
      const { a, b, tx, ty } = f.transform;
      const R = face.size;
      // Unit square -> model pixels (u R, v R) -> video pixels through the similarity.
      gl.uniformMatrix3fv(st.u.faceToClip, false, toClip([a * R, b * R, -b * R, a * R, tx, ty]));
      gl.bindTexture(gl.TEXTURE_2D, face.tex);
      gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    }
    this.drawMeshes(st, meshes, o, vw, vh, lit);
  }

  private drawMeshes(
    st: GlState,
    meshes: readonly MeshDraw[],
    o: CompositeOptions,
    vw: number,
    vh: number,
    lit: boolean,
  ): void {
    const m = st.mesh;
    if (!m || meshes.length === 0) return;
    const gl = this.gl,
      u = st.um;
    gl.useProgram(st.meshProg);
    gl.bindVertexArray(m.vao);
    gl.activeTexture(gl.TEXTURE1);
    gl.bindTexture(gl.TEXTURE_2D, st.lightTex);
    gl.activeTexture(gl.TEXTURE0);
    gl.uniform1i(u.tex, 0);
    gl.uniform1i(u.frame, 1);
    gl.uniform2f(u.frameSize, vw, vh);
    gl.uniform1f(u.mirror, o.mirror ? 1 : 0);
    gl.uniform1f(u.opacity, o.opacity);
    gl.uniform1f(u.flipU, o.mirror ? 1 : 0);
    gl.uniform1f(u.lighting, lit ? o.lighting : 0);
    gl.enable(gl.DEPTH_TEST);
    gl.depthFunc(gl.LESS);
    for (const d of meshes) {
      const face = st.faces.get(d.slot);
      if (!face) continue;
      if (d.positions.length !== 3 * m.vertexCount)
        throw new Error(`compositor: expected ${m.vertexCount} mesh vertices, got ${d.positions.length / 3}`);
      // Each face has its own depth range: one face never hides another by depth.
      gl.clear(gl.DEPTH_BUFFER_BIT);
      gl.bindBuffer(gl.ARRAY_BUFFER, m.positions);
      gl.bufferSubData(gl.ARRAY_BUFFER, 0, d.positions);
      let z = 0;
      for (let i = 2; i < d.positions.length; i += 3) z += d.positions[i]!;
      gl.uniform2f(u.depth, z / m.vertexCount, 1 / (2 * Math.max(1, d.size)));
      // Local shading at about an eighth of the face, the mean over about half of it.
      const level = (px: number) => Math.max(0, Math.log2(Math.max(1, px)));
      const toLight = LIGHT_SIZE[0] / vw;
      gl.uniform2f(u.lod, level((toLight * d.size) / 8), level((toLight * d.size) / 2));
      gl.uniform2f(u.faceCentre, d.centre[0] / vw, d.centre[1] / vh);
      // The face's own texture coordinates (its silhouette fitted to the oval) where they fit this mesh.
      const fit = face.fit?.vertexCount === m.vertexCount ? face.fit : null;
      gl.bindBuffer(gl.ARRAY_BUFFER, fit ? (o.mirror ? fit.mirrored : fit.texCoords) : m.texCoords);
      gl.vertexAttribPointer(1, 2, gl.FLOAT, false, 0, 0);
      const own = fit ? (o.mirror ? fit.own.mirrored : fit.own.texCoords) : this.geometry!.texCoords;
      const count = this.bindVisible(face, m, own, o.mirror);
      gl.bindTexture(gl.TEXTURE_2D, face.tex);
      gl.drawElements(gl.TRIANGLES, count, gl.UNSIGNED_SHORT, 0);
    }
    gl.bindBuffer(gl.ARRAY_BUFFER, m.texCoords);
    gl.vertexAttribPointer(1, 2, gl.FLOAT, false, 0, 0);
    gl.disable(gl.DEPTH_TEST);
    gl.bindVertexArray(null);
  }

  /** The faces' textures made again for a new feather setting (a setting that changes rarely, never per frame). */
  private refeather(st: GlState, feather: number): void {
    this.feather = feather;
    for (const [slot, face] of st.faces) {
      const bytes = this.faceBytes.get(slot);
      if (!bytes) continue;
      this.gl.bindTexture(this.gl.TEXTURE_2D, face.tex);
      face.alpha = fillFaceTexture(this.gl, bytes.rgba, bytes.size, feather);
      this.dropVisible(face);
    }
  }

  dispose(): void {
    this.listeners.abort(); // losing the context on purpose below is not an error
    this.faceBytes.clear();
    this.geometry = null;
    const st = this.state;
    this.state = null;
    if (!st) return;
    const gl = this.gl;
    for (const f of st.faces.values()) this.deleteFace(f);
    this.dropLensGeometry(st);
    gl.deleteTexture(st.videoTex);
    gl.deleteTexture(st.lightTex);
    gl.deleteFramebuffer(st.lightFbo);
    gl.deleteBuffer(st.quad);
    gl.deleteVertexArray(st.vao);
    gl.deleteProgram(st.videoProg);
    gl.deleteProgram(st.faceProg);
    gl.deleteProgram(st.meshProg);
    gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
}
