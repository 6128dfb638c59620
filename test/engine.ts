/**
 * The browser engine a test page runs in, what it offers, and skips that say why. A test that cannot run in an
 * engine calls `requires(this, ok, reason)`: it is then reported as skipped, and the reason is logged with the
 * engine's name (web-test-runner prints browser logs under the file), never skipped silently.
 */

export type Engine = 'chromium' | 'firefox' | 'webkit';

function engineOf(ua: string): Engine {
  if (/\bFirefox\//.test(ua)) return 'firefox';
  if (/\b(Chrome|Chromium|HeadlessChrome)\//.test(ua)) return 'chromium';
  return 'webkit';
}

export const ENGINE: Engine = engineOf(navigator.userAgent);

/** Whether a WebGPU adapter can be had here (not only whether `navigator.gpu` exists). */
export async function hasWebGPU(): Promise<boolean> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) != null;
  } catch {
    return false;
  }
}

function hasContext(kind: 'webgl' | 'webgl2'): boolean {
  const c = document.createElement('canvas');
  const gl = c.getContext(kind) as WebGLRenderingContext | null;
  gl?.getExtension('WEBGL_lose_context')?.loseContext();
  return gl != null;
}

export const hasWebGL2 = (): boolean => hasContext('webgl2');
export const hasWebGL = (): boolean => hasContext('webgl');

/** Skips the running test (or, from a hook, its suite) unless `ok`, logging why with the engine's name. */
export function requires(ctx: Mocha.Context, ok: boolean, reason: string): void {
  if (ok) return;
  const title = ctx.currentTest?.fullTitle() ?? ctx.test?.fullTitle() ?? '(suite)';
  console.log(`skipped in ${ENGINE}: "${title}": ${reason}`);
  ctx.skip();
}

/** For tests that need Chromium itself: its command-line fake camera, its CDP-only APIs or its flags. */
export function requiresChromium(ctx: Mocha.Context, what: string): void {
  requires(ctx, ENGINE === 'chromium', `needs ${what}, which only Chromium offers here`);
}
