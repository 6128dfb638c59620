/**
 * What screen readers get: the host is an image (`role="img"`) named by `alt`, or by a default that says what is
 * shown ("Generated toon face"); in camera mode the name says it is the live camera view. `alt=""` marks the face
 * decorative (`role="presentation"`, no name). While the first face loads a named host is `aria-busy`.
 *
 * The ARIA attributes are set on the host, where every engine and audit tool sees them. One that the page set
 * itself (a value other than the last one written here) is the page's, and is left alone.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { BUNDLED_STYLES } from '../core/defaults.js';

export interface LabelHost extends ReactiveControllerHost, HTMLElement {
  alt: string | null;
  faceStyle: string;
}

export interface LabelState {
  /** The camera view is up. */
  cameraOn: boolean;
  /** Nothing is shown yet: no face drawn, no camera view. */
  loading: boolean;
}

/** The default `alt` for a `face-style`: its name when it is a bundled style, else no name at all. */
export function defaultAlt(faceStyle: string): string {
  return (BUNDLED_STYLES as readonly string[]).includes(faceStyle) ? `Generated ${faceStyle} face` : 'Generated face';
}

/** The host's accessible name: `alt` (or its default), prefixed in camera mode; '' when `alt=""` (decorative). */
export function accessibleName(alt: string | null, faceStyle: string, cameraOn: boolean): string {
  const face = alt ?? defaultAlt(faceStyle);
  if (face.trim() === '') return '';
  return cameraOn ? `Live camera view: ${face}` : face;
}

export class LabelController implements ReactiveController {
  /** The value this controller last wrote to each attribute (null: removed, or never written). */
  private written = new Map<string, string | null>();

  constructor(
    private readonly host: LabelHost,
    private readonly state: () => LabelState,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    const h = this.host;
    const { cameraOn, loading } = this.state();
    const name = accessibleName(h.alt, h.faceStyle, cameraOn);
    this.set('role', name === '' ? 'presentation' : 'img');
    this.set('aria-label', name === '' ? null : name);
    // A decorative face has no state to announce (and ARIA states would contradict role="presentation").
    this.set('aria-busy', loading && name !== '' ? 'true' : null);
  }

  /** Writes an attribute unless the page has set it to a value of its own. */
  private set(attr: string, value: string | null): void {
    const current = this.host.getAttribute(attr);
    const mine = this.written.has(attr) ? this.written.get(attr)! : null;
    if (current !== null && current !== mine) return; // the page's own
    this.written.set(attr, value);
    if (value === null) this.host.removeAttribute(attr);
    else if (current !== value) this.host.setAttribute(attr, value);
  }
}
