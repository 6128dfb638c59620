// The offline FaceLandmarker bundle: built reproducibly, a stored zip with the entries tasks-vision looks for,
// and a landmark model whose extended graph and metadata read back as written (our own flatbuffer reading).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { Builder } from 'flatbuffers';
import {
  FACE_MESH,
  LANDMARKER_ENTRIES,
  LANDMARKER_OUTPUT,
  buildFaceDetector,
  buildFaceLandmarker,
  readLandmarkerSources,
  readSource,
  sha256,
} from '../../scripts/face-model/build.js';
import { Table } from '../../scripts/face-model/flatbuffer.js';
import { IRISES, IRIS_RADIUS, buildLandmarkModel } from '../../scripts/face-model/landmark-model.js';
import { extractPackedFile, parsePackedAssetsLoader } from '../../scripts/face-model/packed-assets.js';
import { attachMetadata, buildMetadata, readMetadata } from '../../scripts/face-model/tflite-metadata.js';
import { crc32, writeStoredZip } from '../../scripts/face-model/zip.js';
import { listBundle } from '../../src/camera/task-bundle.js';

// Pinned: a change to the builder, the zip writer or a source package shows up here.
const EXPECTED_SHA256 = 'd2c496df976f1071f8088722b091fbd4c15f17394933adc387a58542765d9e4c';

const sources = readLandmarkerSources();
const task = buildFaceLandmarker(sources);

test('the bundle builds byte for byte the same, twice and on every machine', () => {
  assert.deepEqual(buildFaceLandmarker(readLandmarkerSources()), task);
  assert.equal(sha256(task), EXPECTED_SHA256);
});

test('the file that npm run build:face-model wrote is that build', () => {
  assert.ok(existsSync(LANDMARKER_OUTPUT), `${LANDMARKER_OUTPUT} missing: run npm run build:face-model`);
  assert.equal(sha256(new Uint8Array(readFileSync(LANDMARKER_OUTPUT))), EXPECTED_SHA256);
});

test('a stored zip: the three entries tasks-vision reads, CRC-32 right, data 64-byte aligned', () => {
  const entries = listBundle(task);
  assert.deepEqual(
    entries.map((e) => e.name),
    [LANDMARKER_ENTRIES.detector, LANDMARKER_ENTRIES.landmarks, LANDMARKER_ENTRIES.geometry],
  );
  for (const e of entries) {
    assert.equal(e.method, 0, `${e.name}: stored, not compressed`);
    // gzip's trailer carries the CRC-32 of its input: an independent check of ours.
    const gz = gzipSync(e.data);
    assert.equal(e.crc, gz.readUInt32LE(gz.length - 8), `${e.name}: CRC-32`);
    assert.equal(e.dataOffset % 64, 0, `${e.name}: data at ${e.dataOffset}`);
  }
  assert.deepEqual(entries[0]!.data, buildFaceDetector(readSource()));
  assert.deepEqual(entries[1]!.data, buildLandmarkModel(sources.landmarks));
  assert.equal(sha256(entries[2]!.data), FACE_MESH.geometry.sha256);
  // Fixed timestamps (1980-01-01 00:00): nothing depends on when or where it was built.
  assert.deepEqual(
    entries.map((e) => [e.time, e.date]),
    entries.map(() => [0, 0x21]),
  );
});

test('the zip writer: CRC-32 check value, empty entries, duplicate names refused', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  const zip = writeStoredZip([
    { name: 'a', data: new Uint8Array(0) },
    { name: 'b/c.bin', data: new Uint8Array([1, 2, 3]) },
  ]);
  assert.deepEqual(
    listBundle(zip).map((e) => [e.name, [...e.data], e.crc]),
    [
      ['a', [], 0],
      ['b/c.bin', [1, 2, 3], crc32(new Uint8Array([1, 2, 3]))],
    ],
  );
  assert.throws(
    () =>
      writeStoredZip([
        { name: 'a', data: new Uint8Array(1) },
        { name: 'a', data: new Uint8Array(1) },
      ]),
    /duplicate/,
  );
});

test('the packed assets are found by the loader script, not by fixed offsets', () => {
  const loader = readFileSync('node_modules/@mediapipe/face_mesh/face_mesh_solution_packed_assets_loader.js', 'utf8');
  const { files, size } = parsePackedAssetsLoader(loader);
  assert.ok(files.some((f) => f.filename.endsWith('/face_landmark.tflite')));
  assert.ok(files.some((f) => f.filename.endsWith('/geometry_pipeline_metadata_landmarks.binarypb')));
  assert.equal(sha256(sources.landmarks), FACE_MESH.landmarks.sha256);
  assert.throws(() => extractPackedFile(loader, new Uint8Array(size - 1), 'face_landmark.tflite'), /loader says/);
  assert.throws(
    () => extractPackedFile(loader, new Uint8Array(size), 'nope.tflite'),
    /expected one file named nope.tflite/,
  );
  assert.throws(() => parsePackedAssetsLoader('no call here'), /found 0/);
});

// The landmark model, read back with our own flatbuffer reading (schema.fbs field slots).
const model = buildLandmarkModel(sources.landmarks);
const root = Table.root(model);
const buffers = root.tables(4);
const subgraph = root.tables(2)[0]!;
const tensors = subgraph.tables(0);
const shape = (i: number) => tensors[i]!.ints(0);
const data = (i: number) => buffers[tensors[i]!.u32(2)]!.bytes(0);

test("the landmark model has tasks-vision's two outputs: [1,1434] landmarks, [1,1] face presence", () => {
  assert.equal(new TextDecoder().decode(model.subarray(4, 8)), 'TFL3');
  assert.deepEqual(subgraph.ints(1).map(shape), [[1, 192, 192, 3]]);
  const outputs = subgraph.ints(2);
  assert.deepEqual(outputs.map(shape), [
    [1, 1434],
    [1, 1],
  ]);
  assert.deepEqual(
    outputs.map((i) => tensors[i]!.i8(1)),
    [0, 0],
    'float32',
  );
  // The original is kept whole and 16-byte aligned behind the new root.
  const at = Buffer.from(model).indexOf(Buffer.from(sources.landmarks));
  assert.ok(at > 0 && at % 16 === 0, `original found at ${at}`);
});

test('the appended operators compute what they say: mesh first, then each iris from its eye contour', () => {
  const opName = (op: Table) => {
    const code = root.tables(1)[op.u32(0)]!;
    return (
      ({ 2: 'CONCATENATION', 9: 'FULLY_CONNECTED', 22: 'RESHAPE', 36: 'GATHER' } as Record<number, string>)[
        Math.max(code.i8(0), code.i32(3))
      ] ?? 'other'
    );
  };
  const ops = subgraph.tables(3);
  const added = ops.slice(-5);
  assert.deepEqual(added.map(opName), ['RESHAPE', 'GATHER', 'FULLY_CONNECTED', 'CONCATENATION', 'RESHAPE']);
  assert.ok(
    ops.slice(0, -5).every((o) => opName(o) === 'other'),
    'the original operators come first, unchanged',
  );
  const [reshape, gather, fc, concat, flag] = added as [Table, Table, Table, Table, Table];
  assert.equal(
    shape(reshape.ints(1)[0]!).reduce((a, b) => a * b),
    1404,
  );
  assert.equal(
    shape(flag.ints(1)[0]!).reduce((a, b) => a * b),
    1,
  );
  assert.deepEqual(concat.ints(1), [reshape.ints(2)[0], fc.ints(2)[0]], 'the 468 mesh points, then the 10 iris points');
  assert.equal(concat.table(4)!.i32(0), 1, 'concatenated along axis 1');
  assert.equal(gather.table(4)!.i32(0), 1, 'gathered along axis 1');

  // Run the gather and the fully-connected layer in plain JS on a made-up mesh.
  const v = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
  const indices = data(gather.ints(1)[1]!);
  const idx = Array.from({ length: indices.length / 4 }, (_, i) => v(indices).getInt32(4 * i, true));
  const [units, inputs] = shape(fc.ints(1)[1]!) as [number, number];
  const wb = data(fc.ints(1)[1]!);
  const weight = (o: number, i: number) => v(wb).getFloat32(4 * (o * inputs + i), true);
  assert.equal(fc.ints(1)[2], -1, 'no bias');
  const mesh = Array.from({ length: 1404 }, (_, i) => Math.sin(i * 12.9898) * 100);
  const gathered = idx.map((i) => mesh[i]!);
  const iris = Array.from({ length: units }, (_, o) => gathered.reduce((a, g, i) => a + weight(o, i) * g, 0));
  const point = (j: number) => (j < 468 ? mesh.slice(3 * j, 3 * j + 3) : iris.slice(3 * (j - 468), 3 * (j - 468) + 3));
  for (const eye of IRISES) {
    const centre = [0, 1, 2].map((a) => eye.contour.reduce((s, p) => s + point(p)[a]!, 0) / eye.contour.length);
    const h = [0, 1].map((a) => (point(eye.rightCorner)[a]! - point(eye.leftCorner)[a]!) * IRIS_RADIUS) as [
      number,
      number,
    ];
    const expected = [
      centre,
      [centre[0]! + h[0], centre[1]! + h[1], centre[2]!], // towards image right, along the eye
      [centre[0]! + h[1], centre[1]! - h[0], centre[2]!], // up (image y grows down)
      [centre[0]! - h[0], centre[1]! - h[1], centre[2]!],
      [centre[0]! - h[1], centre[1]! + h[0], centre[2]!],
    ];
    expected.forEach((e, k) =>
      point(eye.first + k).forEach((x, a) =>
        assert.ok(Math.abs(x - e[a]!) < 1e-3, `point ${eye.first + k}[${a}]: ${x} vs ${e[a]}`),
      ),
    );
  }
});

test("the landmark model's metadata reads back: M001, RGB input normalised by mean 0 / std 255", () => {
  const md = readMetadata(model);
  assert.ok(md, 'no TFLITE_METADATA in the built model');
  assert.equal(new TextDecoder().decode(md.subarray(4, 8)), 'M001');
  const input = Table.root(md).tables(3)[0]!.tables(2)[0]!;
  const content = input.table(3)!;
  assert.equal(content.u8(0), 2, 'ImageProperties');
  assert.equal(content.table(1)!.i8(0), 1, 'RGB');
  const unit = input.tables(4)[0]!;
  assert.equal(unit.u8(0), 1, 'NormalizationOptions');
  assert.deepEqual([unit.table(1)!.floats(0), unit.table(1)!.floats(1)], [[0], [255]]);
  assert.deepEqual([input.table(5)!.floats(1), input.table(5)!.floats(0)], [[0], [1]], 'stats min 0, max 1');
});

test('the metadata writer does not overflow on a model with many buffers (it had a fixed 1024-byte headroom)', () => {
  // A minimal model: one empty subgraph and 5000 empty buffers (the new root lists each: 20 kB of vectors).
  const b = new Builder(1024);
  const buffers = Array.from({ length: 5000 }, () => {
    b.startObject(1);
    return b.endObject();
  });
  const vector = (xs: number[]) => {
    b.startVector(4, xs.length, 4);
    for (let i = xs.length - 1; i >= 0; i--) b.addOffset(xs[i]!);
    return b.endVector();
  };
  const bufferVec = vector(buffers);
  b.startObject(5);
  const subgraph = b.endObject();
  const subgraphVec = vector([subgraph]);
  b.startObject(5);
  b.addFieldInt32(0, 3, 0);
  b.addFieldOffset(2, subgraphVec, 0);
  b.addFieldOffset(4, bufferVec, 0);
  b.finish(b.endObject(), 'TFL3');
  const many = b.asUint8Array().slice();
  const md = buildMetadata({
    name: 'x',
    description: '',
    version: '1',
    author: '',
    license: '',
    input: { mean: 0, std: 255, min: 0, max: 1 },
  });
  const out = attachMetadata(many, md);
  assert.deepEqual(readMetadata(out), md);
  assert.equal(Table.root(out).tables(4).length, 5001);
});
