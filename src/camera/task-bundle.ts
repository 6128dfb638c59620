/**
 * Reads a MediaPipe `.task` bundle. A `.task` is a zip whose entries are stored uncompressed (tasks-vision
 * refuses compressed ones), so an entry is a byte range: no inflating, no dependency. The build's tests read
 * the bundle they wrote with the same code.
 */

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;

export interface BundleEntry {
  name: string;
  /** 0: stored. */
  method: number;
  crc: number;
  /** The DOS time and date fields of its local header. */
  time: number;
  date: number;
  /** Where the entry's data starts in the bundle. */
  dataOffset: number;
  /** Its bytes as stored (a view into the bundle). */
  data: Uint8Array;
}

/** Every entry, through the central directory, each checked against its local header. */
export function listBundle(bundle: Uint8Array): BundleEntry[] {
  const view = new DataView(bundle.buffer, bundle.byteOffset, bundle.byteLength);
  // The end record sits in the last 22 bytes plus an optional comment of up to 64 KiB.
  let end = -1;
  for (let p = bundle.length - 22; p >= Math.max(0, bundle.length - 22 - 0xffff); p--) {
    if (view.getUint32(p, true) === END_OF_CENTRAL_DIRECTORY) {
      end = p;
      break;
    }
  }
  if (end < 0) throw new Error(`expected a .task (zip) bundle, got ${bundle.length} bytes without a zip directory`);
  const count = view.getUint16(end + 10, true);
  let p = view.getUint32(end + 16, true);
  const decoder = new TextDecoder();
  const out: BundleEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (view.getUint32(p, true) !== CENTRAL_HEADER) throw new Error('corrupt .task bundle: bad central directory');
    const method = view.getUint16(p + 10, true);
    const crc = view.getUint32(p + 16, true);
    const size = view.getUint32(p + 20, true);
    const nameLength = view.getUint16(p + 28, true);
    const name = decoder.decode(bundle.subarray(p + 46, p + 46 + nameLength));
    const local = view.getUint32(p + 42, true);
    if (view.getUint32(local, true) !== LOCAL_HEADER)
      throw new Error(`corrupt .task bundle: bad local header for ${name}`);
    const localName = decoder.decode(bundle.subarray(local + 30, local + 30 + view.getUint16(local + 26, true)));
    // Name, method, time, date, CRC and both sizes: the local header must say what the directory says.
    for (const [at, bytes] of [
      [8, 2],
      [10, 2],
      [12, 2],
      [14, 4],
      [18, 4],
      [22, 4],
    ] as const) {
      const a = bytes === 2 ? view.getUint16(local + at, true) : view.getUint32(local + at, true);
      const b = bytes === 2 ? view.getUint16(p + at + 2, true) : view.getUint32(p + at + 2, true);
      if (a !== b || localName !== name)
        throw new Error(`corrupt .task bundle: local and central headers of ${name} disagree`);
    }
    const dataOffset = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (dataOffset + size > bundle.length) throw new Error(`corrupt .task bundle: ${name} runs past the end`);
    out.push({
      name,
      method,
      crc,
      time: view.getUint16(local + 10, true),
      date: view.getUint16(local + 12, true),
      dataOffset,
      data: bundle.subarray(dataOffset, dataOffset + size),
    });
    p += 46 + nameLength + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
  }
  return out;
}

/** The bytes of `name` in the stored zip `bundle`; throws saying what was expected when it is absent or compressed. */
export function readBundleEntry(bundle: Uint8Array, name: string): Uint8Array {
  const entries = listBundle(bundle);
  const entry = entries.find((e) => e.name === name);
  if (!entry)
    throw new Error(`.task bundle: expected an entry ${name}, got ${entries.map((e) => e.name).join(', ') || 'none'}`);
  if (entry.method !== 0)
    throw new Error(`.task entry ${name}: expected a stored (uncompressed) entry, got method ${entry.method}`);
  return entry.data;
}
