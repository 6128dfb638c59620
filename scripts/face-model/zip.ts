/**
 * A zip archive whose entries are STORED (not compressed), as tasks-vision's model bundles must be ("Expected
 * uncompressed zip archive."), written byte for byte reproducibly: fixed timestamps (1980-01-01 00:00), no
 * host-dependent attributes, entries in the order given. Each entry's data starts on a multiple of `align`
 * bytes (padding goes in an extra field of the local header, as Android's zipalign does), so a model read in
 * place from the archive keeps its flatbuffer and tensor alignment.
 */

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
/** Extra-field id used for alignment padding (zipalign's): u16 alignment, then zeros. */
const ALIGNMENT_EXTRA_ID = 0xd935;
const VERSION_NEEDED = 10; // 1.0: stored entries, no zip64
const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;
const DOS_TIME_MIDNIGHT = 0;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO-HDLC, as zip and gzip use it). */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The archive's bytes. */
export function writeStoredZip(entries: readonly ZipEntry[], align = 64): Uint8Array {
  const encoder = new TextEncoder();
  const names = entries.map((e) => encoder.encode(e.name));
  if (new Set(entries.map((e) => e.name)).size !== entries.length) throw new Error('zip: duplicate entry names');
  const parts: Uint8Array[] = [];
  let size = 0;
  const push = (b: Uint8Array) => {
    parts.push(b);
    size += b.length;
  };
  const locals: { offset: number; crc: number }[] = [];

  entries.forEach((e, i) => {
    const name = names[i]!;
    if (e.data.length >= 0xffffffff || size >= 0xffffffff)
      throw new Error('zip: entries over 4 GiB need zip64, not written here');
    const headerEnd = size + 30 + name.length;
    const pad = (align - ((headerEnd + 6) % align)) % align; // the extra field is at least 6 bytes
    const extra = new Uint8Array(6 + pad);
    const ev = new DataView(extra.buffer);
    ev.setUint16(0, ALIGNMENT_EXTRA_ID, true);
    ev.setUint16(2, 2 + pad, true);
    ev.setUint16(4, align, true);
    const crc = crc32(e.data);
    const h = new DataView(new ArrayBuffer(30));
    h.setUint32(0, LOCAL_HEADER, true);
    h.setUint16(4, VERSION_NEEDED, true);
    h.setUint16(6, 0, true); // flags
    h.setUint16(8, 0, true); // method: stored
    h.setUint16(10, DOS_TIME_MIDNIGHT, true);
    h.setUint16(12, DOS_DATE_1980_01_01, true);
    h.setUint32(14, crc, true);
    h.setUint32(18, e.data.length, true); // compressed size
    h.setUint32(22, e.data.length, true); // uncompressed size
    h.setUint16(26, name.length, true);
    h.setUint16(28, extra.length, true);
    locals.push({ offset: size, crc });
    push(new Uint8Array(h.buffer));
    push(name);
    push(extra);
    push(e.data);
  });

  const centralStart = size;
  entries.forEach((e, i) => {
    const name = names[i]!;
    const h = new DataView(new ArrayBuffer(46));
    h.setUint32(0, CENTRAL_HEADER, true);
    h.setUint16(4, VERSION_NEEDED, true); // version made by: 1.0, MS-DOS attributes
    h.setUint16(6, VERSION_NEEDED, true);
    h.setUint16(8, 0, true);
    h.setUint16(10, 0, true);
    h.setUint16(12, DOS_TIME_MIDNIGHT, true);
    h.setUint16(14, DOS_DATE_1980_01_01, true);
    h.setUint32(16, locals[i]!.crc, true);
    h.setUint32(20, e.data.length, true);
    h.setUint32(24, e.data.length, true);
    h.setUint16(28, name.length, true);
    h.setUint16(30, 0, true); // extra
    h.setUint16(32, 0, true); // comment
    h.setUint16(34, 0, true); // disk
    h.setUint16(36, 0, true); // internal attributes
    h.setUint32(38, 0, true); // external attributes
    h.setUint32(42, locals[i]!.offset, true);
    push(new Uint8Array(h.buffer));
    push(name);
  });
  const centralSize = size - centralStart;

  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, END_OF_CENTRAL_DIRECTORY, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, centralSize, true);
  end.setUint32(16, centralStart, true);
  push(new Uint8Array(end.buffer));

  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
