import { expect } from '@esm-bundle/chai';
import { createGenerator } from '../dist/blaze-face.js';
import { hasWebGL2, requires } from './engine.js';
import { cleanup, makeFace, next, pngPixels, premultiply, throughCanvas } from './helpers.js';

// A GPU draw path checks its first face against the CPU path. Here the WebGL path's own draw call is made to do
// nothing (tfjs draws with drawElements, the face path with drawArrays), as a driver that renders wrongly would:
// the element must notice, show the CPU path's face, and keep to the CPU path.
describe('<blaze-face backend="webgl"> whose GPU draw path draws wrong pixels', () => {
  afterEach(cleanup);

  it("turns that path off at its first face and shows the CPU path's", async function () {
    requires(this, hasWebGL2(), 'needs WebGL2, which this browser does not offer here');
    this.timeout(300000);
    const proto = WebGL2RenderingContext.prototype;
    const drawArrays = proto.drawArrays;
    proto.drawArrays = () => {};
    const warnings: unknown[][] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      const el = makeFace({ seed: '42', backend: 'webgl' });
      const first = await next(el, 'blaze-face-render');
      expect(first.detail.draw).to.equal('cpu');
      expect(String(warnings[0]?.[0])).to.match(/the webgl draw path gave other pixels than the CPU path/);
      const cpu = await createGenerator({ backend: 'webgl' });
      try {
        const got = premultiply((await pngPixels(await el.capture())).data);
        const want = premultiply(await throughCanvas(await cpu.imageData({ seed: 42 })));
        let max = 0;
        for (let i = 0; i < got.length; i++) max = Math.max(max, Math.abs(got[i]! - want[i]!));
        expect(max).to.be.at.most(1);
      } finally {
        cpu.dispose();
      }
      proto.drawArrays = drawArrays; // working again, but the path stays off for the page
      const drawn = next(el, 'blaze-face-render');
      el.seed = 7;
      expect((await drawn).detail.draw).to.equal('cpu');
    } finally {
      proto.drawArrays = drawArrays;
      console.warn = warn;
    }
  });
});
