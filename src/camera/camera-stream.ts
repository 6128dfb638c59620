/** The front camera as a playing <video>, and errors sorted into what the user can act on. */

export type CameraErrorType = 'camera-denied' | 'camera-unavailable';

export class CameraError extends Error {
  override name = 'CameraError';
  constructor(readonly type: CameraErrorType, message: string) {
    super(message);
  }
}

export interface CameraRequest {
  width: number;
  height: number;
}

/** Opens the front camera (asks for permission); resolves once frames arrive. Throws CameraError. */
export async function openFrontCamera(req: CameraRequest): Promise<{ stream: MediaStream; video: HTMLVideoElement }> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new CameraError('camera-unavailable', 'camera: expected navigator.mediaDevices (a secure context: https or localhost), got none');
  }
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
