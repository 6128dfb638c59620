// What a screen reader gets from <blaze-face>, and what axe-core finds on the element's page and the demo: the host
// is an image named by `alt` (or by a default naming the style), camera mode says it is the camera view, a
// decorative face (alt="") is no image at all, and motion stops where the user asked for less. The accessibility
// tree itself is read through the browser's own (CDP) snapshot where the launcher offers one (Chromium here).
import { expect } from '@esm-bundle/chai';
import { a11ySnapshot, emulateMedia } from '@web/test-runner-commands';
import '../dist/blaze-face.js';
import { ENGINE, hasWebGL2, requires } from './engine.js';
import { cleanup, makeFace, next, waitFor } from './helpers.js';
import type { BlazeFaceElement } from '../dist/blaze-face.js';

interface AxeResult {
  violations: { id: string; impact: string; help: string; nodes: { target: unknown[] }[] }[];
  passes: { id: string }[];
}
interface Axe {
  run(context: Document | Element, options?: object): Promise<AxeResult>;
}
interface A11yNode {
  role: string;
  name?: string;
  children?: A11yNode[];
}

const AXE_URL = new URL('../node_modules/axe-core/axe.min.js', import.meta.url).href;

/** axe-core, loaded into `doc`'s window (a classic script: it defines the global `axe`). */
async function axeIn(doc: Document): Promise<Axe> {
  const win = doc.defaultView as Window & { axe?: Axe };
  if (!win.axe) {
    const script = doc.createElement('script');
    script.src = AXE_URL;
    const loaded = new Promise((resolve, reject) => {
      script.onload = resolve;
      script.onerror = () => reject(new Error(`axe-core: expected ${AXE_URL} to load, got an error`));
    });
    doc.head.append(script);
    await loaded;
  }
  return win.axe!;
}

/** The violations axe-core finds in `doc`, one line each, for a readable failure. */
async function violations(doc: Document): Promise<string[]> {
  const result = await (await axeIn(doc)).run(doc, { resultTypes: ['violations'] });
  return result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`,
  );
}

/** Depth-first search of an accessibility snapshot. */
function findNode(node: A11yNode | null, pred: (n: A11yNode) => boolean): A11yNode | null {
  if (!node) return null;
  if (pred(node)) return node;
  for (const c of node.children ?? []) {
    const hit = findNode(c, pred);
    if (hit) return hit;
  }
  return null;
}

/** The page's accessibility tree as the browser exposes it, or null where this launcher cannot read it. */
async function accessibilityTree(): Promise<A11yNode | null> {
  try {
    return (await a11ySnapshot({})) as unknown as A11yNode;
  } catch (e) {
    console.log(`accessibility tree not readable in ${ENGINE}: ${(e as Error).message}`);
    return null;
  }
}

/** A same-origin page in an iframe, once it has loaded. */
async function framePage(url: string): Promise<HTMLIFrameElement> {
  const frame = document.createElement('iframe');
  frame.style.width = '1000px';
  frame.style.height = '800px';
  frame.allow = 'camera';
  const loaded = new Promise((r) => frame.addEventListener('load', r, { once: true }));
  frame.src = url;
  document.body.append(frame);
  await loaded;
  return frame;
}

describe('accessibility', function () {
  this.timeout(180000);
  afterEach(async () => {
    document.querySelectorAll('iframe').forEach((f) => f.remove());
    await cleanup();
    await emulateMedia({ reducedMotion: 'no-preference' }).catch(() => {});
  });

  it('the host is an image named after its style, busy until the face is drawn', async () => {
    const el = makeFace({ seed: '3' });
    await el.updateComplete;
    expect(el.getAttribute('role')).to.equal('img');
    expect(el.getAttribute('aria-label')).to.equal('Generated toon face');
    expect(el.getAttribute('aria-busy')).to.equal('true');
    await next(el, 'blaze-face-load');
    await el.updateComplete;
    expect(el.hasAttribute('aria-busy'), 'aria-busy after the face is drawn').to.equal(false);
    el.setAttribute('face-style', 'sketch');
    await el.updateComplete;
    expect(el.getAttribute('aria-label')).to.equal('Generated sketch face');
    el.faceStyle = new URL('../models/toon/model.json', import.meta.url).href;
    await el.updateComplete;
    expect(el.getAttribute('aria-label')).to.equal('Generated face');
  });

  it('alt names the face; alt="" makes it decorative; ARIA set by the page stays', async () => {
    const el = makeFace({ alt: 'A smiling cartoon face with red hair' });
    await el.updateComplete;
    expect(el.getAttribute('aria-label')).to.equal('A smiling cartoon face with red hair');
    el.alt = '';
    await el.updateComplete;
    expect(el.getAttribute('role')).to.equal('presentation');
    expect(el.hasAttribute('aria-label')).to.equal(false);
    expect(el.hasAttribute('aria-busy')).to.equal(false);
    el.removeAttribute('alt');
    await el.updateComplete;
    expect([el.getAttribute('role'), el.getAttribute('aria-label')]).to.deep.equal(['img', 'Generated toon face']);

    const own = makeFace({ role: 'figure', 'aria-label': "The page's own name" });
    await own.updateComplete;
    expect([own.getAttribute('role'), own.getAttribute('aria-label')]).to.deep.equal(['figure', "The page's own name"]);
    own.setAttribute('seed', '9');
    await own.updateComplete;
    expect(own.getAttribute('aria-label')).to.equal("The page's own name");
  });

  it('the accessibility tree has an image with the accessible name', async function () {
    const el = makeFace({ seed: '5', alt: 'Generated toon face, seed 5' });
    await next(el, 'blaze-face-load');
    await el.updateComplete;
    const tree = await accessibilityTree();
    requires(this, tree !== null, 'its launcher offers no accessibility snapshot (web-test-runner: Chromium only)');
    // Chromium's snapshot calls the role "image"
    const img = findNode(tree, (n) => ['img', 'image'].includes(n.role) && n.name === 'Generated toon face, seed 5');
    expect(img, `an img named "Generated toon face, seed 5" in ${JSON.stringify(tree)}`).to.not.equal(null);
    el.alt = '';
    await el.updateComplete;
    const after = await accessibilityTree();
    expect(findNode(after, (n) => n.name === 'Generated toon face, seed 5')).to.equal(null);
  });

  it('camera mode names the live camera view', async function () {
    requires(this, hasWebGL2(), 'camera mode needs WebGL2 for MediaPipe');
    const el = makeFace({ seed: '2' });
    await next(el, 'blaze-face-load');
    el.camera = true;
    await next(el, 'blaze-face-track', 120000, 'camera mode on the fake camera');
    await el.updateComplete;
    expect(el.getAttribute('aria-label')).to.equal('Live camera view: Generated toon face');
    el.camera = false;
    await waitFor(() => el.getAttribute('aria-label') === 'Generated toon face', 'the name back to the face');
  });

  it('axe-core finds no violation on the element page: loaded, decorative, named and loading faces', async () => {
    const frame = await framePage(new URL('./pages/element.html', import.meta.url).href);
    const doc = frame.contentDocument!;
    await frame.contentWindow!.customElements.whenDefined('blaze-face');
    const loaded = doc.getElementById('loaded') as BlazeFaceElement;
    if (!loaded.resolution) await next(loaded, 'blaze-face-load', 120000, 'the element page');
    await loaded.updateComplete;
    const lazy = doc.getElementById('lazy') as BlazeFaceElement;
    expect(lazy.shadowRoot!.querySelector('[part=placeholder]'), 'the lazy face is still loading').to.not.equal(null);
    const names = [...doc.querySelectorAll('blaze-face')].map((e) => [
      e.getAttribute('role'),
      e.getAttribute('aria-label'),
    ]);
    expect(names).to.deep.equal([
      ['img', 'Generated toon face'],
      ['presentation', null],
      ['img', 'A cartoon face with short dark hair'],
      ['img', 'Generated toon face'],
    ]);
    expect(await violations(doc)).to.deep.equal([]);
  });

  it('axe-core finds no violation on the demo, and its face is named', async () => {
    const frame = await framePage(new URL('../demo/index.html', import.meta.url).href);
    const doc = frame.contentDocument!;
    const face = doc.querySelector('blaze-face') as BlazeFaceElement;
    if (!face.resolution) await next(face, 'blaze-face-load', 120000, 'the demo');
    await face.updateComplete;
    expect(face.getAttribute('role')).to.equal('img');
    expect(face.getAttribute('aria-label')).to.equal('Generated toon face');
    expect(await violations(doc)).to.deep.equal([]);
  });

  it('reduced motion: no placeholder animation, and the demo animates one calm step at a time', async function () {
    const placeholderAnimation = async () => {
      const el = makeFace({ loading: 'lazy' });
      el.style.marginTop = '3000px';
      await el.updateComplete;
      const p = el.shadowRoot!.querySelector('[part=placeholder]')!;
      const bar = el.shadowRoot!.querySelector('.bar')!;
      const r = [getComputedStyle(p).animationName, getComputedStyle(bar).transitionDuration];
      el.remove();
      return r;
    };
    await emulateMedia({ reducedMotion: 'reduce' }).catch(() => {});
    requires(
      this,
      matchMedia('(prefers-reduced-motion: reduce)').matches,
      'its launcher cannot emulate prefers-reduced-motion',
    );
    expect(await placeholderAnimation()).to.deep.equal(['none', '0s']);

    /** Faces the demo's Animate draws in the 2 s after its first. */
    const animatedFaces = async () => {
      const frame = await framePage(new URL('../demo/index.html', import.meta.url).href);
      const doc = frame.contentDocument!;
      const face = doc.querySelector('blaze-face') as BlazeFaceElement;
      if (!face.resolution) await next(face, 'blaze-face-load', 120000, 'the demo');
      let renders = 0;
      face.addEventListener('blaze-face-render', () => renders++);
      const first = next(face, 'blaze-face-render', 60000, 'the first animated face');
      (doc.getElementById('animate') as HTMLInputElement).click();
      await first;
      const base = renders;
      await new Promise((r) => setTimeout(r, 2000)); // an observation window: what is counted is the rate
      (doc.getElementById('animate') as HTMLInputElement).click();
      frame.remove();
      return renders - base;
    };
    expect(await animatedFaces(), 'faces in 2 s under reduced motion').to.equal(0);

    await emulateMedia({ reducedMotion: 'no-preference' });
    expect(await placeholderAnimation()).to.deep.equal(['breathe', '0.12s']);
    expect(await animatedFaces(), 'faces in 2 s with no motion preference').to.be.greaterThan(1);
  });
});
