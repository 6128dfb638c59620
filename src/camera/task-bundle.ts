/**
 * Reads one file out of a MediaPipe `.task` bundle. A `.task` is a zip whose entries are stored uncompressed
 * (tasks-vision refuses compressed ones), so an entry is a byte range: no inflating, no dependency.
 */

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;

/** The bytes of `name` in the stored zip `bundle`; throws saying what was expected when it is absent or compressed. */
export function readBundleEntry(bundle: Uint8Array, name: string): Uint8Array {
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
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    if (view.getUint32(p, true) !== CENTRAL_HEADER) throw new Error('corrupt .task bundle: bad central directory');
    const method = view.getUint16(p + 10, true);
    const size = view.getUint32(p + 20, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    const local = view.getUint32(p + 42, true);
    const entry = decoder.decode(bundle.subarray(p + 46, p + 46 + nameLength));
    names.push(entry);
    if (entry === name) {
      if (method !== 0) throw new Error(`.task entry ${name}: expected a stored (uncompressed) entry, got method ${method}`);
      if (view.getUint32(local, true) !== LOCAL_HEADER) throw new Error(`corrupt .task bundle: bad local header for ${name}`);
      const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
      if (start + size > bundle.length) throw new Error(`corrupt .task bundle: ${name} runs past the end`);
      return bundle.subarray(start, start + size);
    }
    p += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`.task bundle: expected an entry ${name}, got ${names.join(', ') || 'none'}`);
}
