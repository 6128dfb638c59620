// The face controls' value-to-coordinate rule (src/core/controls.ts) against the vectors Python wrote
// (training/controls.py), and the shipped models' blocks through the loader's validation.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { applyControls, controlU, normalQuantile, validateControls, type Controls } from '../../src/core/controls.js';
import { validateManifest } from '../../src/core/model-format.js';

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')); // paths from the repository root, where npm runs
const VECTORS = read('test/fixtures/control-vectors.json') as {
  styles: Record<
    string,
    { controls: Controls; cases: { control: string; value: string | number | boolean; u: number; z: number }[] }
  >;
};

test('every vector: the same u and z as Python', () => {
  let n = 0;
  for (const { controls, cases } of Object.values(VECTORS.styles)) {
    for (const c of cases) {
      const control = controls[c.control]!;
      // a ramp is searched at 32 points a segment: a near tie may fall to the neighbouring point
      const tol = control.kind === 'ramp' ? 1.01 / (32 * (control.stops.length - 1)) : 1e-12;
      const u = controlU(c.control, control, c.value);
      assert.ok(Math.abs(u - c.u) <= tol, `${c.control} ${String(c.value)}: u ${u}, Python ${c.u}`);
      if (Math.abs(u - c.u) < 1e-12)
        assert.ok(Math.abs(normalQuantile(u) - c.z) < 1e-6, `${c.control} ${String(c.value)}: z`);
      n++;
    }
  }
  assert.ok(n >= 40, `${n} vectors`);
});

test('the shipped models carry the blocks the vectors were made from, and pass validation', () => {
  for (const style of ['toon', 'sketch']) {
    const m = validateManifest(read(`models/${style}/model.json`));
    assert.deepEqual(m.controls, VECTORS.styles[style]!.controls);
  }
});

test('applyControls sets only the named coordinates and names what a style has when one is missing', () => {
  const { controls } = VECTORS.styles.toon!;
  const z = Float32Array.from({ length: 64 }, (_, i) => i / 100);
  const out = applyControls(z, controls, { skinTone: '#5c3937', faceWidth: 0.5 });
  for (let i = 0; i < 64; i++) {
    if (i === controls.skinTone!.z) assert.ok(out[i]! > 2.2, 'the darkest tone is the end of the ramp');
    else if (i === controls.faceWidth!.z) assert.equal(out[i], 0);
    else assert.equal(out[i], z[i]);
  }
  assert.equal(z[controls.skinTone!.z], Math.fround(0.02), 'the input is not changed');
  assert.throws(
    () =>
      applyControls(z, VECTORS.styles.sketch!.controls, { skinTone: '#fff' }, RangeError, (c) =>
        c.replace(/[A-Z]/g, (x) => `-${x.toLowerCase()}`),
      ),
    /skin-tone: expected a control of this style \(ink, paper, glasses, beard\), got "#fff" for one it lacks/,
  );
  assert.throws(
    () => applyControls(z, undefined, { faceWidth: 1 }),
    /faceWidth: expected a control of this style \(it has none\)/,
  );
  assert.throws(() => applyControls(z, controls, { faceWidth: 2 }), /faceWidth: expected a number in \[0, 1\], got 2/);
  assert.throws(
    () => applyControls(z, controls, { hairColor: 'red' }),
    /hairColor: expected a colour such as #a0522d, got "red"/,
  );
  assert.equal(applyControls(z, controls, {}), z, 'no values: the same latent');
});

test('validation says what is wrong in a block', () => {
  assert.throws(
    () => validateControls({ a: { kind: 'ramp', z: 2, stops: ['#fff'] } }, 64, RangeError),
    /controls.a.stops: expected two or more/,
  );
  assert.throws(
    () => validateControls({ a: { kind: 'range', z: 64 } }, 64, RangeError),
    /controls.a.z: expected an integer in \[0, 63\], got 64/,
  );
  assert.throws(
    () => validateControls({ a: { kind: 'dial', z: 1 } }, 64, RangeError),
    /controls.a.kind: expected "ramp", "range" or "switch", got "dial"/,
  );
  assert.throws(() => validateControls([], 64, RangeError), /controls: expected an object/);
});
