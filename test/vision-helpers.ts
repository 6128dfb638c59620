// Helpers for tests that run tasks-vision directly (not through the element): the package as the product ships it,
// and the sample photos.
import { expect } from '@esm-bundle/chai';
import type * as Vision from '@mediapipe/tasks-vision';

/**
 * tasks-vision as the product ships it: rollup.config.mjs replaces the one call that posts usage logs to a
 * Google endpoint with a no-op. The test page imports the package directly, so it applies the same change
 * (same pattern, exactly one match) before importing it.
 */
export async function visionWithoutUsageLogs(): Promise<typeof Vision> {
  const url = new URL('../node_modules/@mediapipe/tasks-vision/vision_bundle.mjs', import.meta.url).href;
  const code = await (await fetch(url)).text();
  const send = /([\w$.]+)\.send\(\{url:"https:\/\/odml\.pa\.googleapis\.com\/v1\/log"/g;
  expect((code.match(send) || []).length, 'usage-log send calls in tasks-vision').to.equal(1);
  const patched = code.replace(send, '(() => {})({url:"about:blank"');
  const blob = URL.createObjectURL(new Blob([patched], { type: 'text/javascript' }));
  try {
    return (await import(/* @vite-ignore */ blob)) as typeof Vision;
  } finally {
    URL.revokeObjectURL(blob);
  }
}

export async function loadImage(src: string): Promise<HTMLImageElement> {
  const img = new Image();
  img.src = src;
  await img.decode();
  return img;
}

/** face-api's demo photos (MIT): real group photos with faces at various sizes and poses. */
export const PHOTOS = [1, 2, 3, 4, 5, 6].map(
  (i) => new URL(`../node_modules/@vladmandic/face-api/demo/sample${i}.jpg`, import.meta.url).href,
);
