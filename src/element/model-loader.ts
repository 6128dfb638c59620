/**
 * The element's model: the page's backend and a shared model (src/core/model-registry.ts) for the latest style
 * asked for. One promise per load, which the face and the camera both wait on: the latest load wins, a newer one
 * supersedes it, and a failed one rejects with ModelLoadFailure. Holds one registry reference, to the latest model
 * that loaded, and gives it back a moment after the host leaves the DOM.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { DEFAULTS, type BackendName, type BackendPreference } from '../core/defaults.js';
import { configureWasm, ensureBackend, type BackendChoice } from '../core/backend.js';
import { acquireModel, releaseModel } from '../core/model-registry.js';
import type { Generator } from '../core/generator.js';
import { assets, withAssetHint } from '../core/assets.js';
import type { BlazeFaceErrorType } from './events.js';

/** A model ready to generate, on the page's backend. */
export interface ReadyModel {
  generator: Generator;
  backend: BackendName;
  /** Why the page's backend was chosen (see ensureBackend). */
  backendReason: string;
  /** When its bytes began to load (the backend ready); null when the element held this model already. */
  loadStart: number | null;
}

/** One model load: the face and the camera wait on the same `ready`. */
export interface ModelLoad {
  readonly url: string;
  readonly backend: BackendPreference;
  /** Rejects with ModelLoadFailure, or with SupersededLoad when a newer load began before it settled. */
  readonly ready: Promise<ReadyModel>;
}

/** A failed model load, with the error type the element reports for it. */
export class ModelLoadFailure extends Error {
  override name = 'ModelLoadFailure';
  constructor(
    readonly type: Extract<BlazeFaceErrorType, 'backend-unavailable' | 'model-load'>,
    message: string,
  ) {
    super(message);
  }
}

/** A newer load replaced this one before it settled: nothing is reported for it. */
export class SupersededLoad extends Error {
  override name = 'SupersededLoad';
}

export interface ModelLoaderEvents {
  /** Fraction of the latest load's bytes received. */
  progress(fraction: number): void;
  /** Another model was adopted (a `face-style` switch): faces made with the old one are remade. */
  adopted(generator: Generator): void;
}

interface Load {
  url: string;
  backend: BackendPreference;
  ready: Promise<ReadyModel>;
  failed: boolean;
}

export class ModelLoader implements ReactiveController {
  /** The latest load (in flight, done or failed). */
  private current: Load | null = null;
  /** The model this element holds a registry reference to: the latest load that succeeded. */
  private held: { url: string; generator: Generator } | null = null;
  /** For latest() called before any load has begun. */
  private begun: { promise: Promise<Load>; resolve(load: Load): void } | null = null;
  private releaseTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    host: ReactiveControllerHost,
    private readonly events: ModelLoaderEvents,
  ) {
    host.addController(this);
  }

  /** The generator of the model held now (the latest that loaded), else null. */
  get generator(): Generator | null {
    return this.held?.generator ?? null;
  }

  hostConnected(): void {
    if (this.releaseTimer !== null) {
      clearTimeout(this.releaseTimer); // moved in the DOM: keep the model
      this.releaseTimer = null;
    }
  }

  hostDisconnected(): void {
    // GPU teardown waits a moment, so that moving the element in the DOM does not reload the model.
    this.releaseTimer = setTimeout(() => {
      this.releaseTimer = null;
      if (this.held) releaseModel(this.held.url);
      this.held = null;
      this.current = null; // a load still in flight is superseded: it releases what it gets
    }, DEFAULTS.releaseDelayMs);
  }

  /** The latest load if it is for the same model and has not failed; else a new load, which supersedes it. */
  load(url: string, backend: BackendPreference): ModelLoad {
    const latest = this.current;
    if (latest && !latest.failed && latest.url === url && latest.backend === backend) return latest;
    const load = { url, backend, failed: false } as Load;
    load.ready = this.run(load); // runs to its first await only: `current` is set below before it goes on
    load.ready.catch(() => {
      load.failed = true;
    });
    this.current = load;
    this.begun?.resolve(load);
    this.begun = null;
    return load;
  }

  /**
   * The model of the latest load, once loaded. Rejects with ModelLoadFailure when that load fails. A newer load
   * begun meanwhile supersedes it, and this waits on that one instead. Before any load has begun (the first request
   * has not run yet, a lazy element is out of view, or the attributes are invalid) it waits for the first.
   */
  async latest(): Promise<ReadyModel> {
    for (;;) {
      const load = this.current ?? (await this.nextLoad());
      try {
        const ready = await load.ready;
        if (load === this.current) return ready;
      } catch (e) {
        if (load === this.current) throw e;
      }
    }
  }

  /** The backend, then the model (reused if this element holds it already); adopted if still the latest load. */
  private async run(load: Load): Promise<ReadyModel> {
    let backend: BackendChoice;
    try {
      configureWasm(assets.tfjsWasm()); // the asset base may have been set after this module loaded
      backend = await ensureBackend(load.backend);
    } catch (e) {
      throw new ModelLoadFailure('backend-unavailable', (e as Error).message);
    }
    if (this.current !== load) throw new SupersededLoad();
    const chosen = { backend: backend.name, backendReason: backend.reason };
    // The model shown already (only the backend attribute changed): nothing new to load or announce.
    if (this.held?.url === load.url) return { generator: this.held.generator, ...chosen, loadStart: null };
    const loadStart = performance.now();
    let generator: Generator;
    try {
      generator = await acquireModel(load.url, (fraction) => {
        if (this.current === load) this.events.progress(fraction);
      });
    } catch (e) {
      throw new ModelLoadFailure('model-load', withAssetHint((e as Error).message, load.url));
    }
    if (this.current !== load) {
      releaseModel(load.url); // a newer load won: drop what this one got
      throw new SupersededLoad();
    }
    if (this.held) releaseModel(this.held.url);
    this.held = { url: load.url, generator };
    this.events.adopted(generator);
    return { generator, ...chosen, loadStart };
  }

  private nextLoad(): Promise<Load> {
    if (!this.begun) {
      let resolve!: (load: Load) => void;
      const promise = new Promise<Load>((r) => (resolve = r));
      this.begun = { promise, resolve };
    }
    return this.begun.promise;
  }
}
