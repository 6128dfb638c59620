/**
 * Records the composited camera view as a WebM (or, where the browser records only that, MP4) clip with
 * MediaRecorder: the canvas's own stream, so the clip shows exactly what is on screen, and nothing is read back
 * to script per frame.
 */

/** Preferred first; the first the browser can record is used. */
const TYPES = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm', 'video/mp4'];

export class RecordingError extends Error {
  override name = 'RecordingError';
}

export class CanvasRecorder {
  private recorder: MediaRecorder | null = null;
  private stream: MediaStream | null = null;
  private chunks: Blob[] = [];
  /** The type asked for in start(), for when the recorder reports none. */
  private mimeType = '';
  /** Set when the encoder failed on its own while recording. */
  private failure: string | null = null;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  get recording(): boolean {
    return this.recorder !== null;
  }

  /** Starts a clip; throws RecordingError if one is already running or the browser cannot record a canvas. */
  start(fps = 30): void {
    if (this.recorder)
      throw new RecordingError('startRecording: expected no recording in progress, got one already running');
    if (typeof MediaRecorder === 'undefined' || !this.canvas.captureStream) {
      throw new RecordingError('startRecording: this browser has no MediaRecorder for canvas streams');
    }
    const mimeType = TYPES.find((t) => MediaRecorder.isTypeSupported(t));
    if (!mimeType)
      throw new RecordingError(`startRecording: expected a browser that records one of ${TYPES.join(', ')}, got none`);
    const stream = this.canvas.captureStream(fps);
    const recorder = new MediaRecorder(stream, { mimeType });
    this.chunks = [];
    this.mimeType = mimeType;
    this.failure = null;
    recorder.ondataavailable = (e) => {
      if (e.data.size > 0) this.chunks.push(e.data);
    };
    recorder.onerror = (e) => {
      this.failure = String((e as Event & { error?: unknown }).error ?? 'an encoder error');
    };
    // Chunks every second, so a long clip does not sit in one growing buffer inside the encoder.
    recorder.start(1000);
    this.recorder = recorder;
    this.stream = stream;
  }

  /**
   * Ends the clip and resolves with it; rejects with RecordingError when none is running, or when the browser's
   * encoder gave nothing (an empty clip is a failure to say, not a file to hand over). The canvas track stops
   * only once the recorder has handed over its last data: stopping it first can leave the encoder nothing to flush.
   */
  stop(): Promise<Blob> {
    const recorder = this.recorder;
    const stream = this.stream;
    if (!recorder)
      return Promise.reject(new RecordingError('stopRecording: expected a recording in progress, got none'));
    this.recorder = null;
    this.stream = null;
    return new Promise((resolve, reject) => {
      const finish = () => {
        for (const t of stream?.getTracks() ?? []) t.stop();
        const type = (recorder.mimeType || this.mimeType).split(';')[0]!;
        const blob = new Blob(this.chunks, { type });
        this.chunks = [];
        if (blob.size > 0) resolve(blob);
        else
          reject(
            new RecordingError(
              `stopRecording: expected a ${type} clip, got 0 bytes from this browser's MediaRecorder (${this.failure ?? 'its encoder produced nothing'})`,
            ),
          );
      };
      // A recorder whose encoder failed has stopped already, and stop() would never fire onstop.
      if (recorder.state === 'inactive') {
        finish();
        return;
      }
      recorder.onstop = finish;
      recorder.stop();
    });
  }

  /** Stops recording and the canvas stream's track (the clip so far is dropped unless stop() was called). */
  release(): void {
    if (this.recorder && this.recorder.state !== 'inactive') this.recorder.stop();
    this.recorder = null;
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    this.stream = null;
  }
}
