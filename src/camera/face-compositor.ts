/**
 * What the camera pipeline asks of a compositor, and what it hands one each frame: the WebGL2 compositor
 * (compositor-webgl2.ts) and its 2D-canvas fallback (compositor-2d.ts) both implement FaceCompositor, and size
 * their canvas to the frame alike.
 */
import type { Point, Similarity } from './similarity.js';

/** A face placed flat: model pixels (0..R, y down) -> video pixels. */
export interface FaceDraw {
  slot: number;
  transform: Similarity;
}

/** A face on the lens mesh: this frame's vertex positions and where the face is, for its lighting. */
export interface MeshDraw {
  slot: number;
  /** x, y, z per mesh vertex, in video pixels (z: larger is farther). */
  positions: Float32Array;
  /** The face's centre and width in video pixels. */
  centre: Point;
  size: number;
}

/** The lens mesh's fixed parts (see lens-mesh.ts) and its texture coordinates for the current model. */
export interface LensGeometry {
  vertexCount: number;
  indices: Uint16Array;
  edgeWeight: Float32Array;
  texCoords: Float32Array;
}

/**
 * A face's own texture coordinates on the lens mesh (LensMesh.fitFace: its silhouette fitted to the face oval), for
 * the unmirrored view and for the mirrored one; in place of the geometry's shared ones.
 */
export interface FaceFit {
  texCoords: Float32Array;
  mirrored: Float32Array;
}

export interface CompositeOptions {
  /** Flip the output horizontally, like a selfie view. */
  mirror: boolean;
  /** 0..1, the generated face's opacity. */
  opacity: number;
  /** 0..1, how far the face's edge fades in, as a fraction of the face. */
  feather: number;
  /** 0..1, how much of the real face's low-frequency shading a mesh face takes. */
  lighting: number;
}

/** Which compositor draws the camera view: WebGL2, or the 2D-canvas fallback where WebGL2 is missing. */
export type CompositorKind = 'webgl2' | '2d';

/** What the camera pipeline needs of a compositor: CompositorWebGL2 (compositor-webgl2.ts) and Compositor2D (compositor-2d.ts). */
export interface FaceCompositor {
  readonly kind: CompositorKind;
  /** The lens mesh for the current model; replaces the previous one. Until it is set, mesh draws are skipped. */
  setLensGeometry(g: LensGeometry): void;
  /**
   * A generated face for a slot: premultiplied RGBA bytes, size x size, taken in once per latent; with `fit`, the
   * lens draws it with its own texture coordinates (used while they match the lens geometry's vertex count).
   */
  setFace(slot: number, rgba: Uint8Array, size: number, fit?: FaceFit): void;
  hasFace(slot: number): boolean;
  dropFace(slot: number): void;
  dropFaces(): void;
  /** The frame and the faces whose textures are ready; the canvas takes the frame's size. */
  draw(frame: HTMLVideoElement, faces: readonly FaceDraw[], meshes: readonly MeshDraw[], o: CompositeOptions): void;
  /** Releases everything it holds. */
  dispose(): void;
}

/** Gives `canvas` the frame's size (only when it differs: a resize clears it); null while the frame has none yet. */
export function sizeToFrame(canvas: HTMLCanvasElement, frame: HTMLVideoElement): [number, number] | null {
  const vw = frame.videoWidth,
    vh = frame.videoHeight;
  if (!vw || !vh) return null;
  if (canvas.width !== vw || canvas.height !== vh) {
    canvas.width = vw;
    canvas.height = vh;
  }
  return [vw, vh];
}
