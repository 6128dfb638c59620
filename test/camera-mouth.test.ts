// The face lens on an open mouth: Chromium's fake camera plays the open-mouth clip, a real photo
// (face-api's sample1.jpg, the laughing face on the right). Runs in the `camera-mouth` group.
import { expect } from '@esm-bundle/chai';
import { INNER_LIPS, FACE_OVAL } from '../src/camera/canonical-mesh.js';
import { overlaid, shareInPolygon, startLensPipeline } from './lens-helpers.js';

describe('the face lens on an open mouth', () => {
  it('reads the mouth as open, and the overlay opens there: the real mouth shows, not a stretched texture', async function () {
    this.timeout(300000); // above the pipeline's start and one frame's wait (120 s): the wait reports a hang
    const run = await startLensPipeline();
    try {
      // Five frames as the clip slides: the median mouth opening, and the pixels of the last.
      const frames = [];
      while (frames.length < 5) frames.push(await run.until(overlaid));
      const open = frames.map((x) => x.detail.faces[0]!.mouthOpen!).sort((a, b) => a - b)[2]!;
      const s = frames.at(-1)!;
      const f = s.detail.faces[0]!,
        l = f.landmarks!;
      const polygon = (ids: readonly number[]) => ids.map((i) => [l[3 * i]!, l[3 * i + 1]!] as const);
      const mouth = shareInPolygon(s.shot, polygon(INNER_LIPS), 'green');
      const face = shareInPolygon(s.shot, polygon(FACE_OVAL), 'green');
      console.log(
        `open mouth: mouthOpen median ${open.toFixed(2)}; overlay share inside the lips ${mouth.share.toFixed(2)} of ${mouth.pixels} px, over the face ${face.share.toFixed(2)}`,
      );
      // The closed smile of test/camera-lens.test.ts reads under 0.2: this open one must read above it. (Landmarks
      // read per face from a crop, with beta 0.2 smoothing, put it at 0.23 - 0.28 here; full-frame tracking read
      // over 0.3.)
      expect(open).to.be.above(0.2);
      expect(mouth.pixels, 'the lips are apart in the frame').to.be.above(150);
      expect(mouth.share).to.be.below(0.2);
      expect(face.share).to.be.above(0.6);
    } finally {
      run.pipeline.stop();
      run.canvas.remove();
    }
  });
});
