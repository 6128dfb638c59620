/**
 * One copy of each model per page, shared by every element that shows it; freed when the last one lets go.
 */
import { Generator } from './generator.js';
import { loadModel, type LoadOptions } from './model-format.js';

interface Entry {
  generator: Promise<Generator>;
  refs: number;
  progress: Set<(f: number) => void>;
}

const entries = new Map<string, Entry>();

/** Takes a reference to the model at `url` (absolute), loading it on first use. */
export function acquireModel(url: string, onProgress?: LoadOptions['onProgress']): Promise<Generator> {
  let e = entries.get(url);
  if (!e) {
    const progress = new Set<(f: number) => void>();
    const generator = loadModel(url, { onProgress: (f) => progress.forEach((p) => p(f)) }).then(
      (m) => new Generator(m),
    );
    e = { generator, refs: 0, progress };
    entries.set(url, e);
    // A failed load is not cached: the next request retries.
    generator.catch(() => {
      if (entries.get(url) === e) entries.delete(url);
    });
  }
  e.refs++;
  if (onProgress) {
    e.progress.add(onProgress);
    e.generator.finally(() => e!.progress.delete(onProgress)).catch(() => {});
  }
  return e.generator;
}

/** Gives back one reference; the last one disposes the model's tensors. */
export function releaseModel(url: string): void {
  const e = entries.get(url);
  if (!e) return;
  e.refs--;
  if (e.refs <= 0) {
    entries.delete(url);
    e.generator.then(
      (g) => g.dispose(),
      () => {},
    );
  }
}

/** For tests and diagnostics: how many elements hold each loaded model. */
export function modelRefCounts(): Record<string, number> {
  return Object.fromEntries([...entries].map(([k, v]) => [k, v.refs]));
}
