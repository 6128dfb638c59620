import { expect } from '@esm-bundle/chai';
import { ModelLoadError } from '../dist/blaze-face.js';
import { validateManifest, loadModel, modelRefCounts } from '../dist/internal.js';
import { cleanup, makeFace, next } from './helpers.js';

const MODEL_URL = new URL('../models/toon/model.json', import.meta.url).href;

async function manifest() {
  return (await fetch(MODEL_URL)).json();
}

describe('model format validation', () => {
  afterEach(cleanup);

  it('accepts the shipped model', async () => {
    const m = validateManifest(await manifest());
    expect(m.name).to.equal('toon');
    const loaded = await loadModel(MODEL_URL);
    expect(loaded.weights.size).to.equal(m.tensors.length);
    for (const [, t] of loaded.weights) expect(t.data.every(Number.isFinite)).to.equal(true);
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the cases break model.json in ways its type forbids
  type Json = any;
  const cases: [string, (m: Json) => void, RegExp][] = [
    [
      'another format version',
      (m) => {
        m.formatVersion = 2;
      },
      /formatVersion: expected 1, got 2/,
    ],
    [
      'an unknown dtype',
      (m) => {
        m.dtype = 'int8';
      },
      /dtype: expected "float16" or "float32", got "int8"/,
    ],
    [
      'a wrong tensor shape',
      (m) => {
        // the second mapping layer: w to w, whatever z steps the first reads
        m.tensors.find((t: Json) => t.name === 'mapping.1.weight').shape = [1, 2];
      },
      /tensor mapping.1.weight shape: expected \[256,256\], got \[1,2\]/,
    ],
    [
      'a missing tensor',
      (m) => {
        m.tensors.pop();
      },
      /tensors: expected exactly the tensors of the architecture, got .*missing/,
    ],
    [
      'an inconsistent resolution',
      (m) => {
        m.resolution = 128;
      },
      /resolution: expected 256/,
    ],
    [
      'a bad sha256',
      (m) => {
        m.weightFiles[0].sha256 = 'xyz';
      },
      /weightFiles entry: expected \{path, byteLength, sha256/,
    ],
    [
      'a skip flag that is not a boolean',
      (m) => {
        m.architecture.skip = 'yes';
      },
      /architecture.skip: expected true or false, got "yes"/,
    ],
    [
      'a skip model without its skip head',
      (m) => {
        m.tensors = m.tensors.filter((t: Json) => !t.name.startsWith('skip.'));
      },
      /missing.*skip\.mod\.affine\.weight/,
    ],
    [
      'skip head channels that are not two integers',
      (m) => {
        m.architecture.skipHeadChannels = [16];
      },
      /architecture.skipHeadChannels: expected two positive integers, got \[16\]/,
    ],
    [
      'skip head channels that disagree with the skip head',
      (m) => {
        m.architecture.skipHeadChannels = [8, 4];
      },
      /skip\.mod\.pointwise shape: expected \[1,1,\d+,32\]/,
    ],
  ];
  for (const [what, mutate, message] of cases) {
    it(`refuses ${what} with a message`, async () => {
      const m = await manifest();
      mutate(m);
      expect(() => validateManifest(m)).to.throw(ModelLoadError, message);
    });
  }

  it('catches a corrupted weight file by its sha256, in the element, and keeps the face', async () => {
    const el = makeFace({ seed: '8', 'face-style': 'toon' });
    await next(el, 'blaze-face-render');
    const realFetch = window.fetch;
    // Serve the same model under another URL with one flipped byte in its weights.
    window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.includes('/corrupt/')) {
        const res = await realFetch(url.replace('/corrupt/', '/models/toon/'), init);
        if (!url.endsWith('weights.bin')) return res;
        const bytes = new Uint8Array(await res.arrayBuffer());
        bytes[1234] ^= 0xff;
        return new Response(bytes, { status: 200 });
      }
      return realFetch(input, init);
    };
    try {
      const err = next(el, 'blaze-face-error');
      el.setAttribute('face-style', new URL('/corrupt/model.json', location.href).href);
      const e = await err;
      expect(e.detail.type).to.equal('model-load');
      expect(e.detail.message).to.match(/weight file weights.bin sha256: expected [0-9a-f]{64}, got "[0-9a-f]{64}"/);
      expect(Object.keys(modelRefCounts()).some((k) => k.includes('/corrupt/'))).to.equal(false);
    } finally {
      window.fetch = realFetch;
    }
  });
});
