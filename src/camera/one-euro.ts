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

  constructor(private readonly p: OneEuroParams) {}

  /** The filtered value of `value` observed at `tMs` (milliseconds, increasing). */
  filter(value: ArrayLike<number>, tMs: number): Float64Array {
    if (!this.x || !this.dx || value.length !== this.x.length) {
      this.x = Float64Array.from(value); // first sample: nothing to smooth against
      this.dx = new Float64Array(value.length);
      this.tMs = tMs;
      return Float64Array.from(this.x);
    }
    if (tMs <= this.tMs) return Float64Array.from(this.x); // a repeated frame
    const dt = (tMs - this.tMs) / 1000;
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
   * The filtered value carried on to `tMs` at its filtered speed, without taking a sample (null before the first):
   * where a frame is shown between two samples. At most `maxAheadMs` ahead, past which the speed is no guide.
   */
  predict(tMs: number, maxAheadMs: number): Float64Array | null {
    if (!this.x || !this.dx) return null;
    const dt = Math.min(Math.max(0, tMs - this.tMs), maxAheadMs) / 1000;
    return this.x.map((x, i) => x + this.dx![i]! * dt);
  }
}
