/**
 * Appends tensors and operators to a .tflite model's main subgraph and changes its outputs, without
 * re-serialising the model.
 *
 * As for the metadata (tflite-metadata.ts), a new root Model table goes in *front of* the untouched original
 * bytes. Its new vectors of operator codes, tensors, operators and buffers list the original entries (pointing
 * forward into the original) and then the new ones; a new SubGraph table replaces subgraph 0 and keeps its
 * inputs and name. Constant data of new tensors goes after the original, 16-byte aligned. Everything else,
 * weights included, stays where it was. The output is a pure function of the input and the extension.
 */
import { Table, Writer, type Field } from './flatbuffer.js';

// Field slots of the public schema (tensorflow/lite/schema/schema.fbs).
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
const OPERATOR_CODE = { deprecatedBuiltinCode: 0, customCode: 1, version: 2, builtinCode: 3 };
const SUBGRAPH = { tensors: 0, inputs: 1, outputs: 2, operators: 3, name: 4 };
const TENSOR = { shape: 0, type: 1, buffer: 2, name: 3 };
const OPERATOR = { opcodeIndex: 0, inputs: 1, outputs: 2, builtinOptionsType: 3, builtinOptions: 4 };
const BUFFER = { data: 0, offset: 1 };

/** TensorType values used here. */
export const TensorType = { FLOAT32: 0, INT32: 2 } as const;

/** BuiltinOperator codes and the BuiltinOptions union member that configures each, for the ops used here. */
export const Op = {
  CONCATENATION: { code: 2, options: 10 },
  FULLY_CONNECTED: { code: 9, options: 8 },
  RESHAPE: { code: 22, options: 17 },
  GATHER: { code: 36, options: 23 },
} as const;
export type OpKind = (typeof Op)[keyof typeof Op];

/** One field of an options table: a scalar, or a vector of int32. */
export type OptionField = Exclude<Field, { kind: 'offset' }> | { kind: 'ints'; value: number[] };

export interface TensorInfo {
  name: string;
  shape: number[];
  type: number;
}

interface NewTensor extends TensorInfo {
  data?: Uint8Array;
}

interface NewOperator {
  op: OpKind;
  inputs: number[];
  outputs: number[];
  options: OptionField[];
}

/** Reads a model's main subgraph, collects additions, and writes the extended model. */
export class GraphExtension {
  private readonly root: Table;
  private readonly subgraph: Table;
  private readonly oldTensors: Table[];
  private readonly oldCodes: Table[];
  private readonly oldBuffers: number[];
  private readonly tensors: NewTensor[] = [];
  private readonly operators: NewOperator[] = [];
  private outputs: number[];

  constructor(private readonly model: Uint8Array) {
    this.root = Table.root(model);
    if (!this.root.has(MODEL.buffers) || !this.root.has(MODEL.subgraphs))
      throw new Error('not a TFLite model: no buffers or subgraphs');
    // Signatures name output tensors by index: they would silently disagree with the new outputs.
    if (this.root.tableVector(MODEL.signatureDefs).length > 0)
      throw new Error('models with signature defs are not supported');
    this.oldBuffers = this.root.tableVector(MODEL.buffers);
    for (const b of this.oldBuffers) {
      // Buffers addressed by absolute file offset (models over 2 GB) would break when the model moves.
      if (new Table(this.root.view, b).has(BUFFER.offset))
        throw new Error('models with offset-addressed buffers are not supported');
    }
    this.subgraph = this.root.tables(MODEL.subgraphs)[0]!;
    this.oldTensors = this.subgraph.tables(SUBGRAPH.tensors);
    this.oldCodes = this.root.tables(MODEL.operatorCodes);
    this.outputs = this.subgraph.ints(SUBGRAPH.outputs);
  }

  /** The main subgraph's current outputs (tensor indices). */
  get currentOutputs(): number[] {
    return [...this.outputs];
  }

  /** Name, shape and type of an existing tensor. */
  tensor(index: number): TensorInfo {
    if (index >= this.oldTensors.length) {
      const t = this.tensors[index - this.oldTensors.length]!;
      return { name: t.name, shape: [...t.shape], type: t.type };
    }
    const t = this.oldTensors[index]!;
    return { name: t.string(TENSOR.name) ?? '', shape: t.ints(TENSOR.shape), type: t.i8(TENSOR.type) };
  }

  /** A new tensor computed by a new operator; returns its index. */
  addTensor(name: string, type: number, shape: number[]): number {
    this.tensors.push({ name, type, shape });
    return this.oldTensors.length + this.tensors.length - 1;
  }

  /** A new constant tensor with its own buffer (data in little-endian order); returns its index. */
  addConstant(name: string, type: number, shape: number[], data: Uint8Array): number {
    const elements = shape.reduce((a, b) => a * b, 1);
    if (data.length !== elements * 4) throw new Error(`constant ${name}: ${data.length} bytes for shape [${shape}]`);
    this.tensors.push({ name, type, shape, data });
    return this.oldTensors.length + this.tensors.length - 1;
  }

  /** A new operator, run after all existing ones (and after those added before it). */
  addOperator(op: OpKind, inputs: number[], outputs: number[], options: OptionField[] = []): void {
    const count = this.oldTensors.length + this.tensors.length;
    for (const i of [...inputs, ...outputs]) if (i !== -1 && (i < 0 || i >= count)) throw new Error(`no tensor ${i}`);
    this.operators.push({ op, inputs, outputs, options });
  }

  setOutputs(outputs: number[]): void {
    this.outputs = [...outputs];
  }

  /** The operator-code index for a builtin op: an existing entry, or a new one appended after them. */
  private codeIndices(): { index: Map<number, number>; added: number[] } {
    const index = new Map<number, number>();
    this.oldCodes.forEach((c, i) => {
      if (c.has(OPERATOR_CODE.customCode)) return;
      // Readers take the larger of the two fields (the 1-byte one is deprecated, kept for codes below 127).
      const code = Math.max(c.i8(OPERATOR_CODE.deprecatedBuiltinCode), c.i32(OPERATOR_CODE.builtinCode));
      if (!index.has(code)) index.set(code, i);
    });
    const added: number[] = [];
    for (const { op } of this.operators) {
      if (!index.has(op.code)) {
        index.set(op.code, this.oldCodes.length + added.length);
        added.push(op.code);
      }
    }
    return { index, added };
  }

  /** The extended model. */
  build(): Uint8Array {
    const { root, subgraph } = this;
    const { index: codeIndex, added: addedCodes } = this.codeIndices();
    const constants = this.tensors.filter((t) => t.data);
    const w = new Writer(this.model.length + 4096);
    const rootAt = w.u32(0);
    w.raw(new TextEncoder().encode('TFL3'));

    const keep = (t: Table, slot: number): Field => (t.has(slot) ? { kind: 'offset' } : null);
    const modelTable = w.table([
      { kind: 'u32', value: root.u32(MODEL.version, 3) },
      { kind: 'offset' },
      { kind: 'offset' },
      keep(root, MODEL.description),
      { kind: 'offset' },
      keep(root, MODEL.metadataBuffer),
      keep(root, MODEL.metadata),
    ]);
    w.patch(rootAt, modelTable.pos);
    const later: [number, number][] = []; // (slot, position in the original) patched once the original is placed

    // Operator codes: the old ones, then one per new builtin.
    const codes = w.offsets(this.oldCodes.length + addedCodes.length);
    w.patch(modelTable.field[MODEL.operatorCodes]!, codes.pos);
    this.oldCodes.forEach((c, i) => later.push([codes.slots[i]!, c.pos]));
    addedCodes.forEach((code, i) => {
      const t = w.table([
        { kind: 'u8', value: Math.min(code, 127) },
        null,
        { kind: 'i32', value: 1 },
        { kind: 'i32', value: code },
      ]);
      w.patch(codes.slots[this.oldCodes.length + i]!, t.pos);
    });

    // Subgraphs: a new main subgraph, then the others as they were.
    const oldSubgraphs = root.tableVector(MODEL.subgraphs);
    const subgraphs = w.offsets(oldSubgraphs.length);
    w.patch(modelTable.field[MODEL.subgraphs]!, subgraphs.pos);
    oldSubgraphs.slice(1).forEach((p, i) => later.push([subgraphs.slots[i + 1]!, p]));
    const sg = w.table([
      { kind: 'offset' },
      keep(subgraph, SUBGRAPH.inputs),
      { kind: 'offset' },
      { kind: 'offset' },
      keep(subgraph, SUBGRAPH.name),
    ]);
    w.patch(subgraphs.slots[0]!, sg.pos);
    if (subgraph.has(SUBGRAPH.inputs)) later.push([sg.field[SUBGRAPH.inputs]!, subgraph.target(SUBGRAPH.inputs)]);
    if (subgraph.has(SUBGRAPH.name)) later.push([sg.field[SUBGRAPH.name]!, subgraph.target(SUBGRAPH.name)]);
    w.patch(sg.field[SUBGRAPH.outputs]!, w.ints(this.outputs));

    // Tensors: the old ones, then the new ones; constants get buffers after the old buffers.
    const tensors = w.offsets(this.oldTensors.length + this.tensors.length);
    w.patch(sg.field[SUBGRAPH.tensors]!, tensors.pos);
    this.oldTensors.forEach((t, i) => later.push([tensors.slots[i]!, t.pos]));
    let nextBuffer = this.oldBuffers.length;
    this.tensors.forEach((t, i) => {
      const tt = w.table([
        { kind: 'offset' },
        { kind: 'u8', value: t.type },
        { kind: 'u32', value: t.data ? nextBuffer++ : 0 },
        { kind: 'offset' },
      ]);
      w.patch(tensors.slots[this.oldTensors.length + i]!, tt.pos);
      w.patch(tt.field[TENSOR.shape]!, w.ints(t.shape));
      w.patch(tt.field[TENSOR.name]!, w.string(t.name));
    });

    // Operators: the old ones in their order, then the new ones.
    const oldOperators = subgraph.tableVector(SUBGRAPH.operators);
    const operators = w.offsets(oldOperators.length + this.operators.length);
    w.patch(sg.field[SUBGRAPH.operators]!, operators.pos);
    oldOperators.forEach((p, i) => later.push([operators.slots[i]!, p]));
    this.operators.forEach((o, i) => {
      const ot = w.table([
        { kind: 'u32', value: codeIndex.get(o.op.code)! },
        { kind: 'offset' },
        { kind: 'offset' },
        { kind: 'u8', value: o.op.options },
        { kind: 'offset' },
      ]);
      w.patch(operators.slots[oldOperators.length + i]!, ot.pos);
      w.patch(ot.field[OPERATOR.inputs]!, w.ints(o.inputs));
      w.patch(ot.field[OPERATOR.outputs]!, w.ints(o.outputs));
      const opts = w.table(o.options.map((f) => (f && f.kind === 'ints' ? { kind: 'offset' as const } : f)));
      w.patch(ot.field[OPERATOR.builtinOptions]!, opts.pos);
      o.options.forEach((f, slot) => {
        if (f && f.kind === 'ints') w.patch(opts.field[slot]!, w.ints(f.value));
      });
    });

    // Buffers: the old ones, then one per new constant (its data placed after the original).
    const buffers = w.offsets(this.oldBuffers.length + constants.length);
    w.patch(modelTable.field[MODEL.buffers]!, buffers.pos);
    this.oldBuffers.forEach((p, i) => later.push([buffers.slots[i]!, p]));
    const dataFields = constants.map((_, i) => {
      const bt = w.table([{ kind: 'offset' }]);
      w.patch(buffers.slots[this.oldBuffers.length + i]!, bt.pos);
      return bt.field[BUFFER.data]!;
    });

    for (const slot of [MODEL.description, MODEL.metadataBuffer, MODEL.metadata]) {
      if (root.has(slot)) later.push([modelTable.field[slot]!, root.target(slot)]);
    }

    // The original, 16-aligned so its tensor data stays aligned, then the new constants' data.
    w.align(16);
    const base = w.raw(this.model);
    for (const [slot, pos] of later) w.patch(slot, base + pos);
    constants.forEach((t, i) => w.patch(dataFields[i]!, w.alignedBytes(t.data!)));
    w.align(4);
    return w.bytes.slice(0, w.size);
  }
}

/** Little-endian bytes of int32 values (tensor data). */
export function int32Bytes(xs: readonly number[]): Uint8Array {
  const b = new Uint8Array(4 * xs.length);
  const v = new DataView(b.buffer);
  xs.forEach((x, i) => v.setInt32(4 * i, x, true));
  return b;
}

/** Little-endian bytes of float32 values (tensor data). */
export function float32Bytes(xs: readonly number[]): Uint8Array {
  const b = new Uint8Array(4 * xs.length);
  const v = new DataView(b.buffer);
  xs.forEach((x, i) => v.setFloat32(4 * i, x, true));
  return b;
}
