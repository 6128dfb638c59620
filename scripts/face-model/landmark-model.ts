/**
 * The face landmark model in the form tasks-vision's FaceLandmarker takes, from @mediapipe/face_mesh's lite
 * face_landmark.tflite (input [1,192,192,3]; outputs 1404 = 468 x 3 mesh values and a 1-value face flag).
 *
 * tasks reads exactly two outputs: [0] 478 points x 3 (the 468 mesh points, then 10 iris points), [1] the
 * face-presence logit. The lite model has no iris head, so the graph is extended to compute the iris points
 * from each eye's contour:
 *
 *   mesh [1,1,1,1404] --RESHAPE--> [1,1404] --GATHER (the 32 eye-contour points' xyz)--> [1,96]
 *        --FULLY_CONNECTED (a constant linear map, no bias)--> [1,30] iris points
 *   CONCATENATION([1,1404], [1,30]) -> output 0 [1,1434];  flag [1,1,1,1] --RESHAPE--> output 1 [1,1]
 *
 * Each iris is five points in tasks' order: the centre (the mean of the 16 contour points, z included), then
 * points at a fixed fraction of the eye's width from it towards image right (+x), up, left, down, turned with
 * the eye's corner-to-corner axis, at the centre's depth. It is an estimate, not a measurement: the real iris
 * can look elsewhere. Plus input metadata: RGB, mean 0 / std 255 (input in [0, 1]).
 */
import { attachMetadata, buildMetadata } from './tflite-metadata.js';
import { GraphExtension, Op, TensorType, float32Bytes, int32Bytes } from './tflite-graph.js';

/** Each eye's contour (tasks-vision's FACE_LANDMARKS_RIGHT_EYE / LEFT_EYE points, lower lid then upper). */
export const RIGHT_EYE_CONTOUR = [33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173] as const;
export const LEFT_EYE_CONTOUR = [
  263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398,
] as const;

/**
 * The iris points filled in: 468-472 around the subject's right eye (image left on an unmirrored photo),
 * 473-477 around the left one. `leftCorner`/`rightCorner` are the eye corners on the image's left and right.
 */
export const IRISES = [
  { first: 468, contour: RIGHT_EYE_CONTOUR, leftCorner: 33, rightCorner: 133 },
  { first: 473, contour: LEFT_EYE_CONTOUR, leftCorner: 362, rightCorner: 263 },
] as const;

/** Iris radius as a fraction of the corner-to-corner eye width (about 0.25 in MediaPipe's own iris output). */
export const IRIS_RADIUS = 0.25;

export const MESH_POINTS = 468;
export const LANDMARKS = 478;

/** The mesh points the iris points are computed from, in gather order. */
const GATHERED: number[] = IRISES.flatMap((e) => [...e.contour]);

/**
 * The linear map from the gathered points' xyz ([96]) to the 10 iris points' xyz ([30]), as FULLY_CONNECTED
 * weights [30, 96] (row = output value, column = input value).
 */
export function irisWeights(radius = IRIS_RADIUS): number[][] {
  const rows = Array.from({ length: 30 }, () => new Array<number>(3 * GATHERED.length).fill(0));
  const X = 0,
    Y = 1,
    Z = 2;
  IRISES.forEach((eye, e) => {
    /** Adds w x (input point p's coordinate inAxis) to iris point k's coordinate outAxis. */
    const bump = (k: number, outAxis: number, p: number, inAxis: number, w: number) => {
      const row = rows[3 * (5 * e + k) + outAxis]!;
      const c = 3 * GATHERED.indexOf(p) + inAxis;
      row[c] = row[c]! + w;
    };
    // Every point starts at the contour's centre.
    for (let k = 0; k < 5; k++) {
      for (const p of eye.contour) for (const a of [X, Y, Z]) bump(k, a, p, a, 1 / eye.contour.length);
    }
    // h = right corner - left corner; "up" in image coordinates (y down) is (h.y, -h.x).
    const L = eye.leftCorner,
      R = eye.rightCorner;
    const add = (k: number, outAxis: number, inAxis: number, s: number) => {
      bump(k, outAxis, R, inAxis, s * radius);
      bump(k, outAxis, L, inAxis, -s * radius);
    };
    for (const [k, s] of [
      [1, 1],
      [3, -1],
    ] as const) {
      add(k, X, X, s);
      add(k, Y, Y, s);
    } // +x, -x along the eye
    for (const [k, s] of [
      [2, 1],
      [4, -1],
    ] as const) {
      add(k, X, Y, s);
      add(k, Y, X, -s);
    } // up, down across it
  });
  return rows;
}

/** The extended graph: two outputs, [1,1434] landmarks and the [1,1] face-presence logit. */
export function extendLandmarkGraph(model: Uint8Array): Uint8Array {
  const g = new GraphExtension(model);
  const outs = g.currentOutputs;
  const count = (i: number) => g.tensor(i).shape.reduce((a, b) => a * b, 1);
  const mesh = outs.find((i) => count(i) === 3 * MESH_POINTS);
  const flag = outs.find((i) => count(i) === 1);
  if (outs.length !== 2 || mesh === undefined || flag === undefined) {
    throw new Error(
      `face landmark model: expected outputs of ${3 * MESH_POINTS} and 1 values, got ${outs.map((i) => `[${g.tensor(i).shape}]`).join(', ')}`,
    );
  }
  const F = TensorType.FLOAT32,
    I = TensorType.INT32;
  const meshShape = g.addConstant('blaze_face/mesh_shape', I, [2], int32Bytes([1, 3 * MESH_POINTS]));
  const meshFlat = g.addTensor('blaze_face/mesh', F, [1, 3 * MESH_POINTS]);
  g.addOperator(Op.RESHAPE, [mesh, meshShape], [meshFlat], [{ kind: 'ints', value: [1, 3 * MESH_POINTS] }]);

  const indices = g.addConstant(
    'blaze_face/eye_contour_indices',
    I,
    [3 * GATHERED.length],
    int32Bytes(GATHERED.flatMap((p) => [3 * p, 3 * p + 1, 3 * p + 2])),
  );
  const eyes = g.addTensor('blaze_face/eye_contours', F, [1, 3 * GATHERED.length]);
  // GatherOptions { axis[0], batch_dims[1] }
  g.addOperator(
    Op.GATHER,
    [meshFlat, indices],
    [eyes],
    [
      { kind: 'i32', value: 1 },
      { kind: 'i32', value: 0 },
    ],
  );

  const weights = g.addConstant(
    'blaze_face/iris_weights',
    F,
    [30, 3 * GATHERED.length],
    float32Bytes(irisWeights().flat()),
  );
  const iris = g.addTensor('blaze_face/iris', F, [1, 30]);
  // FullyConnectedOptions { fused_activation_function[0] NONE, weights_format[1] DEFAULT, keep_num_dims[2] }; no bias
  g.addOperator(
    Op.FULLY_CONNECTED,
    [eyes, weights, -1],
    [iris],
    [
      { kind: 'u8', value: 0 },
      { kind: 'u8', value: 0 },
      { kind: 'u8', value: 0 },
    ],
  );

  const landmarks = g.addTensor('blaze_face/landmarks_478', F, [1, 3 * LANDMARKS]);
  // ConcatenationOptions { axis[0], fused_activation_function[1] NONE }
  g.addOperator(
    Op.CONCATENATION,
    [meshFlat, iris],
    [landmarks],
    [
      { kind: 'i32', value: 1 },
      { kind: 'u8', value: 0 },
    ],
  );

  const flagShape = g.addConstant('blaze_face/flag_shape', I, [2], int32Bytes([1, 1]));
  const presence = g.addTensor('blaze_face/face_presence_logit', F, [1, 1]);
  g.addOperator(Op.RESHAPE, [flag, flagShape], [presence], [{ kind: 'ints', value: [1, 1] }]);

  g.setOutputs([landmarks, presence]);
  return g.build();
}

/** The landmark model as it goes into face_landmarker.task: extended graph plus input metadata. */
export function buildLandmarkModel(source: Uint8Array): Uint8Array {
  const metadata = buildMetadata({
    name: 'face_landmarks_detector',
    description:
      'MediaPipe Face Mesh lite landmark model (192x192 input), with 10 iris points estimated from the eye contours and metadata added by blaze-face.',
    version: '1',
    author: 'Google (model); blaze-face (graph extension and metadata)',
    license: 'Apache-2.0',
    // The landmark model takes RGB in [0, 1].
    input: { mean: 0, std: 255, min: 0, max: 1 },
  });
  return attachMetadata(extendLandmarkGraph(source), metadata);
}
