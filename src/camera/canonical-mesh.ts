/**
 * MediaPipe's canonical face mesh, read from the geometry metadata that ships in the FaceLandmarker bundle
 * (`geometry_pipeline_metadata_landmarks.binarypb`): 468 vertices of a neutral face in centimetres (x to the
 * image's right, y up, z towards the camera) and its triangles. The lens textures this mesh.
 *
 * The file is a protobuf (GeometryPipelineMetadata { canonical_mesh = 1: Mesh3d { vertex_type = 1,
 * primitive_type = 2, vertex_buffer = 3 (floats, x y z u v per vertex), index_buffer = 4 } }); this reads just
 * those fields, packed or not.
 */

export const CANONICAL_VERTICES = 468;

/** The mesh's boundary, in order around the face (MediaPipe's face-oval loop). */
export const FACE_OVAL = [
  10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150, 136,
  172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
] as const;
/** The inner lip loop: the triangles with all three corners on it close the mouth. */
export const INNER_LIPS = [
  78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14, 87, 178, 88, 95,
] as const;
/** The eyes and the mouth as means of mesh points: image-left eye (the user's right), image-right eye, mouth. */
export const FEATURE_POINTS = { leftEye: [33, 133], rightEye: [263, 362], mouth: [13, 14, 78, 308] } as const;

export interface CanonicalMesh {
  /** x, y, z per vertex. */
  positions: Float32Array;
  /** Vertex indices, three per triangle. */
  triangles: Uint16Array;
}

class ProtoReader {
  pos = 0;
  private readonly view: DataView;
  constructor(private readonly b: Uint8Array) {
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  get done(): boolean {
    return this.pos >= this.b.length;
  }
  varint(): number {
    let result = 0,
      shift = 0,
      byte: number;
    do {
      if (this.pos >= this.b.length) throw new Error('truncated varint');
      byte = this.b[this.pos++]!;
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return result;
  }
  float(): number {
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }
  bytes(): Uint8Array {
    const n = this.varint();
    if (this.pos + n > this.b.length) throw new Error('truncated field');
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.pos += 4;
    else throw new Error(`unsupported protobuf wire type ${wireType}`);
  }
}

/** The canonical mesh from the geometry metadata bytes; throws saying what was expected and what arrived. */
export function parseCanonicalMesh(metadata: Uint8Array): CanonicalMesh {
  const top = new ProtoReader(metadata);
  let mesh: Uint8Array | null = null;
  while (!top.done) {
    const key = top.varint();
    if (key >>> 3 === 1 && (key & 7) === 2) mesh = top.bytes();
    else top.skip(key & 7);
  }
  if (!mesh) throw new Error('face geometry: expected a canonical_mesh (field 1), got none');
  const r = new ProtoReader(mesh);
  const vertices: number[] = [];
  const indices: number[] = [];
  let vertexType = 0,
    primitiveType = 0;
  while (!r.done) {
    const key = r.varint();
    const field = key >>> 3,
      wire = key & 7;
    if (field === 1 && wire === 0) vertexType = r.varint();
    else if (field === 2 && wire === 0) primitiveType = r.varint();
    else if (field === 3 && wire === 5) vertices.push(r.float());
    else if (field === 3 && wire === 2) {
      const packed = new ProtoReader(r.bytes());
      while (!packed.done) vertices.push(packed.float());
    } else if (field === 4 && wire === 0) indices.push(r.varint());
    else if (field === 4 && wire === 2) {
      const packed = new ProtoReader(r.bytes());
      while (!packed.done) indices.push(packed.varint());
    } else r.skip(wire);
  }
  // VERTEX_PT (x y z u v) and TRIANGLE are both enum value 0.
  if (vertexType !== 0 || primitiveType !== 0)
    throw new Error(
      `face geometry: expected a VERTEX_PT triangle mesh, got vertex type ${vertexType}, primitive type ${primitiveType}`,
    );
  if (vertices.length !== CANONICAL_VERTICES * 5)
    throw new Error(`face geometry: expected ${CANONICAL_VERTICES} vertices, got ${vertices.length / 5}`);
  if (indices.length % 3 !== 0 || indices.some((i) => i >= CANONICAL_VERTICES))
    throw new Error(
      `face geometry: expected triangles over ${CANONICAL_VERTICES} vertices, got ${indices.length} indices`,
    );
  const positions = new Float32Array(CANONICAL_VERTICES * 3);
  for (let i = 0; i < CANONICAL_VERTICES; i++) positions.set(vertices.slice(5 * i, 5 * i + 3), 3 * i);
  return { positions, triangles: Uint16Array.from(indices) };
}
