// The offline face detector: built reproducibly, with metadata that reads back as written.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ByteBuffer } from 'flatbuffers';
import { DETECTOR_OUTPUT as OUTPUT, buildFaceDetector, readSource, sha256 } from '../../scripts/face-model/build.js';
import { attachMetadata, buildMetadata, readMetadata } from '../../scripts/face-model/tflite-metadata.js';

// Pinned: a change to the builder, the metadata or the source package shows up here.
const EXPECTED_SHA256 = 'e910e8a64ce3ff6193f2dbe95dad2d80c9b727be4a1a936f49812cfe6bc14041';

test('the detector builds byte for byte the same, twice and on every machine', () => {
  const a = buildFaceDetector(readSource());
  const b = buildFaceDetector(readSource());
  assert.deepEqual(a, b);
  assert.equal(sha256(a), EXPECTED_SHA256);
});

test('the file that npm run build wrote is that build', () => {
  assert.ok(existsSync(OUTPUT), `${OUTPUT} missing: run npm run build:face-model`);
  assert.equal(sha256(new Uint8Array(readFileSync(OUTPUT))), EXPECTED_SHA256);
});

test('the original model is kept whole, 16-byte aligned, after the new root', () => {
  const source = readSource();
  const built = buildFaceDetector(source);
  const at = Buffer.from(built).indexOf(Buffer.from(source));
  assert.ok(at > 0 && at % 16 === 0, `original found at ${at}`);
  assert.equal(new TextDecoder().decode(built.subarray(4, 8)), 'TFL3');
});

test('the metadata reads back: M001, RGB input normalised by mean 127.5 / std 127.5', () => {
  const md = readMetadata(buildFaceDetector(readSource()));
  assert.ok(md, 'no TFLITE_METADATA in the built model');
  const bb = new ByteBuffer(md);
  assert.ok(bb.__has_identifier('M001'));
  const table = (pos: number) => ({
    field(slot: number) {
      const o = bb.__offset(pos, 4 + 2 * slot);
      return o ? pos + o : 0;
    },
  });
  const root = bb.readInt32(bb.position()) + bb.position();
  const subgraphs = table(root).field(3);
  const subgraph = bb.__indirect(bb.__vector(subgraphs));
  const inputs = table(subgraph).field(2);
  const tensor = bb.__indirect(bb.__vector(inputs));
  const content = bb.__indirect(table(tensor).field(3));
  assert.equal(bb.readUint8(table(content).field(0)), 2, 'ImageProperties');
  const image = bb.__indirect(table(content).field(1));
  assert.equal(bb.readInt8(table(image).field(0)), 1, 'RGB');
  const unit = bb.__indirect(bb.__vector(table(tensor).field(4)));
  assert.equal(bb.readUint8(table(unit).field(0)), 1, 'NormalizationOptions');
  const norm = bb.__indirect(table(unit).field(1));
  assert.equal(bb.readFloat32(bb.__vector(table(norm).field(0))), 127.5);
  assert.equal(bb.readFloat32(bb.__vector(table(norm).field(1))), 127.5);
});

test('a model that already has metadata, or is not a model, is refused with a reason', () => {
  const md = buildMetadata({
    name: 'x',
    description: '',
    version: '1',
    author: '',
    license: '',
    input: { mean: 0, std: 255, min: 0, max: 1 },
  });
  const once = attachMetadata(readSource(), md);
  assert.throws(() => attachMetadata(once, md), /already has TFLITE_METADATA/);
  assert.throws(() => buildFaceDetector(new Uint8Array(64)), /expected sha256/);
});
