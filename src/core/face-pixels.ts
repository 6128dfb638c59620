/**
 * From a generated face on the backend to pixels, all of it: the one call into the generator is generate(); from
 * its premultiplied tensor on, straight alpha, ImageData, premultiplied bytes or a 2D canvas are made here. The
 * canvas is reached by the cheapest path the backend allows (docs/performance.md, "Draw paths"):
 * - `cpu`, on every backend: straight-alpha bytes made on the backend (straight255), read back once and
 *   put with putImageData;
 * - `webgl`: the premultiplied face copied by a small shader into the tfjs WebGL context's own canvas, then
 *   drawImage: no read-back. Needs a WebGL2 context with a premultiplied alpha channel, which src/core/backend.ts
 *   provides when it starts tfjs's WebGL backend itself (a page whose tfjs started it first keeps the CPU path);
 * - `webgpu`: tf.browser.draw into a WebGPU canvas, then drawImage: no read-back. On a hardware adapter only: in
 *   Chromium with SwiftShader, the first getCurrentTexture() of any WebGPU canvas breaks every later buffer map in
 *   the page (tfjs's device included, and from a worker too), so it cannot even be probed there.
 * A GPU path checks its first face against the CPU path's pixels; an error or a difference over 2/255 turns it off
 * for the page. No DOM: works on an OffscreenCanvas in a worker.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GenerateRequest, Generator } from './generator.js';
import { isSoftwareAdapter, type AdapterInfoLike } from './backend-probe.js';
import { linkProgram } from './webgl-program.js';

export type DrawPath = 'cpu' | 'webgl' | 'webgpu';
export type Canvas2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/**
 * A face from Generator.generate() as straight-alpha RGBA x 255, float32 [R, R, 4], for ImageData: one 1x1 conv (the
 * divisor [a, a, a, 1] / 255), one maximum and one divide on the backend. Read back, `new Uint8ClampedArray(values)`
 * rounds and clamps natively, so no rounding or cast kernel and no per-value JS loop. Colour never exceeds alpha in
 * a generated face, so colour / alpha needs no clip; under alpha 1/255 the colour is below it and maps to < 1.
 * The caller owns (disposes) the result; `face` is left as it is. The conv's two constants are kept with the
 * generator, on its backend.
 */
export function straight255(generator: Generator, face: tf.Tensor3D): tf.Tensor3D {
  const filter = generator.constant('straight.divisor', () => {
    const d = new Float32Array(16);
    for (let c = 0; c < 3; c++) d[3 * 4 + c] = 1 / 255;
    return tf.tensor4d(d, [1, 1, 4, 4]);
  }) as tf.Tensor4D;
  const bias = generator.constant('straight.bias', () => tf.tensor1d([0, 0, 0, 1 / 255]));
  return tf.tidy(() => {
    const [h, w] = face.shape;
    const x = tf.reshape(face, [1, h, w, 4]) as tf.Tensor4D;
    const divisor = tf.fused.conv2d({ x, filter, bias, strides: 1, pad: 'valid' });
    return tf.reshape(tf.div(x, tf.maximum(divisor, 1 / (255 * 255))), [h, w, 4]) as tf.Tensor3D;
  });
}

/** Premultiplied -> straight alpha in [0, 1], on the backend, by slices: what straight255 replaced. Caller owns the result. */
export function unpremultiply(rgba: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const alpha = tf.slice(rgba, [0, 0, 3], [-1, -1, 1]);
    const rgb = tf.div(tf.slice(rgba, [0, 0, 0], [-1, -1, 3]), tf.maximum(alpha, 1 / 255));
    return tf.concat([tf.clipByValue(rgb, 0, 1), alpha], 2) as tf.Tensor3D;
  });
}

/** One face as straight-alpha RGBA8 ImageData: one read-back of R x R x 4 floats. */
export async function faceImageData(generator: Generator, req: GenerateRequest): Promise<ImageData> {
  const straight = tf.tidy(() => straight255(generator, generator.generate(req)));
  try {
    return await toImageData(straight);
  } finally {
    straight.dispose();
  }
}

/** One face as premultiplied RGBA8 bytes (for a WebGL texture): one read-back, rounded and clamped natively. */
export async function premultipliedBytes(generator: Generator, req: GenerateRequest): Promise<Uint8Array> {
  const scaled = tf.tidy(() => tf.mul(generator.generate(req), 255));
  try {
    return new Uint8Array(new Uint8ClampedArray((await scaled.data()) as Float32Array).buffer);
  } finally {
    scaled.dispose();
  }
}

/** Which path drawFace() takes on the page's backend now ('cpu' before one is chosen). */
export function drawPath(): DrawPath {
  // Read without starting a backend, which tf.getBackend() would do.
  const name = (tf.engine() as unknown as { backendName: string | null }).backendName;
  if (name === 'webgl' && verified.webgl !== false && webglOf(tf.backend()) !== null) return 'webgl';
  if (name === 'webgpu' && verified.webgpu !== false && hardwareWebGPU(tf.backend())) return 'webgpu';
  return 'cpu';
}

/**
 * Generates one face and draws it at (0, 0), R x R, replacing what `ctx` had there. Resolves to the path taken, or
 * to null when `stale()` turned true before it was drawn (the CPU path waits for its read-back; the GPU paths draw
 * in the same task as they generate, so nothing newer can come between).
 */
export async function drawFace(
  generator: Generator,
  req: GenerateRequest,
  ctx: Canvas2D,
  stale: () => boolean = () => false,
): Promise<DrawPath | null> {
  const path = drawPath();
  if (path === 'cpu') {
    const image = await faceImageData(generator, req);
    if (stale()) return null;
    ctx.putImageData(image, 0, 0);
    return 'cpu';
  }
  const face = generator.generate(req);
  let drawn = false;
  try {
    drawn = path === 'webgl' ? drawWebGL(face, ctx) : drawWebGPU(generator, face, ctx);
  } catch (e) {
    console.warn(`blaze-face: the ${path} draw path failed, faces go through the CPU from now on:`, e);
  }
  if (drawn && verified[path]) {
    face.dispose();
    return path;
  }
  // Not drawn, or drawn for the first time: the CPU path's pixels, to show or to check against.
  let image: ImageData;
  try {
    image = await toImageData(
      tf.tidy(() => straight255(generator, face)),
      true,
    );
  } finally {
    face.dispose();
  }
  if (drawn) {
    // 3/255: Firefox's WebGL-to-canvas copy rounds about 1 % of values up to 3 away; a driver that draws wrongly
    // is off by far more.
    verified[path] = maxPremultipliedDiff(ctx.getImageData(0, 0, image.width, image.height).data, image.data) <= 3;
    if (verified[path]) return path;
    console.warn(
      `blaze-face: the ${path} draw path gave other pixels than the CPU path, faces go through the CPU from now on`,
    );
    ctx.putImageData(image, 0, 0); // over what it drew, stale or not
    return stale() ? null : 'cpu';
  }
  verified[path] = false;
  if (stale()) return null;
  ctx.putImageData(image, 0, 0);
  return 'cpu';
}

/** Per GPU path: undefined until its first face, then whether it drew what the CPU path draws. One backend per page. */
const verified: Partial<Record<'webgl' | 'webgpu', boolean>> = {};

/** Reads a straight255 tensor into ImageData; `dispose` frees the tensor after. */
async function toImageData(straight: tf.Tensor3D, dispose = false): Promise<ImageData> {
  try {
    const [h, w] = straight.shape;
    // A typed array's conversion rounds and clamps in native code: no per-value JS loop.
    const bytes = new Uint8ClampedArray((await straight.data()) as Float32Array);
    return new ImageData(bytes, w, h);
  } finally {
    if (dispose) straight.dispose();
  }
}

/** Largest difference of two straight-alpha RGBA8 arrays once premultiplied (what a canvas stores), in 0..255. */
function maxPremultipliedDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i += 4) {
    const aa = a[i + 3]!,
      ba = b[i + 3]!;
    max = Math.max(max, Math.abs(aa - ba));
    for (let c = 0; c < 3; c++)
      max = Math.max(max, Math.abs(Math.round((a[i + c]! * aa) / 255) - Math.round((b[i + c]! * ba) / 255)));
  }
  return max;
}

// --- WebGL: a shader in tfjs's own context, into that context's canvas ---

interface WebGLBackendLike {
  gpgpu?: { gl?: WebGL2RenderingContext };
}

/** tfjs's WebGL2 context when its drawing buffer can carry a premultiplied face, else null. */
function webglOf(backend: unknown): WebGL2RenderingContext | null {
  const gl = (backend as WebGLBackendLike).gpgpu?.gl;
  if (!gl || typeof WebGL2RenderingContext === 'undefined' || !(gl instanceof WebGL2RenderingContext)) return null;
  const attrs = gl.getContextAttributes();
  return attrs?.alpha && attrs.premultipliedAlpha ? gl : null;
}

interface FaceProgram {
  program: WebGLProgram;
  vao: WebGLVertexArrayObject;
  face: WebGLUniformLocation;
  size: WebGLUniformLocation;
}

const programs = new WeakMap<WebGL2RenderingContext, FaceProgram>();

// One triangle that covers the viewport; each fragment fetches its pixel, rows flipped (the texture's row 0 is the
// face's top, the drawing buffer's is its bottom).
const VERTEX = `#version 300 es
void main() {
  vec2 p = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
  gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}`;
const FRAGMENT = `#version 300 es
precision highp float;
uniform highp sampler2D face;
uniform int size;
out vec4 color;
void main() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  color = texelFetch(face, ivec2(p.x, size - 1 - p.y), 0);
}`;

function faceProgram(gl: WebGL2RenderingContext): FaceProgram {
  let p = programs.get(gl);
  if (p) return p;
  const program = linkProgram(gl, VERTEX, FRAGMENT, 'face');
  p = {
    program,
    vao: gl.createVertexArray()!,
    face: gl.getUniformLocation(program, 'face')!,
    size: gl.getUniformLocation(program, 'size')!,
  };
  programs.set(gl, p);
  return p;
}

/** Draws a premultiplied [R, R, 4] face into `ctx` through tfjs's WebGL canvas. False when this backend cannot. */
function drawWebGL(face: tf.Tensor3D, ctx: Canvas2D): boolean {
  const gl = webglOf(tf.backend());
  if (!gl || gl.isContextLost()) return false;
  const [h, w] = face.shape;
  // The face as a dense RGBA float texture, one texel per pixel (a copy on the GPU).
  const gpu = face.dataToGPU({ customTexShape: [h, w] }) as tf.GPUData & { texture: WebGLTexture };
  try {
    const p = faceProgram(gl);
    const canvas = gl.canvas;
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    // tfjs sets what it needs before each of its programs; put back what it left bound all the same.
    const saved = {
      draw: gl.getParameter(gl.DRAW_FRAMEBUFFER_BINDING),
      read: gl.getParameter(gl.READ_FRAMEBUFFER_BINDING),
      program: gl.getParameter(gl.CURRENT_PROGRAM),
      vao: gl.getParameter(gl.VERTEX_ARRAY_BINDING),
      viewport: gl.getParameter(gl.VIEWPORT),
      scissor: gl.getParameter(gl.SCISSOR_BOX),
      unit: gl.getParameter(gl.ACTIVE_TEXTURE),
    };
    gl.activeTexture(gl.TEXTURE0);
    const texture = gl.getParameter(gl.TEXTURE_BINDING_2D);
    try {
      gl.bindFramebuffer(gl.FRAMEBUFFER, null);
      gl.viewport(0, 0, w, h);
      gl.scissor(0, 0, w, h);
      gl.useProgram(p.program);
      gl.bindVertexArray(p.vao);
      gl.bindTexture(gl.TEXTURE_2D, gpu.texture);
      gl.uniform1i(p.face, 0);
      gl.uniform1i(p.size, h);
      gl.drawArrays(gl.TRIANGLES, 0, 3);
    } finally {
      gl.bindTexture(gl.TEXTURE_2D, texture);
      gl.activeTexture(saved.unit);
      gl.bindVertexArray(saved.vao);
      gl.useProgram(saved.program);
      gl.viewport(saved.viewport[0], saved.viewport[1], saved.viewport[2], saved.viewport[3]);
      gl.scissor(saved.scissor[0], saved.scissor[1], saved.scissor[2], saved.scissor[3]);
      gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, saved.draw);
      gl.bindFramebuffer(gl.READ_FRAMEBUFFER, saved.read);
    }
    // In the same task: the drawing buffer is not kept past the next composite (preserveDrawingBuffer is false).
    copyInto(ctx, canvas);
    return true;
  } finally {
    gpu.tensorRef.dispose();
  }
}

// --- WebGPU: tfjs's Draw kernel into a WebGPU canvas ---

interface WebGPUBackendLike {
  device?: GPUDevice & { adapterInfo?: AdapterInfoLike };
  adapterInfo?: AdapterInfoLike;
}

function hardwareWebGPU(backend: unknown): boolean {
  const b = backend as WebGPUBackendLike;
  const info = b.device?.adapterInfo ?? b.adapterInfo;
  return info !== undefined && !isSoftwareAdapter(info);
}

let webgpuCanvas: OffscreenCanvas | null = null;

function drawWebGPU(generator: Generator, face: tf.Tensor3D, ctx: Canvas2D): boolean {
  if (!hardwareWebGPU(tf.backend()) || typeof OffscreenCanvas === 'undefined') return false;
  const [h, w] = face.shape;
  webgpuCanvas ??= new OffscreenCanvas(w, h);
  // tf.browser.draw premultiplies straight colour itself.
  const straight = tf.tidy(() => tf.mul(straight255(generator, face), 1 / 255)) as tf.Tensor3D;
  try {
    tf.browser.draw(straight, webgpuCanvas as unknown as HTMLCanvasElement);
  } finally {
    straight.dispose();
  }
  copyInto(ctx, webgpuCanvas);
  return true;
}

/** Replaces the top-left of `ctx` with `source` at its own size. */
function copyInto(ctx: Canvas2D, source: CanvasImageSource): void {
  ctx.save();
  ctx.globalCompositeOperation = 'copy';
  ctx.drawImage(source, 0, 0);
  ctx.restore();
}
