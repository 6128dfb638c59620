import { expect } from '@esm-bundle/chai';
import { createGenerator, type BlazeFaceElement } from '../dist/blaze-face.js';
import { tf } from '../dist/internal.js';
import { cleanup, generatedCheek, makeFace, next, pngPixels } from './helpers.js';

const TOON = new URL('../models/toon/model.json', import.meta.url).href;

const dist = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]!));

describe('face controls', () => {
  afterEach(cleanup);

  it('skin-tone takes any CSS colour, moves the cheek towards it, and leaves the rest of the face to the seed', async () => {
    const manifest = await (await fetch(TOON)).json();
    const el = makeFace({ seed: '900003' }) as BlazeFaceElement;
    await next(el, 'blaze-face-render');
    const plain = await pngPixels(await el.capture());
    const dark = [0x5c, 0x39, 0x37];
    el.setAttribute('skin-tone', 'rgb(92, 57, 55)');
    await next(el, 'blaze-face-render');
    const darkFace = await pngPixels(await el.capture());
    el.setAttribute('skin-tone', 'PeachPuff'); // a CSS name: the lightest tones
    await next(el, 'blaze-face-render');
    const lightFace = await pngPixels(await el.capture());
    const [c0, cDark, cLight] = [plain, darkFace, lightFace].map((f) => generatedCheek(f, manifest.canonical));
    expect(dist(cDark, dark)).to.be.below(40, `dark cheek ${cDark}`);
    expect(dist(cLight, dark)).to.be.above(150, `light cheek ${cLight}`);
    expect(dist(c0, cDark) + dist(c0, cLight)).to.be.above(100);
    // the hair, the head and the background stay the seed's: most pixels are within a few levels
    let same = 0;
    for (let i = 0; i < plain.data.length; i += 4)
      if (Math.abs(plain.data[i + 3]! - darkFace.data[i + 3]!) <= 8) same++;
    expect(same / (plain.data.length / 4)).to.be.above(0.95);
    // removing it gives the seed's own face back, bit for bit
    el.removeAttribute('skin-tone');
    await next(el, 'blaze-face-render');
    expect(Array.from((await pngPixels(await el.capture())).data)).to.deep.equal(Array.from(plain.data));
  });

  it('a control the style lacks is an invalid-attribute error naming the controls it has, and the face stays', async () => {
    const el = makeFace({ seed: '5', 'face-style': 'sketch' }) as BlazeFaceElement;
    await next(el, 'blaze-face-render');
    const before = await pngPixels(await el.capture());
    const err = next(el, 'blaze-face-error');
    el.setAttribute('skin-tone', 'sienna');
    const e = await err;
    expect(e.detail.type).to.equal('invalid-attribute');
    expect(e.detail.message).to.match(/skin-tone: expected a control of this style \(ink, paper, glasses, beard\)/);
    expect(Array.from((await pngPixels(await el.capture())).data)).to.deep.equal(Array.from(before.data));
  });

  it('createGenerator takes the same options, and a face with controls leaves no tensors behind', async () => {
    const gen = await createGenerator({ style: 'toon' });
    try {
      await gen.imageData({ seed: 1 }); // the generator keeps the last latent's w: one tensor, from the first face on
      const before = tf.memory().numTensors;
      const light = await gen.imageData({ seed: 900004, skinTone: '#fedac7' });
      const dark = await gen.imageData({ seed: 900004, skinTone: '#5c3937', faceWidth: 1 });
      expect(tf.memory().numTensors).to.equal(before);
      const canonical = gen.manifest.canonical as unknown as Record<string, number[]>;
      const [a, b] = [generatedCheek(light, canonical), generatedCheek(dark, canonical)];
      expect(dist(a, [0xfe, 0xda, 0xc7])).to.be.below(40, `light cheek ${a}`);
      expect(dist(b, [0x5c, 0x39, 0x37])).to.be.below(40, `dark cheek ${b}`);
      let err: Error | null = null;
      await gen.imageData({ seed: 1, controls: { beard: true } }).catch((e: Error) => (err = e));
      expect(err!.message).to.match(
        /beard: expected a control of this style \(skinTone, hairColor, faceWidth, glasses\)/,
      );
    } finally {
      gen.dispose();
    }
  });
});
