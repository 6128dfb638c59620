// The camera pipeline's face finders as the tests make them by hand (without the element): the package's own
// assets and the element's defaults, and a wait for the camera's next frame.
import { FaceFinder, fetchModelBytes } from '../src/camera/face-finder.js';
import { FaceMeshFinder, type FaceMeshFinderOptions } from '../src/camera/face-mesh-finder.js';
import { assets } from '../src/core/assets.js';
import { DEFAULTS } from '../src/core/defaults.js';

const shared = () => ({
  wasmBase: assets.mediapipeWasm(),
  delegate: DEFAULTS.camera.delegate,
  minScore: DEFAULTS.camera.minScore,
});

/** Box tracking's finder, the package's short-range face detector. */
export const boxFinder = (): Promise<FaceFinder> => FaceFinder.create({ ...shared(), modelUrl: assets.faceDetector() });

/** Mesh tracking's finder, with a detector of its own; `o` sets its test options (`track`, the clock limit). */
export async function meshFinder(
  o: Pick<FaceMeshFinderOptions, 'track' | 'trackerClockLimitMs'> = {},
): Promise<FaceMeshFinder> {
  return FaceMeshFinder.create({
    ...shared(),
    bundle: await fetchModelBytes(assets.faceLandmarker(), 'landmark-model'),
    bundleUrl: assets.faceLandmarker(),
    detector: boxFinder(),
    ...o,
  });
}

/** Resolves when the video presents its next frame. */
export const nextFrame = (video: HTMLVideoElement): Promise<void> =>
  new Promise((r) => video.requestVideoFrameCallback(() => r()));
