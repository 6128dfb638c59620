// @ts-check
// The pictures the README and docs/ show, and the step of `npm run docs:pictures` (scripts/docs-pictures.mjs) that
// draws each. Data only, no side effects: test/node/docs-links.test.ts imports it to check that every picture
// shown is made by a step.

const CLIPS = ['one-face', 'three-faces', 'open-mouth'];
const PYTHON = process.env.PYTHON || 'python3'; // one with PyTorch (training/README.md)

/** @typedef {{ name: string, what: string, commands: string[][], pictures: string[] }} Step */
/** @type {Step[]} */
export const STEPS = [
  {
    name: 'demo',
    what: 'the demo on a desktop and a phone, and the phone in camera mode (scripts/screenshot.mjs)',
    commands: [['node', 'scripts/screenshot.mjs']],
    pictures: ['docs/demo.png', 'docs/demo-phone.png', 'docs/demo-camera-phone.png'],
  },
  {
    name: 'camera',
    what: 'captures of the composited camera view per clip and tracking (scripts/measure-camera.mjs, 30 frames)',
    commands: [['node', 'scripts/measure-camera.mjs', '30']],
    pictures: CLIPS.flatMap((c) => [`docs/camera-${c}-mesh.png`, `docs/camera-${c}-box.png`]),
  },
  {
    name: 'clip',
    what: 'a 4 s clip of the face lens, recorded by the element (scripts/lens-clip.mjs)',
    commands: [['node', 'scripts/lens-clip.mjs', '4']],
    pictures: ['docs/lens.webm'],
  },
  {
    name: 'likeness',
    what: 'the lens on a group photo without and with likeness (scripts/likeness-pictures.mjs)',
    commands: [['node', 'scripts/likeness-pictures.mjs']],
    pictures: ['docs/lens-likeness-off.png', 'docs/lens-likeness-on.png'],
  },
  {
    name: 'engines',
    what: 'the demo in each browser engine, and docs/engines.json (scripts/engines.mjs)',
    commands: [['node', 'scripts/engines.mjs']],
    pictures: ['chromium', 'firefox', 'webkit'].map((e) => `docs/engines/${e}.png`),
  },
  {
    name: 'styles',
    what: 'style mixing, truncation and (toon) the skin tone x hair colour grid for each shipped style (training/figures.py)',
    commands: ['toon', 'sketch'].map((s) => [
      PYTHON,
      '-m',
      'training.figures',
      '--model',
      `models/${s}`,
      '--out',
      'docs',
    ]),
    pictures: [
      ...['toon', 'sketch'].flatMap((s) => [`docs/${s}-mixing.png`, `docs/${s}-truncation.png`]),
      'docs/toon-controls.png',
    ],
  },
];

/** Every picture a step makes. */
export const PICTURES = STEPS.flatMap((s) => s.pictures);
