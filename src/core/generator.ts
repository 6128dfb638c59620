/**
 * The BlazeStyleGAN generator on TensorFlow.js: mapping, truncation, style mixing, the synthesis blocks and
 * only the last UpToRGBA head. Pure: no DOM, no Lit. Mirrors training/modelfile.py FoldedGenerator op for op.
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

export class Generator {
  readonly manifest: ModelManifest;
  readonly resolution: number;
  private readonly w: Map<string, tf.Tensor>;
  private disposed = false;

  /** Uploads the weights to the active tfjs backend. */
  constructor(model: LoadedModel) {
    this.manifest = model.manifest;
    this.resolution = model.manifest.resolution;
    this.w = new Map();
    for (const [name, { shape, data }] of model.weights) this.w.set(name, tf.tensor(data, shape, 'float32'));
  }

  private t(name: string): tf.Tensor {
    const v = this.w.get(name);
    if (!v) throw new Error(`generator: no tensor ${name}`);
    return v;
  }

  private mapping(z: tf.Tensor2D): tf.Tensor2D {
    const a = this.manifest.architecture;
    let x = tf.mul(z, tf.rsqrt(tf.add(tf.mean(tf.square(z), 1, true), 1e-8))) as tf.Tensor2D;
    for (let i = 0; i < a.mappingLayers; i++) {
      x = tf.fused.matMul({
        a: x, b: this.t(`mapping.${i}.weight`) as tf.Tensor2D, bias: this.t(`mapping.${i}.bias`),
        activation: 'leakyrelu', leakyreluAlpha: a.lreluSlope,
      }) as tf.Tensor2D;
    }
    return x;
  }

  private truncate(w: tf.Tensor2D, psi: number): tf.Tensor2D {
    if (psi === 1) return w;
    const avg = this.t('w_avg');
    return tf.add(avg, tf.mul(tf.sub(w, avg), psi)) as tf.Tensor2D;
  }

  private modconv(prefix: string, x: tf.Tensor4D, w: tf.Tensor2D, activate = true): tf.Tensor4D {
    const slope = this.manifest.architecture.lreluSlope;
    const s = tf.fused.matMul({ a: w, b: this.t(`${prefix}.affine.weight`) as tf.Tensor2D, bias: this.t(`${prefix}.affine.bias`) });
    const c = s.shape[1] as number;
    let y = tf.mul(x, tf.reshape(s, [-1, 1, 1, c])) as tf.Tensor4D;
    y = tf.depthwiseConv2d(y, this.t(`${prefix}.depthwise`) as tf.Tensor4D, 1, 'same');
    return tf.fused.conv2d({
      x: y, filter: this.t(`${prefix}.pointwise`) as tf.Tensor4D, strides: 1, pad: 'same',
      bias: this.t(`${prefix}.bias`), activation: activate ? 'leakyrelu' : 'linear', leakyreluAlpha: slope,
    });
  }

  private conv(name: string, x: tf.Tensor4D, activate: boolean): tf.Tensor4D {
    return tf.fused.conv2d({
      x, filter: this.t(`${name}.weight`) as tf.Tensor4D, strides: 1, pad: 'same', bias: this.t(`${name}.bias`),
      activation: activate ? 'leakyrelu' : 'linear', leakyreluAlpha: this.manifest.architecture.lreluSlope,
    });
  }

  /**
   * One face: [R, R, 4] float32 on the backend, premultiplied RGBA in [0, 1]. The caller owns (disposes) it.
   * Every intermediate is freed: tf.memory().numTensors grows by exactly one.
   */
  generate(req: GenerateRequest): tf.Tensor3D {
    if (this.disposed) throw new Error('generator: used after dispose()');
    const a = this.manifest.architecture;
    if (req.z.length !== a.zDim) throw new RangeError(`latent: expected ${a.zDim} numbers, got ${req.z.length}`);
    return tf.tidy(() => {
      const w = this.truncate(this.mapping(tf.tensor2d(req.z, [1, a.zDim])), req.truncation);
      let w2 = w;
      const mixLayer = req.mixZ && req.mixLayer !== undefined ? Math.max(0, Math.min(a.numWs, req.mixLayer)) : a.numWs;
      if (req.mixZ && mixLayer < a.numWs) {
        w2 = this.truncate(this.mapping(tf.tensor2d(req.mixZ, [1, a.zDim])), req.truncation);
      }
      const style = (layer: number) => (layer < mixLayer ? w : w2);
      let x = this.t('const') as tf.Tensor4D;
      for (let i = 0; i < a.channels.length; i++) {
        if (i > 0) x = tf.image.resizeBilinear(x, [x.shape[1] * 2, x.shape[2] * 2], false, true);
        x = this.modconv(`conv.${2 * i}`, x, style(2 * i));
        x = this.modconv(`conv.${2 * i + 1}`, x, style(2 * i + 1));
      }
      x = tf.depthToSpace(this.modconv('head.mod', x, style(a.numWs - 1)), 2);
      x = tf.depthToSpace(this.conv('head.conv1', x, true), 2);
      x = this.conv('head.conv2', x, false);
      // [-1, 1] -> [0, 1], and premultiplied colour never exceeds alpha
      const rgba = tf.clipByValue(tf.add(tf.mul(x, 0.5), 0.5), 0, 1);
      const alpha = tf.slice(rgba, [0, 0, 0, 3], [-1, -1, -1, 1]);
      const rgb = tf.minimum(tf.slice(rgba, [0, 0, 0, 0], [-1, -1, -1, 3]), alpha);
      return tf.reshape(tf.concat([rgb, alpha], 3), [this.resolution, this.resolution, 4]) as tf.Tensor3D;
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const t of this.w.values()) t.dispose();
    this.w.clear();
  }
}

/** Premultiplied -> straight alpha (for canvases and PNG), on the backend. Caller owns the result. */
export function unpremultiply(rgba: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const alpha = tf.slice(rgba, [0, 0, 3], [-1, -1, 1]);
    const rgb = tf.div(tf.slice(rgba, [0, 0, 0], [-1, -1, 3]), tf.maximum(alpha, 1 / 255));
    return tf.concat([tf.clipByValue(rgb, 0, 1), alpha], 2) as tf.Tensor3D;
  });
}
