import { seedToZ } from '../dist/blaze-face.js';

const $ = (id) => document.getElementById(id);
const face = $('face');

function log(text) {
  const li = document.createElement('li');
  li.textContent = text;
  $('log').prepend(li);
  while ($('log').children.length > 30) $('log').lastChild.remove();
}

face.addEventListener('blaze-face-load', (e) => {
  $('backend').textContent = `${e.detail.backend}, ${e.detail.resolution} px`;
  log(`load: ${e.detail.style} on ${e.detail.backend} in ${e.detail.loadMs.toFixed(0)} ms`);
});
face.addEventListener('blaze-face-render', (e) => {
  $('timing').textContent = `${e.detail.ms.toFixed(1)} ms / face, ${e.detail.draw} draw path`;
});
face.addEventListener('blaze-face-error', (e) => log(`error (${e.detail.type}): ${e.detail.message}`));

function snippet() {
  const attrs = [
    'seed',
    'truncation',
    'face-style',
    'mix-seed',
    'mix-layer',
    'camera',
    'tracking',
    'max-faces',
    'mirror',
    'blend-opacity',
    'blend-feather',
    'blend-lighting',
    'likeness',
  ]
    .filter((a) => face.hasAttribute(a))
    .map((a) => (face.getAttribute(a) === '' ? a : `${a}="${face.getAttribute(a)}"`));
  $('snippet').textContent =
    `<script type="module" src="blaze-face/dist/blaze-face.js"></script>\n<blaze-face ${attrs.join(' ')}></blaze-face>`;
}

function bindRange(id, attr, format = (v) => v) {
  $(id).addEventListener('input', () => {
    face.setAttribute(attr, $(id).value);
    $(`${id.replace('-', '')}-out`).textContent = format($(id).value);
    snippet();
  });
}
bindRange('seed', 'seed');
bindRange('truncation', 'truncation', (v) => Number(v).toFixed(2));
bindRange('mix-seed', 'mix-seed');
bindRange('mix-layer', 'mix-layer');
bindRange('opacity', 'blend-opacity', (v) => Number(v).toFixed(2));
bindRange('feather', 'blend-feather', (v) => Number(v).toFixed(2));
bindRange('lighting', 'blend-lighting', (v) => Number(v).toFixed(2));

// Camera mode: the element does the work; the page only shows what blaze-face-track reports.
const cameraControls = ['max-faces', 'mirror', 'tracking', 'likeness', 'record', 'opacity', 'feather', 'lighting'];
$('camera').addEventListener('change', () => {
  const on = $('camera').checked;
  face.toggleAttribute('camera', on);
  for (const id of cameraControls) $(id).disabled = !on;
  $('camera-status').hidden = !on;
  $('record').textContent = 'Record'; // turning the camera off ends a recording
  snippet();
});
$('max-faces').addEventListener('change', () => {
  face.setAttribute('max-faces', $('max-faces').value);
  snippet();
});
// Likeness: each face wears its own skin tone, hair colour and width, measured once; the page shows what was measured.
$('likeness').addEventListener('change', () => {
  face.toggleAttribute('likeness', $('likeness').checked);
  $('likeness-status').hidden = true;
  snippet();
});
face.addEventListener('blaze-face-likeness', (e) => {
  const { id, skinTone, hairColor, faceWidth } = e.detail;
  const status = $('likeness-status');
  status.hidden = false;
  status.textContent = `face ${id}: skin ${skinTone} · hair ${hairColor ?? 'not seen'} · width ${faceWidth.toFixed(2)}`;
});
$('tracking').addEventListener('change', () => {
  face.setAttribute('tracking', $('tracking').value);
  snippet();
});
$('record').addEventListener('click', async () => {
  if ($('record').textContent === 'Record') {
    try {
      face.startRecording();
      $('record').textContent = 'Stop';
    } catch (e) {
      log(`record: ${e.message}`);
    }
    return;
  }
  $('record').textContent = 'Record';
  const clip = await face.stopRecording();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(clip);
  a.download = `blaze-face.${clip.type === 'video/mp4' ? 'mp4' : 'webm'}`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
});
$('mirror').addEventListener('change', () => {
  if ($('mirror').checked) face.removeAttribute('mirror');
  else face.setAttribute('mirror', 'false');
  snippet();
});
let lastTrackShown = 0;
face.addEventListener('blaze-face-track', (e) => {
  const now = performance.now();
  // A readable readout, not a flicker; from frames face tracking read (a predicted one has no detect time).
  if (now - lastTrackShown < 250 || e.detail.predicted) return;
  lastTrackShown = now;
  const n = e.detail.faces.length;
  $('faces').textContent = `${n} face${n === 1 ? '' : 's'}`;
  $('camera-fps').textContent = `${e.detail.fps.toFixed(1)} fps`;
  $('camera-ms').textContent =
    `${e.detail.tracking}: detect ${e.detail.detectMs.toFixed(1)} ms, composite ${e.detail.compositeMs.toFixed(1)} ms`;
  const f = e.detail.faces[0];
  $('expression').hidden = !f?.pose;
  if (f?.pose) {
    const { yaw, pitch, roll } = f.pose;
    $('expression').textContent =
      `yaw ${yaw.toFixed(0)}°, pitch ${pitch.toFixed(0)}°, roll ${roll.toFixed(0)}° · mouth ${(100 * f.mouthOpen).toFixed(0)} % · eyes ${f.eyesOpen.map((v) => `${(100 * v).toFixed(0)} %`).join(' / ')}`;
  }
});
face.addEventListener('blaze-face-error', (e) => {
  if (!e.detail.type.startsWith('camera') && e.detail.type !== 'face-model-load') return;
  // A landmark model that cannot load is worked around: camera mode goes on with box tracking.
  if (e.detail.message.includes('tracking="box"')) {
    $('tracking').value = 'box';
    return;
  }
  $('camera').checked = false; // the element shows the face again; ticking the box retries
  face.removeAttribute('camera');
  for (const id of cameraControls) $(id).disabled = true;
  $('camera-status').hidden = true;
  $('record').textContent = 'Record';
});

$('mix').addEventListener('change', () => {
  const on = $('mix').checked;
  $('mix-seed').disabled = $('mix-layer').disabled = !on;
  if (on) {
    face.setAttribute('mix-seed', $('mix-seed').value);
    face.setAttribute('mix-layer', $('mix-layer').value);
  } else {
    face.removeAttribute('mix-seed');
    face.removeAttribute('mix-layer');
  }
  snippet();
});
$('style').addEventListener('change', () => {
  face.setAttribute('face-style', $('style').value);
  snippet();
});
$('randomize').addEventListener('click', () => {
  face.randomize();
  $('seed').value = String(face.seed % 10000);
  $('seed-out').textContent = String(face.seed);
  snippet();
});
$('copy').addEventListener('click', () => navigator.clipboard?.writeText($('snippet').textContent));

// Animate: walk the latent space along a great circle between random seeds, one new face per drawn frame,
// so the frame rate shown is what this device sustains. Where the user asks for reduced motion it shows a new
// face every few seconds instead, with no morph between them.
const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)');
const CALM_STEP_MS = 3000;
let animating = false;
async function animate() {
  const zDim = 64;
  let a = seedToZ(Math.floor(Math.random() * 1e6), zDim);
  let b = seedToZ(Math.floor(Math.random() * 1e6), zDim);
  let t = 0;
  let frames = 0;
  let since = performance.now();
  while (animating) {
    const theta = (t * Math.PI) / 2;
    const z = a.map((v, i) => v * Math.cos(theta) + b[i] * Math.sin(theta));
    const drawn = new Promise((r) => face.addEventListener('blaze-face-render', r, { once: true }));
    face.setAttribute('latent', Array.from(z, (v) => v.toFixed(4)).join(','));
    await drawn;
    const calm = reducedMotion.matches;
    await new Promise((r) => (calm ? setTimeout(r, CALM_STEP_MS) : requestAnimationFrame(r)));
    frames++;
    const now = performance.now();
    if (now - since > 1000) {
      $('fps').textContent = `${((frames * 1000) / (now - since)).toFixed(1)} faces/s`;
      frames = 0;
      since = now;
    }
    t += reducedMotion.matches ? 1 : 0.02;
    if (t >= 1) {
      t = 0;
      a = b;
      b = seedToZ(Math.floor(Math.random() * 1e6), zDim);
    }
  }
  face.removeAttribute('latent');
  $('fps').textContent = '';
}
$('animate').addEventListener('change', () => {
  animating = $('animate').checked;
  if (animating) animate();
});

snippet();
