/**
 * Files out of an Emscripten "packed assets" bundle, as @mediapipe/face_mesh ships them: one .data file holding
 * several files back to back, and a loader script that lists each file's name and byte range in a
 * `loadPackage({"files": [...]})` call. We read the ranges from the loader rather than hard-coding them.
 */

export interface PackedFile {
  /** The path inside the bundle, e.g. /third_party/mediapipe/modules/face_landmark/face_landmark.tflite. */
  filename: string;
  start: number;
  end: number;
}

/** The file table of a packed-assets loader script. */
export function parsePackedAssetsLoader(loaderSource: string): { files: PackedFile[]; size: number } {
  const calls = [...loaderSource.matchAll(/loadPackage\((\{"files":.*?\})\);/g)];
  if (calls.length !== 1)
    throw new Error(`packed assets loader: expected one loadPackage({"files": ...}) call, found ${calls.length}`);
  const parsed = JSON.parse(calls[0]![1]!) as { files?: PackedFile[]; remote_package_size?: number };
  const files = parsed.files ?? [];
  const size = parsed.remote_package_size ?? -1;
  for (const f of files) {
    if (
      typeof f.filename !== 'string' ||
      !Number.isInteger(f.start) ||
      !Number.isInteger(f.end) ||
      f.start < 0 ||
      f.end < f.start ||
      f.end > size
    ) {
      throw new Error(`packed assets loader: bad entry ${JSON.stringify(f)} (package size ${size})`);
    }
  }
  return { files, size };
}

/** One file out of the packed data, found by the last part of its name (e.g. "face_landmark.tflite"). */
export function extractPackedFile(loaderSource: string, data: Uint8Array, basename: string): Uint8Array {
  const { files, size } = parsePackedAssetsLoader(loaderSource);
  if (data.length !== size)
    throw new Error(`packed assets: the data file has ${data.length} bytes, its loader says ${size}`);
  const hits = files.filter((f) => f.filename.split('/').pop() === basename);
  if (hits.length !== 1) {
    throw new Error(
      `packed assets: expected one file named ${basename}, found ${hits.length} among ${files.map((f) => f.filename).join(', ')}`,
    );
  }
  return data.slice(hits[0]!.start, hits[0]!.end);
}
