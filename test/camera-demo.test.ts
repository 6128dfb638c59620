// The demo on a phone: at 390 x 844 (an iframe of that size, so the demo's own media queries apply) with the
// camera on, nothing runs past the right edge: the page does not scroll sideways, and every element, the camera
// view and its controls included, ends inside the viewport. Default group: each engine's own fake camera.
import { expect } from '@esm-bundle/chai';
import { ENGINE } from './engine.js';
import { waitFor, within } from './wait.js';

const PHONE = [390, 844] as const;

describe(`the demo at ${PHONE[0]} x ${PHONE[1]} in ${ENGINE}`, function () {
  this.timeout(300000);
  let frame: HTMLIFrameElement | null = null;
  afterEach(() => {
    frame?.remove(); // the demo's element leaves with its page: the camera stops
    frame = null;
  });

  it('fits the viewport with the camera on: no sideways overflow', async () => {
    frame = document.createElement('iframe');
    frame.width = String(PHONE[0]);
    frame.height = String(PHONE[1]);
    frame.style.border = '0';
    frame.allow = 'camera';
    frame.src = new URL('../demo/index.html', import.meta.url).href;
    const loaded = new Promise((r) => frame!.addEventListener('load', r, { once: true }));
    document.body.append(frame);
    await within(loaded, 60000, 'the demo page to load');
    const doc = frame.contentDocument!;
    const face = doc.getElementById('face')!;
    const tracked = new Promise((resolve, reject) => {
      face.addEventListener('blaze-face-track', resolve, { once: true });
      face.addEventListener('blaze-face-error', (e) => reject(new Error(JSON.stringify((e as CustomEvent).detail))));
    });
    const camera = doc.getElementById('camera') as HTMLInputElement;
    camera.click();
    expect(camera.checked).to.equal(true);
    await within(tracked, 240000, 'the demo camera to report a frame');
    const view = () => face.shadowRoot?.querySelector('[part=camera]');
    await waitFor(() => view() != null, 'the camera view in the demo');
    const width = doc.documentElement.clientWidth;
    expect(width).to.equal(PHONE[0]);
    const over = [...doc.body.querySelectorAll('*'), view()!]
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && r.right > width + 0.5)
      .map(({ el, r }) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} to ${r.right.toFixed(0)}`);
    console.log(`${ENGINE}: demo at ${width} px with the camera on; past the edge: ${over.join(', ') || 'nothing'}`);
    expect(over).to.deep.equal([]);
    expect(doc.documentElement.scrollWidth).to.be.at.most(width);
    // The view itself is on screen, at a usable size.
    const r = view()!.getBoundingClientRect();
    expect(r.width).to.be.above(200);
  });
});
