/** The front camera as a playing <video>, and errors sorted into what the user can act on. */

export type CameraErrorType = 'camera-denied' | 'camera-unavailable';

export class CameraError extends Error {
  override name = 'CameraError';
  constructor(
    readonly type: CameraErrorType,
    message: string,
  ) {
    super(message);
  }
}

export interface CameraRequest {
  width: number;
  height: number;
}

/**
 * Why this page can have no camera at all, or null. Browsers give getUserMedia only to secure contexts: a page
 * tried over http at a LAN address (a phone on the same network) has no navigator.mediaDevices.
 */
export function cameraUnavailableReason(): string | null {
  const secure = globalThis.isSecureContext !== false;
  if (secure && typeof globalThis.navigator?.mediaDevices?.getUserMedia === 'function') return null;
  const origin = globalThis.location?.origin ?? 'unknown';
  return secure
    ? `camera: expected navigator.mediaDevices.getUserMedia, got none (camera mode needs a secure context: https, or http://localhost; this page's origin is ${origin})`
    : `camera: camera mode needs a secure context (https, or http://localhost); this page's origin, ${origin}, is not one (faces without the camera still work)`;
}

/** Opens the front camera (asks for permission); resolves once frames arrive. Throws CameraError. */
export async function openFrontCamera(req: CameraRequest): Promise<{ stream: MediaStream; video: HTMLVideoElement }> {
  const unavailable = cameraUnavailableReason();
  if (unavailable) throw new CameraError('camera-unavailable', unavailable);
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: 'user', width: { ideal: req.width }, height: { ideal: req.height } },
    });
  } catch (e) {
    const name = (e as DOMException)?.name ?? '';
    const message = (e as Error)?.message ?? String(e);
    if (name === 'NotAllowedError' || name === 'SecurityError') {
      throw new CameraError('camera-denied', `camera: permission denied (${name}: ${message})`);
    }
    throw new CameraError('camera-unavailable', `camera: no usable camera (${name || 'error'}: ${message})`);
  }
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  try {
    await video.play();
  } catch (e) {
    stopStream(stream);
    throw new CameraError('camera-unavailable', `camera: the stream would not play (${(e as Error).message})`);
  }
  return { stream, video };
}

export function stopStream(stream: MediaStream): void {
  for (const t of stream.getTracks()) t.stop();
}
