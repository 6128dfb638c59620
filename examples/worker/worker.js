// blaze-face/core in a worker: no DOM, no Lit, no element; the face goes to the page's OffscreenCanvas.
import { createGenerator } from 'blaze-face/core';

self.onmessage = async ({ data: { canvas, seed, assetBase } }) => {
  try {
    const generator = await createGenerator({ style: 'toon', assetBase });
    await generator.draw(canvas, { seed });
    self.postMessage({ seed, backend: generator.backend, reason: generator.backendReason });
  } catch (e) {
    self.postMessage({ error: e.message });
  }
};
