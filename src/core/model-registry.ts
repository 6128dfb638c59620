/**
 * One copy of each model per page (or worker), shared by every element and createGenerator() generator that uses
 * it; freed when the last one lets go. After a lost GPU device, every model made is moved to the new backend in
 * place (Generator.rebuild), so the Generator objects that elements and generators hold stay valid.
 */
import { Generator } from './generator.js';
import { loadModel, type LoadOptions } from './model-format.js';
import { backendSettled, onBackendReplaced, onDeviceLost } from './backend.js';

/** Who holds a reference: an element, or a createGenerator() generator. */
export type Holder = 'element' | 'generator';

interface Entry {
  generator: Promise<Generator>;
  /** The generator once made (its weights on the backend), else null. */
  made: Generator | null;
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
    const entry: Entry = {
      // Made on the backend once no recovery from a lost device is under way: never on a dead one.
      generator: loadModel(url, { onProgress: (f) => progress.forEach((p) => p(f)) }).then(async (m) => {
        await backendSettled();
        return (entry.made = new Generator(m));
      }),
      made: null,
      refs: 0,
      elements: 0,
      progress,
    };
    e = entry;
    entries.set(url, e);
    // A failed load is not cached: the next request retries.
    entry.generator.catch(() => {
      if (entries.get(url) === entry) entries.delete(url);
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

// After a lost GPU device: each model made refuses to generate until it has moved to the new backend. One still
// loading is made there once it loads.
onDeviceLost((e) => {
  if (e.phase === 'lost') for (const entry of entries.values()) entry.made?.markLost();
});
onBackendReplaced(() => {
  for (const e of entries.values()) e.made?.rebuild();
});

/** For tests and diagnostics: how many elements hold each loaded model (generators are not counted). */
export function modelRefCounts(): Record<string, number> {
  return Object.fromEntries([...entries].filter(([, v]) => v.elements > 0).map(([k, v]) => [k, v.elements]));
}
