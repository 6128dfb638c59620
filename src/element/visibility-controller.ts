/**
 * `loading="lazy"`: whether the element is near the viewport (an IntersectionObserver, observing while the element
 * is connected), and a call back when a deferred element comes near it.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LoadingMode } from '../core/defaults.js';

/** How near the viewport a lazy element starts loading: early enough that its face is usually ready on arrival. */
const ROOT_MARGIN = '200px';

export class VisibilityController implements ReactiveController {
  private observer: IntersectionObserver | null = null;
  /** As last reported by the observer (kept while disconnected: the next observer reports again). */
  private near = false;
  private deferred = false;

  /** `onNear` runs when the element comes near the viewport after `defer()` held something off. */
  constructor(
    private readonly host: ReactiveControllerHost & Element,
    private readonly onNear: () => void,
  ) {
    host.addController(this);
  }

  /** True when work should wait: `lazy` and not near the viewport. `onNear` then runs once it comes near. */
  defer(loading: LoadingMode): boolean {
    this.deferred = loading === 'lazy' && !this.near;
    return this.deferred;
  }

  hostConnected(): void {
    this.observer = new IntersectionObserver(
      (entries) => {
        this.near = entries.some((e) => e.isIntersecting);
        if (this.near && this.deferred) {
          this.deferred = false;
          this.onNear();
        }
      },
      { rootMargin: ROOT_MARGIN },
    );
    this.observer.observe(this.host);
  }

  hostDisconnected(): void {
    this.observer?.disconnect();
    this.observer = null;
  }
}
