/**
 * Where the package's runtime files are served from: the asset base. Below it the layout is the package's own:
 * models/<style>/, models/mediapipe/, dist/wasm/ (tfjs) and dist/mediapipe/wasm/ (tasks-vision).
 *
 * By default the base is the package folder, found from this module's URL: right for a static host and for
 * unbundled ES modules. A bundler moves this module and leaves the assets behind, so an app that bundles the
 * package copies them once (`npx blaze-face-assets public/blaze-face`) and sets the base to where they are served.
 * No DOM: usable from a worker.
 */
import { BUNDLED_STYLES } from './defaults.js';

// The build rewrites this for each output file's depth below the package root (rollup.config.mjs). A variable,
// not a literal, so that bundlers do not try to resolve the folder as an asset of their own.
const ROOT_FROM_HERE = '../../';
// Bundlers read `new URL(x, import.meta.url)` as a reference to a file of their own: keep the two apart.
const MODULE_URL = import.meta.url;
const PACKAGE_ROOT = new URL(ROOT_FROM_HERE, MODULE_URL).href;

let base: string | null = null;

/** The page's or worker's URL, for resolving a relative base. */
function here(): string {
  return (
    (globalThis as { document?: { baseURI: string } }).document?.baseURI ??
    (globalThis as { location?: { href: string } }).location?.href ??
    PACKAGE_ROOT
  );
}

/**
 * Sets where the assets are served from (a URL, absolute or relative to the page), for every element and
 * generator created after. `null` restores the default, the package folder.
 */
export function setAssetBase(url: string | null): void {
  if (url === null) {
    base = null;
    return;
  }
  base = baseOrDefault(url);
}

/** The asset base in use: absolute, ending in '/'. */
export function assetBase(): string {
  return base ?? PACKAGE_ROOT;
}

/** Resolves a base given as an option (absolute, or relative to the page), or the one set, or the default. */
export function baseOrDefault(url?: string): string {
  if (url === undefined) return assetBase();
  if (typeof url !== 'string' || url === '')
    throw new TypeError(`assetBase: expected a URL, got ${JSON.stringify(url)}`);
  return new URL(url.endsWith('/') ? url : `${url}/`, here()).href;
}

/** Where the package's files are below a base: functions, so that a base set late still applies to later loads. */
export const assets = {
  models: (base = assetBase()) => new URL('models/', base).href,
  tfjsWasm: (base = assetBase()) => new URL('dist/wasm/', base).href,
  faceDetector: (base = assetBase()) => new URL('models/mediapipe/face_detector.tflite', base).href,
  faceLandmarker: (base = assetBase()) => new URL('models/mediapipe/face_landmarker.task', base).href,
  mediapipeWasm: (base = assetBase()) => new URL('dist/mediapipe/wasm/', base).href,
};

/** A bundled style name -> its model.json URL; anything else is taken as a URL (relative to the page). */
export function resolveStyle(style: string, base = assetBase()): string {
  if ((BUNDLED_STYLES as readonly string[]).includes(style))
    return new URL(`${style}/model.json`, assets.models(base)).href;
  return new URL(style, here()).href;
}

/**
 * A bundled style that cannot be fetched is most often an asset base that does not point at the package's files
 * (a bundled app that did not copy them, or did not say where): the message then says where they were looked for.
 */
export function withAssetHint(message: string, url: string, base = assetBase()): string {
  if (!url.startsWith(base) || !/expected HTTP 200|network error/.test(message)) return message;
  return (
    `${message} (the package's models and wasm are looked for under ${base}: an app that bundles blaze-face ` +
    "copies them with `npx blaze-face-assets <folder>` and sets assetBase to that folder's URL)"
  );
}

/** A bare word that is not a bundled style is almost certainly a typo, not a relative URL. */
export function looksLikeStyleName(style: string): boolean {
  return /^[a-z][a-z0-9-]*$/i.test(style) && !style.includes('.');
}
