/**
 * The two halves of our flatbuffer handling, written for models we extend without re-serialising them:
 * `Table` reads any table in place (where each present field sits, what its offsets point to), and `Writer`
 * lays new objects out front to back, patching forward offsets once their targets are placed.
 */

/** Read-only view of one flatbuffer table: where each present field sits. */
export class Table {
  private readonly fields: number[];
  constructor(
    readonly view: DataView,
    readonly pos: number,
  ) {
    const vt = pos - view.getInt32(pos, true);
    const vtSize = view.getUint16(vt, true);
    this.fields = [];
    for (let i = 0; 4 + 2 * i < vtSize; i++) this.fields.push(view.getUint16(vt + 4 + 2 * i, true));
  }
  /** The root table of a whole flatbuffer. */
  static root(bytes: Uint8Array): Table {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return new Table(view, view.getUint32(0, true));
  }
  has(slot: number): boolean {
    return (this.fields[slot] ?? 0) !== 0;
  }
  /** Absolute position of the field's inline value. */
  at(slot: number): number {
    return this.pos + this.fields[slot]!;
  }
  /** Absolute position of the object an offset field points to. */
  target(slot: number): number {
    const p = this.at(slot);
    return p + this.view.getUint32(p, true);
  }
  table(slot: number): Table | null {
    return this.has(slot) ? new Table(this.view, this.target(slot)) : null;
  }
  u8(slot: number, dflt = 0): number {
    return this.has(slot) ? this.view.getUint8(this.at(slot)) : dflt;
  }
  i8(slot: number, dflt = 0): number {
    return this.has(slot) ? this.view.getInt8(this.at(slot)) : dflt;
  }
  u32(slot: number, dflt = 0): number {
    return this.has(slot) ? this.view.getUint32(this.at(slot), true) : dflt;
  }
  i32(slot: number, dflt = 0): number {
    return this.has(slot) ? this.view.getInt32(this.at(slot), true) : dflt;
  }
  string(slot: number): string | null {
    if (!this.has(slot)) return null;
    const s = this.target(slot);
    const n = this.view.getUint32(s, true);
    return new TextDecoder().decode(new Uint8Array(this.view.buffer, this.view.byteOffset + s + 4, n));
  }
  /** Absolute position and length of a vector field's elements (null when absent). */
  vector(slot: number): { start: number; length: number } | null {
    if (!this.has(slot)) return null;
    const v = this.target(slot);
    return { start: v + 4, length: this.view.getUint32(v, true) };
  }
  /** A vector of int32 (empty when absent). */
  ints(slot: number): number[] {
    const v = this.vector(slot);
    return v ? Array.from({ length: v.length }, (_, i) => this.view.getInt32(v.start + 4 * i, true)) : [];
  }
  /** A vector of float32 (empty when absent). */
  floats(slot: number): number[] {
    const v = this.vector(slot);
    return v ? Array.from({ length: v.length }, (_, i) => this.view.getFloat32(v.start + 4 * i, true)) : [];
  }
  /** A vector of bytes, as a view into the buffer (empty when absent). */
  bytes(slot: number): Uint8Array {
    const v = this.vector(slot);
    return v ? new Uint8Array(this.view.buffer, this.view.byteOffset + v.start, v.length) : new Uint8Array(0);
  }
  /** Absolute positions of the tables in a vector-of-tables field (empty when absent). */
  tableVector(slot: number): number[] {
    const v = this.vector(slot);
    if (!v) return [];
    return Array.from({ length: v.length }, (_, i) => v.start + 4 * i + this.view.getUint32(v.start + 4 * i, true));
  }
  tables(slot: number): Table[] {
    return this.tableVector(slot).map((p) => new Table(this.view, p));
  }
}

/** One field of a table being written: a 4-byte scalar, a 1-byte scalar, or a forward offset patched later. */
export type Field =
  { kind: 'u32' | 'i32' | 'f32'; value: number } | { kind: 'u8'; value: number } | { kind: 'offset' } | null;

/**
 * Little-endian writer that lays objects out front to back and patches forward offsets. The buffer grows as
 * needed, so nothing has to be sized in advance.
 */
export class Writer {
  bytes: Uint8Array;
  view: DataView;
  size = 0;
  constructor(capacity = 1024) {
    this.bytes = new Uint8Array(Math.max(capacity, 16));
    this.view = new DataView(this.bytes.buffer);
  }
  /** Room for n more bytes. */
  private reserve(n: number): void {
    if (this.size + n <= this.bytes.length) return;
    let capacity = this.bytes.length;
    while (capacity < this.size + n) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.size));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }
  /** Pads with zero bytes to a multiple of n. */
  align(n: number): void {
    const pad = (n - (this.size % n)) % n;
    this.reserve(pad);
    this.size += pad; // fresh bytes are zero
  }
  /** Skips n zero bytes. */
  skip(n: number): void {
    this.reserve(n);
    this.size += n;
  }
  u8(x: number): number {
    this.reserve(1);
    const p = this.size;
    this.view.setUint8(p, x);
    this.size += 1;
    return p;
  }
  u16(x: number): number {
    this.reserve(2);
    const p = this.size;
    this.view.setUint16(p, x, true);
    this.size += 2;
    return p;
  }
  u32(x: number): number {
    this.reserve(4);
    const p = this.size;
    this.view.setUint32(p, x, true);
    this.size += 4;
    return p;
  }
  i32(x: number): number {
    this.reserve(4);
    const p = this.size;
    this.view.setInt32(p, x, true);
    this.size += 4;
    return p;
  }
  f32(x: number): number {
    this.reserve(4);
    const p = this.size;
    this.view.setFloat32(p, x, true);
    this.size += 4;
    return p;
  }
  raw(b: Uint8Array): number {
    this.reserve(b.length);
    const p = this.size;
    this.bytes.set(b, p);
    this.size += b.length;
    return p;
  }
  /** Makes the uoffset at `at` point to `to` (which must lie after it). */
  patch(at: number, to: number): void {
    if (to <= at) throw new Error(`flatbuffer offsets point forward: ${at} -> ${to}`);
    this.view.setUint32(at, to - at, true);
  }
  /** A string: length, UTF-8 bytes, a terminating zero. */
  string(s: string): number {
    const b = new TextEncoder().encode(s);
    this.align(4);
    const p = this.u32(b.length);
    this.raw(b);
    this.u8(0);
    return p;
  }
  /** A vector of int32. */
  ints(xs: readonly number[]): number {
    this.align(4);
    const p = this.u32(xs.length);
    for (const x of xs) this.i32(x);
    return p;
  }
  /** A [ubyte] vector whose first element is 16-byte aligned (tensor data). */
  alignedBytes(b: Uint8Array): number {
    this.align(16);
    this.skip(12);
    const p = this.u32(b.length);
    this.raw(b);
    return p;
  }
  /** A vector of offsets, each slot to be patched; returns the vector and its slots. */
  offsets(n: number): { pos: number; slots: number[] } {
    this.align(4);
    const pos = this.u32(n);
    return { pos, slots: Array.from({ length: n }, () => this.u32(0)) };
  }
  /**
   * A table: vtable first, then the table; returns the table's position and where each field landed.
   * Fields are laid out in slot order, 4-byte ones first then 1-byte ones, so every field stays aligned.
   */
  table(fields: Field[]): { pos: number; field: (number | null)[] } {
    const wide = fields.map((f, i) => (f && f.kind !== 'u8' ? i : -1)).filter((i) => i >= 0);
    const narrow = fields.map((f, i) => (f && f.kind === 'u8' ? i : -1)).filter((i) => i >= 0);
    const inlineAt: number[] = fields.map(() => 0);
    let inline = 4;
    for (const i of wide) {
      inlineAt[i] = inline;
      inline += 4;
    }
    for (const i of narrow) {
      inlineAt[i] = inline;
      inline += 1;
    }
    const tableSize = (inline + 3) & ~3;
    this.align(2);
    const vt = this.size;
    this.u16(4 + 2 * fields.length);
    this.u16(tableSize);
    for (const s of inlineAt) this.u16(s);
    this.align(4);
    const pos = this.i32(0);
    this.view.setInt32(pos, pos - vt, true);
    const field: (number | null)[] = fields.map(() => null);
    for (const i of wide) {
      const f = fields[i]!;
      field[i] =
        f.kind === 'f32'
          ? this.f32(f.value)
          : f.kind === 'i32'
            ? this.i32(f.value)
            : f.kind === 'offset'
              ? this.u32(0)
              : this.u32((f as { value: number }).value);
    }
    for (const i of narrow) field[i] = this.u8((fields[i] as { value: number }).value);
    this.align(4);
    return { pos, field };
  }
}
