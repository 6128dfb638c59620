/**
 * Adds TFLite Metadata to a .tflite model without re-serialising it.
 *
 * tasks-vision refuses a float model whose input has no NormalizationOptions metadata, and the npm packages
 * ship their models without any. A TFLite Metadata flatbuffer (file identifier "M001") must be stored as a
 * model Buffer and named in Model.metadata as "TFLITE_METADATA".
 *
 * Flatbuffer offsets are unsigned and point forward, so rather than parse and rebuild the whole model we write
 * a new root Model table *in front of* the original bytes: its vectors of operator codes, subgraphs and so on
 * point forward into the untouched original, its buffers and metadata vectors get one extra entry each, and
 * the metadata bytes go after the original. The output is a pure function of the input and the options.
 */
import { Builder } from 'flatbuffers';
import { Table, Writer } from './flatbuffer.js';

export interface InputNormalization {
  /** Subtracted from each 0..255 channel value. */
  mean: number;
  /** Then divided by this. */
  std: number;
  /** Range of the normalised input, recorded as the tensor's stats. */
  min: number;
  max: number;
}

export interface MetadataOptions {
  name: string;
  description: string;
  version: string;
  author: string;
  license: string;
  input: InputNormalization;
}

// Field slots of the public schemas (tensorflow/lite/schema/schema.fbs and metadata_schema.fbs).
const MODEL = {
  version: 0,
  operatorCodes: 1,
  subgraphs: 2,
  description: 3,
  buffers: 4,
  metadataBuffer: 5,
  metadata: 6,
  signatureDefs: 7,
};
const BUFFER = { data: 0, offset: 1, size: 2 };
const CONTENT_IMAGE_PROPERTIES = 2;
const COLOR_SPACE_RGB = 1;
const PROCESS_UNIT_NORMALIZATION = 1;
const METADATA_NAME = 'TFLITE_METADATA';

/** The TFLite Metadata flatbuffer for a one-input RGB image model. */
export function buildMetadata(o: MetadataOptions): Uint8Array {
  const b = new Builder(1024);
  const floats = (xs: number[]) => {
    b.startVector(4, xs.length, 4);
    for (let i = xs.length - 1; i >= 0; i--) b.addFloat32(xs[i]!);
    return b.endVector();
  };
  const tables = (xs: number[]) => {
    b.startVector(4, xs.length, 4);
    for (let i = xs.length - 1; i >= 0; i--) b.addOffset(xs[i]!);
    return b.endVector();
  };

  // NormalizationOptions { mean[0], std[1] }
  const mean = floats([o.input.mean]);
  const std = floats([o.input.std]);
  b.startObject(2);
  b.addFieldOffset(0, mean, 0);
  b.addFieldOffset(1, std, 0);
  const norm = b.endObject();
  // ProcessUnit { options_type[0], options[1] }
  b.startObject(2);
  b.addFieldInt8(0, PROCESS_UNIT_NORMALIZATION, 0);
  b.addFieldOffset(1, norm, 0);
  const unit = b.endObject();
  // ImageProperties { color_space[0] }
  b.startObject(1);
  b.addFieldInt8(0, COLOR_SPACE_RGB, 0);
  const image = b.endObject();
  // Content { content_properties_type[0], content_properties[1] }
  b.startObject(2);
  b.addFieldInt8(0, CONTENT_IMAGE_PROPERTIES, 0);
  b.addFieldOffset(1, image, 0);
  const content = b.endObject();
  // Stats { max[0], min[1] }
  const max = floats([o.input.max]);
  const min = floats([o.input.min]);
  b.startObject(2);
  b.addFieldOffset(0, max, 0);
  b.addFieldOffset(1, min, 0);
  const stats = b.endObject();
  // TensorMetadata { name[0], description[1], dimension_names[2], content[3], process_units[4], stats[5] }
  const tensorName = b.createString('image');
  const tensorDesc = b.createString('Input image, RGB, normalised by the process unit.');
  const units = tables([unit]);
  b.startObject(6);
  b.addFieldOffset(0, tensorName, 0);
  b.addFieldOffset(1, tensorDesc, 0);
  b.addFieldOffset(3, content, 0);
  b.addFieldOffset(4, units, 0);
  b.addFieldOffset(5, stats, 0);
  const tensor = b.endObject();
  // SubGraphMetadata { name[0], description[1], input_tensor_metadata[2], output_tensor_metadata[3] }
  const inputs = tables([tensor]);
  b.startObject(4);
  b.addFieldOffset(2, inputs, 0);
  const subgraph = b.endObject();
  // ModelMetadata { name[0], description[1], version[2], subgraph_metadata[3], author[4], license[5],
  //                 associated_files[6], min_parser_version[7] }
  const name = b.createString(o.name);
  const description = b.createString(o.description);
  const version = b.createString(o.version);
  const subgraphs = tables([subgraph]);
  const author = b.createString(o.author);
  const license = b.createString(o.license);
  const minParser = b.createString('1.0.0');
  b.startObject(8);
  b.addFieldOffset(0, name, 0);
  b.addFieldOffset(1, description, 0);
  b.addFieldOffset(2, version, 0);
  b.addFieldOffset(3, subgraphs, 0);
  b.addFieldOffset(4, author, 0);
  b.addFieldOffset(5, license, 0);
  b.addFieldOffset(7, minParser, 0);
  const root = b.endObject();
  b.finish(root, 'M001');
  return b.asUint8Array().slice();
}

/** The model with `metadata` attached as TFLITE_METADATA (fails if the model already has one). */
export function attachMetadata(model: Uint8Array, metadata: Uint8Array): Uint8Array {
  const view = new DataView(model.buffer, model.byteOffset, model.byteLength);
  const root = new Table(view, view.getUint32(0, true));
  if (!root.has(MODEL.buffers) || !root.has(MODEL.subgraphs))
    throw new Error('not a TFLite model: no buffers or subgraphs');
  const buffers = root.tableVector(MODEL.buffers);
  for (const b of buffers) {
    // Buffers addressed by absolute file offset (models over 2 GB) would break when the model moves.
    if (new Table(view, b).has(BUFFER.offset))
      throw new Error('models with offset-addressed buffers are not supported');
  }
  const oldMetadata = root.tableVector(MODEL.metadata);
  const decoder = new TextDecoder();
  for (const m of oldMetadata) {
    const t = new Table(view, m);
    const s = t.target(0);
    const name = decoder.decode(model.subarray(s + 4, s + 4 + view.getUint32(s, true)));
    if (name === METADATA_NAME) throw new Error(`the model already has ${METADATA_NAME}`);
  }

  // The writer grows as it goes: a model with hundreds of buffers needs kilobytes of new vectors in front.
  const w = new Writer(model.length + metadata.length + 1024);
  const rootAt = w.u32(0);
  w.raw(new TextEncoder().encode('TFL3'));

  const keep = (slot: number) => (root.has(slot) ? { kind: 'offset' as const } : null);
  const modelTable = w.table([
    { kind: 'u32', value: root.has(MODEL.version) ? view.getUint32(root.at(MODEL.version), true) : 3 },
    keep(MODEL.operatorCodes),
    { kind: 'offset' },
    keep(MODEL.description),
    { kind: 'offset' },
    keep(MODEL.metadataBuffer),
    { kind: 'offset' },
    keep(MODEL.signatureDefs),
  ]);
  w.patch(rootAt, modelTable.pos);

  w.align(4);
  const buffersVec = w.u32(buffers.length + 1);
  const bufferSlots = Array.from({ length: buffers.length + 1 }, () => w.u32(0));
  const metadataVec = w.u32(oldMetadata.length + 1);
  const metadataSlots = Array.from({ length: oldMetadata.length + 1 }, () => w.u32(0));

  const newBuffer = w.table([{ kind: 'offset' }]);
  const newEntry = w.table([{ kind: 'offset' }, { kind: 'u32', value: buffers.length }]);
  const nameAt = w.string(METADATA_NAME);

  // The original keeps 16-byte alignment, so its tensor data stays aligned.
  w.align(16);
  const base = w.raw(model);
  const old = (pos: number) => base + pos;

  // The metadata bytes, 16-aligned, as a [ubyte] vector.
  const dataVec = w.alignedBytes(metadata);
  w.align(4);

  const f = modelTable.field;
  for (const slot of [MODEL.operatorCodes, MODEL.description, MODEL.metadataBuffer, MODEL.signatureDefs]) {
    if (f[slot] !== null) w.patch(f[slot]!, old(root.target(slot)));
  }
  w.patch(f[MODEL.subgraphs]!, old(root.target(MODEL.subgraphs)));
  w.patch(f[MODEL.buffers]!, buffersVec);
  w.patch(f[MODEL.metadata]!, metadataVec);
  buffers.forEach((b, i) => w.patch(bufferSlots[i]!, old(b)));
  w.patch(bufferSlots[buffers.length]!, newBuffer.pos);
  oldMetadata.forEach((m, i) => w.patch(metadataSlots[i]!, old(m)));
  w.patch(metadataSlots[oldMetadata.length]!, newEntry.pos);
  w.patch(newBuffer.field[0]!, dataVec);
  w.patch(newEntry.field[0]!, nameAt);
  return w.bytes.slice(0, w.size);
}

/** The TFLITE_METADATA bytes of a model, or null: used to check a built model. */
export function readMetadata(model: Uint8Array): Uint8Array | null {
  const view = new DataView(model.buffer, model.byteOffset, model.byteLength);
  const root = new Table(view, view.getUint32(0, true));
  const buffers = root.tableVector(MODEL.buffers);
  const decoder = new TextDecoder();
  for (const m of root.tableVector(MODEL.metadata)) {
    const t = new Table(view, m);
    const s = t.target(0);
    if (decoder.decode(model.subarray(s + 4, s + 4 + view.getUint32(s, true))) !== METADATA_NAME) continue;
    const buffer = new Table(view, buffers[view.getUint32(t.at(1), true)]!);
    const d = buffer.target(BUFFER.data);
    return model.slice(d + 4, d + 4 + view.getUint32(d, true));
  }
  return null;
}
