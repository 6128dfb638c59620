// An insecure context (a page on http at a LAN address, as when tried on a phone) has no crypto.subtle and no
// navigator.mediaDevices. Faces must still load and draw; camera mode must refuse, saying why. Served from
// localhost (a secure context) the test takes both away itself; served from a LAN address, the browser does.
import { expect } from '@esm-bundle/chai';
import { CameraError, openFrontCamera } from '../src/camera/camera-stream.js';
import { loadModel, ModelLoadError } from '../src/core/model-format.js';
import '../dist/blaze-face.js';
import { cleanup, makeFace, next } from './helpers.js';

const MODEL_URL = new URL('../models/toon/model.json', import.meta.url).href;
const NEEDS_SECURE = /camera mode needs a secure context \(https, or http:\/\/localhost\)/;

/** Makes this page look like an insecure one until the returned function is called (nothing, if it is one). */
function insecure(): () => void {
  if (!window.isSecureContext) return () => {};
  const secure = Object.getOwnPropertyDescriptor(window, 'isSecureContext');
  Object.defineProperty(window, 'isSecureContext', { value: false, configurable: true });
  Object.defineProperty(crypto, 'subtle', { value: undefined, configurable: true });
  Object.defineProperty(navigator, 'mediaDevices', { value: undefined, configurable: true });
  return () => {
    if (secure) Object.defineProperty(window, 'isSecureContext', secure);
    else delete (window as { isSecureContext?: boolean }).isSecureContext;
    delete (crypto as { subtle?: unknown }).subtle;
    delete (navigator as { mediaDevices?: unknown }).mediaDevices;
  };
}

describe('an insecure context', () => {
  let restore = () => {};
  beforeEach(() => {
    restore = insecure();
    expect(window.isSecureContext).to.equal(false);
    expect(globalThis.crypto.subtle).to.equal(undefined);
  });
  afterEach(async () => {
    await cleanup();
    restore();
  });

  it('loads a model, checking its sha256 without crypto.subtle', async () => {
    const loaded = await loadModel(MODEL_URL);
    expect(loaded.weights.size).to.equal(loaded.manifest.tensors.length);
  });

  it('still refuses weights whose sha256 does not match, naming the digest it computed', async () => {
    const manifest = await (await fetch(MODEL_URL)).json();
    const real = manifest.weightFiles[0].sha256;
    manifest.weightFiles[0].sha256 = '0'.repeat(64);
    const realFetch = window.fetch;
    window.fetch = (input, init) =>
      String(input) === MODEL_URL ? Promise.resolve(new Response(JSON.stringify(manifest))) : realFetch(input, init);
    try {
      const error = await loadModel(MODEL_URL).then(
        () => null,
        (e) => e,
      );
      expect(error).to.be.instanceOf(ModelLoadError);
      expect(error.message).to.equal(`weight file weights.bin sha256: expected ${'0'.repeat(64)}, got "${real}"`);
    } finally {
      window.fetch = realFetch;
    }
  });

  it('refuses the camera with camera-unavailable, saying it needs a secure context and naming the origin', async () => {
    const error = await openFrontCamera({ width: 640, height: 480 }).then(
      () => null,
      (e) => e,
    );
    expect(error).to.be.instanceOf(CameraError);
    expect(error.type).to.equal('camera-unavailable');
    expect(error.message).to.match(NEEDS_SECURE);
    expect(error.message).to.contain(location.origin);
  });

  it('the element in camera mode reports camera-unavailable and draws its face', async () => {
    const el = makeFace({ camera: '', seed: '3' });
    const errors: { type: string; message: string }[] = [];
    el.addEventListener('blaze-face-error', (e) => errors.push(e.detail));
    await next(el, 'blaze-face-render');
    expect(errors.map((e) => e.type)).to.deep.equal(['camera-unavailable']);
    expect(errors[0]!.message).to.match(NEEDS_SECURE);
    expect(errors[0]!.message).to.contain(location.origin);
    expect(el.shadowRoot!.querySelector('[part=camera]')).to.equal(null);
  });
});
