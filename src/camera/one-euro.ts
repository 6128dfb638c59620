/**
 * The One-Euro filter (Casiez, Roussel and Vogel, CHI 2012): a low-pass filter whose cutoff rises with the
 * signal's speed, so a still face does not jitter and a moving one does not lag.
 */
export interface OneEuroParams {
  /** Cutoff (Hz) when still: lower removes more jitter. */
  minCutoff: number;
  /** How fast the cutoff rises with speed: higher lags less. */
  beta: number;
  /** Cutoff (Hz) for the speed estimate. */
  dCutoff: number;
}

const alpha = (cutoffHz: number, dtS: number) => {
  const tau = 1 / (2 * Math.PI * cutoffHz);
  return 1 / (1 + tau / dtS);
};

/** Filters a vector of numbers sampled at arbitrary times. */
export class OneEuroFilter {
  private x: Float64Array | null = null;
  private dx: Float64Array | null = null;
  private tMs = 0;
  /** The output before the last and its time: predict() carries the output on at its own speed. */
  private prev: Float64Array | null = null;
  private prevTMs = 0;

  constructor(private readonly p: OneEuroParams) {}

  /** The filtered value of `value` observed at `tMs` (milliseconds, increasing). */
  filter(value: ArrayLike<number>, tMs: number): Float64Array {
    if (!this.x || !this.dx || value.length !== this.x.length) {
      this.x = Float64Array.from(value); // first sample: nothing to smooth against
      this.dx = new Float64Array(value.length);
      this.tMs = tMs;
      this.prev = null;
      return Float64Array.from(this.x);
    }
    if (tMs <= this.tMs) return Float64Array.from(this.x); // a repeated frame
    const dt = (tMs - this.tMs) / 1000;
    this.prev = Float64Array.from(this.x);
    this.prevTMs = this.tMs;
    this.tMs = tMs;
    const ad = alpha(this.p.dCutoff, dt);
    for (let i = 0; i < value.length; i++) {
      const v = value[i]!;
      const rawSpeed = (v - this.x[i]!) / dt;
      const speed = this.dx[i]! + ad * (rawSpeed - this.dx[i]!);
      this.dx[i] = speed;
      const a = alpha(this.p.minCutoff + this.p.beta * Math.abs(speed), dt);
      this.x[i] = this.x[i]! + a * (v - this.x[i]!);
    }
    return Float64Array.from(this.x);
  }

  /**
   * The output carried on to `tMs` at the speed it moved between the last two samples, without taking a sample
   * (null before the first): where a frame is shown between two samples. The output's own speed, not the filter's
   * speed estimate (`dx`, smoothed at `dCutoff`, which trails a change of direction), and no noisier than the
   * output. At most `maxAheadMs` ahead, past which the speed is no guide, and never further than the last step
   * spanned: a step between two samples close in time (a camera's frame times jitter) would otherwise be multiplied
   * into a jump.
   */
  predict(tMs: number, maxAheadMs: number): Float64Array | null {
    const x = this.x;
    if (!x) return null;
    const prev = this.prev;
    if (!prev) return Float64Array.from(x);
    const step = this.tMs - this.prevTMs;
    const ahead = Math.min(Math.max(0, tMs - this.tMs), maxAheadMs, step) / step;
    return x.map((v, i) => v + (v - prev[i]!) * ahead);
  }
}
