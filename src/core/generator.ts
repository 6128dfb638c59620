/**
 * The BlazeStyleGAN generator on TensorFlow.js: mapping, truncation, style mixing, the synthesis blocks and
 * only the last UpToRGBA head (with `architecture.skip`, the last two). Pure: no DOM, no Lit. Computes what
 * training/modelfile.py FoldedGenerator computes (the goldens check it), with the load-time rewrites described
 * on the class.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LoadedModel, ModelManifest } from './model-format.js';

export interface GenerateRequest {
  /** z, length zDim */
  z: Float32Array;
  /** 1 = no truncation, 0 = the average face */
  truncation: number;
  /** A second latent for style mixing: layers >= mixLayer take their style from it. */
  mixZ?: Float32Array;
  mixLayer?: number;
}

/**
 * The modulated convolutions in order: two per block, the last head's, then (with skip) the previous head's.
 * Each with the index of its style in ws: its position, except the skip head's, which belongs to the block
 * before the last (ws[numWs - 3]).
 */
function modconvLayers(numBlocks: number, skip: boolean): [string, number][] {
  const layers: [string, number][] = [];
  for (let i = 0; i < 2 * numBlocks; i++) layers.push([`conv.${i}`, i]);
  layers.push(['head.mod', 2 * numBlocks]);
  if (skip) layers.push(['skip.mod', 2 * numBlocks - 2]);
  return layers;
}

/**
 * Load-time rewrites, each exact up to float rounding and each measured in docs/performance.md:
 * - all style affines as one matrix, so one matMul gives every layer's style (instead of one per layer);
 * - the style scales the 3x3 depthwise filter (C x 9 numbers) instead of the activation (C x H x W), and every
 *   layer's filter at once: the filters side by side as one [9, sum C] matrix, times the styles' [1, sum C] row, then
 *   split (one multiply instead of one per layer: on a GPU, one dispatch instead of eleven);
 * - the output's [-1, 1] -> [0, 1] map folded into the last conv, and "colour <= alpha" done as
 *   `rgba - relu(rgba . M)` with a 1x1 conv (M gives [r - a, g - a, b - a, 0]) instead of slice/min/concat.
 */
export class Generator {
  readonly manifest: ModelManifest;
  readonly resolution: number;
  private readonly w = new Map<string, tf.Tensor>();
  private readonly layers: string[];
  /** Width of each layer's style in the concatenated affine output. */
  private styleSizes: number[] = [];
  /** Per column of the concatenated affine output, its layer's ws index (which latent it takes when mixing). */
  private styleLayerWs = new Float32Array(0);
  /**
   * The backend the weights live on decides how the heads upsample (see depthToSpace2) and how the leaky ReLU is
   * fused (see activation).
   */
  private onWasm = false;
  /**
   * The weights as loaded, kept on the CPU while they live on a WebGPU device, whose loss rebuild() recovers from:
   * about twice the weight file (float32), and no second download or hash when a device goes. Null elsewhere.
   */
  private source: LoadedModel | null = null;
  /** How each constant() was made, to make it again on a new backend. */
  private readonly makers = new Map<string, () => tf.Tensor>();
  /**
   * The last latent and the last mix latent mapped, with their w (before truncation): a face whose latent did not
   * change (a new truncation, mix layer or mix seed, the same face redrawn, a walk that keeps its mix seed) skips the
   * mapping network. One entry per role, so the number of tensors held stays fixed once a face is made.
   */
  private readonly mapped: [MappedLatent | null, MappedLatent | null] = [null, null];
  private disposed = false;
  /** The device under the weights was lost, and rebuild() has not run yet: nothing can be generated. */
  private lost = false;

  /** Uploads the weights to the active tfjs backend, rewritten as described above. */
  constructor(model: LoadedModel) {
    this.manifest = model.manifest;
    this.resolution = model.manifest.resolution;
    const a = model.manifest.architecture;
    this.layers = modconvLayers(a.channels.length, a.skip === true).map(([name]) => name);
    this.upload(model);
  }

  /**
   * Moves the generator to the backend active now, after the GPU device its weights lived on was lost: the dead
   * tensors are freed and the weights, constants and cached latents made again from the CPU copy, so the tensor count
   * is what it was. Whoever holds this generator keeps using it.
   */
  rebuild(): void {
    if (this.disposed) return;
    this.lost = true;
    const model = this.source;
    if (!model) throw new Error('generator: expected the weights kept for a rebuild, got none (not on webgpu)');
    for (const t of this.w.values()) t.dispose();
    this.w.clear();
    this.upload(model);
    for (const [name, make] of this.makers) this.w.set(name, tf.keep(make()));
    for (const m of this.mapped) {
      if (!m) continue;
      m.w.dispose();
      m.w = tf.tidy(() => this.mapping(tf.tensor2d(m.z, [1, m.z.length])));
    }
    this.lost = false;
  }

  /** The device under the weights is lost: generate() refuses (rather than mix dead tensors in) until rebuild(). */
  markLost(): void {
    this.lost = true;
  }

  /** The weights on the active backend, rewritten as described on the class. */
  private upload(model: LoadedModel): void {
    const backend = tf.getBackend();
    this.onWasm = backend === 'wasm';
    this.source = backend === 'webgpu' ? model : null;
    const a = model.manifest.architecture;
    const layers = modconvLayers(a.channels.length, a.skip === true);
    const src = model.weights;
    const get = (name: string) => {
      const t = src.get(name);
      if (!t) throw new Error(`generator: no tensor ${name}`);
      return t;
    };
    const rewritten = new Set<string>(['head.conv2.weight', 'head.conv2.bias', 'skip.conv2.weight', 'skip.conv2.bias']);
    for (const l of this.layers) rewritten.add(`${l}.affine.weight`).add(`${l}.affine.bias`).add(`${l}.depthwise`);
    for (const [name, { shape, data }] of src)
      if (!rewritten.has(name)) this.w.set(name, tf.tensor(data, shape, 'float32'));

    this.styleSizes = this.layers.map((l) => get(`${l}.affine.bias`).shape[0]!);
    const wDim = get(`${this.layers[0]}.affine.weight`).shape[0]!;
    const total = this.styleSizes.reduce((x, y) => x + y, 0);
    const affW = new Float32Array(wDim * total),
      affB = new Float32Array(total);
    let off = 0;
    this.layers.forEach((l, i) => {
      const wt = get(`${l}.affine.weight`).data,
        b = get(`${l}.affine.bias`).data,
        c = this.styleSizes[i]!;
      for (let r = 0; r < wDim; r++) affW.set(wt.subarray(r * c, (r + 1) * c), r * total + off);
      affB.set(b, off);
      off += c;
    });
    this.w.set('affine.weight', tf.tensor2d(affW, [wDim, total]));
    this.w.set('affine.bias', tf.tensor1d(affB));
    // Each layer's [3, 3, C, 1] filter is [9, C] row-major: its columns go where its style sits in the affine output.
    const dws = new Float32Array(9 * total);
    off = 0;
    this.layers.forEach((l, i) => {
      const dw = get(`${l}.depthwise`).data,
        c = this.styleSizes[i]!;
      for (let k = 0; k < 9; k++) dws.set(dw.subarray(k * c, (k + 1) * c), k * total + off);
      off += c;
    });
    this.w.set('depthwise', tf.tensor2d(dws, [9, total]));
    this.styleLayerWs = new Float32Array(total);
    off = 0;
    this.styleSizes.forEach((c, i) => this.styleLayerWs.fill(layers[i]![1], off, (off += c)));

    // (head + upsample(skip) + 1) / 2: both convs halved, the + 1/2 once, in head's bias (upsampling is linear).
    for (const [h, offset] of (a.skip
      ? [
          ['head', 0.5],
          ['skip', 0],
        ]
      : [['head', 0.5]]) as [string, number][]) {
      const c2 = get(`${h}.conv2.weight`),
        b2 = get(`${h}.conv2.bias`);
      this.w.set(
        `${h}.conv2.weight`,
        tf.tensor(
          c2.data.map((v) => 0.5 * v),
          c2.shape,
          'float32',
        ),
      );
      this.w.set(
        `${h}.conv2.bias`,
        tf.tensor(
          b2.data.map((v) => 0.5 * v + offset),
          b2.shape,
          'float32',
        ),
      );
    }
    // [r, g, b, a] -> [r - a, g - a, b - a, 0] as a 1x1 conv filter [1, 1, in, out].
    const m = new Float32Array(16);
    for (let c = 0; c < 3; c++) {
      m[c * 4 + c] = 1;
      m[3 * 4 + c] = -1;
    }
    this.w.set('premultiply.excess', tf.tensor4d(m, [1, 1, 4, 4]));
    if (this.onWasm) this.w.set('lrelu.slope', tf.scalar(a.lreluSlope));
    if (a.zSteps) {
      const { width, steps } = a.zSteps;
      this.w.set(
        'zsteps.index',
        tf.tensor1d(
          Int32Array.from(steps, ([i]) => i),
          'int32',
        ),
      );
      // tanh((z - at) / width) as tanh(z / width - at / width): one multiply and one subtract on the gathered z
      this.w.set('zsteps.scale', tf.scalar(1 / width));
      this.w.set(
        'zsteps.at',
        tf.tensor2d(
          Float32Array.from(steps, ([, at]) => at / width),
          [1, steps.length],
        ),
      );
    }
  }

  /**
   * A fused op's activation: the leaky ReLU, or none. On wasm as a PReLU with the slope as a scalar tensor: the same
   * numbers, and tfjs's wasm kernels apply it faster than their fused leaky ReLU (docs/performance.md).
   */
  private activation(
    activate: boolean,
  ): Pick<Parameters<typeof tf.fused.conv2d>[0], 'activation' | 'leakyreluAlpha' | 'preluActivationWeights'> {
    if (!activate) return { activation: 'linear' };
    if (this.onWasm) return { activation: 'prelu', preluActivationWeights: this.t('lrelu.slope') };
    return { activation: 'leakyrelu', leakyreluAlpha: this.manifest.architecture.lreluSlope };
  }

  private t(name: string): tf.Tensor {
    const v = this.w.get(name);
    if (!v) throw new Error(`generator: no tensor ${name}`);
    return v;
  }

  private mapping(z: tf.Tensor2D): tf.Tensor2D {
    const a = this.manifest.architecture;
    let x = tf.mul(z, tf.rsqrt(tf.add(tf.mean(tf.square(z), 1, true), 1e-8))) as tf.Tensor2D;
    if (a.zSteps) {
      // from the raw z: the teacher's cuts do not see the normalisation
      const picked = tf.gather(z, this.t('zsteps.index'), 1);
      const steps = tf.tanh(tf.sub(tf.mul(picked, this.t('zsteps.scale')), this.t('zsteps.at')));
      x = tf.concat([x, steps], 1) as tf.Tensor2D;
    }
    for (let i = 0; i < a.mappingLayers; i++) {
      x = tf.fused.matMul({
        a: x,
        b: this.t(`mapping.${i}.weight`) as tf.Tensor2D,
        bias: this.t(`mapping.${i}.bias`),
        ...this.activation(true),
      }) as tf.Tensor2D;
    }
    return x;
  }

  /** w for z, from the cache when `role`'s last latent was the same z (0: the face's latent, 1: the mix latent). */
  private mapOnce(z: Float32Array, role: 0 | 1): tf.Tensor2D {
    const last = this.mapped[role];
    if (last && sameLatent(last.z, z)) return last.w;
    const w = tf.keep(this.mapping(tf.tensor2d(z, [1, z.length])));
    last?.w.dispose();
    this.mapped[role] = { z: Float32Array.from(z), w };
    return w;
  }

  private truncate(w: tf.Tensor2D, psi: number): tf.Tensor2D {
    if (psi === 1) return w;
    const avg = this.t('w_avg');
    return tf.add(avg, tf.mul(tf.sub(w, avg), psi)) as tf.Tensor2D;
  }

  /** Modulated conv; `dw` is the layer's depthwise filter already scaled by its style (see generate). */
  private modconv(prefix: string, x: tf.Tensor4D, dw: tf.Tensor4D): tf.Tensor4D {
    const y = tf.depthwiseConv2d(x, dw, 1, 'same');
    return tf.fused.conv2d({
      x: y,
      filter: this.t(`${prefix}.pointwise`) as tf.Tensor4D,
      strides: 1,
      pad: 'same',
      bias: this.t(`${prefix}.bias`),
      ...this.activation(true),
    });
  }

  /**
   * Depth-to-space by 2, the heads' upsampling. tfjs's wasm kernel for it is slow: there a reshape, a 4-D
   * transpose (moving rows of C/2 contiguous numbers) and a reshape are faster, while on webgl, webgpu and cpu
   * the kernel is the faster (docs/performance.md has the timings). Same numbers either way.
   */
  private depthToSpace2(x: tf.Tensor4D): tf.Tensor4D {
    if (!this.onWasm) return tf.depthToSpace(x, 2);
    const [n, h, w, c] = x.shape;
    // channel (bh, bw, c'): [n h, w, bh, (bw c')] -> [n h, bh, w, (bw c')] -> [n, 2h, 2w, c']
    return tf.reshape(tf.transpose(tf.reshape(x, [n * h, w, 2, c / 2]), [0, 2, 1, 3]), [n, 2 * h, 2 * w, c / 4]);
  }

  /** An UpToRGBA head: block features at r -> RGBA at 4r (in [0, 1] for `head`, see the conv2 rewrite). */
  private uptorgba(prefix: string, x: tf.Tensor4D, dw: tf.Tensor4D): tf.Tensor4D {
    const y = this.depthToSpace2(this.modconv(`${prefix}.mod`, x, dw));
    return this.conv(`${prefix}.conv2`, this.depthToSpace2(this.conv(`${prefix}.conv1`, y, true)), false);
  }

  private conv(name: string, x: tf.Tensor4D, activate: boolean): tf.Tensor4D {
    return tf.fused.conv2d({
      x,
      filter: this.t(`${name}.weight`) as tf.Tensor4D,
      strides: 1,
      pad: 'same',
      bias: this.t(`${name}.bias`),
      ...this.activation(activate),
    });
  }

  /**
   * One face: [R, R, 4] float32 on the backend, premultiplied RGBA in [0, 1]. The caller owns (disposes) it.
   * Every intermediate is freed: tf.memory().numTensors grows by exactly one, besides the generator's own cache of
   * the last latents' w (one tensor for the latent, one for the mix latent, freed by dispose()).
   */
  generate(req: GenerateRequest): tf.Tensor3D {
    this.usable();
    const a = this.manifest.architecture;
    if (req.z.length !== a.zDim) throw new RangeError(`latent: expected ${a.zDim} numbers, got ${req.z.length}`);
    return tf.tidy(() => {
      const w = this.truncate(this.mapOnce(req.z, 0), req.truncation);
      const mixLayer = req.mixZ && req.mixLayer !== undefined ? Math.max(0, Math.min(a.numWs, req.mixLayer)) : a.numWs;
      const mixing = req.mixZ !== undefined && mixLayer < a.numWs;
      // Row 0: the latent's w; row 1 (style mixing): the mix latent's.
      const ws = mixing ? tf.concat([w, this.truncate(this.mapOnce(req.mixZ!, 1), req.truncation)], 0) : w;
      let styles = tf.fused.matMul({ a: ws, b: this.t('affine.weight') as tf.Tensor2D, bias: this.t('affine.bias') });
      if (mixing) {
        // Each column from the row its layer takes: row 0 before mixLayer, row 1 from it on.
        const pick = new Float32Array(2 * this.styleLayerWs.length);
        this.styleLayerWs.forEach((k, j) => (pick[(k < mixLayer ? 0 : 1) * this.styleLayerWs.length + j] = 1));
        styles = tf.sum(tf.mul(styles, tf.tensor2d(pick, [2, this.styleLayerWs.length])), 0, true);
      }
      const filters = tf.split(tf.mul(this.t('depthwise'), styles), this.styleSizes, 1);
      const filter = (pos: number): tf.Tensor4D => tf.reshape(filters[pos]!, [3, 3, this.styleSizes[pos]!, 1]);
      const up2 = (t: tf.Tensor4D) => tf.image.resizeBilinear(t, [t.shape[1] * 2, t.shape[2] * 2], false, true);
      const blocks = a.channels.length;
      let x = this.t('const') as tf.Tensor4D;
      let below: tf.Tensor4D | null = null;
      for (let i = 0; i < blocks; i++) {
        if (i > 0) x = up2(x);
        x = this.modconv(`conv.${2 * i}`, x, filter(2 * i));
        x = this.modconv(`conv.${2 * i + 1}`, x, filter(2 * i + 1));
        if (a.skip && i === blocks - 2) below = this.uptorgba('skip', x, filter(this.layers.length - 1));
      }
      let out = this.uptorgba('head', x, filter(2 * blocks));
      if (below) out = tf.add(out, up2(below));
      // Already in [0, 1] (folded into the conv2s); then colour <= alpha: rgb - relu(rgb - a).
      const rgba = tf.clipByValue(out, 0, 1);
      const excess = tf.fused.conv2d({
        x: rgba,
        filter: this.t('premultiply.excess') as tf.Tensor4D,
        strides: 1,
        pad: 'valid',
        activation: 'relu',
      });
      return tf.reshape(tf.sub(rgba, excess), [this.resolution, this.resolution, 4]) as tf.Tensor3D;
    });
  }

  /**
   * A tensor kept with the weights under `name`, made by `make` on its first use and freed by dispose(): the
   * constants of the code that turns faces into pixels (face-pixels.ts), which live on this generator's backend.
   */
  constant(name: string, make: () => tf.Tensor): tf.Tensor {
    this.usable();
    let t = this.w.get(name);
    if (!t) {
      this.w.set(name, (t = tf.keep(make())));
      this.makers.set(name, make);
    }
    return t;
  }

  private usable(): void {
    if (this.disposed) throw new Error('generator: used after dispose()');
    if (this.lost) throw new Error('generator: expected its weights on a live backend, got a lost GPU device');
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const t of this.w.values()) t.dispose();
    this.w.clear();
    for (const m of this.mapped) m?.w.dispose();
    this.mapped.fill(null);
    this.source = null;
    this.makers.clear();
  }
}

interface MappedLatent {
  z: Float32Array;
  w: tf.Tensor2D;
}

function sameLatent(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
