// The element under a strict Content-Security-Policy, as a site that allows no inline script or style would serve
// it: `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'` (web-test-runner.config.mjs
// sends it as a header with test/pages/csp.html). A face, a progress bar and camera mode must run there without
// one securitypolicyviolation event.
import { expect } from '@esm-bundle/chai';
import type { BlazeFaceElement } from '../dist/blaze-face.js';
import { hasWebGL2, requires } from './engine.js';
import { next } from './helpers.js';

interface Violation {
  directive: string;
  blockedURI: string;
  sample: string;
  source: string;
}
type CspWindow = Window & { cspViolations: Violation[] };

const PAGE = new URL('./pages/csp.html', import.meta.url).href;

describe('a strict Content-Security-Policy', function () {
  this.timeout(240000);
  let frame: HTMLIFrameElement;
  let win: CspWindow;

  beforeEach(async () => {
    frame = document.createElement('iframe');
    frame.allow = 'camera';
    frame.style.width = '640px';
    frame.style.height = '600px';
    const loaded = new Promise((r) => frame.addEventListener('load', r, { once: true }));
    frame.src = PAGE;
    document.body.append(frame);
    await loaded;
    win = frame.contentWindow as CspWindow;
    await win.customElements.whenDefined('blaze-face');
  });
  afterEach(() => frame.remove());

  it('is sent with the page, and a violation would be seen', async () => {
    const res = await fetch(PAGE);
    expect(res.headers.get('content-security-policy')).to.equal(
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'",
    );
    // The listener works: an inline style attribute is reported (and blocked).
    const seen = new Promise((resolve, reject) => {
      win.document.addEventListener('securitypolicyviolation', resolve, { once: true });
      setTimeout(() => reject(new Error('no securitypolicyviolation for an inline style within 10 s')), 10000);
    });
    const probe = win.document.createElement('div');
    probe.setAttribute('style', 'width: 10px');
    win.document.body.append(probe);
    await seen;
    expect(win.cspViolations.map((v) => v.directive)).to.include('style-src-attr');
    probe.remove();
  });

  it('draws a face with its progress bar, and opens camera mode, with no violation', async function () {
    const el = win.document.createElement('blaze-face') as BlazeFaceElement;
    el.setAttribute('seed', '11');
    const progressed = next(el, 'blaze-face-progress', 120000, 'the progress bar to move');
    const loaded = next(el, 'blaze-face-load', 120000, 'a face under the CSP');
    win.document.body.append(el);
    await progressed;
    await el.updateComplete; // the bar's width drawn
    const load = await loaded;
    expect(load.detail.resolution).to.equal(256);
    expect(win.cspViolations, 'violations with the face').to.deep.equal([]);

    requires(this, hasWebGL2(), 'camera mode needs WebGL2 for MediaPipe');
    el.camera = true;
    const track = await next(el, 'blaze-face-track', 180000, 'camera mode under the CSP');
    expect(track.detail.tracking).to.equal('mesh');
    await next(el, 'blaze-face-track'); // a few frames composited
    expect(win.cspViolations, 'violations with the camera').to.deep.equal([]);
    el.camera = false;
    el.remove();
  });
});
