/**
 * One copy of each model per page (or worker), shared by every element and createGenerator() generator that uses
 * it; freed when the last one lets go.
 */
import { Generator } from './generator.js';
import { loadModel, type LoadOptions } from './model-format.js';

/** Who holds a reference: an element, or a createGenerator() generator. */
export type Holder = 'element' | 'generator';

interface Entry {
  generator: Promise<Generator>;
  refs: number;
  /** Of `refs`, those held by elements (what modelRefCounts() reports). */
  elements: number;
  progress: Set<(f: number) => void>;
}

const entries = new Map<string, Entry>();

/** Takes a reference to the model at `url` (absolute), loading it on first use. */
export function acquireModel(
  url: string,
  onProgress?: LoadOptions['onProgress'],
  holder: Holder = 'element',
): Promise<Generator> {
  let e = entries.get(url);
  if (!e) {
    const progress = new Set<(f: number) => void>();
    const generator = loadModel(url, { onProgress: (f) => progress.forEach((p) => p(f)) }).then(
      (m) => new Generator(m),
    );
    e = { generator, refs: 0, elements: 0, progress };
    entries.set(url, e);
    // A failed load is not cached: the next request retries.
    generator.catch(() => {
      if (entries.get(url) === e) entries.delete(url);
    });
  }
  e.refs++;
  if (holder === 'element') e.elements++;
  if (onProgress) {
    e.progress.add(onProgress);
    e.generator.finally(() => e!.progress.delete(onProgress)).catch(() => {});
  }
  return e.generator;
}

/** Gives back one reference; the last one disposes the model's tensors. */
export function releaseModel(url: string, holder: Holder = 'element'): void {
  const e = entries.get(url);
  if (!e) return;
  e.refs--;
  if (holder === 'element') e.elements--;
  if (e.refs <= 0) {
    entries.delete(url);
    e.generator.then(
      (g) => g.dispose(),
      () => {},
    );
  }
}

/** For tests and diagnostics: how many elements hold each loaded model (generators are not counted). */
export function modelRefCounts(): Record<string, number> {
  return Object.fromEntries([...entries].filter(([, v]) => v.elements > 0).map(([k, v]) => [k, v.elements]));
}
