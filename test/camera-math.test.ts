// The camera pipeline's pure parts: the similarity fit, the One-Euro filter and the tracker.
import { expect } from '@esm-bundle/chai';
import { applySimilarity, fitSimilarity, type Point } from '../src/camera/similarity.js';
import { OneEuroFilter } from '../src/camera/one-euro.js';
import { FaceTracker, iou, type TrackedFace } from '../src/camera/face-tracker.js';
import type { FaceDetection } from '../src/camera/face-finder.js';

describe('fitSimilarity', () => {
  it('recovers a known rotation, scale and shift exactly', () => {
    const t = { a: 1.5 * Math.cos(0.3), b: 1.5 * Math.sin(0.3), tx: 40, ty: -12 };
    const src: Point[] = [
      [46.5, 61],
      [81.5, 61],
      [64, 99],
    ];
    const dst = src.map((p) => applySimilarity(t, p));
    const got = fitSimilarity(src, dst);
    for (const k of ['a', 'b', 'tx', 'ty'] as const) expect(got[k]).to.be.closeTo(t[k], 1e-9);
  });

  it('puts the eyes where they were detected, least squares when they disagree', () => {
    const src: Point[] = [
      [46.5, 61],
      [81.5, 61],
      [64, 99],
    ];
    const dst: Point[] = [
      [300, 200],
      [370, 200],
      [336, 281],
    ]; // mouth a little off the similarity
    const t = fitSimilarity(src, dst);
    const err = src.map((p, i) =>
      Math.hypot(applySimilarity(t, p)[0] - dst[i]![0], applySimilarity(t, p)[1] - dst[i]![1]),
    );
    expect(Math.max(...err)).to.be.below(3);
    expect(Math.hypot(t.a, t.b)).to.be.closeTo(2, 0.1);
  });

  it('refuses coincident points', () => {
    expect(() =>
      fitSimilarity(
        [
          [1, 1],
          [1, 1],
        ],
        [
          [0, 0],
          [1, 1],
        ],
      ),
    ).to.throw(/coincide/);
  });
});

describe('OneEuroFilter', () => {
  const params = { minCutoff: 1, beta: 0.05, dCutoff: 1 };

  it('more than halves the jitter of a still point', () => {
    const f = new OneEuroFilter(params);
    let rng = 1;
    const noise = () => ((rng = (rng * 16807) % 2147483647) / 2147483647 - 0.5) * 8; // uniform +-4 px
    const raw: number[] = [],
      out: number[] = [];
    for (let i = 0; i < 200; i++) {
      raw.push(100 + noise());
      out.push(f.filter([raw[i]!], i * 33)[0]!);
    }
    const sd = (xs: number[]) => {
      const m = xs.reduce((a, b) => a + b) / xs.length;
      return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
    };
    expect(sd(out.slice(50))).to.be.below(0.5 * sd(raw.slice(50))); // after the first 50 frames: the filter has settled
  });

  it('follows a fast move with little lag', () => {
    const f = new OneEuroFilter(params);
    let last = 0;
    for (let i = 0; i <= 30; i++) last = f.filter([i * 20], i * 33)[0]!; // 600 px/s
    expect(600 - last).to.be.below(10); // beta raises the cutoff with speed: a fast move is followed, not smoothed away
  });

  it('predicts a frame between samples at the speed of its output, up to a limit, and learns nothing from it', () => {
    const f = new OneEuroFilter(params),
      same = new OneEuroFilter(params);
    expect(f.predict(0, 70)).to.equal(null);
    let last = 0;
    for (let i = 0; i <= 30; i++) {
      last = f.filter([i * 20], i * 33)[0]!; // 600 px/s
      same.filter([i * 20], i * 33);
    }
    // One frame on, the output moves on by one frame of the motion: the lag it has in a sampled frame, no more.
    const ahead = f.predict(30 * 33 + 33, 70)![0]!;
    expect(ahead - last).to.be.closeTo(20, 0.5);
    expect(f.predict(30 * 33 + 1000, 70)![0]!).to.equal(f.predict(30 * 33 + 70, 70)![0]!);
    expect(f.filter([620], 31 * 33)[0]).to.equal(same.filter([620], 31 * 33)[0]);
  });

  it('predicts no further past the last sample than the last step spanned', () => {
    const f = new OneEuroFilter(params);
    let before = 0;
    for (let i = 0; i <= 30; i++) before = f.filter([i * 20], i * 33)[0]!;
    // Two samples 5 ms apart (jittered frame times): 60 ms on is 12 such steps, but the face moves on by one.
    const last = f.filter([640], 30 * 33 + 5)[0]!;
    const ahead = f.predict(30 * 33 + 5 + 60, 70)![0]!;
    expect(last - before).to.be.above(0);
    expect(ahead - last).to.be.closeTo(last - before, 1e-9);
  });
});

describe('FaceTracker', () => {
  const det = (x: number, score = 0.9): FaceDetection => ({
    box: { x, y: 100, width: 100, height: 100 },
    score,
    leftEye: [x + 30, 140],
    rightEye: [x + 70, 140],
    mouth: [x + 50, 175],
  });
  const opts = { smoothing: { minCutoff: 1, beta: 0.05, dCutoff: 1 }, minIou: 0.2, maxMissed: 2 };

  it('keeps ids and slots while faces move, and reuses a freed slot', () => {
    const tr = new FaceTracker(opts);
    let faces = tr.update([det(0), det(300)], 0, 3);
    expect(faces.map((f) => [f.id, f.slot])).to.deep.equal([
      [1, 0],
      [2, 1],
    ]);
    faces = tr.update([det(310), det(10)], 33, 3); // both moved; the detector's order changed
    expect(faces.map((f) => [f.id, f.slot])).to.deep.equal([
      [1, 0],
      [2, 1],
    ]);
    for (let i = 0; i < 3; i++) faces = tr.update([det(310)], 66 + 33 * i, 3); // face 1 gone past maxMissed
    expect(faces.map((f) => f.id)).to.deep.equal([2]);
    faces = tr.update([det(310), det(600)], 200, 3);
    expect(faces.map((f) => [f.id, f.slot])).to.deep.equal([
      [3, 0],
      [2, 1],
    ]);
  });

  it('coasts through a missed frame and caps the number of faces', () => {
    const tr = new FaceTracker(opts);
    tr.update([det(0)], 0, 1);
    expect(tr.update([], 33, 1).map((f) => [f.id, f.missed])).to.deep.equal([[1, 1]]);
    expect(tr.update([det(5), det(400)], 66, 1).map((f) => f.id)).to.deep.equal([1]);
  });

  it('predicts a moving face in a frame it did not read, without counting a miss', () => {
    const tr = new FaceTracker(opts);
    let faces: TrackedFace[] = [];
    for (let i = 0; i <= 20; i++)
      faces = tr.update([{ ...det(10 * i), landmarks: new Float32Array([10 * i, 5, 0]) }], 33 * i, 1);
    const [p] = tr.predict(33 * 21, 1, 70);
    expect(tr.predict(33 * 21, 0, 70)).to.deep.equal([]);
    expect(p!.id).to.equal(faces[0]!.id);
    expect(p!.missed).to.equal(0);
    // 10 px a frame: one frame on, the box, the eyes and the landmarks all move on by 10 px; the size stays.
    expect(p!.box.x - faces[0]!.box.x).to.be.closeTo(10, 0.5);
    expect(p!.leftEye[0] - faces[0]!.leftEye[0]).to.be.closeTo(10, 0.5);
    expect(p!.landmarks![0]! - faces[0]!.landmarks![0]!).to.be.closeTo(10, 0.5);
    expect(p!.box.width).to.be.closeTo(100, 1e-6);
    expect(tr.update([det(210)], 33 * 22, 1)[0]!.id).to.equal(faces[0]!.id);
  });

  it('keeps a face the last read missed where it was last seen when it predicts', () => {
    const tr = new FaceTracker(opts);
    for (let i = 0; i <= 20; i++) tr.update([det(10 * i)], 33 * i, 1);
    const [lost] = tr.update([], 33 * 21, 1); // moving, then missed
    expect(lost!.missed).to.equal(1);
    const [p] = tr.predict(33 * 22, 1, 70);
    expect(p!.box).to.deep.equal(lost!.box);
    expect(p!.mouth).to.deep.equal(lost!.mouth);
  });

  it('iou', () => {
    expect(iou({ x: 0, y: 0, width: 10, height: 10 }, { x: 5, y: 0, width: 10, height: 10 })).to.be.closeTo(
      50 / 150,
      1e-12,
    );
    expect(iou({ x: 0, y: 0, width: 10, height: 10 }, { x: 20, y: 0, width: 10, height: 10 })).to.equal(0);
  });
});
