/**
 * Draws the camera frame and the generated faces into a canvas with WebGL2, entirely on the GPU: the frame is
 * uploaded as a texture each frame, each generated face once per latent, and nothing is read back.
 *
 * WebGL2 rather than the tfjs WebGPU device: a WebGL2 canvas works on every browser that runs camera mode
 * (WebGPU canvases do not yet, and in headless Chromium 156 a WebGPU canvas breaks later buffer maps on the
 * same device; see README), and the compositing is a few textured quads, which any GPU API does equally fast.
 */
import type { Similarity } from './similarity.js';

export interface FaceDraw {
  slot: number;
  /** Model pixels (0..R, y down) -> video pixels. */
  transform: Similarity;
}

export interface CompositeOptions {
  /** Flip the output horizontally, like a selfie view. */
  mirror: boolean;
  /** 0..1, the generated face's opacity. */
  opacity: number;
  /** 0..1, how far the face's edge fades in, as a fraction of the face. */
  feather: number;
}

const VERT = `#version 300 es
in vec2 corner;            // unit square, 0..1
uniform mat3 toClip;       // unit square -> clip space
out vec2 uv;
void main() {
  uv = corner;
  vec3 p = toClip * vec3(corner, 1.0);
  gl_Position = vec4(p.xy, 0.0, 1.0);
}`;

const VIDEO_FRAG = `#version 300 es
precision mediump float;
in vec2 uv;
uniform sampler2D tex;
out vec4 color;
void main() { color = vec4(texture(tex, uv).rgb, 1.0); }`;

// The face is premultiplied. Feather: the alpha is the minimum of its own and a ring average, so the edge fades
// inward over the ring's radius while the inside stays sharp and nothing spills outside the face.
const FACE_FRAG = `#version 300 es
precision mediump float;
in vec2 uv;
uniform sampler2D tex;
uniform float opacity;
uniform float radius;      // in uv units
uniform float flipU;       // 1: sample mirrored, so a mirrored view shows the face unmirrored
out vec4 color;
void main() {
  vec2 st = vec2(mix(uv.x, 1.0 - uv.x, flipU), uv.y);
  vec4 c = texture(tex, st);
  float a = c.a;
  if (radius > 0.0) {
    float ring = 0.0;
    for (int i = 0; i < 12; i++) {
      float t = 6.2831853 * float(i) / 12.0;
      ring += texture(tex, st + radius * vec2(cos(t), sin(t))).a;
      ring += texture(tex, st + 0.5 * radius * vec2(cos(t + 0.26), sin(t + 0.26))).a;
    }
    a = min(a, ring / 24.0);
  }
  vec3 straight = c.a > 0.0 ? c.rgb / c.a : vec3(0.0);
  color = vec4(straight * a, a) * opacity;
}`;

function compile(gl: WebGL2RenderingContext, vs: string, fs: string): WebGLProgram {
  const prog = gl.createProgram()!;
  for (const [type, src] of [[gl.VERTEX_SHADER, vs], [gl.FRAGMENT_SHADER, fs]] as const) {
    const sh = gl.createShader(type)!;
    gl.shaderSource(sh, src);
    gl.compileShader(sh);
    if (!gl.getShaderParameter(sh, gl.COMPILE_STATUS)) throw new Error(`compositor shader: ${gl.getShaderInfoLog(sh)}`);
    gl.attachShader(prog, sh);
    gl.deleteShader(sh);
  }
  gl.bindAttribLocation(prog, 0, 'corner');
  gl.linkProgram(prog);
  if (!gl.getProgramParameter(prog, gl.LINK_STATUS)) throw new Error(`compositor program: ${gl.getProgramInfoLog(prog)}`);
  return prog;
}

/** Column-major 3x3 affine: (u, v) -> (m0 u + m3 v + m6, m1 u + m4 v + m7). */
type Mat3 = Float32Array;

export class Compositor {
  readonly canvas: HTMLCanvasElement;
  private readonly gl: WebGL2RenderingContext;
  private readonly videoProg: WebGLProgram;
  private readonly faceProg: WebGLProgram;
  private readonly quad: WebGLBuffer;
  private readonly vao: WebGLVertexArrayObject;
  private readonly videoTex: WebGLTexture;
  private readonly faces = new Map<number, { tex: WebGLTexture; size: number }>();
  /** Uniform locations, looked up once rather than every frame. */
  private readonly u: Record<'videoToClip' | 'videoTex' | 'faceToClip' | 'faceTex' | 'opacity' | 'radius' | 'flipU', WebGLUniformLocation | null>;
  private lost = false;
  private readonly listeners = new AbortController();

  /** Throws if WebGL2 is unavailable. */
  constructor(canvas: HTMLCanvasElement, onLost: () => void) {
    this.canvas = canvas;
    const gl = canvas.getContext('webgl2', { premultipliedAlpha: true, alpha: false, antialias: false, preserveDrawingBuffer: false });
    if (!gl) throw new Error('camera compositing needs WebGL2, which this browser does not provide');
    this.gl = gl;
    canvas.addEventListener('webglcontextlost', (e) => {
      e.preventDefault();
      this.lost = true;
      onLost();
    }, { once: true, signal: this.listeners.signal });
    this.videoProg = compile(gl, VERT, VIDEO_FRAG);
    this.faceProg = compile(gl, VERT, FACE_FRAG);
    const v = (name: string) => gl.getUniformLocation(this.videoProg, name);
    const f = (name: string) => gl.getUniformLocation(this.faceProg, name);
    this.u = {
      videoToClip: v('toClip'), videoTex: v('tex'),
      faceToClip: f('toClip'), faceTex: f('tex'), opacity: f('opacity'), radius: f('radius'), flipU: f('flipU'),
    };
    this.quad = gl.createBuffer()!;
    this.vao = gl.createVertexArray()!;
    gl.bindVertexArray(this.vao);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.quad);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([0, 0, 1, 0, 0, 1, 1, 1]), gl.STATIC_DRAW);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    this.videoTex = this.texture(gl.LINEAR);
  }

  private texture(minFilter: number): WebGLTexture {
    const gl = this.gl;
    const t = gl.createTexture()!;
    gl.bindTexture(gl.TEXTURE_2D, t);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, minFilter);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    return t;
  }

  /** Uploads a generated face: premultiplied RGBA bytes, size x size. */
  setFace(slot: number, rgba: Uint8Array, size: number): void {
    if (this.lost) return;
    if (rgba.length !== size * size * 4) throw new Error(`compositor: expected ${size * size * 4} bytes for a ${size}px face, got ${rgba.length}`);
    const gl = this.gl;
    this.dropFace(slot);
    const tex = this.texture(gl.LINEAR_MIPMAP_LINEAR);
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, size, size, 0, gl.RGBA, gl.UNSIGNED_BYTE, rgba);
    gl.generateMipmap(gl.TEXTURE_2D);
    this.faces.set(slot, { tex, size });
  }

  hasFace(slot: number): boolean {
    return this.faces.has(slot);
  }

  dropFace(slot: number): void {
    const f = this.faces.get(slot);
    if (f && !this.lost) this.gl.deleteTexture(f.tex);
    this.faces.delete(slot);
  }

  dropFaces(): void {
    for (const slot of [...this.faces.keys()]) this.dropFace(slot);
  }

  /** Draws the frame and the faces whose textures are ready. The canvas takes the frame's size. */
  draw(frame: HTMLVideoElement, faces: readonly FaceDraw[], o: CompositeOptions): void {
    if (this.lost) return;
    const gl = this.gl;
    const vw = frame.videoWidth, vh = frame.videoHeight;
    if (!vw || !vh) return;
    if (this.canvas.width !== vw || this.canvas.height !== vh) {
      this.canvas.width = vw;
      this.canvas.height = vh;
    }
    gl.viewport(0, 0, vw, vh);
    gl.bindVertexArray(this.vao);

    // Video pixels -> clip space (y down -> up), mirrored when asked.
    const sx = (o.mirror ? -2 : 2) / vw, ox = o.mirror ? 1 : -1;
    const toClip = (m: number[]): Mat3 => {
      // m: unit square -> video pixels, as [a, b, c, d, e, f] for (a u + c v + e, b u + d v + f)
      const [a, b, c, d, e, f] = m as [number, number, number, number, number, number];
      return new Float32Array([sx * a, (-2 / vh) * b, 0, sx * c, (-2 / vh) * d, 0, sx * e + ox, (-2 / vh) * f + 1, 1]);
    };

    gl.disable(gl.BLEND);
    gl.useProgram(this.videoProg);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, this.videoTex);
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, frame);
    gl.uniformMatrix3fv(this.u.videoToClip, false, toClip([vw, 0, 0, vh, 0, 0]));
    gl.uniform1i(this.u.videoTex, 0);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);

    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    gl.useProgram(this.faceProg);
    gl.uniform1i(this.u.faceTex, 0);
    gl.uniform1f(this.u.opacity, o.opacity);
    gl.uniform1f(this.u.radius, 0.08 * o.feather);
    gl.uniform1f(this.u.flipU, o.mirror ? 1 : 0);
    for (const f of faces) {
      const face = this.faces.get(f.slot);
      if (!face) continue;
      const { a, b, tx, ty } = f.transform;
      const R = face.size;
      // Unit square -> model pixels (u R, v R) -> video pixels through the similarity.
      gl.uniformMatrix3fv(this.u.faceToClip, false, toClip([a * R, b * R, -b * R, a * R, tx, ty]));
      gl.bindTexture(gl.TEXTURE_2D, face.tex);
      gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    }
  }

  dispose(): void {
    this.listeners.abort(); // losing the context on purpose below is not an error
    this.dropFaces();
    if (this.lost) return;
    const gl = this.gl;
    gl.deleteTexture(this.videoTex);
    gl.deleteBuffer(this.quad);
    gl.deleteVertexArray(this.vao);
    gl.deleteProgram(this.videoProg);
    gl.deleteProgram(this.faceProg);
    gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
}
