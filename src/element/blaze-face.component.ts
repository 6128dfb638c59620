import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, query } from 'lit/decorators.js';
import { DEFAULTS, type BackendName, type BackendPreference, type LoadingMode } from '../core/defaults.js';
import { onUnlessFalse } from './attributes.js';
import { CameraController } from './camera-controller.js';
import { FACE_PROPS, FaceController } from './face-controller.js';
import { LabelController } from './label-controller.js';
import { ModelLoader } from './model-loader.js';
import { VisibilityController } from './visibility-controller.js';
import { styles } from './blaze-face.styles.js';
import { assetBase, setAssetBase } from '../core/assets.js';

/**
 * `<blaze-face>`: a stylised face generated on the device by a BlazeStyleGAN generator (TensorFlow.js:
 * WebGPU or WebGL on a real GPU, else wasm; a software-rendered GPU only after wasm, then CPU). With `camera`, a
 * live face lens: the front camera, each face's mesh found by MediaPipe, and a generated face textured on it on
 * the GPU, turning with the head and opening with the mouth. Nothing leaves the device.
 *
 * For screen readers the element is an image (`role="img"`) named by `alt`: by default "Generated toon face" (the
 * style's name), and in camera mode "Live camera view: " before it. `alt=""` marks it decorative.
 *
 * Every event bubbles and is composed, and is typed in `GlobalEventHandlersEventMap`. This is the one place its
 * detail and its error and warning types are documented; the README and the type declarations point here.
 *
 * @summary On-device face generation.
 *
 * @event {CustomEvent<BlazeFaceLoadDetail>} blaze-face-load - The model is ready and its first face is drawn.
 *   detail: `{style, backend, backendReason, resolution, loadMs}`; `backendReason` says why that backend.
 * @event {CustomEvent<BlazeFaceRenderDetail>} blaze-face-render - A new face was drawn (never one that a newer
 *   request replaced). detail: `{ms, backend, draw}`; `draw` says how it reached the canvas: `cpu` (read back once),
 *   or without a read-back, `webgl` or `webgpu` (docs/performance.md, "Draw paths").
 * @event {CustomEvent<BlazeFaceProgressDetail>} blaze-face-progress - Model bytes arrived. detail: `{fraction}` in
 *   [0, 1].
 * @event {CustomEvent<BlazeFaceErrorDetail>} blaze-face-error - Something was wrong; the last good face stays.
 *   detail: `{type, message}` with `type` one of `model-load`, `invalid-attribute`, `backend-unavailable`,
 *   `device-lost` (the GPU device was lost and no backend could take over: no new face can be made),
 *   `camera-denied`, `camera-unavailable`, `face-model-load`. After a camera error (or a model that
 *   failed to load for it) the element shows the generated face; turning `camera` off and on again retries. A
 *   landmark model that fails to load is the exception: camera mode goes on with `tracking="box"` and says so.
 * @event {CustomEvent<BlazeFaceLikenessDetail>} blaze-face-likeness - Camera mode with `likeness`: a tracked face
 *   was measured, once. detail: `{id, skinTone: '#rrggbb', hairColor: '#rrggbb' | null, faceWidth}` (0 narrow ..
 *   1 wide); its generated face is made again with them where the style has those controls. No image is kept.
 * @event {CustomEvent<BlazeFaceWarningDetail>} blaze-face-warning - The element worked around a problem and runs
 *   on. detail: `{type, message}` with `type` `gpu-device-lost` (the WebGPU device the generator ran on was lost:
 *   the face shown stays, and in camera mode the lens runs on with the faces it has) or `gpu-device-restored` (the
 *   generator runs again, on a new device or else on the next backend in line, which `message` names; the face,
 *   and camera mode's faces, are made again). In camera mode also `webgl-context-lost` (the view's WebGL context
 *   was lost: tracking goes on, nothing is drawn), `webgl-context-restored` (the view and its lenses are rebuilt
 *   and drawn again), `tracking-context-lost` (face tracking's WebGL context was lost: the view goes on without
 *   faces while MediaPipe is started again) or `tracking-restored` (faces are found again).
 * @event {CustomEvent<BlazeFaceTrackDetail>} blaze-face-track - Camera mode, after each processed frame: the
 *   pipeline's report (`CameraTrackDetail`). detail: `{faces: [{id, box: {x, y, width, height}, score, overlaid,
 *   pose, mouthOpen, eyesOpen, landmarks}], tracking, compositor, frameMs, detectMs, compositeMs, predicted, fps}`. Boxes and landmarks
 *   are in video pixels of the unmirrored frame; `overlaid` once the face's generated face is drawn over it. With
 *   mesh tracking (null with box tracking): `pose: {yaw, pitch, roll}` in degrees, in the unmirrored frame, `yaw`
 *   > 0 when the nose points to the frame's right, `pitch` > 0 nose up, `roll` > 0 clockwise on screen;
 *   `mouthOpen` in [0, 1]; `eyesOpen: [left, right]` in [0, 1], the user's own left and right eye; `landmarks`,
 *   478 x (x, y, z). `tracking` is the tracking in use (`box` after a fallback); `compositor` what draws the view:
 *   `webgl2`, or `2d` where the view's canvas gets no WebGL2 (docs/camera.md).
 *   `frameMs` is the main thread's time for the frame (detection, tracking and compositing). `predicted`: face
 *   tracking skipped this frame, because the one before finished more than a camera frame after it was shown, and
 *   the faces are the last ones read, moved on at their speed (never two frames in a row), so that the view keeps
 *   the camera's rate (docs/camera.md); `detectMs` is 0 then.
 *
 * @csspart canvas - The canvas the face is drawn into (sized by CSS, sharp at devicePixelRatio).
 * @csspart camera - Camera mode: the composited camera view (video size, fitted by `object-fit: cover`).
 * @csspart placeholder - Shown with a progress bar until the first face.
 *
 * @cssproperty [--blaze-face-size=256px] - Width (and height) of the element.
 * @cssproperty --blaze-face-placeholder - Background of the placeholder.
 * @cssproperty [--blaze-face-accent=#3b6fd8] - Colour of the progress bar.
 * @cssproperty [--blaze-face-camera-aspect=4 / 3] - Aspect ratio of the element in camera mode.
 */
export class BlazeFaceElement extends LitElement {
  static override styles = styles;

  /**
   * Where the package's models and wasm files are served from, for every element: a URL ending in the folder
   * that `npx blaze-face-assets <folder>` filled (absolute, or relative to the page). Default: the installed
   * package's own folder, found from the module's URL; a bundled app must set it. Set it before the first
   * element loads; `null` restores the default.
   */
  static get assetBase(): string {
    return assetBase();
  }
  static set assetBase(url: string | null) {
    setAssetBase(url);
  }

  /**
   * What the face shows, for screen readers: the host's accessible name (it has `role="img"`). In camera mode the
   * name is "Live camera view: " and this. `alt=""` marks the face decorative (`role="presentation"`). Default:
   * "Generated <style> face" for a bundled style, else "Generated face".
   */
  @property() alt: string | null = null;

  /** Integer in [0, 2^32 - 1]: which face. The same seed gives the same face as in Python. Default 0. */
  @property({ type: Number }) seed: number = DEFAULTS.seed;

  /** Comma-separated numbers, exactly the model's z dimension (64 for `toon` and `sketch`); wins over `seed`. Default none. */
  @property() latent: string | null = null;

  /** A bundled style name (`toon`, `sketch`) or the URL of a model.json. Default `toon`. */
  @property({ attribute: 'face-style' }) faceStyle: string = DEFAULTS.faceStyle;

  /** In [0, 1]: 1 keeps the latent as it is, 0 gives the average face. Default 1. */
  @property({ type: Number }) truncation: number = DEFAULTS.truncation;

  /** Seed of a second face for style mixing: layers from `mix-layer` on take their style from it. Default none. */
  @property({ type: Number, attribute: 'mix-seed' }) mixSeed: number | null = null;

  /** First layer taken from `mix-seed` (0 = all of them; low layers are coarse: head shape and hair). Default: half the layers. */
  @property({ type: Number, attribute: 'mix-layer' }) mixLayer: number | null = null;

  /**
   * Any CSS colour: the face takes the nearest skin tone its style draws (styles with a `skinTone` control: toon).
   * Sets only that part of the latent; the rest comes from `seed` or `latent`. Default none (the seed's tone).
   */
  @property({ attribute: 'skin-tone' }) skinTone: string | null = null;

  /** Any CSS colour: the nearest hair colour the style draws (styles with a `hairColor` control: toon). Default none. */
  @property({ attribute: 'hair-color' }) hairColor: string | null = null;

  /** 0 (narrow) to 1 (wide) (styles with a `faceWidth` control: toon). Default none (the seed's width). */
  @property({ type: Number, attribute: 'face-width' }) faceWidth: number | null = null;

  /**
   * Camera mode with mesh tracking: each tracked face is measured once (skin tone, hair colour, face width; nothing
   * else) and its generated face is made again wearing them, where the style has those controls (toon), with its
   * skin then matched to the measured tone where the style's ramp cannot reach it. Announced by
   * `blaze-face-likeness`. Default off.
   */
  @property({ type: Boolean }) likeness = false;

  /** `auto` | `webgpu` | `webgl` | `wasm` | `cpu`. One backend per page: the first element decides. Default `auto`. */
  @property() backend: BackendPreference = DEFAULTS.backend;

  /** `eager` loads at once; `lazy` waits until the element is near the viewport. Default `eager`. */
  @property() loading: LoadingMode = DEFAULTS.loading;

  /** Camera mode: the front camera with a generated face over each detected face. Default off. */
  @property({ type: Boolean, reflect: true }) camera = false;

  /** Camera mode: how many faces to follow, 1..8; face k wears seed + k. Default 1. */
  @property({ type: Number, attribute: 'max-faces' }) maxFaces: number = DEFAULTS.camera.maxFaces;

  /** Camera mode: show the view mirrored like a selfie camera; `mirror="false"` turns it off. Default on. */
  @property({ attribute: 'mirror', converter: onUnlessFalse }) mirror: boolean = DEFAULTS.camera.mirror;

  /** Camera mode: opacity of the generated faces, in [0, 1]. Default 1. */
  @property({ type: Number, attribute: 'blend-opacity' }) blendOpacity: number = DEFAULTS.camera.blendOpacity;

  /** Camera mode: how far each face's edge fades in, in [0, 1] (a fraction of the face). Default 0.3. */
  @property({ type: Number, attribute: 'blend-feather' }) blendFeather: number = DEFAULTS.camera.blendFeather;

  /** Camera mode: in [0, 1], how much of the real face's low-frequency shading the lens takes (0 off). Default 0.5. */
  @property({ type: Number, attribute: 'blend-lighting' }) blendLighting: number = DEFAULTS.camera.blendLighting;

  /**
   * Camera mode: `mesh`, the face lens on MediaPipe's face mesh, or `box`, the lighter detector-only path (a flat
   * face placed by the eyes and mouth). Default `mesh`.
   */
  @property() tracking: 'mesh' | 'box' = DEFAULTS.camera.tracking;

  /** Camera mode, `tracking="box"`: URL of a MediaPipe face detector .tflite (with metadata). Default: the package's own. */
  @property({ attribute: 'face-model' }) faceModel: string | null = null;

  /** Camera mode, `tracking="mesh"`: URL of a MediaPipe FaceLandmarker .task bundle. Default: the package's own. */
  @property({ attribute: 'landmark-model' }) landmarkModel: string | null = null;

  /** Camera mode: URL of a folder with tasks-vision's wasm files. Default: the package's own copy. */
  @property({ attribute: 'wasm-base' }) wasmBase: string | null = null;

  @query('canvas[part=canvas]') private canvas!: HTMLCanvasElement | null;
  @query('.camera') private cameraBox!: HTMLElement;
  @query('.placeholder .bar') private progressBar!: HTMLElement | null;

  private readonly visibility = new VisibilityController(this, () => this.face.request());
  /** The model, shared by the face and the camera; a new one remakes the camera's faces by its canonical points. */
  private readonly models: ModelLoader = new ModelLoader(this, {
    progress: (fraction) => this.face.progressed(fraction),
    adopted: (generator) => this.cameraMode.setFaceModel(generator),
  });
  private readonly face: FaceController = new FaceController(this, {
    canvas: () => this.canvas,
    visibility: this.visibility,
    models: this.models,
    deviceRestored: () => this.cameraMode.invalidateFaces(),
  });
  private readonly cameraMode: CameraController = new CameraController(this, {
    models: this.models,
    faceRequest: (generator, slot) => this.face.requestFor(generator, slot),
    box: () => this.cameraBox,
  });

  constructor() {
    super();
    // Screen readers: role, name and busy state on the host, after each update.
    new LabelController(this, () => ({
      cameraOn: this.cameraMode.on,
      loading: !this.face.hasFace && !this.cameraMode.on,
    }));
  }

  /** The backend in use once a face is drawn, else null. */
  get backendName(): BackendName | null {
    return this.face.backend;
  }

  /** The model's output resolution once loaded, else null. */
  get resolution(): number | null {
    return this.models.generator?.resolution ?? null;
  }

  /**
   * The face shown now, as a PNG with alpha at the model's resolution; in camera mode, the composited camera
   * frame (video size, as displayed).
   */
  capture(): Promise<Blob> {
    return this.cameraMode.capture() ?? this.face.capture();
  }

  /**
   * Camera mode: starts recording the composited view (what is on screen). Throws an Error saying what was
   * expected when camera mode is not running, a recording already is, or the browser cannot record a canvas.
   */
  startRecording(): void {
    this.cameraMode.startRecording();
  }

  /**
   * Camera mode: ends the recording and resolves with the clip: a WebM where the browser records WebM (Chromium,
   * Firefox), else an MP4 (where WebM is not offered, as in WebKitGTK here). Rejects with an Error saying what was expected when none is recording, or when
   * the browser's encoder gave an empty clip.
   */
  stopRecording(): Promise<Blob> {
    return this.cameraMode.stopRecording();
  }

  /** Shows a new random face (a random `seed`; clears `latent`). */
  randomize(): void {
    this.latent = null;
    this.seed = Math.floor(Math.random() * 0x100000000);
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (FACE_PROPS.some((p) => changed.has(p))) {
      this.face.request();
      this.cameraMode.invalidateFaces();
    }
    this.cameraMode.attributesChanged(changed);
    // Through the CSSOM, not a style attribute, which a strict Content-Security-Policy (style-src 'self') blocks.
    this.progressBar?.style.setProperty('width', `${(this.face.progress * 100).toFixed(1)}%`);
  }

  protected override render() {
    const { hasFace, progress } = this.face;
    return html` <div class="base" part="base">
      <canvas part="canvas"></canvas>
      <div class="camera ${this.cameraMode.on ? 'on' : ''}"></div>
      ${
        hasFace || this.cameraMode.on
          ? nothing
          : html` <div
              class="placeholder"
              part="placeholder"
              role="progressbar"
              aria-label="Loading face"
              aria-valuemin="0"
              aria-valuemax="100"
              aria-valuenow=${Math.round(progress * 100)}
            >
              <div class="progress"><div class="bar"></div></div>
            </div>`
      }
    </div>`;
  }
}
