// matchSkin (src/camera/skin-match.ts) on a drawn face: the skin takes the wanted tone, the lines, eyes and
// background keep theirs, and the skin's shading keeps its order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cheekColour, matchSkin } from '../../src/camera/skin-match.js';
import { hexRgb, srgbToLab } from '../../src/core/controls.js';

const SIZE = 256;
const POINTS = { leftEye: [93, 122], rightEye: [163, 122], mouth: [128, 198] } as const;
const SKIN = hexRgb('#ddb7a0')!;
const SHADE = hexRgb('#c9a08a')!;
const LINE = hexRgb('#2a1c18')!;
const WHITE: [number, number, number] = [250, 250, 250];

const dE = (a: readonly number[], b: readonly number[]) => {
  const [p, q] = [srgbToLab(a), srgbToLab(b)];
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
};

/** A face: an opaque oval of skin, a shaded band, dark lines, white eyes, and a transparent background. */
function face(): Uint8Array {
  const rgba = new Uint8Array(4 * SIZE * SIZE);
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) {
      const inside = ((x - 128) / 100) ** 2 + ((y - 140) / 115) ** 2 < 1;
      if (!inside) continue;
      let c = y > 215 ? SHADE : SKIN;
      if (Math.abs(y - 198) < 2 && Math.abs(x - 128) < 20) c = LINE; // the mouth
      if (Math.hypot(x - 93, y - 122) < 9 || Math.hypot(x - 163, y - 122) < 9) c = WHITE;
      const i = 4 * (y * SIZE + x);
      rgba.set([...c, 255], i);
    }
  return rgba;
}
const at = (rgba: Uint8Array, x: number, y: number) =>
  Array.from(rgba.subarray(4 * (y * SIZE + x), 4 * (y * SIZE + x) + 4));

test("the face's skin colour is read from its cheeks", () => {
  assert.deepEqual(cheekColour(face(), SIZE, POINTS), SKIN);
});

// Tones off the ramp near the face's own (the ramp has already drawn its nearest): pinker, olive, lighter, darker.
for (const wanted of ['#ebb4a4', '#d3b88c', '#efcdb9', '#c49a80'].map((h) => hexRgb(h)!)) {
  test(`the skin becomes ${wanted}, everything else stays`, () => {
    const rgba = face();
    assert.deepEqual(matchSkin(rgba, SIZE, POINTS, wanted), SKIN);
    assert.ok(dE(at(rgba, 93, 160).slice(0, 3), wanted) < 1.5, `cheek ${at(rgba, 93, 160)}`);
    assert.ok(dE(at(rgba, 128, 198).slice(0, 3), LINE) < 2, `line ${at(rgba, 128, 198)}`);
    assert.ok(dE(at(rgba, 93, 122).slice(0, 3), WHITE) < 2, `eye ${at(rgba, 93, 122)}`);
    assert.deepEqual(at(rgba, 2, 2), [0, 0, 0, 0]);
    assert.equal(at(rgba, 93, 160)[3], 255);
    // the shaded band stays darker than the skin
    const lum = (p: number[]) => srgbToLab(p.slice(0, 3))[0];
    assert.ok(lum(at(rgba, 128, 225)) < lum(at(rgba, 128, 160)));
  });
}

test('a tone far from the ramp still reaches the cheek', () => {
  const rgba = face();
  const wanted = hexRgb('#8d5524')!;
  matchSkin(rgba, SIZE, POINTS, wanted);
  assert.ok(dE(at(rgba, 93, 160).slice(0, 3), wanted) < 1.5, `cheek ${at(rgba, 93, 160)}`);
  assert.ok(dE(at(rgba, 128, 198).slice(0, 3), LINE) < 3, `line ${at(rgba, 128, 198)}`);
});

test('premultiplied edges keep their alpha and stay premultiplied', () => {
  const rgba = face();
  const i = 4 * (140 * SIZE + 40);
  rgba.set([SKIN[0] >> 1, SKIN[1] >> 1, SKIN[2] >> 1, 128], i); // a half-covered skin pixel
  matchSkin(rgba, SIZE, POINTS, hexRgb('#8d5524')!);
  assert.equal(rgba[i + 3], 128);
  for (let c = 0; c < 3; c++) assert.ok(rgba[i + c]! <= 128);
});

test('a face with no opaque cheek is left as it is', () => {
  const rgba = new Uint8Array(4 * SIZE * SIZE);
  assert.equal(matchSkin(rgba, SIZE, POINTS, [100, 50, 20]), null);
  assert.ok(rgba.every((v) => v === 0));
});
