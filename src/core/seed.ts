/**
 * Integer seed -> latent z, bit-compatible with training/seeds.py.
 * Specified in docs/model-format.md ("Seeds"); test/fixtures/seed-vectors.json holds the shared vectors.
 */

const hash32 = (x: number): number => {
  // xorshift-multiply finaliser; Math.imul keeps every product exact in 32 bits, as in Python.
  x >>>= 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
};

const uniform = (seed: number, k: number): number => {
  const h = hash32(hash32(seed) ^ hash32((k + 0x9e3779b9) >>> 0));
  return (h + 0.5) / 4294967296;
};

export const MAX_SEED = 0xffffffff;

export function isValidSeed(seed: unknown): seed is number {
  return typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED;
}

/** The z of a seed: Box-Muller on counter-based uniforms, rounded to float32. */
export function seedToZ(seed: number, zDim: number): Float32Array {
  if (!isValidSeed(seed)) {
    throw new RangeError(`seed must be an integer in [0, ${MAX_SEED}], got ${String(seed)}`);
  }
  const z = new Float32Array(zDim);
  for (let i = 0; i < zDim; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform(seed, i)));
    const theta = 2 * Math.PI * uniform(seed, i + 1);
    z[i] = r * Math.cos(theta);
    if (i + 1 < zDim) z[i + 1] = r * Math.sin(theta);
  }
  return z;
}
